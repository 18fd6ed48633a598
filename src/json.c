/* json.c - one pass over a body before cJSON parses it. Pure.
 *
 * cJSON 1.7 lets through what JSON forbids and changes what it should not:
 * "abc\u0000evil" becomes "abc" (a raw NUL byte does the same), raw
 * control bytes and invalid UTF-8 are copied into strings the header
 * promises are UTF-8. And its tree takes far more memory than the body:
 * 64 bytes a value and a heap block a string, so 8 MiB of "[0,0,0,..."
 * would take over 300 MB. This pass finds the first string problem and
 * names its byte offset, and counts what the tree would hold, so that a
 * body is refused before any of it is built. */
#include "internal.h"

#include <string.h>

/* Hex digit value, or -1. */
static int hex(unsigned char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

/* The code unit of "\uXXXX" at p (n bytes available), or -1. */
long anth__json_u_escape(const unsigned char *p, size_t n) {
  if (n < 6 || p[0] != '\\' || p[1] != 'u')
    return -1;
  long v = 0;
  for (int i = 2; i < 6; i++) {
    int d = hex(p[i]);
    if (d < 0)
      return -1;
    v = v * 16 + d;
  }
  return v;
}

/* The length of the well-formed UTF-8 sequence at p (n > 0 bytes
 * available, p[0] >= 0x80), or 0: Table 3-7 of the Unicode Standard, which
 * rules out overlong forms, surrogates and code points past U+10FFFF. */
size_t anth__json_utf8_len(const unsigned char *p, size_t n) {
  unsigned char c = p[0], lo = 0x80, hi = 0xbf;
  size_t len;
  if (c >= 0xc2 && c <= 0xdf)
    len = 2;
  else if (c >= 0xe0 && c <= 0xef) {
    len = 3;
    if (c == 0xe0)
      lo = 0xa0; /* overlong below U+0800 */
    else if (c == 0xed)
      hi = 0x9f; /* U+D800..U+DFFF */
  } else if (c >= 0xf0 && c <= 0xf4) {
    len = 4;
    if (c == 0xf0)
      lo = 0x90; /* overlong below U+10000 */
    else if (c == 0xf4)
      hi = 0x8f; /* past U+10FFFF */
  } else
    return 0; /* a continuation byte, C0, C1, F5..FF */
  if (n < len || p[1] < lo || p[1] > hi)
    return 0;
  for (size_t i = 2; i < len; i++)
    if (p[i] < 0x80 || p[i] > 0xbf)
      return 0;
  return len;
}

/* The escape at p[0] == '\\' (n bytes available): its length, or 0 with
 * the reason in err. */
static size_t escape(const unsigned char *p, size_t n, size_t at, char *err,
                     size_t errlen) {
  if (n >= 2 && p[1] != '\0' && strchr("\"\\/bfnrt", p[1]) != NULL)
    return 2;
  long v = anth__json_u_escape(p, n);
  if (v < 0) {
    anth__errf(err, errlen, "body: invalid escape in a string at byte %zu", at);
    return 0;
  }
  if (v == 0) {
    /* cJSON would end the string here: "abc\u0000evil" reads "abc". */
    anth__errf(err, errlen, "body: \\u0000 (NUL) in a string at byte %zu", at);
    return 0;
  }
  if (v >= 0xd800 && v <= 0xdbff) {
    long low = anth__json_u_escape(p + 6, n - 6);
    if (low >= 0xdc00 && low <= 0xdfff)
      return 12;
  }
  if (v >= 0xd800 && v <= 0xdfff) {
    anth__errf(err, errlen,
               "body: unpaired UTF-16 surrogate \\u%.4s in a string at byte "
               "%zu",
               (const char *)p + 2, at);
    return 0;
  }
  return 6;
}

/* The length of the escape at p[0] == '\\' (n bytes available), or 0
 * where escape() below reports an error: the same checks, no message. */
size_t anth__json_escape_len(const unsigned char *p, size_t n) {
  if (n < 2)
    return 0;
  switch (p[1]) {
  case '"':
  case '\\':
  case '/':
  case 'b':
  case 'f':
  case 'n':
  case 'r':
  case 't':
    return 2;
  default:
    break;
  }
  long v = anth__json_u_escape(p, n);
  if (v <= 0)
    return 0;
  if (v >= 0xd800 && v <= 0xdbff) {
    long low = anth__json_u_escape(p + 6, n - 6);
    if (low >= 0xdc00 && low <= 0xdfff)
      return 12;
  }
  return v >= 0xd800 && v <= 0xdfff ? 0 : 6;
}

/* What a cJSON tree costs on a 64-bit heap: a node a value, a block a
 * string (key or value), each with the heap's header; the strings' bytes
 * are at most the body's. */
#define NODE_COST (sizeof(cJSON) + 2 * sizeof(size_t))
#define STRING_COST (4 * sizeof(size_t))

static size_t add_sat(size_t a, size_t b) {
  return a > SIZE_MAX - b ? SIZE_MAX : a + b;
}

static size_t mul_sat(size_t a, size_t b) {
  return b != 0 && a > SIZE_MAX / b ? SIZE_MAX : a * b;
}

size_t anth__json_cost(const anth_json_scan_t *scan, size_t len) {
  return add_sat(add_sat(mul_sat(scan->values, NODE_COST),
                         mul_sat(scan->strings, STRING_COST)),
                 len);
}

size_t anth__json_budget(size_t len) {
  return add_sat(mul_sat(len, ANTH_JSON_MEM_FACTOR), ANTH_JSON_MEM_SLACK);
}

/* Track the top-level "data" array: `key_next` when the next string at
 * depth 1 is a key, `data_key` when the last such key was "data" (as
 * written: an escaped "d\u0061ta" is not counted, and only the memory
 * budget bounds it), `in_data` while its elements are counted. */
typedef struct walker {
  size_t depth, items;
  bool key_next, data_key, in_data;
} walker_t;

static void structural(walker_t *w, anth_json_scan_t *scan, unsigned char c) {
  if (c == '{' || c == '[') {
    scan->values++;
    w->depth++;
    if (w->depth == 1)
      w->key_next = c == '{';
    if (w->depth == 2 && c == '[' && w->data_key) {
      w->in_data = true;
      w->items = 1; /* one too many when empty: an upper bound */
    }
  } else if (c == ',') {
    /* Every value but the first follows a ',', '[' or '{' (one too many
     * per empty container: an upper bound). */
    scan->values++;
    if (w->depth == 1)
      w->key_next = true;
    if (w->depth == 2 && w->in_data)
      w->items++;
  } else if ((c == '}' || c == ']') && w->depth > 0) {
    if (w->depth == 2 && w->in_data) {
      w->in_data = false;
      if (w->items > scan->data_items) /* duplicate "data": the largest */
        scan->data_items = w->items;
    }
    w->depth--;
  }
}

int anth__json_check(const char *body, size_t len, anth_json_scan_t *scan,
                     char *err, size_t errlen) {
  const unsigned char *p = (const unsigned char *)body;
  walker_t w = {0, 0, false, false, false};
  bool in_string = false;
  size_t start = 0; /* of the string being read */
  scan->values = 1;
  scan->strings = scan->data_items = 0;
  for (size_t i = 0; i < len;) {
    unsigned char c = p[i];
    if (!in_string) {
      /* Outside strings cJSON refuses what is not JSON. */
      if (c == '"') {
        in_string = true;
        scan->strings++;
        start = i + 1;
      } else
        structural(&w, scan, c);
      i++;
    } else if (c == '"') {
      in_string = false;
      if (w.depth == 1 && w.key_next) {
        w.data_key = i - start == 4 && memcmp(p + start, "data", 4) == 0;
        w.key_next = false;
      }
      i++;
    } else if (c < 0x20) {
      anth__errf(err, errlen,
                 "body: raw control byte 0x%02x in a string at byte %zu", c, i);
      return ANTHROPIC_EBADRESPONSE;
    } else if (c == '\\') {
      size_t n = escape(p + i, len - i, i, err, errlen);
      if (n == 0)
        return ANTHROPIC_EBADRESPONSE;
      i += n;
    } else if (c < 0x80) {
      i++;
    } else {
      size_t n = anth__json_utf8_len(p + i, len - i);
      if (n == 0) {
        anth__errf(err, errlen, "body: invalid UTF-8 in a string at byte %zu",
                   i);
        return ANTHROPIC_EBADRESPONSE;
      }
      i += n;
    }
  }
  if (w.in_data && w.items > scan->data_items) /* cut short: still count */
    scan->data_items = w.items;
  return 0;
}
