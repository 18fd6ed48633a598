/* fuzz_json.c - anth__json_check, the pass that runs before cJSON: when it
 * accepts a body that cJSON parses, every string of the tree (keys too) is
 * UTF-8 without overlong forms, surrogates or code points past U+10FFFF,
 * checked here by decoding code points rather than by a table, and the
 * tree has no more nodes and strings than the pass counted (the memory
 * budget rests on them); when it refuses, the message names a byte inside
 * the body. */
#include "fuzz_common.h"

/* Decode `s` (NUL-terminated) as UTF-8 code points: 1 when every one is
 * in its shortest form and a Unicode scalar value. */
static int utf8_ok(const unsigned char *s) {
  while (*s) {
    unsigned long cp;
    int n;
    if (*s < 0x80) {
      s++;
      continue;
    }
    if ((*s & 0xe0) == 0xc0)
      cp = *s & 0x1f, n = 1;
    else if ((*s & 0xf0) == 0xe0)
      cp = *s & 0x0f, n = 2;
    else if ((*s & 0xf8) == 0xf0)
      cp = *s & 0x07, n = 3;
    else
      return 0;
    s++;
    for (int i = 0; i < n; i++, s++) {
      if ((*s & 0xc0) != 0x80)
        return 0;
      cp = cp << 6 | (*s & 0x3f);
    }
    static const unsigned long min[] = {0, 0x80, 0x800, 0x10000};
    if (cp < min[n] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
      return 0;
  }
  return 1;
}

/* Every key and string value of the tree and its children; counts the
 * nodes and the strings (keys and values). */
static void check_tree(const cJSON *v, size_t *nodes, size_t *strings) {
  for (; v != NULL; v = v->next) {
    ++*nodes;
    if (v->string != NULL) {
      ++*strings;
      FUZZ_CHECK(utf8_ok((const unsigned char *)v->string));
    }
    if (cJSON_IsString(v) && v->valuestring != NULL) {
      ++*strings;
      FUZZ_CHECK(utf8_ok((const unsigned char *)v->valuestring));
    }
    check_tree(v->child, nodes, strings);
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char *body = fuzz_exact_copy(data, size);
  char err[ANTH_ERRMSG_MAX];
  err[0] = '\0';
  anth_json_scan_t scan;
  int rc = anth__json_check(body, size, &scan, err, sizeof err);
  if (rc != 0) {
    FUZZ_CHECK(rc == ANTHROPIC_EBADRESPONSE);
    const char *at = strstr(err, "at byte ");
    FUZZ_CHECK(at != NULL);
    FUZZ_CHECK(strtoull(at + 8, NULL, 10) < size);
  } else {
    cJSON *root = anth__json_parse(body, size);
    if (root != NULL) {
      /* The counts the memory budget rests on are upper bounds. */
      size_t nodes = 0, strings = 0;
      check_tree(root, &nodes, &strings);
      FUZZ_CHECK(nodes <= scan.values);
      FUZZ_CHECK(strings <= scan.strings);
      cJSON_Delete(root);
    }
  }
  free(body);
  return 0;
}
