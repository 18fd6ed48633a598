/* test_headers.c - header validation, "Name: value" parsing, and the
 * per-client header list (built-ins, ANTHROPIC_CUSTOM_HEADERS, extras). */
#include "../src/internal.h"
#include "test.h"

#include <strings.h>

#define UA "anthropic-c/" ANTHROPIC_VERSION_STRING

/* A config with every built-in set; tests change what they need. */
static anth_header_config_t full_config(void) {
  anth_header_config_t c = {
      .api_key = "sk-test",
      .auth_token = "tok-test",
      .version = "2023-06-01",
      .user_agent = UA,
      .custom_env = NULL,
      .extra = NULL,
      .extra_count = 0,
  };
  return c;
}

/* Parse one line into a fresh string (caller frees with anth__free()), or
 * NULL with *rc and err set. */
static char *header_line(const char *line, size_t len, int *rc, char *err,
                         size_t errlen) {
  anth_buf_t b = {NULL, 0, 0};
  err[0] = '\0';
  *rc = anth__header_line(line, len, &b, err, errlen);
  if (*rc != 0) {
    anth__buf_free(&b);
    return NULL;
  }
  return b.data;
}

static void check_line(const char *in, const char *want) {
  char err[ANTH_ERRMSG_MAX];
  int rc;
  char *got = header_line(in, strlen(in), &rc, err, sizeof err);
  if (got == NULL)
    FAILF("header_line(\"%s\") refused: rc %d, \"%s\"", in, rc, err);
  int same = strcmp(got, want) == 0;
  if (!same)
    fprintf(stderr, "  header_line(\"%s\") = \"%s\", want \"%s\"\n", in, got,
            want);
  anth__free(got);
  CHECK(same);
}

static void check_line_refused(const char *in, const char *needle) {
  char err[ANTH_ERRMSG_MAX];
  int rc;
  char *got = header_line(in, strlen(in), &rc, err, sizeof err);
  if (got != NULL) {
    fprintf(stderr, "  header_line(\"%s\") = \"%s\", want refused\n", in, got);
    anth__free(got);
    FAILF("header line accepted");
  }
  CHECK_EQ_INT(rc, ANTHROPIC_EINVAL);
  CHECK_CONTAINS(err, needle);
}

static size_t list_len(const anth_line_t *l) {
  size_t n = 0;
  for (; l != NULL; l = l->next)
    n++;
  return n;
}

/* Require `list` to hold exactly `want`, in order. Frees the list. */
static void check_list(anth_line_t *list, const char *const *want, size_t n) {
  size_t i = 0;
  int ok = 1;
  for (const anth_line_t *l = list; l != NULL; l = l->next, i++) {
    if (i >= n || strcmp(l->data, want[i]) != 0) {
      fprintf(stderr, "  line %zu: \"%s\", want \"%s\"\n", i, l->data,
              i < n ? want[i] : "(end of list)");
      ok = 0;
    }
  }
  if (i < n) {
    fprintf(stderr, "  list has %zu lines, want %zu (missing \"%s\")\n", i, n,
            want[i]);
    ok = 0;
  }
  anth__lines_free(list);
  CHECK(ok);
}

/* Build with `cfg` and require success. */
static anth_line_t *build_ok(const anth_header_config_t *cfg) {
  anth_line_t *list = (anth_line_t *)1;
  char err[ANTH_ERRMSG_MAX] = "";
  int rc = anth__headers_build(cfg, &list, err, sizeof err);
  if (rc != 0)
    FAILF("anth__headers_build failed: rc %d, \"%s\"", rc, err);
  return list;
}

/* Build with `cfg` and require EINVAL with `needle` in the message and no
 * list handed out. */
static void build_refused(const anth_header_config_t *cfg, const char *needle) {
  anth_line_t *list = (anth_line_t *)1;
  char err[ANTH_ERRMSG_MAX] = "";
  int rc = anth__headers_build(cfg, &list, err, sizeof err);
  if (rc == 0) {
    anth__lines_free(list);
    FAILF("anth__headers_build succeeded, want refused");
  }
  CHECK_EQ_INT(rc, ANTHROPIC_EINVAL);
  CHECK(list == NULL);
  CHECK_CONTAINS(err, needle);
}

/* ---- anth__header_value_ok ---- */

TEST(header_value_ok_accepts_plain_value) {
  CHECK(anth__header_value_ok("sk-ant-123"));
}

TEST(header_value_ok_accepts_empty_value) {
  CHECK(anth__header_value_ok(""));
}

TEST(header_value_ok_accepts_tab_and_spaces) {
  CHECK(anth__header_value_ok("a\tb c"));
}

TEST(header_value_ok_refuses_newline) {
  CHECK(!anth__header_value_ok("a\nb"));
  CHECK(!anth__header_value_ok("ab\n"));
}

TEST(header_value_ok_refuses_carriage_return) {
  CHECK(!anth__header_value_ok("a\rb"));
  CHECK(!anth__header_value_ok("\r"));
}

/* ---- anth__header_line ---- */

TEST(header_line_keeps_normal_line) {
  check_line("Name: value", "Name: value");
}

TEST(header_line_adds_space_after_colon) {
  check_line("Name:value", "Name: value");
}

TEST(header_line_trims_value_spaces) {
  check_line("Name:    value   ", "Name: value");
}

TEST(header_line_trims_value_tabs) {
  check_line("Name:\t value\t \t", "Name: value");
}

TEST(header_line_keeps_inner_whitespace_of_value) {
  check_line("X-A: a  b\tc", "X-A: a  b\tc");
}

TEST(header_line_keeps_name_case) {
  check_line("X-Custom-Header: V", "X-Custom-Header: V");
}

TEST(header_line_accepts_all_token_characters_in_name) {
  check_line("a1!#$%&'*+-.^_`|~: v", "a1!#$%&'*+-.^_`|~: v");
}

TEST(header_line_writes_empty_value_with_semicolon) {
  check_line("X-Empty:", "X-Empty;");
}

TEST(header_line_writes_blank_value_with_semicolon) {
  check_line("X-Empty: \t ", "X-Empty;");
}

TEST(header_line_keeps_colon_inside_value) {
  check_line("X-Url: http://h:1/x", "X-Url: http://h:1/x");
}

TEST(header_line_refuses_missing_colon) {
  check_line_refused("NoColonHere", "Name: value");
}

TEST(header_line_refuses_empty_name) {
  check_line_refused(": value", "Name: value");
}

TEST(header_line_refuses_space_in_name) {
  check_line_refused("Bad Name: value", "Name: value");
}

TEST(header_line_refuses_space_before_colon) {
  check_line_refused("Name : value", "Name");
}

TEST(header_line_refuses_cr_in_value) {
  check_line_refused("X-A: a\rb", "X-A");
}

TEST(header_line_refuses_lf_in_value) {
  check_line_refused("X-A: a\nb", "line break");
}

TEST(header_line_refuses_trailing_cr) {
  check_line_refused("X-A: ab\r", "X-A");
}

TEST(header_line_refuses_empty_line) {
  char err[ANTH_ERRMSG_MAX];
  int rc;
  char *got = header_line("", 0, &rc, err, sizeof err);
  anth__free(got);
  CHECK(got == NULL);
  CHECK_EQ_INT(rc, ANTHROPIC_EINVAL);
}

TEST(header_line_reads_only_len_bytes) {
  /* An unterminated copy: ASan catches any read past `len`. */
  static const char text[] = "X-A: abcdef";
  size_t len = 7; /* "X-A: ab" */
  char *heap = malloc(len);
  CHECK(heap != NULL);
  memcpy(heap, text, len);
  char err[ANTH_ERRMSG_MAX];
  int rc;
  char *got = header_line(heap, len, &rc, err, sizeof err);
  free(heap);
  int same = got != NULL && strcmp(got, "X-A: ab") == 0;
  anth__free(got);
  CHECK(same);
}

TEST(header_line_replaces_previous_buffer_content) {
  anth_buf_t b = {NULL, 0, 0};
  char err[ANTH_ERRMSG_MAX];
  CHECK_EQ_INT(anth__buf_appends(&b, "old content"), 0);
  int rc = anth__header_line("A: 1", 4, &b, err, sizeof err);
  int same = rc == 0 && strcmp(b.data, "A: 1") == 0;
  anth__buf_free(&b);
  CHECK(same);
}

/* ---- anth__headers_build ---- */

TEST(headers_build_emits_builtins_in_order) {
  anth_header_config_t cfg = full_config();
  static const char *const want[] = {
      "x-api-key: sk-test", "authorization: Bearer tok-test",
      "anthropic-version: 2023-06-01", "accept: application/json",
      "user-agent: " UA};
  check_list(build_ok(&cfg), want, ANTH_ARRAY_SIZE(want));
}

TEST(headers_build_omits_empty_api_key) {
  anth_header_config_t cfg = full_config();
  cfg.api_key = "";
  static const char *const want[] = {
      "authorization: Bearer tok-test", "anthropic-version: 2023-06-01",
      "accept: application/json", "user-agent: " UA};
  check_list(build_ok(&cfg), want, ANTH_ARRAY_SIZE(want));
}

TEST(headers_build_omits_null_api_key) {
  anth_header_config_t cfg = full_config();
  cfg.api_key = NULL;
  static const char *const want[] = {
      "authorization: Bearer tok-test", "anthropic-version: 2023-06-01",
      "accept: application/json", "user-agent: " UA};
  check_list(build_ok(&cfg), want, ANTH_ARRAY_SIZE(want));
}

TEST(headers_build_omits_empty_and_null_auth_token) {
  anth_header_config_t cfg = full_config();
  static const char *const want[] = {
      "x-api-key: sk-test", "anthropic-version: 2023-06-01",
      "accept: application/json", "user-agent: " UA};
  cfg.auth_token = "";
  check_list(build_ok(&cfg), want, ANTH_ARRAY_SIZE(want));
  cfg.auth_token = NULL;
  check_list(build_ok(&cfg), want, ANTH_ARRAY_SIZE(want));
}

TEST(headers_build_refuses_api_key_with_newline) {
  anth_header_config_t cfg = full_config();
  cfg.api_key = "sk-1\nX-Injected: yes";
  build_refused(&cfg, "x-api-key");
}

TEST(headers_build_refuses_api_key_with_carriage_return) {
  anth_header_config_t cfg = full_config();
  cfg.api_key = "sk-1\r";
  build_refused(&cfg, "x-api-key");
}

TEST(headers_build_refuses_auth_token_with_newline) {
  anth_header_config_t cfg = full_config();
  cfg.auth_token = "tok\n";
  build_refused(&cfg, "authorization");
}

TEST(headers_build_refuses_version_with_newline) {
  anth_header_config_t cfg = full_config();
  cfg.version = "2023-06-01\r\nX: y";
  build_refused(&cfg, "anthropic-version");
}

TEST(headers_build_refuses_user_agent_with_newline) {
  anth_header_config_t cfg = full_config();
  cfg.user_agent = "ua\n";
  build_refused(&cfg, "user-agent");
}

TEST(headers_build_parses_custom_env_lines) {
  anth_header_config_t cfg = full_config();
  cfg.custom_env = "A: 1\nB: 2\r\n\n  C:3 ";
  static const char *const want[] = {"x-api-key: sk-test",
                                     "authorization: Bearer tok-test",
                                     "anthropic-version: 2023-06-01",
                                     "accept: application/json",
                                     "user-agent: " UA,
                                     "A: 1",
                                     "B: 2",
                                     "C: 3"};
  check_list(build_ok(&cfg), want, ANTH_ARRAY_SIZE(want));
}

TEST(headers_build_skips_blank_and_whitespace_custom_env_lines) {
  anth_header_config_t cfg = full_config();
  cfg.api_key = NULL;
  cfg.auth_token = NULL;
  cfg.custom_env = "\n \t \r\n\r\nA: 1\n\n";
  static const char *const want[] = {"anthropic-version: 2023-06-01",
                                     "accept: application/json",
                                     "user-agent: " UA, "A: 1"};
  check_list(build_ok(&cfg), want, ANTH_ARRAY_SIZE(want));
}

TEST(headers_build_accepts_empty_custom_env) {
  anth_header_config_t cfg = full_config();
  cfg.custom_env = "";
  anth_line_t *list = build_ok(&cfg);
  size_t n = list_len(list);
  anth__lines_free(list);
  CHECK_EQ_INT(n, 5);
}

TEST(headers_build_keeps_empty_custom_value_as_semicolon_form) {
  anth_header_config_t cfg = full_config();
  cfg.api_key = NULL;
  cfg.auth_token = NULL;
  cfg.custom_env = "X-Empty:";
  static const char *const want[] = {"anthropic-version: 2023-06-01",
                                     "accept: application/json",
                                     "user-agent: " UA, "X-Empty;"};
  check_list(build_ok(&cfg), want, ANTH_ARRAY_SIZE(want));
}

TEST(headers_build_refuses_bad_custom_line_naming_line_number) {
  anth_header_config_t cfg = full_config();
  cfg.custom_env = "A: 1\n\nnot a header\nB: 2";
  build_refused(&cfg, "ANTHROPIC_CUSTOM_HEADERS line 3");
}

TEST(headers_build_refuses_custom_line_with_bad_name_on_line_1) {
  anth_header_config_t cfg = full_config();
  cfg.custom_env = "Bad Name: 1";
  build_refused(&cfg, "ANTHROPIC_CUSTOM_HEADERS line 1");
}

TEST(headers_build_custom_env_overrides_builtin_case_insensitively) {
  anth_header_config_t cfg = full_config();
  cfg.custom_env = "Anthropic-Version: 2026-10-21";
  anth_line_t *list = build_ok(&cfg);
  size_t seen = 0;
  for (const anth_line_t *l = list; l != NULL; l = l->next)
    if (strncasecmp(l->data, "anthropic-version", 17) == 0)
      seen++;
  static const char *const want[] = {
      "x-api-key: sk-test", "authorization: Bearer tok-test",
      "Anthropic-Version: 2026-10-21", "accept: application/json",
      "user-agent: " UA};
  check_list(list, want, ANTH_ARRAY_SIZE(want));
  CHECK_EQ_INT(seen, 1);
}

TEST(headers_build_later_custom_env_line_overrides_earlier) {
  anth_header_config_t cfg = full_config();
  cfg.api_key = NULL;
  cfg.auth_token = NULL;
  cfg.custom_env = "X-A: 1\nX-B: 2\nx-a: 3";
  static const char *const want[] = {"anthropic-version: 2023-06-01",
                                     "accept: application/json",
                                     "user-agent: " UA, "x-a: 3", "X-B: 2"};
  check_list(build_ok(&cfg), want, ANTH_ARRAY_SIZE(want));
}

TEST(headers_build_puts_extra_after_custom_env) {
  anth_header_config_t cfg = full_config();
  static const char *const extra[] = {"X-Extra: e1", "X-Extra-2:  e2 "};
  cfg.custom_env = "X-Env: v";
  cfg.extra = extra;
  cfg.extra_count = ANTH_ARRAY_SIZE(extra);
  static const char *const want[] = {"x-api-key: sk-test",
                                     "authorization: Bearer tok-test",
                                     "anthropic-version: 2023-06-01",
                                     "accept: application/json",
                                     "user-agent: " UA,
                                     "X-Env: v",
                                     "X-Extra: e1",
                                     "X-Extra-2: e2"};
  check_list(build_ok(&cfg), want, ANTH_ARRAY_SIZE(want));
}

TEST(headers_build_extra_overrides_custom_env) {
  anth_header_config_t cfg = full_config();
  static const char *const extra[] = {"x-env: from-extra"};
  cfg.api_key = NULL;
  cfg.auth_token = NULL;
  cfg.custom_env = "X-Env: from-env\nX-Other: o";
  cfg.extra = extra;
  cfg.extra_count = 1;
  static const char *const want[] = {
      "anthropic-version: 2023-06-01", "accept: application/json",
      "user-agent: " UA, "x-env: from-extra", "X-Other: o"};
  check_list(build_ok(&cfg), want, ANTH_ARRAY_SIZE(want));
}

TEST(headers_build_extra_overrides_builtin) {
  anth_header_config_t cfg = full_config();
  static const char *const extra[] = {"User-Agent: mine/2", "ACCEPT: text/x"};
  cfg.extra = extra;
  cfg.extra_count = ANTH_ARRAY_SIZE(extra);
  static const char *const want[] = {
      "x-api-key: sk-test", "authorization: Bearer tok-test",
      "anthropic-version: 2023-06-01", "ACCEPT: text/x", "User-Agent: mine/2"};
  check_list(build_ok(&cfg), want, ANTH_ARRAY_SIZE(want));
}

TEST(headers_build_value_overrides_empty_value_header) {
  anth_header_config_t cfg = full_config();
  static const char *const extra[] = {"x-empty: now-set"};
  cfg.api_key = NULL;
  cfg.auth_token = NULL;
  cfg.custom_env = "X-Empty:";
  cfg.extra = extra;
  cfg.extra_count = 1;
  static const char *const want[] = {"anthropic-version: 2023-06-01",
                                     "accept: application/json",
                                     "user-agent: " UA, "x-empty: now-set"};
  check_list(build_ok(&cfg), want, ANTH_ARRAY_SIZE(want));
}

TEST(headers_build_refuses_null_extra_entry) {
  anth_header_config_t cfg = full_config();
  static const char *const extra[] = {"X-A: 1", NULL};
  cfg.extra = extra;
  cfg.extra_count = 2;
  build_refused(&cfg, "header 1");
}

TEST(headers_build_refuses_bad_extra_line) {
  anth_header_config_t cfg = full_config();
  static const char *const extra[] = {"X-A: 1", "X-B: a\r\nX-C: c"};
  cfg.extra = extra;
  cfg.extra_count = 2;
  build_refused(&cfg, "X-B");
}

TEST(headers_build_refuses_more_than_64_headers) {
  anth_header_config_t cfg = full_config();
  /* 5 built-ins + 60 distinct extras = 65. */
  char names[60][16];
  const char *extra[60];
  for (int i = 0; i < 60; i++) {
    snprintf(names[i], sizeof names[i], "X-H%d: %d", i, i);
    extra[i] = names[i];
  }
  cfg.extra = extra;
  cfg.extra_count = 60;
  build_refused(&cfg, "64");
}

TEST(headers_build_accepts_exactly_64_headers) {
  anth_header_config_t cfg = full_config();
  char names[59][16];
  const char *extra[59];
  for (int i = 0; i < 59; i++) {
    snprintf(names[i], sizeof names[i], "X-H%d: %d", i, i);
    extra[i] = names[i];
  }
  cfg.extra = extra;
  cfg.extra_count = 59;
  anth_line_t *list = build_ok(&cfg);
  size_t n = list_len(list);
  anth__lines_free(list);
  CHECK_EQ_INT(n, 64);
}

/* ---- refusals never repeat a header's value ---- */

/* A bad header line is often a credential pasted in the wrong form: the
 * message names the line, never what follows the name. */
TEST(header_line_refusal_never_repeats_the_value) {
  static const char *const bad[] = {"Authorization Bearer sk-secret-123",
                                    "sk-secret-123", "x-api-key=sk-secret-123",
                                    "X-Key: sk-secret-123\x01",
                                    "X-Key: sk-secret-123\r"};
  for (size_t i = 0; i < ANTH_ARRAY_SIZE(bad); i++) {
    char err[ANTH_ERRMSG_MAX];
    int rc;
    char *got = header_line(bad[i], strlen(bad[i]), &rc, err, sizeof err);
    CHECK(got == NULL);
    CHECK_EQ_INT(rc, ANTHROPIC_EINVAL);
    if (strstr(err, "secret") != NULL)
      FAILF("line %zu: message repeats the value: %s", i, err);
  }
}

TEST(headers_build_names_bad_custom_line_by_number_and_name_only) {
  anth_header_config_t cfg = full_config();
  cfg.custom_env = "A: 1\nAuthorization Bearer sk-secret-123";
  build_refused(&cfg, "ANTHROPIC_CUSTOM_HEADERS line 2");
  cfg.custom_env = "A: 1\nX-Key: sk-secret-123\x7f";
  build_refused(&cfg, "ANTHROPIC_CUSTOM_HEADERS line 2");
  build_refused(&cfg, "X-Key");
  anth_line_t *list = NULL;
  char err[ANTH_ERRMSG_MAX] = "";
  cfg.custom_env = "Authorization Bearer sk-secret-123";
  CHECK_EQ_INT(anth__headers_build(&cfg, &list, err, sizeof err),
               ANTHROPIC_EINVAL);
  CHECK(strstr(err, "secret") == NULL);
}

TEST(headers_build_names_bad_extra_line_by_index_only) {
  anth_header_config_t cfg = full_config();
  static const char *const extra[] = {"X-A: 1", "Authorization Bearer sk-s3"};
  anth_line_t *list = NULL;
  char err[ANTH_ERRMSG_MAX] = "";
  cfg.extra = extra;
  cfg.extra_count = 2;
  CHECK_EQ_INT(anth__headers_build(&cfg, &list, err, sizeof err),
               ANTHROPIC_EINVAL);
  CHECK_CONTAINS(err, "header 1");
  CHECK(strstr(err, "sk-s3") == NULL);
}

TEST(request_headers_name_bad_line_by_index_only) {
  static const char *const extra[] = {"X-A: 1", "x-api-key sk-s3"};
  anthropic_request_options_t o = ANTHROPIC_REQUEST_OPTIONS_INIT;
  anth_line_t *list = NULL;
  char err[ANTH_ERRMSG_MAX] = "";
  o.headers = extra;
  o.headers_count = 2;
  CHECK_EQ_INT(anth__headers_for_request(NULL, &o, &list, err, sizeof err),
               ANTHROPIC_EINVAL);
  CHECK(list == NULL);
  CHECK_CONTAINS(err, "request header 1");
  CHECK(strstr(err, "sk-s3") == NULL);
}

int main(void) {
  return RUN(
      T(header_value_ok_accepts_plain_value),
      T(header_value_ok_accepts_empty_value),
      T(header_value_ok_accepts_tab_and_spaces),
      T(header_value_ok_refuses_newline),
      T(header_value_ok_refuses_carriage_return),
      T(header_line_keeps_normal_line), T(header_line_adds_space_after_colon),
      T(header_line_trims_value_spaces), T(header_line_trims_value_tabs),
      T(header_line_keeps_inner_whitespace_of_value),
      T(header_line_keeps_name_case),
      T(header_line_accepts_all_token_characters_in_name),
      T(header_line_writes_empty_value_with_semicolon),
      T(header_line_writes_blank_value_with_semicolon),
      T(header_line_keeps_colon_inside_value),
      T(header_line_refuses_missing_colon), T(header_line_refuses_empty_name),
      T(header_line_refuses_space_in_name),
      T(header_line_refuses_space_before_colon),
      T(header_line_refuses_cr_in_value), T(header_line_refuses_lf_in_value),
      T(header_line_refuses_trailing_cr), T(header_line_refuses_empty_line),
      T(header_line_reads_only_len_bytes),
      T(header_line_replaces_previous_buffer_content),
      T(headers_build_emits_builtins_in_order),
      T(headers_build_omits_empty_api_key), T(headers_build_omits_null_api_key),
      T(headers_build_omits_empty_and_null_auth_token),
      T(headers_build_refuses_api_key_with_newline),
      T(headers_build_refuses_api_key_with_carriage_return),
      T(headers_build_refuses_auth_token_with_newline),
      T(headers_build_refuses_version_with_newline),
      T(headers_build_refuses_user_agent_with_newline),
      T(headers_build_parses_custom_env_lines),
      T(headers_build_skips_blank_and_whitespace_custom_env_lines),
      T(headers_build_accepts_empty_custom_env),
      T(headers_build_keeps_empty_custom_value_as_semicolon_form),
      T(headers_build_refuses_bad_custom_line_naming_line_number),
      T(headers_build_refuses_custom_line_with_bad_name_on_line_1),
      T(headers_build_custom_env_overrides_builtin_case_insensitively),
      T(headers_build_later_custom_env_line_overrides_earlier),
      T(headers_build_puts_extra_after_custom_env),
      T(headers_build_extra_overrides_custom_env),
      T(headers_build_extra_overrides_builtin),
      T(headers_build_value_overrides_empty_value_header),
      T(headers_build_refuses_null_extra_entry),
      T(headers_build_refuses_bad_extra_line),
      T(headers_build_refuses_more_than_64_headers),
      T(headers_build_accepts_exactly_64_headers),
      T(header_line_refusal_never_repeats_the_value),
      T(headers_build_names_bad_custom_line_by_number_and_name_only),
      T(headers_build_names_bad_extra_line_by_index_only),
      T(request_headers_name_bad_line_by_index_only));
}
