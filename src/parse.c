/* parse.c - ModelInfo and pages straight from the body: one walk over the
 * text, no tree. A result's strings are copied once, unescaped, into one
 * block (the arena) that the caller frees; its json_text points into the
 * body. The checks and their messages are those of the API's schema in
 * API.md, field by field, in a fixed order. Pure: no loop, no network.
 *
 * One walk (walk_body(), "one walk" below) checks the body: its strings
 * as anth__json_check() does (no raw control byte, no invalid UTF-8, no
 * malformed escape, no \u0000, no unpaired surrogate), its grammar, its
 * nesting and its numbers; and it records, as it goes, the values the
 * schema reads (model_rec_t), so that no object is scanned again for its
 * members. A body it refuses, and the rare body it does not read, go to
 * the parsers it replaced (the *_ref functions: anth__json_check(), then
 * read_body(), then a scan of each object for its members, which the
 * checks below also take), which say why with their messages; the
 * fuzzers check that both read every body alike. Why not cJSON: its tree
 * is about 180 heap blocks for a 1 KB ModelInfo, which was most of the
 * CPU a retrieve cost. */
#include "internal.h"

#include <locale.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DEPTH 1000 /* nesting, as cJSON allowed */

typedef struct jp {
  const char *p, *end;
  int depth;
} jp_t;

typedef enum {
  V_NONE = 0, /* absent */
  V_STRING,
  V_NUMBER,
  V_TRUE,
  V_FALSE,
  V_NULL,
  V_OBJECT,
  V_ARRAY
} vkind_t;

/* A value of the body: its kind and its bytes. */
typedef struct val {
  vkind_t kind;
  const char *at, *end;
} val_t;

typedef struct arena {
  char *buf;
  size_t len, cap;
} arena_t;

/* The members of a ModelInfo, in the order they are checked. */
enum {
  M_ID,
  M_TYPE,
  M_DISPLAY_NAME,
  M_CREATED_AT,
  M_MAX_INPUT_TOKENS,
  M_MAX_TOKENS,
  M_LIFECYCLE,
  M_LINE,
  M_DEPRECATED_AT,
  M_RETIRES_AT,
  M_CAPABILITIES,
  M_COUNT
};

static const char *const model_keys[M_COUNT] = {"id",
                                                "type",
                                                "display_name",
                                                "created_at",
                                                "max_input_tokens",
                                                "max_tokens",
                                                "lifecycle",
                                                "line",
                                                "deprecated_at",
                                                "retires_at",
                                                "capabilities"};

/* What the walk over a body (walk_body()) read of one ModelInfo object:
 * its members (the first of each key), the value of each row of the
 * capability table (the first of its key in the first of the object that
 * holds it), and the "supported" of each FIELD and GROUP row's value.
 * V_NONE where there is none. */
typedef struct model_rec {
  val_t self; /* the object; in a page, the item, whatever it is */
  val_t top[M_COUNT];
  val_t cap[ANTH_CAP_ROWS];
  val_t sup[ANTH_CAP_ROWS];
} model_rec_t;

/* Where a field is, for its error message: "", "data[3].",
 * "capabilities." or "data[3].capabilities.", formatted only when an error
 * is reported. */
typedef struct ctx {
  size_t item; /* its page's data[item], or SIZE_MAX */
  bool caps;   /* under "capabilities" */
  char *err;
  size_t errlen;
  arena_t *arena;
} ctx_t;

/* ---- the grammar ---- */

static void ws(jp_t *j) {
  while (j->p < j->end &&
         (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r'))
    j->p++;
}

/* The string at j->p (its opening quote): past its closing quote. A
 * body's strings are read once a pass for each level of objects above
 * them: memchr() finds the quote, and a backslash before it, a word at a
 * time rather than a byte. */
static bool skip_string(jp_t *j) {
  const char *q = j->p + 1, *quote = NULL;
  while (q < j->end) {
    /* Each byte is looked at once: the quote is looked for again only
     * once an escape has taken it. */
    if (quote == NULL || quote < q) {
      quote = memchr(q, '"', (size_t)(j->end - q));
      if (quote == NULL)
        return false;
    }
    const char *bs = memchr(q, '\\', (size_t)(quote - q));
    if (bs == NULL) {
      j->p = quote + 1;
      return true;
    }
    q = bs + 2; /* past the escaped byte, which may be a quote */
  }
  return false;
}

static bool num_char(char c) {
  return (c >= '0' && c <= '9') || c == '+' || c == '-' || c == 'e' ||
         c == 'E' || c == '.';
}

static bool digit(char c) {
  return c >= '0' && c <= '9';
}

/* The digits at s[*i] (n bytes in all): past them, how many. */
static size_t digits(const char *s, size_t n, size_t *i) {
  size_t start = *i;
  while (*i < n && digit(s[*i]))
    (*i)++;
  return *i - start;
}

/* Would strtod() take all n bytes of s, a run of number characters, with
 * '.' its decimal point? Only when they read [+-]digits[.digits] (digits
 * on at least one side of the point), then [eE][+-]digits or nothing:
 * strtod() stops before anything else, and before an 'e' with no digits
 * after it. */
static bool strtod_takes_all(const char *s, size_t n) {
  size_t i = 0;
  if (i < n && (s[i] == '+' || s[i] == '-'))
    i++;
  size_t mantissa = digits(s, n, &i);
  if (i < n && s[i] == '.') {
    i++;
    mantissa += digits(s, n, &i);
  }
  if (mantissa == 0)
    return false;
  if (i < n && (s[i] == 'e' || s[i] == 'E')) {
    i++;
    if (i < n && (s[i] == '+' || s[i] == '-'))
      i++;
    if (digits(s, n, &i) == 0)
      return false;
  }
  return i == n;
}

/* A number at j->p, read as cJSON read it: the run of number characters
 * (at most 63), all of which strtod() must take. Skipped (out NULL), it is
 * only checked, as strtod() would take it: no strtod() nor localeconv()
 * for each number of each pass. */
static bool number(jp_t *j, double *out) {
  char buf[64];
  size_t n = 0;
  const char *q = j->p;
  while (q < j->end && num_char(*q) && n < sizeof buf - 1) {
    n++;
    q++;
  }
  if (n == 0 || (q < j->end && num_char(*q)))
    return false;
  if (out == NULL) {
    if (!strtod_takes_all(j->p, n))
      return false;
    j->p = q;
    return true;
  }
  char point = localeconv()->decimal_point[0];
  memcpy(buf, j->p, n);
  for (size_t i = 0; i < n; i++)
    if (buf[i] == '.')
      buf[i] = point;
  buf[n] = '\0';
  char *after;
  double d = strtod(buf, &after);
  if ((size_t)(after - buf) != n)
    return false;
  *out = d;
  j->p = q;
  return true;
}

static bool literal(jp_t *j, const char *lit, size_t n) {
  if ((size_t)(j->end - j->p) < n || memcmp(j->p, lit, n) != 0)
    return false;
  j->p += n;
  return true;
}

static bool skip_value(jp_t *j);

/* An object or array at j->p: past its end. */
static bool skip_container(jp_t *j, char close) {
  if (++j->depth > MAX_DEPTH)
    return false;
  j->p++;
  ws(j);
  if (j->p < j->end && *j->p == close) {
    j->p++;
    j->depth--;
    return true;
  }
  for (;;) {
    if (close == '}') {
      if (j->p >= j->end || *j->p != '"' || !skip_string(j))
        return false;
      ws(j);
      if (j->p >= j->end || *j->p != ':')
        return false;
      j->p++;
      ws(j);
    }
    if (!skip_value(j))
      return false;
    ws(j);
    if (j->p >= j->end)
      return false;
    if (*j->p == close) {
      j->p++;
      j->depth--;
      return true;
    }
    if (*j->p != ',')
      return false;
    j->p++;
    ws(j);
  }
}

static bool skip_value(jp_t *j) {
  if (j->p >= j->end)
    return false;
  switch (*j->p) {
  case '{':
    return skip_container(j, '}');
  case '[':
    return skip_container(j, ']');
  case '"':
    return skip_string(j);
  case 't':
    return literal(j, "true", 4);
  case 'f':
    return literal(j, "false", 5);
  case 'n':
    return literal(j, "null", 4);
  default:
    return (*j->p == '-' || (*j->p >= '0' && *j->p <= '9')) && number(j, NULL);
  }
}

static vkind_t kind_of(char c) {
  switch (c) {
  case '"':
    return V_STRING;
  case '{':
    return V_OBJECT;
  case '[':
    return V_ARRAY;
  case 't':
    return V_TRUE;
  case 'f':
    return V_FALSE;
  case 'n':
    return V_NULL;
  default:
    return V_NUMBER;
  }
}

/* ---- strings ---- */

/* The n raw bytes of a string (between its quotes) unescaped into d (cap
 * bytes); its length, or SIZE_MAX when it does not fit or is malformed. */
static size_t unescape(const char *s, size_t n, char *d, size_t cap) {
  size_t o = 0;
  for (size_t i = 0; i < n;) {
    unsigned long cp;
    if (s[i] != '\\') {
      if (o >= cap)
        return SIZE_MAX;
      d[o++] = s[i++];
      continue;
    }
    if (i + 1 >= n)
      return SIZE_MAX;
    if (s[i + 1] != 'u') {
      size_t k = 0;
      static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
      while (from[k] != '\0' && from[k] != s[i + 1])
        k++;
      if (from[k] == '\0' || o >= cap)
        return SIZE_MAX;
      d[o++] = to[k];
      i += 2;
      continue;
    }
    const unsigned char *u = (const unsigned char *)s;
    long hi = anth__json_u_escape(u + i, n - i);
    if (hi < 0)
      return SIZE_MAX;
    i += 6;
    cp = (unsigned long)hi;
    if (cp >= 0xd800 && cp <= 0xdbff) {
      long lo = anth__json_u_escape(u + i, n - i);
      if (lo < 0xdc00 || lo > 0xdfff)
        return SIZE_MAX;
      i += 6;
      cp = 0x10000 + ((cp - 0xd800) << 10) + ((unsigned long)lo - 0xdc00);
    }
    size_t len = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    if (cap - o < len)
      return SIZE_MAX;
    if (len == 1) {
      d[o++] = (char)cp;
    } else {
      static const unsigned char lead[] = {0, 0, 0xc0, 0xe0, 0xf0};
      for (size_t k = len - 1; k > 0; k--) {
        d[o + k] = (char)(0x80 | (cp & 0x3f));
        cp >>= 6;
      }
      d[o] = (char)(lead[len] | cp);
      o += len;
    }
  }
  return o;
}

/* The string value v, unescaped and NUL-terminated, in the arena. */
static const char *arena_string(arena_t *a, const val_t *v) {
  const char *s = v->at + 1;
  size_t n = (size_t)(v->end - 1 - s);
  char *d = a->buf + a->len;
  size_t room = a->cap - a->len;
  size_t len = memchr(s, '\\', n) == NULL ? (n < room ? n : SIZE_MAX)
                                          : unescape(s, n, d, room - 1);
  if (len == SIZE_MAX || len >= room)
    return NULL; /* cannot be: the arena is as large as the body */
  if (memchr(s, '\\', n) == NULL)
    memcpy(d, s, n);
  d[len] = '\0';
  a->len += len + 1;
  return d;
}

/* Does the key (raw bytes between its quotes) read `name`? */
static bool key_is(const char *k, size_t n, const char *name) {
  char buf[64];
  if (memchr(k, '\\', n) != NULL) {
    n = unescape(k, n, buf, sizeof buf);
    if (n == SIZE_MAX)
      return false;
    k = buf;
  }
  return strlen(name) == n && memcmp(k, name, n) == 0;
}

/* The values of `names` in the object v (the first of a duplicated key,
 * as before); false when v is not a well-formed object. With `whole`
 * false, the scan stops once each name is found: only for an object
 * read_body() has checked whole. */
static bool members_of(const val_t *v, const char *const *names, size_t n,
                       val_t *out, bool whole) {
  size_t found = 0;
  jp_t j = {v->at, v->end, 0};
  memset(out, 0, n * sizeof *out);
  if (v->kind != V_OBJECT)
    return false;
  j.p++;
  ws(&j);
  if (j.p < j.end && *j.p == '}')
    return true;
  for (;;) {
    if (j.p >= j.end || *j.p != '"')
      return false;
    const char *k = j.p + 1;
    if (!skip_string(&j))
      return false;
    size_t klen = (size_t)(j.p - 1 - k);
    ws(&j);
    if (j.p >= j.end || *j.p != ':')
      return false;
    j.p++;
    ws(&j);
    const char *at = j.p;
    if (!skip_value(&j))
      return false;
    for (size_t i = 0; i < n; i++)
      if (out[i].kind == V_NONE && key_is(k, klen, names[i])) {
        out[i].kind = kind_of(*at);
        out[i].at = at;
        out[i].end = j.p;
        if (!whole && ++found == n)
          return true;
        break;
      }
    ws(&j);
    if (j.p < j.end && *j.p == '}')
      return true;
    if (j.p >= j.end || *j.p != ',')
      return false;
    j.p++;
    ws(&j);
  }
}

static bool members(const val_t *v, const char *const *names, size_t n,
                    val_t *out) {
  return members_of(v, names, n, out, true);
}

/* ---- the schema ---- */

static int fail(const ctx_t *c, const char *field, const char *expected) {
  const char *caps = c->caps ? "capabilities." : "";
  if (c->item == SIZE_MAX)
    anth__errf(c->err, c->errlen, "%s%s: expected %s", caps, field, expected);
  else
    anth__errf(c->err, c->errlen, "data[%zu].%s%s: expected %s", c->item, caps,
               field, expected);
  return ANTHROPIC_EBADRESPONSE;
}

static anthropic_presence_t presence(const val_t *v) {
  return v->kind == V_NONE   ? ANTHROPIC_FIELD_ABSENT
         : v->kind == V_NULL ? ANTHROPIC_FIELD_NULL
                             : ANTHROPIC_FIELD_SET;
}

static int string_of(const ctx_t *c, const val_t *v, const char **out) {
  if ((*out = arena_string(c->arena, v)) == NULL) {
    anth__errf(c->err, c->errlen, "out of memory");
    return ANTHROPIC_ENOMEM;
  }
  return 0;
}

static int req_string(const ctx_t *c, const val_t *v, const char *key,
                      const char **out) {
  if (v->kind != V_STRING)
    return fail(c, key, "a string");
  return string_of(c, v, out);
}

static int opt_string(const ctx_t *c, const val_t *v, const char *key,
                      anthropic_opt_str_t *out) {
  out->state = presence(v);
  out->value = NULL;
  if (out->state != ANTHROPIC_FIELD_SET)
    return 0;
  if (v->kind != V_STRING)
    return fail(c, key, "a string or null");
  return string_of(c, v, &out->value);
}

static int opt_int(const ctx_t *c, const val_t *v, const char *key,
                   anthropic_opt_int_t *out) {
  out->state = presence(v);
  out->value = 0;
  if (out->state != ANTHROPIC_FIELD_SET)
    return 0;
  /* Whole numbers a double holds exactly (up to 2^53), as before. */
  double d = -1;
  jp_t j = {v->at, v->end, 0};
  if (v->kind != V_NUMBER || !number(&j, &d))
    d = -1;
  if (!(d >= 0 && d <= 9007199254740992.0) || floor(d) != d)
    return fail(c, key, "a non-negative integer or null");
  out->value = (int64_t)d;
  return 0;
}

static int time_value(const ctx_t *c, const val_t *v, const char *key,
                      anthropic_time_t *out) {
  out->state = presence(v);
  out->text = NULL;
  out->unix_seconds = 0;
  out->nanoseconds = 0;
  if (out->state != ANTHROPIC_FIELD_SET)
    return 0;
  const char *s = NULL;
  int rc;
  if (v->kind != V_STRING)
    return fail(c, key, "an RFC 3339 date-time string");
  if ((rc = string_of(c, v, &s)) != 0)
    return rc;
  if (anth__rfc3339_parse(s, &out->unix_seconds, &out->nanoseconds) != 0)
    return fail(c, key, "an RFC 3339 date-time string");
  out->text = s;
  return 0;
}

/* {"supported": bool} or null or absent. `sup`: its "supported" as the
 * walk read it, or NULL to look for it. */
static int capability(const ctx_t *c, const val_t *v, const val_t *sup,
                      const char *key, anthropic_capability_t *out) {
  static const char *const names[] = {"supported"};
  val_t s;
  out->state = presence(v);
  out->supported = false;
  if (out->state != ANTHROPIC_FIELD_SET)
    return 0;
  if (v->kind == V_OBJECT && sup == NULL && members(v, names, 1, &s))
    sup = &s;
  if (v->kind != V_OBJECT || sup == NULL ||
      (sup->kind != V_TRUE && sup->kind != V_FALSE))
    return fail(c, key, "an object with a boolean \"supported\", or null");
  out->supported = sup->kind == V_TRUE;
  return 0;
}

/* ---- the capability table ---- */

/* A row of ANTHROPIC_CAPABILITY_MAP whose field is in the struct `type`
 * (ANTH_CAPS_`strct`). */
#define CAP_ROW(strct, type, parent, name, path, kind)                         \
  {#name,                                                                      \
   ",\"" #name "\":",                                                          \
   path,                                                                       \
   sizeof(",\"" #name "\":") - 1,                                              \
   ANTH_CAP_##kind,                                                            \
   ANTH_CAPC_##parent,                                                         \
   CAP_OWN_##kind(name),                                                       \
   ANTH_CAPS_##strct,                                                          \
   CAP_GROUP_##kind(name),                                                     \
   CAP_OFFSET_##kind(type, name)},
#define CAP_OWN_GROUP(name) ANTH_CAPC_##name
#define CAP_OWN_OBJECT(name) ANTH_CAPC_##name
#define CAP_OWN_FIELD(name) ANTH_CAPC_COUNT
#define CAP_OWN_PATH(name) ANTH_CAPC_COUNT
#define CAP_GROUP_GROUP(name) ANTH_CAPS_##name
#define CAP_GROUP_OBJECT(name) ANTH_CAPS_COUNT
#define CAP_GROUP_FIELD(name) ANTH_CAPS_COUNT
#define CAP_GROUP_PATH(name) ANTH_CAPS_COUNT
#define CAP_OFFSET_FIELD(type, name) offsetof(type, name)
#define CAP_OFFSET_GROUP(type, name) offsetof(type, name)
#define CAP_OFFSET_OBJECT(type, name) offsetof(type, name)
#define CAP_OFFSET_PATH(type, name) 0

#define CAP_ROW_capabilities(p, n, path, k)                                    \
  CAP_ROW(capabilities, anthropic_capabilities_t, p, n, path, k)
#define CAP_ROW_thinking(p, n, path, k)                                        \
  CAP_ROW(thinking, anthropic_thinking_capability_t, p, n, path, k)
#define CAP_ROW_effort(p, n, path, k)                                          \
  CAP_ROW(effort, anthropic_effort_capability_t, p, n, path, k)
#define CAP_ROW_context_management(p, n, path, k)                              \
  CAP_ROW(context_management, anthropic_context_management_capability_t, p, n, \
          path, k)
#define CAP_ROW_server_tools(p, n, path, k)                                    \
  CAP_ROW(server_tools, anthropic_server_tools_capability_t, p, n, path, k)

/* In the order of ANTHROPIC_CAPABILITY_MAP: its lists, struct by struct. */
// clang-format off
const anth_cap_row_t anth__caps[ANTH_CAP_ROWS] = {
  ANTHROPIC_CAPABILITIES_MAP(CAP_ROW_capabilities)
  ANTHROPIC_THINKING_CAPABILITY_MAP(CAP_ROW_thinking)
  ANTHROPIC_EFFORT_CAPABILITY_MAP(CAP_ROW_effort)
  ANTHROPIC_CONTEXT_MANAGEMENT_CAPABILITY_MAP(CAP_ROW_context_management)
  ANTHROPIC_SERVER_TOOLS_CAPABILITY_MAP(CAP_ROW_server_tools)
};
// clang-format on

/* How many rows each struct's list has: its rows, a run of anth__caps. */
/* A term of the sum: no parentheses. */
#define CAP_ONE(p, n, path, k) +1 // NOLINT(bugprone-macro-parentheses)
static const unsigned char cap_rows_of[ANTH_CAPS_COUNT] = {
    [ANTH_CAPS_capabilities] = 0 ANTHROPIC_CAPABILITIES_MAP(CAP_ONE),
    [ANTH_CAPS_thinking] = 0 ANTHROPIC_THINKING_CAPABILITY_MAP(CAP_ONE),
    [ANTH_CAPS_effort] = 0 ANTHROPIC_EFFORT_CAPABILITY_MAP(CAP_ONE),
    [ANTH_CAPS_context_management] =
        0 ANTHROPIC_CONTEXT_MANAGEMENT_CAPABILITY_MAP(CAP_ONE),
    [ANTH_CAPS_server_tools] =
        0 ANTHROPIC_SERVER_TOOLS_CAPABILITY_MAP(CAP_ONE)};

/* A group's struct starts as anthropic_capability_t does: its own state,
 * then its own "supported". */
#define CAP_GROUP_HEAD(parent, name, path, kind) CAP_GROUP_HEAD_##kind(name)
#define CAP_GROUP_HEAD_GROUP(name)                                             \
  _Static_assert(offsetof(anthropic_##name##_capability_t, state) ==           \
                         offsetof(anthropic_capability_t, state) &&            \
                     offsetof(anthropic_##name##_capability_t, supported) ==   \
                         offsetof(anthropic_capability_t, supported),          \
                 #name ": its struct starts with state, supported");
#define CAP_GROUP_HEAD_FIELD(name)
#define CAP_GROUP_HEAD_OBJECT(name)
#define CAP_GROUP_HEAD_PATH(name)
ANTHROPIC_CAPABILITIES_MAP(CAP_GROUP_HEAD)

#define CAP_STRUCT_OF(parent, name, path, kind) CAP_STRUCT_OF_##kind(name)
#define CAP_STRUCT_OF_GROUP(name) out[ANTH_CAPS_##name] = (const char *)c->name;
#define CAP_STRUCT_OF_FIELD(name)
#define CAP_STRUCT_OF_OBJECT(name)
#define CAP_STRUCT_OF_PATH(name)
void anth__caps_structs(const anthropic_capabilities_t *c, const char **out) {
  out[ANTH_CAPS_capabilities] = (const char *)c;
  ANTHROPIC_CAPABILITIES_MAP(CAP_STRUCT_OF)
}

/* The rows of the object `obj` (the ANTH_CAPC_ `container`, whose rows
 * have their fields in the struct `strct`) into the structs `at`, depth
 * first: each row is checked before the rows it
 * holds, so the first error in the map's order is the one reported. 1
 * when `obj` is not a well-formed object. */
static int cap_object(const ctx_t *c, const val_t *obj, unsigned container,
                      unsigned strct, char *const *at, const model_rec_t *rec) {
  const char *names[ANTH_CAP_ROWS];
  const anth_cap_row_t *rows[ANTH_CAP_ROWS];
  val_t vals[ANTH_CAP_ROWS];
  size_t n = 0, first = 0;
  /* Its rows are in its struct's list (`strct`): only that run is read. */
  for (unsigned k = 0; k < strct; k++)
    first += cap_rows_of[k];
  for (size_t i = first; i < first + cap_rows_of[strct]; i++)
    if (anth__caps[i].parent == container &&
        anth__caps[i].kind != ANTH_CAP_PATH) { /* read by path only */
      names[n] = anth__caps[i].key;
      if (rec != NULL)
        vals[n] = rec->cap[i]; /* what the walk read */
      rows[n++] = &anth__caps[i];
    }
  /* Or a scan of the object (a nested object was checked whole with the
   * body). */
  if (rec == NULL && !members(obj, names, n, vals) &&
      container == ANTH_CAPC_capabilities)
    return 1;
  for (size_t i = 0; i < n; i++) {
    const anth_cap_row_t *r = rows[i];
    char *field = at[r->strct] + r->offset;
    anthropic_capability_t self;
    int rc = 0;
    switch (r->kind) {
    case ANTH_CAP_FIELD:
      rc = capability(c, &vals[i],
                      rec != NULL ? &rec->sup[r - anth__caps] : NULL, r->path,
                      (anthropic_capability_t *)field);
      break;
    case ANTH_CAP_GROUP:
      if ((rc = capability(c, &vals[i],
                           rec != NULL ? &rec->sup[r - anth__caps] : NULL,
                           r->path, &self)) != 0)
        return rc;
      *(anthropic_presence_t *)(at[r->group] + offsetof(anthropic_capability_t,
                                                        state)) = self.state;
      *(bool *)(at[r->group] + offsetof(anthropic_capability_t, supported)) =
          self.supported;
      if (self.state == ANTHROPIC_FIELD_SET)
        rc = cap_object(c, &vals[i], r->own, r->group, at, rec);
      break;
    default: /* ANTH_CAP_OBJECT */
      *(anthropic_presence_t *)field = presence(&vals[i]);
      if (vals[i].kind == V_NONE || vals[i].kind == V_NULL)
        break;
      if (vals[i].kind != V_OBJECT)
        return fail(c, r->path, "an object or null");
      rc = cap_object(c, &vals[i], r->own, r->strct, at, rec);
      break;
    }
    if (rc != 0)
      return rc;
  }
  return 0;
}

#define CAP_STRUCT_AT(parent, name, path, kind) CAP_STRUCT_AT_##kind(name)
#define CAP_STRUCT_AT_GROUP(name) at[ANTH_CAPS_##name] = (char *)&m->name;
#define CAP_STRUCT_AT_FIELD(name)
#define CAP_STRUCT_AT_OBJECT(name)
#define CAP_STRUCT_AT_PATH(name)

static int capabilities(const ctx_t *parent, const val_t *v, anth_model_t *m,
                        const model_rec_t *rec) {
  char *at[ANTH_CAPS_COUNT];
  m->caps.state = presence(v);
  if (m->caps.state != ANTHROPIC_FIELD_SET)
    return 0;
  if (v->kind != V_OBJECT)
    return fail(parent, "capabilities", "an object or null");
  at[ANTH_CAPS_capabilities] = (char *)&m->caps;
  ANTHROPIC_CAPABILITIES_MAP(CAP_STRUCT_AT)
  ctx_t c = *parent;
  c.caps = true;
  int rc = cap_object(&c, v, ANTH_CAPC_capabilities, ANTH_CAPS_capabilities, at,
                      rec);
  return rc == 1 ? fail(parent, "capabilities", "an object or null") : rc;
}

static anthropic_lifecycle_t lifecycle_value(const anthropic_opt_str_t *s) {
  if (s->state != ANTHROPIC_FIELD_SET)
    return ANTHROPIC_LIFECYCLE_UNSET;
  if (strcmp(s->value, "active") == 0)
    return ANTHROPIC_LIFECYCLE_ACTIVE;
  if (strcmp(s->value, "deprecated") == 0)
    return ANTHROPIC_LIFECYCLE_DEPRECATED;
  if (strcmp(s->value, "retired") == 0)
    return ANTHROPIC_LIFECYCLE_RETIRED;
  return ANTHROPIC_LIFECYCLE_OTHER;
}

/* `rec`: what the walk read of obj, or NULL to scan obj for it. */
static int model_from(const val_t *obj, anth_model_t *am, size_t item,
                      arena_t *arena, char *err, size_t errlen,
                      const model_rec_t *rec) {
  anthropic_model_info_t *m = &am->info;
  ctx_t c = {item, false, err, errlen, arena};
  val_t scanned[M_COUNT];
  const val_t *v = rec != NULL ? rec->top : scanned;
  int rc;
  memset(am, 0, sizeof *am);
  anth__model_link(am);
  if (obj->kind != V_OBJECT ||
      (rec == NULL && !members(obj, model_keys, M_COUNT, scanned))) {
    if (item == SIZE_MAX)
      anth__errf(err, errlen, "body: expected a ModelInfo object");
    else
      anth__errf(err, errlen, "data[%zu]: expected a ModelInfo object", item);
    return ANTHROPIC_EBADRESPONSE;
  }
  if ((rc = req_string(&c, &v[M_ID], "id", &m->id)) != 0 ||
      (rc = req_string(&c, &v[M_TYPE], "type", &m->type)) != 0)
    return rc;
  if (strcmp(m->type, "model") != 0)
    return fail(&c, "type", "\"model\"");
  if ((rc = req_string(&c, &v[M_DISPLAY_NAME], "display_name",
                       &m->display_name)) != 0)
    return rc;
  if (presence(&v[M_CREATED_AT]) != ANTHROPIC_FIELD_SET)
    return fail(&c, "created_at", "an RFC 3339 date-time string");
  if ((rc = time_value(&c, &v[M_CREATED_AT], "created_at", &m->created_at)) !=
          0 ||
      (rc = opt_int(&c, &v[M_MAX_INPUT_TOKENS], "max_input_tokens",
                    &m->max_input_tokens)) != 0 ||
      (rc = opt_int(&c, &v[M_MAX_TOKENS], "max_tokens", &m->max_tokens)) != 0 ||
      (rc = opt_string(&c, &v[M_LIFECYCLE], "lifecycle", &m->lifecycle)) != 0 ||
      (rc = opt_string(&c, &v[M_LINE], "line", &m->line)) != 0 ||
      (rc = time_value(&c, &v[M_DEPRECATED_AT], "deprecated_at",
                       &m->deprecated_at)) != 0 ||
      (rc = time_value(&c, &v[M_RETIRES_AT], "retires_at", &m->retires_at)) !=
          0 ||
      (rc = capabilities(&c, &v[M_CAPABILITIES], am, rec)) != 0)
    return rc;
  m->lifecycle_value = lifecycle_value(&m->lifecycle);
  m->json_text = obj->at;
  m->json_len = (size_t)(obj->end - obj->at);
  return 0;
}

/* ---- whole bodies ---- */

/* Check the body, then read its one value into *root. The arena, as
 * large as the body (a string's unescaped bytes and its NUL never take
 * more than its quoted form), is allocated on success, unless `arena` is
 * NULL (the caller builds nothing from the body). */
static int read_body(const char *body, size_t len, size_t max_items,
                     val_t *root, arena_t *arena, char *err, size_t errlen) {
  anth_json_scan_t scan;
  int rc = anth__json_check(body, len, &scan, err, errlen);
  if (rc != 0)
    return rc;
  if (scan.data_items > max_items) {
    anth__errf(err, errlen, "data: %zu items, more than the %zu a page holds",
               scan.data_items, max_items);
    return ANTHROPIC_EBADRESPONSE;
  }
  jp_t j = {body, body + len, 0};
  if (len >= 3 && memcmp(body, "\xef\xbb\xbf", 3) == 0)
    j.p += 3; /* a UTF-8 byte order mark, as cJSON allowed */
  ws(&j);
  root->at = j.p;
  root->kind = j.p < j.end ? kind_of(*j.p) : V_NONE;
  bool ok = skip_value(&j);
  root->end = j.p;
  ws(&j); /* after the value: whitespace only */
  if (!ok || j.p != j.end) {
    anth__errf(err, errlen, "body is not valid JSON (%zu bytes)", len);
    return ANTHROPIC_EBADRESPONSE;
  }
  if (arena == NULL)
    return 0;
  arena->cap = len + 1;
  arena->len = 0;
  if ((arena->buf = anth__malloc(arena->cap)) == NULL) {
    anth__errf(err, errlen, "out of memory");
    return ANTHROPIC_ENOMEM;
  }
  return 0;
}

#define CAP_LINK(parent, name, path, kind) CAP_LINK_##kind(name)
#define CAP_LINK_GROUP(name) m->caps.name = &m->name;
#define CAP_LINK_FIELD(name)
#define CAP_LINK_OBJECT(name)
#define CAP_LINK_PATH(name)

void anth__model_link(anth_model_t *m) {
  m->info.capabilities = &m->caps;
  ANTHROPIC_CAPABILITIES_MAP(CAP_LINK)
}

int anth__parse_model_ref(const char *body, size_t len, char **arena_out,
                          anth_model_t *out, char *err, size_t errlen) {
  val_t root;
  arena_t arena = {NULL, 0, 0};
  *arena_out = NULL;
  int rc = read_body(body, len, SIZE_MAX, &root, &arena, err, errlen);
  if (rc == 0 &&
      (rc = model_from(&root, out, SIZE_MAX, &arena, err, errlen, NULL)) != 0)
    anth__free(arena.buf);
  else if (rc == 0)
    *arena_out = arena.buf;
  return rc;
}

int anth__parse_model_json_ref(const char *body, size_t len, const char **text,
                               size_t *text_len, char *err, size_t errlen) {
  static const char *const id[] = {"id"};
  val_t root, v;
  *text = NULL;
  *text_len = 0;
  int rc = read_body(body, len, SIZE_MAX, &root, NULL, err, errlen);
  if (rc != 0)
    return rc;
  /* The shape only, with the typed parse's messages: an object with a
   * string "id" (the first "id", as the typed parse reads; the object is
   * whole, so the scan stops there). */
  if (root.kind != V_OBJECT || !members_of(&root, id, 1, &v, false)) {
    anth__errf(err, errlen, "body: expected a ModelInfo object");
    return ANTHROPIC_EBADRESPONSE;
  }
  if (v.kind != V_STRING)
    return fail(&(ctx_t){SIZE_MAX, false, err, errlen, NULL}, "id", "a string");
  *text = root.at;
  *text_len = (size_t)(root.end - root.at);
  return 0;
}

static int cursor(const ctx_t *c, const val_t *v, const char *key,
                  const char **out) {
  *out = NULL;
  if (v->kind == V_NONE || v->kind == V_NULL)
    return 0;
  if (v->kind != V_STRING)
    return fail(c, key, "a string or null");
  return string_of(c, v, out);
}

/* The elements of the array v, one by one: *at the next, false at the end
 * (the array was checked whole before). */
static bool next_element(jp_t *j, val_t *at) {
  ws(j);
  if (j->p >= j->end || *j->p == ']')
    return false;
  if (*j->p == ',' || *j->p == '[') {
    j->p++;
    ws(j);
  }
  if (j->p >= j->end || *j->p == ']')
    return false;
  at->at = j->p;
  at->kind = kind_of(*j->p);
  if (!skip_value(j))
    return false;
  at->end = j->p;
  return true;
}

/* A page's own fields (v: "data", "has_more", "first_id", "last_id"), in
 * the order their errors are reported; the cursors go to `page`. */
static int page_fields(const ctx_t *c, const val_t v[4],
                       anthropic_models_page_t *page) {
  if (v[0].kind != V_ARRAY)
    return fail(c, "data", "an array");
  if (v[1].kind != V_TRUE && v[1].kind != V_FALSE)
    return fail(c, "has_more", "a boolean");
  int rc = cursor(c, &v[2], "first_id", &page->first_id);
  return rc != 0 ? rc : cursor(c, &v[3], "last_id", &page->last_id);
}

/* One block for a page's `n` models, then the pointers the page hands out
 * (each set to its model). NULL when *rc is set or `n` is 0, or (ENOMEM in
 * *rc) when it cannot be had. */
static anth_model_t *page_block(size_t n, int *rc, char *err, size_t errlen) {
  if (*rc != 0 || n == 0)
    return NULL;
  anth_model_t *arr = anth__malloc(
      n * (sizeof(anth_model_t) + sizeof(const anthropic_model_info_t *)));
  if (arr == NULL) {
    anth__errf(err, errlen, "out of memory");
    *rc = ANTHROPIC_ENOMEM;
    return NULL;
  }
  const anthropic_model_info_t **ptrs =
      (const anthropic_model_info_t **)(void *)(arr + n);
  for (size_t i = 0; i < n; i++)
    ptrs[i] = &arr[i].info;
  return arr;
}

/* Hand the page over (rc 0), or free what it holds and zero it. */
static int page_finish(int rc, anthropic_models_page_t *page, anth_model_t *arr,
                       size_t n, bool has_more, const val_t *root,
                       const arena_t *arena, void **items, char **arena_out) {
  if (rc != 0) {
    anth__free(arr);
    anth__free(arena->buf);
    memset(page, 0, sizeof *page);
    return rc;
  }
  page->data =
      arr != NULL ? (const anthropic_model_info_t **)(void *)(arr + n) : NULL;
  page->count = n;
  page->has_more = has_more;
  page->json_text = root->at;
  page->json_len = (size_t)(root->end - root->at);
  *items = arr;
  *arena_out = arena->buf;
  return 0;
}

int anth__parse_page_ref(const char *body, size_t len, char **arena_out,
                         anthropic_models_page_t *page, void **items, char *err,
                         size_t errlen) {
  static const char *const keys[] = {"data", "has_more", "first_id", "last_id"};
  val_t root, v[4];
  arena_t arena = {NULL, 0, 0};
  ctx_t c = {SIZE_MAX, false, err, errlen, &arena};
  memset(v, 0, sizeof v);
  memset(page, 0, sizeof *page);
  *items = NULL;
  *arena_out = NULL;
  int rc =
      read_body(body, len, ANTH_PAGE_MAX_ITEMS, &root, &arena, err, errlen);
  if (rc != 0)
    return rc;
  if (root.kind != V_OBJECT || !members(&root, keys, 4, v)) {
    anth__errf(err, errlen, "body: expected a page object");
    rc = ANTHROPIC_EBADRESPONSE;
  } else {
    rc = page_fields(&c, v, page);
  }
  size_t n = 0;
  val_t item;
  jp_t j = {v[0].at, v[0].end, 0};
  while (rc == 0 && next_element(&j, &item))
    n++;
  anth_model_t *arr = page_block(n, &rc, err, errlen);
  j.p = v[0].at;
  for (size_t i = 0; rc == 0 && i < n && next_element(&j, &item); i++)
    rc = model_from(&item, &arr[i], i, &arena, err, errlen, NULL);
  return page_finish(rc, page, arr, n, v[1].kind == V_TRUE, &root, &arena,
                     items, arena_out);
}

/* ---- one walk ---- */

/* The walk checks the body as anth__json_check() and read_body() do
 * together (its strings, then its grammar, in one pass: a body it
 * accepts is one they accept) and reads, as it goes, what the schema
 * needs: a ModelInfo's members, its capability rows and their
 * "supported". A retrieve body is walked once. A page's items are walked
 * a second time, each read as it is built (page_items()): their records
 * cannot be kept before the page is known to hold at most
 * ANTH_PAGE_MAX_ITEMS, and a page refused for that takes no memory. When
 * the walk refuses a body, read_body() says why, with its messages. */

/* What an object is to the walk: what to read of it. */
enum {
  S_SKIP,  /* nothing: checked only */
  S_MODEL, /* a ModelInfo (w->rec) */
  S_CAPS,  /* the rows of container a, in the run of struct b */
  S_SUP,   /* the value of row a: its "supported" */
  S_GROUP, /* the value of GROUP row a: its "supported" and its rows */
  S_PAGE   /* a page body */
};

typedef struct walk {
  jp_t j;
  model_rec_t *rec;  /* the ModelInfo being read */
  val_t page[4];     /* data, has_more, first_id, last_id */
  size_t items;      /* the elements of page[0], an array */
  size_t data_items; /* as anth__json_check counts them */
  size_t count;      /* the elements of the array walked last */
} walk_t;

/* Bytes a string holds as they are: all but '"', '\\', controls and
 * non-ASCII. */
// clang-format off
static const unsigned char plain[256] = {
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
};
// clang-format on

/* The string at j->p (its opening quote): past its closing quote, its
 * bytes checked as anth__json_check() checks them. *esc when it holds an
 * escape. */
static bool walk_string(jp_t *j, bool *esc) {
  const unsigned char *q = (const unsigned char *)j->p + 1;
  const unsigned char *end = (const unsigned char *)j->end;
  for (;;) {
    while (q < end && plain[*q])
      q++;
    if (q >= end)
      return false;
    size_t n;
    if (*q == '"') {
      j->p = (const char *)q + 1;
      return true;
    }
    if (*q == '\\') {
      n = anth__json_escape_len(q, (size_t)(end - q));
      *esc = true;
    } else if (*q < 0x20) {
      return false;
    } else {
      n = anth__json_utf8_len(q, (size_t)(end - q));
    }
    if (n == 0)
      return false;
    q += n;
  }
}

static bool key_eq(const char *k, size_t klen, bool esc, const char *name,
                   size_t n) {
  if (esc)
    return key_is(k, klen, name);
  return klen == n && memcmp(k, name, n) == 0;
}

/* The first row of struct strct's run in anth__caps. */
static size_t run_start(unsigned strct) {
  size_t first = 0;
  for (unsigned k = 0; k < strct; k++)
    first += cap_rows_of[k];
  return first;
}

/* The row of container a, in the run of struct b, that the key names
 * (unread so far): its slot, and what its value is to the walk. */
static val_t *row_slot(walk_t *w, unsigned a, unsigned b, const char *k,
                       size_t klen, bool esc, int *cs, unsigned *ca,
                       unsigned *cb) {
  size_t first = run_start(b);
  for (size_t i = first; i < first + cap_rows_of[b]; i++) {
    const anth_cap_row_t *r = &anth__caps[i];
    if (r->parent != a || r->kind == ANTH_CAP_PATH ||
        w->rec->cap[i].kind != V_NONE ||
        !key_eq(k, klen, esc, r->key, (size_t)r->comma_key_len - 4))
      continue;
    switch (r->kind) {
    case ANTH_CAP_FIELD:
      *cs = S_SUP;
      *ca = (unsigned)i;
      break;
    case ANTH_CAP_GROUP:
      *cs = S_GROUP;
      *ca = (unsigned)i;
      break;
    default: /* ANTH_CAP_OBJECT */
      *cs = S_CAPS;
      *ca = r->own;
      *cb = r->strct;
      break;
    }
    return &w->rec->cap[i];
  }
  return NULL;
}

static bool walk_value(walk_t *w, int s, unsigned a, unsigned b);

/* An object at w->j.p, what schema s reads of it: past its end. */
static bool walk_object(walk_t *w, int s, unsigned a, unsigned b) {
  static const char *const page_keys[] = {"data", "has_more", "first_id",
                                          "last_id"};
  jp_t *j = &w->j;
  if (++j->depth > MAX_DEPTH)
    return false;
  j->p++;
  ws(j);
  if (j->p < j->end && *j->p == '}') {
    j->p++;
    j->depth--;
    return true;
  }
  for (;;) {
    if (j->p >= j->end || *j->p != '"')
      return false;
    const char *k = j->p + 1;
    bool esc = false;
    if (!walk_string(j, &esc))
      return false;
    size_t klen = (size_t)(j->p - 1 - k);
    ws(j);
    if (j->p >= j->end || *j->p != ':')
      return false;
    j->p++;
    ws(j);
    /* Where its value goes (at most two places), and what is read of it. */
    val_t *slot = NULL, *slot2 = NULL;
    int cs = S_SKIP;
    unsigned ca = 0, cb = 0;
    switch (s) {
    case S_MODEL:
      for (size_t i = 0; i < M_COUNT; i++)
        if (w->rec->top[i].kind == V_NONE &&
            key_eq(k, klen, esc, model_keys[i], strlen(model_keys[i]))) {
          slot = &w->rec->top[i];
          if (i == M_CAPABILITIES) {
            cs = S_CAPS;
            ca = ANTH_CAPC_capabilities;
            cb = ANTH_CAPS_capabilities;
          }
          break;
        }
      break;
    case S_CAPS:
      slot = row_slot(w, a, b, k, klen, esc, &cs, &ca, &cb);
      break;
    case S_SUP:
    case S_GROUP:
      if (w->rec->sup[a].kind == V_NONE && key_eq(k, klen, esc, "supported", 9))
        slot = &w->rec->sup[a];
      if (s == S_GROUP)
        slot2 = row_slot(w, anth__caps[a].own, anth__caps[a].group, k, klen,
                         esc, &cs, &ca, &cb);
      break;
    case S_PAGE:
      for (size_t i = 0; i < 4; i++)
        if (w->page[i].kind == V_NONE &&
            key_eq(k, klen, esc, page_keys[i], strlen(page_keys[i]))) {
          slot = &w->page[i];
          break;
        }
      break;
    default:
      break;
    }
    const char *at = j->p;
    if (!walk_value(w, cs, ca, cb))
      return false;
    val_t v = {kind_of(*at), at, j->p};
    if (slot != NULL)
      *slot = v;
    if (slot2 != NULL)
      *slot2 = v;
    if (slot == &w->page[0])
      w->items = w->count;
    /* anth__json_check's count: the elements of each array of a "data"
     * key as written, at least 1. */
    if (s == S_PAGE && v.kind == V_ARRAY && klen == 4 &&
        memcmp(k, "data", 4) == 0) {
      size_t n = w->count == 0 ? 1 : w->count;
      if (n > w->data_items)
        w->data_items = n;
    }
    ws(j);
    if (j->p < j->end && *j->p == '}') {
      j->p++;
      j->depth--;
      return true;
    }
    if (j->p >= j->end || *j->p != ',')
      return false;
    j->p++;
    ws(j);
  }
}

/* An array at w->j.p: past its end, w->count its elements. */
static bool walk_array(walk_t *w) {
  jp_t *j = &w->j;
  size_t n = 0;
  if (++j->depth > MAX_DEPTH)
    return false;
  j->p++;
  ws(j);
  if (j->p < j->end && *j->p == ']') {
    j->p++;
    j->depth--;
    w->count = 0;
    return true;
  }
  for (;;) {
    if (!walk_value(w, S_SKIP, 0, 0))
      return false;
    n++;
    ws(j);
    if (j->p >= j->end)
      return false;
    if (*j->p == ']') {
      j->p++;
      j->depth--;
      w->count = n;
      return true;
    }
    if (*j->p != ',')
      return false;
    j->p++;
    ws(j);
  }
}

static bool walk_value(walk_t *w, int s, unsigned a, unsigned b) {
  jp_t *j = &w->j;
  if (j->p >= j->end)
    return false;
  switch (*j->p) {
  case '{':
    return walk_object(w, s, a, b);
  case '[':
    return walk_array(w);
  case '"': {
    bool esc = false;
    return walk_string(j, &esc);
  }
  case 't':
    return literal(j, "true", 4);
  case 'f':
    return literal(j, "false", 5);
  case 'n':
    return literal(j, "null", 4);
  default:
    return (*j->p == '-' || (*j->p >= '0' && *j->p <= '9')) && number(j, NULL);
  }
}

/* Walk the whole body as schema s (S_MODEL or S_PAGE) reads its root:
 * *root its one value. False when read_body() would refuse it. */
static bool walk_body(walk_t *w, const char *body, size_t len, int s,
                      val_t *root) {
  w->j = (jp_t){body, body + len, 0};
  if (len >= 3 && memcmp(body, "\xef\xbb\xbf", 3) == 0)
    w->j.p += 3; /* a UTF-8 byte order mark, as cJSON allowed */
  ws(&w->j);
  root->at = w->j.p;
  root->kind = w->j.p < w->j.end ? kind_of(*w->j.p) : V_NONE;
  bool ok = walk_value(w, s, 0, 0);
  root->end = w->j.p;
  ws(&w->j);
  return ok && w->j.p == w->j.end;
}

static int arena_alloc(arena_t *arena, size_t len, char *err, size_t errlen) {
  arena->cap = len + 1;
  arena->len = 0;
  if ((arena->buf = anth__malloc(arena->cap)) == NULL) {
    anth__errf(err, errlen, "out of memory");
    return ANTHROPIC_ENOMEM;
  }
  return 0;
}

int anth__parse_model(const char *body, size_t len, char **arena_out,
                      anth_model_t *out, char *err, size_t errlen) {
  model_rec_t rec;
  walk_t w = {.rec = &rec};
  val_t root;
  memset(&rec, 0, sizeof rec);
  if (!walk_body(&w, body, len, S_MODEL, &root))
    return anth__parse_model_ref(body, len, arena_out, out, err, errlen);
  arena_t arena = {NULL, 0, 0};
  *arena_out = NULL;
  int rc = arena_alloc(&arena, len, err, errlen);
  if (rc == 0 &&
      (rc = model_from(&root, out, SIZE_MAX, &arena, err, errlen, &rec)) != 0)
    anth__free(arena.buf);
  else if (rc == 0)
    *arena_out = arena.buf;
  return rc;
}

int anth__parse_model_json(const char *body, size_t len, const char **text,
                           size_t *text_len, char *err, size_t errlen) {
  model_rec_t rec;
  walk_t w = {.rec = &rec};
  val_t root;
  memset(&rec, 0, sizeof rec);
  if (!walk_body(&w, body, len, S_MODEL, &root))
    return anth__parse_model_json_ref(body, len, text, text_len, err, errlen);
  *text = NULL;
  *text_len = 0;
  /* The shape only, with the typed parse's messages: an object with a
   * string "id" (the first "id", as the typed parse reads). */
  if (root.kind != V_OBJECT) {
    anth__errf(err, errlen, "body: expected a ModelInfo object");
    return ANTHROPIC_EBADRESPONSE;
  }
  if (rec.top[M_ID].kind != V_STRING)
    return fail(&(ctx_t){SIZE_MAX, false, err, errlen, NULL}, "id", "a string");
  *text = root.at;
  *text_len = (size_t)(root.end - root.at);
  return 0;
}

/* The items of a page, walked (and read) one by one: the walk over the
 * body checked them, but a page cannot keep what it read of each before
 * it knows their number, nor take memory for a page it then refuses. */
static int page_items(const val_t *data, anth_model_t *arr, size_t n,
                      arena_t *arena, char *err, size_t errlen) {
  model_rec_t rec;
  walk_t w = {.rec = &rec};
  w.j = (jp_t){data->at + 1, data->end, 0};
  for (size_t i = 0; i < n; i++) {
    ws(&w.j);
    memset(&rec, 0, sizeof rec);
    rec.self.at = w.j.p;
    rec.self.kind = kind_of(*w.j.p);
    if (!walk_value(&w, S_MODEL, 0, 0))
      return ANTHROPIC_EBADRESPONSE; /* cannot be: checked whole */
    rec.self.end = w.j.p;
    int rc = model_from(&rec.self, &arr[i], i, arena, err, errlen,
                        rec.self.kind == V_OBJECT ? &rec : NULL);
    if (rc != 0)
      return rc;
    ws(&w.j);
    w.j.p++; /* past the ',' (or the closing ']') */
  }
  return 0;
}

int anth__parse_page(const char *body, size_t len, char **arena_out,
                     anthropic_models_page_t *page, void **items, char *err,
                     size_t errlen) {
  walk_t w;
  val_t root;
  memset(&w, 0, sizeof w);
  bool ok = walk_body(&w, body, len, S_PAGE, &root);
  /* Refused (read_body() says why), or not an object (where
   * anth__json_check counts "data" items its own way). */
  if (!ok || root.kind != V_OBJECT)
    return anth__parse_page_ref(body, len, arena_out, page, items, err, errlen);
  memset(page, 0, sizeof *page);
  *items = NULL;
  *arena_out = NULL;
  if (w.data_items > ANTH_PAGE_MAX_ITEMS) {
    anth__errf(err, errlen, "data: %zu items, more than the %zu a page holds",
               w.data_items, (size_t)ANTH_PAGE_MAX_ITEMS);
    return ANTHROPIC_EBADRESPONSE;
  }
  const val_t *v = w.page;
  arena_t arena = {NULL, 0, 0};
  ctx_t c = {SIZE_MAX, false, err, errlen, &arena};
  int rc = arena_alloc(&arena, len, err, errlen);
  if (rc != 0)
    return rc;
  rc = page_fields(&c, v, page);
  size_t n = rc == 0 ? w.items : 0;
  anth_model_t *arr = page_block(n, &rc, err, errlen);
  if (rc == 0 && n > 0)
    rc = page_items(&v[0], arr, n, &arena, err, errlen);
  return page_finish(rc, page, arr, n, v[1].kind == V_TRUE, &root, &arena,
                     items, arena_out);
}

/* ---- capabilities by path ---- */

anthropic_presence_t anthropic_model_capability(const anthropic_model_info_t *m,
                                                const char *path,
                                                bool *supported) {
  static const char *const sup[] = {"supported"};
  char seg[64] = "capabilities";
  val_t v, next;
  if (supported != NULL)
    *supported = false;
  if (m == NULL || m->json_text == NULL || path == NULL || *path == '\0')
    return ANTHROPIC_FIELD_ABSENT;
  v.kind = V_OBJECT;
  v.at = m->json_text;
  v.end = m->json_text + m->json_len;
  for (const char *p = path;;) {
    const char *names[] = {seg};
    if (v.kind != V_OBJECT || !members(&v, names, 1, &next) ||
        next.kind == V_NONE)
      return ANTHROPIC_FIELD_ABSENT;
    v = next;
    if (p == NULL)
      break; /* the last segment was read */
    size_t n = strcspn(p, ".");
    if (n == 0 || n >= sizeof seg)
      return ANTHROPIC_FIELD_ABSENT; /* an empty segment, or no known key */
    memcpy(seg, p, n);
    seg[n] = '\0';
    p = p[n] == '.' ? p + n + 1 : NULL;
    if (p != NULL && *p == '\0')
      return ANTHROPIC_FIELD_ABSENT; /* a trailing dot */
  }
  if (v.kind == V_NULL)
    return ANTHROPIC_FIELD_NULL;
  if (v.kind != V_OBJECT || !members(&v, sup, 1, &next) ||
      (next.kind != V_TRUE && next.kind != V_FALSE))
    return ANTHROPIC_FIELD_ABSENT;
  if (supported != NULL)
    *supported = next.kind == V_TRUE;
  return ANTHROPIC_FIELD_SET;
}
