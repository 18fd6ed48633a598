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

/* Each of `values` (up to a NULL) is a good header value, or each a bad
 * one. */
typedef struct value_case {
  const char *name;
  bool ok;
  const char *values[3];
} value_case_t;

static const value_case_t header_values[] = {
    {"header_value_ok_accepts_plain_value", true, {"sk-ant-123"}},
    {"header_value_ok_accepts_empty_value", true, {""}},
    {"header_value_ok_accepts_tab_and_spaces", true, {"a\tb c"}},
    {"header_value_ok_refuses_newline", false, {"a\nb", "ab\n"}},
    {"header_value_ok_refuses_carriage_return", false, {"a\rb", "\r"}},
};

static void check_header_value(const value_case_t *c) {
  for (size_t i = 0; i < ANTH_ARRAY_SIZE(c->values) && c->values[i]; i++)
    CHECK(anth__header_value_ok(c->values[i]) == c->ok);
}
TABLE_TEST(header_values, check_header_value)

/* ---- anth__header_line ---- */

/* A header line and what it becomes, or the words its refusal has. */
typedef struct line_case {
  const char *name;
  const char *in, *want;
} line_case_t;

static const line_case_t lines[] = {
    {"header_line_keeps_normal_line", "Name: value", "Name: value"},
    {"header_line_adds_space_after_colon", "Name:value", "Name: value"},
    {"header_line_trims_value_spaces", "Name:    value   ", "Name: value"},
    {"header_line_trims_value_tabs", "Name:\t value\t \t", "Name: value"},
    {"header_line_keeps_inner_whitespace_of_value", "X-A: a  b\tc",
     "X-A: a  b\tc"},
    {"header_line_keeps_name_case", "X-Custom-Header: V", "X-Custom-Header: V"},
    {"header_line_accepts_all_token_characters_in_name", "a1!#$%&'*+-.^_`|~: v",
     "a1!#$%&'*+-.^_`|~: v"},
    {"header_line_writes_empty_value_with_semicolon", "X-Empty:", "X-Empty;"},
    {"header_line_writes_blank_value_with_semicolon", "X-Empty: \t ",
     "X-Empty;"},
    {"header_line_keeps_colon_inside_value", "X-Url: http://h:1/x",
     "X-Url: http://h:1/x"},
};

static const line_case_t lines_refused[] = {
    {"header_line_refuses_missing_colon", "NoColonHere", "Name: value"},
    {"header_line_refuses_empty_name", ": value", "Name: value"},
    {"header_line_refuses_space_in_name", "Bad Name: value", "Name: value"},
    {"header_line_refuses_space_before_colon", "Name : value", "Name"},
    {"header_line_refuses_cr_in_value", "X-A: a\rb", "X-A"},
    {"header_line_refuses_lf_in_value", "X-A: a\nb", "line break"},
    {"header_line_refuses_trailing_cr", "X-A: ab\r", "X-A"},
};

static void check_line_case(const line_case_t *c) {
  check_line(c->in, c->want);
}
TABLE_TEST(lines, check_line_case)

static void check_line_refused_case(const line_case_t *c) {
  check_line_refused(c->in, c->want);
}
TABLE_TEST(lines_refused, check_line_refused_case)

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

/* full_config() with these changes (a field left NULL is not changed; see
 * `drop`), and the list built from it, or the words its refusal has. */
enum { DROP_KEY = 1, DROP_TOKEN = 2 };
typedef struct build_case {
  const char *name;
  unsigned drop; /* DROP_*: those built-ins NULL */
  const char *api_key, *auth_token, *version, *user_agent, *custom_env;
  const char *extra[2];
  size_t extra_count;
  const char *want[8]; /* up to a NULL */
  const char *needle;  /* not NULL: refused, with this in the message */
} build_case_t;

#define BUILTINS_NO_CREDS                                                      \
  "anthropic-version: 2023-06-01", "accept: application/json", "user-agent: " UA
#define BUILTINS                                                               \
  "x-api-key: sk-test", "authorization: Bearer tok-test", BUILTINS_NO_CREDS

static const build_case_t builds[] = {
    {.name = "headers_build_emits_builtins_in_order", .want = {BUILTINS}},
    {.name = "headers_build_omits_empty_api_key",
     .api_key = "",
     .want = {"authorization: Bearer tok-test", BUILTINS_NO_CREDS}},
    {.name = "headers_build_omits_null_api_key",
     .drop = DROP_KEY,
     .want = {"authorization: Bearer tok-test", BUILTINS_NO_CREDS}},
    {.name = "headers_build_refuses_api_key_with_newline",
     .api_key = "sk-1\nX-Injected: yes",
     .needle = "x-api-key"},
    {.name = "headers_build_refuses_api_key_with_carriage_return",
     .api_key = "sk-1\r",
     .needle = "x-api-key"},
    {.name = "headers_build_refuses_auth_token_with_newline",
     .auth_token = "tok\n",
     .needle = "authorization"},
    {.name = "headers_build_refuses_version_with_newline",
     .version = "2023-06-01\r\nX: y",
     .needle = "anthropic-version"},
    {.name = "headers_build_refuses_user_agent_with_newline",
     .user_agent = "ua\n",
     .needle = "user-agent"},
    {.name = "headers_build_parses_custom_env_lines",
     .custom_env = "A: 1\nB: 2\r\n\n  C:3 ",
     .want = {BUILTINS, "A: 1", "B: 2", "C: 3"}},
    {.name = "headers_build_skips_blank_and_whitespace_custom_env_lines",
     .drop = DROP_KEY | DROP_TOKEN,
     .custom_env = "\n \t \r\n\r\nA: 1\n\n",
     .want = {BUILTINS_NO_CREDS, "A: 1"}},
    {.name = "headers_build_keeps_empty_custom_value_as_semicolon_form",
     .drop = DROP_KEY | DROP_TOKEN,
     .custom_env = "X-Empty:",
     .want = {BUILTINS_NO_CREDS, "X-Empty;"}},
    {.name = "headers_build_refuses_bad_custom_line_naming_line_number",
     .custom_env = "A: 1\n\nnot a header\nB: 2",
     .needle = "ANTHROPIC_CUSTOM_HEADERS line 3"},
    {.name = "headers_build_refuses_custom_line_with_bad_name_on_line_1",
     .custom_env = "Bad Name: 1",
     .needle = "ANTHROPIC_CUSTOM_HEADERS line 1"},
    {.name = "headers_build_later_custom_env_line_overrides_earlier",
     .drop = DROP_KEY | DROP_TOKEN,
     .custom_env = "X-A: 1\nX-B: 2\nx-a: 3",
     .want = {BUILTINS_NO_CREDS, "x-a: 3", "X-B: 2"}},
    {.name = "headers_build_puts_extra_after_custom_env",
     .custom_env = "X-Env: v",
     .extra = {"X-Extra: e1", "X-Extra-2:  e2 "},
     .extra_count = 2,
     .want = {BUILTINS, "X-Env: v", "X-Extra: e1", "X-Extra-2: e2"}},
    {.name = "headers_build_extra_overrides_custom_env",
     .drop = DROP_KEY | DROP_TOKEN,
     .custom_env = "X-Env: from-env\nX-Other: o",
     .extra = {"x-env: from-extra"},
     .extra_count = 1,
     .want = {BUILTINS_NO_CREDS, "x-env: from-extra", "X-Other: o"}},
    {.name = "headers_build_extra_overrides_builtin",
     .extra = {"User-Agent: mine/2", "ACCEPT: text/x"},
     .extra_count = 2,
     .want = {"x-api-key: sk-test", "authorization: Bearer tok-test",
              "anthropic-version: 2023-06-01", "ACCEPT: text/x",
              "User-Agent: mine/2"}},
    {.name = "headers_build_value_overrides_empty_value_header",
     .drop = DROP_KEY | DROP_TOKEN,
     .custom_env = "X-Empty:",
     .extra = {"x-empty: now-set"},
     .extra_count = 1,
     .want = {BUILTINS_NO_CREDS, "x-empty: now-set"}},
    {.name = "headers_build_refuses_null_extra_entry",
     .extra = {"X-A: 1", NULL},
     .extra_count = 2,
     .needle = "header 1"},
    {.name = "headers_build_refuses_bad_extra_line",
     .extra = {"X-A: 1", "X-B: a\r\nX-C: c"},
     .extra_count = 2,
     .needle = "X-B"},
};

static void check_build(const build_case_t *c) {
  anth_header_config_t cfg = full_config();
  if (c->api_key != NULL)
    cfg.api_key = c->api_key;
  if (c->auth_token != NULL)
    cfg.auth_token = c->auth_token;
  if (c->version != NULL)
    cfg.version = c->version;
  if (c->user_agent != NULL)
    cfg.user_agent = c->user_agent;
  if (c->drop & DROP_KEY)
    cfg.api_key = NULL;
  if (c->drop & DROP_TOKEN)
    cfg.auth_token = NULL;
  cfg.custom_env = c->custom_env;
  if (c->extra_count > 0) {
    cfg.extra = c->extra;
    cfg.extra_count = c->extra_count;
  }
  if (c->needle != NULL) {
    build_refused(&cfg, c->needle);
    return;
  }
  size_t n = 0;
  while (n < ANTH_ARRAY_SIZE(c->want) && c->want[n] != NULL)
    n++;
  check_list(build_ok(&cfg), c->want, n);
}
TABLE_TEST(builds, check_build)

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

TEST(headers_build_accepts_empty_custom_env) {
  anth_header_config_t cfg = full_config();
  cfg.custom_env = "";
  anth_line_t *list = build_ok(&cfg);
  size_t n = list_len(list);
  anth__lines_free(list);
  CHECK_EQ_INT(n, 5);
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

/* 5 built-ins and `extras` distinct extra headers: refused past 64, with
 * `needle` in the message, or a list of `want` lines. */
typedef struct count_case {
  const char *name;
  int extras;
  const char *needle;
  size_t want;
} count_case_t;

static const count_case_t header_counts[] = {
    {"headers_build_refuses_more_than_64_headers", 60, "64", 0},
    {"headers_build_accepts_exactly_64_headers", 59, NULL, 64},
};

static void check_header_count(const count_case_t *c) {
  anth_header_config_t cfg = full_config();
  char names[60][32];
  const char *extra[60];
  for (int i = 0; i < c->extras; i++) {
    snprintf(names[i], sizeof names[i], "X-H%d: %d", i, i);
    extra[i] = names[i];
  }
  cfg.extra = extra;
  cfg.extra_count = (size_t)c->extras;
  if (c->needle != NULL) {
    build_refused(&cfg, c->needle);
    return;
  }
  anth_line_t *list = build_ok(&cfg);
  size_t n = list_len(list);
  anth__lines_free(list);
  CHECK_EQ_INT(n, c->want);
}
TABLE_TEST(header_counts, check_header_count)

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
      TABLE(header_values), TABLE(lines), TABLE(lines_refused),
      T(header_line_refuses_empty_line), T(header_line_reads_only_len_bytes),
      T(header_line_replaces_previous_buffer_content), TABLE(builds),
      T(headers_build_omits_empty_and_null_auth_token),
      T(headers_build_accepts_empty_custom_env),
      T(headers_build_custom_env_overrides_builtin_case_insensitively),
      TABLE(header_counts), T(header_line_refusal_never_repeats_the_value),
      T(headers_build_names_bad_custom_line_by_number_and_name_only),
      T(headers_build_names_bad_extra_line_by_index_only),
      T(request_headers_name_bad_line_by_index_only));
}
