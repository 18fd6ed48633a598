/* fuzz_headers.c - header lines and the per-client header list.
 *
 * The raw bytes go to anth__header_line; the same bytes, cut at the first
 * NUL, go to anth__headers_build as ANTHROPIC_CUSTOM_HEADERS and as one
 * extra header line. */
#include "fuzz_common.h"

#include <strings.h>

static int is_tchar(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
         (c >= '0' && c <= '9') || (c != '\0' && strchr("!#$%&'*+-.^_`|~", c));
}

/* One line of the list: "Name: value" or "Name;", no CR, LF or other
 * control character but tab. */
static void check_line(const char *s) {
  FUZZ_CHECK(s != NULL);
  FUZZ_CHECK(strchr(s, '\r') == NULL && strchr(s, '\n') == NULL);
  FUZZ_CHECK(anth__header_value_ok(s));
  size_t n = 0;
  while (is_tchar((unsigned char)s[n]))
    n++;
  FUZZ_CHECK(n > 0);
  FUZZ_CHECK((s[n] == ';' && s[n + 1] == '\0') ||
             (s[n] == ':' && s[n + 1] == ' ' && s[n + 2] != '\0' &&
              s[n + 2] != ' ' && s[n + 2] != '\t'));
}

static void check_list(const anth_line_t *list) {
  size_t count = 0;
  for (const anth_line_t *l = list; l != NULL; l = l->next) {
    check_line(l->data);
    count++;
    FUZZ_CHECK(count <= 64);
    /* Names are unique, case-insensitively. */
    size_t n = strcspn(l->data, ":;");
    for (const anth_line_t *k = l->next; k != NULL; k = k->next)
      FUZZ_CHECK(strcspn(k->data, ":;") != n ||
                 strncasecmp(k->data, l->data, n) != 0);
  }
}

static void build(const char *custom_env, const char *extra_line) {
  const char *extra[1] = {extra_line};
  anth_header_config_t cfg = {
      .api_key = "fake-key",
      .auth_token = NULL,
      .version = "2023-06-01",
      .user_agent = "anthropic-c/fuzz",
      .custom_env = custom_env,
      .extra = extra_line ? extra : NULL,
      .extra_count = extra_line ? 1 : 0,
  };
  anth_line_t *list = (anth_line_t *)&list; /* poison */
  char err[ANTH_ERRMSG_MAX];
  err[0] = '\0';
  int rc = anth__headers_build(&cfg, &list, err, sizeof err);
  if (rc == 0) {
    FUZZ_CHECK(list != NULL);
    check_list(list);
  } else {
    FUZZ_CHECK(rc == ANTHROPIC_EINVAL || rc == ANTHROPIC_ENOMEM);
    FUZZ_CHECK(list == NULL);
    FUZZ_CHECK(err[0] != '\0');
  }
  anth__lines_free(list);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char *line = fuzz_exact_copy(data, size);
  anth_buf_t out = {NULL, 0, 0};
  char err[ANTH_ERRMSG_MAX];
  err[0] = '\0';
  int rc = anth__header_line(line, size, &out, err, sizeof err);
  if (rc == 0) {
    FUZZ_CHECK(out.data != NULL);
    FUZZ_CHECK(strlen(out.data) == out.len);
    check_line(out.data);
    /* The name is the input's, unchanged. */
    size_t n = strcspn(out.data, ":;");
    FUZZ_CHECK(n <= size && memcmp(out.data, line, n) == 0 && line[n] == ':');
  } else {
    FUZZ_CHECK(rc == ANTHROPIC_EINVAL || rc == ANTHROPIC_ENOMEM);
    FUZZ_CHECK(err[0] != '\0');
  }
  anth__buf_free(&out);
  free(line);

  char *text = fuzz_cstr(data, size);
  build(text, NULL);
  /* A single extra line may not hold a line break (it would be rejected);
   * pass the first line only. */
  char *first = fuzz_cstr(data, strcspn(text, "\n"));
  build(NULL, first);
  free(first);
  free(text);
  return 0;
}
