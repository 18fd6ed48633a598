/* test_url.c - URL building: percent-encoding, model id checks, retrieve and
 * list URLs, base URL normalisation. */
#include "../src/internal.h"
#include "test.h"

#define BASE "https://api.anthropic.com"

/* Percent-encode `n` bytes of `s` into a fresh buffer; the caller frees. */
static char *encode_n(const char *s, size_t n) {
  anth_buf_t b = {NULL, 0, 0};
  CHECK_EQ_INT(anth__pct_encode(&b, s, n), 0);
  CHECK(b.data != NULL);
  CHECK_EQ_INT(b.len, strlen(b.data));
  return b.data;
}

static char *encode(const char *s) {
  return encode_n(s, strlen(s));
}

/* Check that encoding `in` gives `want`. */
static void check_encoding(const char *in, const char *want) {
  char *got = encode(in);
  int same = strcmp(got, want) == 0;
  if (!same)
    fprintf(stderr, "  encode(\"%s\") = \"%s\", want \"%s\"\n", in, got, want);
  anth__free(got);
  CHECK(same);
}

/* Run anth__url_list; on success returns the URL (caller frees), on failure
 * NULL with *rc and err set. */
static char *list_url(const anthropic_models_list_params_t *p, int *rc,
                      char *err, size_t errlen) {
  anth_buf_t b = {NULL, 0, 0};
  err[0] = '\0';
  *rc = anth__url_list(&b, BASE, p, err, errlen);
  if (*rc != 0) {
    anth__buf_free(&b);
    return NULL;
  }
  return b.data;
}

static void check_list_url(const anthropic_models_list_params_t *p,
                           const char *want) {
  char err[ANTH_ERRMSG_MAX];
  int rc;
  char *got = list_url(p, &rc, err, sizeof err);
  if (got == NULL)
    FAILF("anth__url_list failed: rc %d, \"%s\"", rc, err);
  int same = strcmp(got, want) == 0;
  if (!same)
    fprintf(stderr, "  url = \"%s\", want \"%s\"\n", got, want);
  anth__free(got);
  CHECK(same);
}

static void check_retrieve_url(const char *id, const char *want) {
  anth_buf_t b = {NULL, 0, 0};
  char err[ANTH_ERRMSG_MAX] = "";
  int rc = anth__url_retrieve(&b, BASE, id, false, NULL, err, sizeof err);
  if (rc != 0) {
    anth__buf_free(&b);
    FAILF("anth__url_retrieve(\"%s\") failed: rc %d, \"%s\"", id, rc, err);
  }
  int same = strcmp(b.data, want) == 0;
  if (!same)
    fprintf(stderr, "  url = \"%s\", want \"%s\"\n", b.data, want);
  anth__buf_free(&b);
  CHECK(same);
}

/* Normalise `in`; on success returns the result (the caller frees it with
 * anth__free()), else NULL with *rc and err set. */
static char *normalize(const char *in, int *rc, char *err, size_t errlen) {
  char *out = (char *)1;
  err[0] = '\0';
  *rc = anth__base_url_normalize(in, &out, err, errlen);
  if (*rc != 0)
    CHECK(out == NULL);
  return out;
}

static void check_normalized(const char *in, const char *want) {
  char err[ANTH_ERRMSG_MAX];
  int rc;
  char *got = normalize(in, &rc, err, sizeof err);
  if (got == NULL)
    FAILF("normalize(\"%s\") failed: rc %d, \"%s\"", in, rc, err);
  int same = strcmp(got, want) == 0;
  if (!same)
    fprintf(stderr, "  normalize(\"%s\") = \"%s\", want \"%s\"\n", in, got,
            want);
  anth__free(got);
  CHECK(same);
}

static void check_base_refused(const char *in) {
  char err[ANTH_ERRMSG_MAX];
  int rc;
  char *got = normalize(in, &rc, err, sizeof err);
  if (got != NULL) {
    fprintf(stderr, "  normalize(\"%s\") = \"%s\", want refused\n", in, got);
    anth__free(got);
    FAILF("base URL accepted");
  }
  CHECK_EQ_INT(rc, ANTHROPIC_EINVAL);
  CHECK(err[0] != '\0');
}

/* ---- anth__pct_encode ---- */

/* A row of the tables below: `in` and what it gives, or the words its
 * refusal's message has. */
typedef struct str_case {
  const char *name;
  const char *in, *want;
} str_case_t;

static const str_case_t encodings[] = {
    {"pct_encode_keeps_unreserved_characters", "ABCXYZabcxyz0189-._~",
     "ABCXYZabcxyz0189-._~"},
    {"pct_encode_encodes_space", "a b", "a%20b"},
    {"pct_encode_encodes_slash", "a/b", "a%2Fb"},
    {"pct_encode_encodes_percent", "100%", "100%25"},
    {"pct_encode_encodes_question_mark_and_hash", "a?b#c", "a%3Fb%23c"},
    /* "é" is C3 A9; "€" is E2 82 AC. */
    {"pct_encode_encodes_utf8_bytes_uppercase_hex", "\xc3\xa9\xe2\x82\xac",
     "%C3%A9%E2%82%AC"},
    {"pct_encode_encodes_reserved_punctuation", ":@&=+$,;!*'()[]",
     "%3A%40%26%3D%2B%24%2C%3B%21%2A%27%28%29%5B%5D"},
};

static void check_encoding_case(const str_case_t *c) {
  check_encoding(c->in, c->want);
}
TABLE_TEST(encodings, check_encoding_case)

TEST(pct_encode_of_empty_input_is_empty_string) {
  char *got = encode_n("", 0);
  CHECK_EQ_STR(got, "");
  anth__free(got);
}

TEST(pct_encode_appends_to_existing_buffer) {
  anth_buf_t b = {NULL, 0, 0};
  CHECK_EQ_INT(anth__buf_appends(&b, "x="), 0);
  CHECK_EQ_INT(anth__pct_encode(&b, "a b", 3), 0);
  int same = strcmp(b.data, "x=a%20b") == 0;
  size_t len = b.len;
  anth__buf_free(&b);
  CHECK(same);
  CHECK_EQ_INT(len, 7);
}

TEST(pct_encode_respects_length_argument) {
  char *got = encode_n("ab/cd", 3);
  CHECK_EQ_STR(got, "ab%2F");
  anth__free(got);
}

/* ---- anth__model_id_check ---- */

static int id_check(const char *id, char *err, size_t errlen) {
  err[0] = '\0';
  return anth__model_id_check(id, err, errlen);
}

/* An id refused (rc EINVAL, with a message: containing `needle`, or any
 * when NULL) or accepted (rc 0). */
typedef struct id_case {
  const char *name;
  const char *id;
  int rc;
  const char *needle;
} id_case_t;

static const id_case_t ids[] = {
    {"model_id_check_refuses_null", NULL, ANTHROPIC_EINVAL, NULL},
    {"model_id_check_refuses_empty", "", ANTHROPIC_EINVAL, "empty"},
    {"model_id_check_refuses_dot", ".", ANTHROPIC_EINVAL, NULL},
    {"model_id_check_refuses_dot_dot", "..", ANTHROPIC_EINVAL, NULL},
    {"model_id_check_accepts_three_dots", "...", 0, NULL},
};

static void check_id_case(const id_case_t *c) {
  char err[ANTH_ERRMSG_MAX];
  CHECK_EQ_INT(id_check(c->id, err, sizeof err), c->rc);
  if (c->rc == 0)
    return;
  if (c->needle != NULL)
    CHECK_CONTAINS(err, c->needle);
  else
    CHECK(err[0] != '\0');
}
TABLE_TEST(ids, check_id_case)

TEST(model_id_check_accepts_dotted_id) {
  char err[ANTH_ERRMSG_MAX];
  CHECK_EQ_INT(id_check("a.b", err, sizeof err), 0);
  CHECK_EQ_INT(id_check("claude-sonnet-4-20250514", err, sizeof err), 0);
}

TEST(model_id_check_refuses_control_characters) {
  static const char *const bad[] = {"a\x01"
                                    "b",
                                    "a\x7f"
                                    "b",
                                    "a\nb", "a\tb", "\x1f"};
  for (size_t i = 0; i < ANTH_ARRAY_SIZE(bad); i++) {
    char err[ANTH_ERRMSG_MAX];
    int rc = id_check(bad[i], err, sizeof err);
    if (rc != ANTHROPIC_EINVAL)
      FAILF("bad[%zu] accepted (rc %d)", i, rc);
    CHECK_CONTAINS(err, "control character");
  }
}

TEST(model_id_check_accepts_1024_bytes) {
  char id[1025];
  memset(id, 'a', 1024);
  id[1024] = '\0';
  char err[ANTH_ERRMSG_MAX];
  CHECK_EQ_INT(id_check(id, err, sizeof err), 0);
}

TEST(model_id_check_refuses_1025_bytes) {
  char id[1026];
  memset(id, 'a', 1025);
  id[1025] = '\0';
  char err[ANTH_ERRMSG_MAX];
  CHECK_EQ_INT(id_check(id, err, sizeof err), ANTHROPIC_EINVAL);
  CHECK_CONTAINS(err, "1024");
}

TEST(model_id_check_accepts_null_error_buffer) {
  CHECK_EQ_INT(anth__model_id_check("", NULL, 0), ANTHROPIC_EINVAL);
  CHECK_EQ_INT(anth__model_id_check("ok", NULL, 0), 0);
}

/* ---- anth__url_retrieve ---- */

static const str_case_t retrieves[] = {
    {"url_retrieve_appends_encoded_id_to_base", "claude-sonnet-4-20250514",
     BASE "/v1/models/claude-sonnet-4-20250514"},
    {"url_retrieve_encodes_slash_in_id_as_one_segment", "a/b",
     BASE "/v1/models/a%2Fb"},
    {"url_retrieve_encodes_dot_dot_slash_as_one_segment", "../x",
     BASE "/v1/models/..%2Fx"},
    {"url_retrieve_encodes_space_and_query_characters", "a b?c#d",
     BASE "/v1/models/a%20b%3Fc%23d"},
};

static void check_retrieve_case(const str_case_t *c) {
  check_retrieve_url(c->in, c->want);
}
TABLE_TEST(retrieves, check_retrieve_case)

TEST(url_retrieve_replaces_previous_buffer_content) {
  anth_buf_t b = {NULL, 0, 0};
  char err[ANTH_ERRMSG_MAX];
  CHECK_EQ_INT(anth__buf_appends(&b, "garbage"), 0);
  int rc = anth__url_retrieve(&b, BASE, "m", false, NULL, err, sizeof err);
  int same = rc == 0 && strcmp(b.data, BASE "/v1/models/m") == 0;
  anth__buf_free(&b);
  CHECK(same);
}

/* A retrieve refused: EINVAL, with `want` in the message. */
static const str_case_t retrieves_refused[] = {
    {"url_retrieve_refuses_dot_with_message_naming_id", ".", "\".\""},
    {"url_retrieve_refuses_empty_id", "", "model_id"},
};

static void check_retrieve_refused(const str_case_t *c) {
  anth_buf_t b = {NULL, 0, 0};
  char err[ANTH_ERRMSG_MAX] = "";
  int rc = anth__url_retrieve(&b, BASE, c->in, false, NULL, err, sizeof err);
  anth__buf_free(&b);
  CHECK_EQ_INT(rc, ANTHROPIC_EINVAL);
  CHECK_CONTAINS(err, c->want);
}
TABLE_TEST(retrieves_refused, check_retrieve_refused)

/* ---- anth__url_list ---- */

/* List params (after_id, before_id, limit) and the URL they make, or
 * (want NULL) the words the refusal's message has. */
typedef struct list_case {
  const char *name;
  const char *after_id, *before_id;
  int limit;
  const char *want;
  const char *needles[2];
} list_case_t;

static const list_case_t lists[] = {
    {"url_list_without_params_is_base_v1_models",
     NULL,
     NULL,
     0,
     BASE "/v1/models",
     {NULL}},
    {"url_list_adds_after_id",
     "m1",
     NULL,
     0,
     BASE "/v1/models?after_id=m1",
     {NULL}},
    {"url_list_adds_before_id",
     NULL,
     "m2",
     0,
     BASE "/v1/models?before_id=m2",
     {NULL}},
    {"url_list_keeps_limit_1",
     NULL,
     NULL,
     1,
     BASE "/v1/models?limit=1",
     {NULL}},
    {"url_list_keeps_limit_1000",
     NULL,
     NULL,
     1000,
     BASE "/v1/models?limit=1000",
     {NULL}},
    {"url_list_omits_limit_0",
     "m1",
     NULL,
     0,
     BASE "/v1/models?after_id=m1",
     {NULL}},
    {"url_list_joins_cursor_and_limit_with_ampersand",
     "m1",
     NULL,
     5,
     BASE "/v1/models?after_id=m1&limit=5",
     {NULL}},
    {"url_list_refuses_limit_minus_1_naming_limit",
     NULL,
     NULL,
     -1,
     NULL,
     {"limit", NULL}},
    {"url_list_refuses_limit_1001_naming_limit",
     NULL,
     NULL,
     1001,
     NULL,
     {"limit", NULL}},
    {"url_list_refuses_both_cursors",
     "a",
     "b",
     0,
     NULL,
     {"after_id", "before_id"}},
    {"url_list_refuses_empty_after_id", "", NULL, 0, NULL, {"after_id", NULL}},
    {"url_list_refuses_empty_before_id",
     NULL,
     "",
     0,
     NULL,
     {"before_id", NULL}},
    {"url_list_refuses_cursor_with_control_character",
     "a\nb",
     NULL,
     0,
     NULL,
     {"after_id", NULL}},
    {"url_list_encodes_cursor_values",
     "a b&c=d/\xc3\xa9",
     NULL,
     0,
     BASE "/v1/models?after_id=a%20b%26c%3Dd%2F%C3%A9",
     {NULL}},
    {"url_list_encodes_before_cursor_with_limit",
     NULL,
     "x?y#z",
     20,
     BASE "/v1/models?before_id=x%3Fy%23z&limit=20",
     {NULL}},
};

static void check_list_case(const list_case_t *c) {
  anthropic_models_list_params_t p = ANTHROPIC_MODELS_LIST_PARAMS_INIT;
  p.after_id = c->after_id;
  p.before_id = c->before_id;
  p.limit = c->limit;
  if (c->want != NULL) {
    check_list_url(&p, c->want);
    return;
  }
  char err[ANTH_ERRMSG_MAX];
  int rc;
  char *got = list_url(&p, &rc, err, sizeof err);
  anth__free(got);
  CHECK(got == NULL);
  CHECK_EQ_INT(rc, ANTHROPIC_EINVAL);
  for (size_t i = 0; i < ANTH_ARRAY_SIZE(c->needles); i++)
    if (c->needles[i] != NULL)
      CHECK_CONTAINS(err, c->needles[i]);
}
TABLE_TEST(lists, check_list_case)

TEST(url_list_accepts_null_params) {
  check_list_url(NULL, BASE "/v1/models");
}

/* ---- anth__base_url_normalize ---- */

/* Base URLs normalised: each `in` to its `want`. */
typedef struct normalized_case {
  const char *name;
  const char *in[2], *want[2];
} normalized_case_t;

static const normalized_case_t normalized[] = {
    {"base_url_kept_as_is_when_already_normal",
     {"https://api.anthropic.com"},
     {"https://api.anthropic.com"}},
    {"base_url_strips_trailing_slash",
     {"https://api.anthropic.com/"},
     {"https://api.anthropic.com"}},
    {"base_url_strips_several_trailing_slashes",
     {"http://localhost:8080///"},
     {"http://localhost:8080"}},
    {"base_url_keeps_path_prefix",
     {"http://h:1/proxy/", "http://h:1/a/b"},
     {"http://h:1/proxy", "http://h:1/a/b"}},
    {"base_url_accepts_uppercase_scheme",
     {"HTTPS://API.example.com/", "Http://h"},
     {"HTTPS://API.example.com", "Http://h"}},
    {"base_url_accepts_at_sign_in_path", {"http://h/a@b/"}, {"http://h/a@b"}},
};

static void check_normalized_case(const normalized_case_t *c) {
  for (size_t i = 0; i < ANTH_ARRAY_SIZE(c->in) && c->in[i] != NULL; i++)
    check_normalized(c->in[i], c->want[i]);
}
TABLE_TEST(normalized, check_normalized_case)

/* A port out of range or not a number, or an IPv6 literal left open,
 * passed init and failed every request later. */
TEST(base_url_refuses_what_no_request_could_reach) {
  check_base_refused("http://host:99999");
  check_base_refused("http://host:65536/v1");
  check_base_refused("http://host:abc");
  check_base_refused("https://host:-1");
  check_base_refused("http://[::1");
  check_base_refused("http://[::1/x");
  check_base_refused("http://[zz::1]:80");
  check_base_refused("http://[::1]x:80");
  check_base_refused("http://host:0");
  check_base_refused("http://host:");
  check_normalized("http://[::1]:8080/", "http://[::1]:8080");
  check_normalized("http://host:65535", "http://host:65535");
  check_normalized("https://127.0.0.1:1", "https://127.0.0.1:1");
}

/* Base URLs refused: the first `n` of `in` (NULL among them). */
typedef struct base_refused_case {
  const char *name;
  size_t n;
  const char *in[4];
} base_refused_case_t;

static const base_refused_case_t bases_refused[] = {
    {"base_url_refuses_ftp_scheme", 1, {"ftp://h/"}},
    {"base_url_refuses_missing_scheme", 1, {"api.anthropic.com"}},
    {"base_url_refuses_empty", 1, {""}},
    {"base_url_refuses_null", 1, {NULL}},
    {"base_url_refuses_scheme_without_host", 2, {"http://", "https://"}},
    {"base_url_refuses_empty_host_with_path", 1, {"http:///x"}},
    {"base_url_refuses_query", 1, {"http://h/?a=b"}},
    {"base_url_refuses_fragment", 1, {"http://h/#frag"}},
    {"base_url_refuses_space", 1, {"http://h /x"}},
    {"base_url_refuses_control_characters",
     4,
     {"http://h/\x01", "http://h/\n", "http://h\t/", "http://h/\x7f"}},
    {"base_url_refuses_non_ascii", 1, {"http://h\xc3\xa9.com"}},
};

static void check_base_refused_case(const base_refused_case_t *c) {
  for (size_t i = 0; i < c->n; i++)
    check_base_refused(c->in[i]);
}
TABLE_TEST(bases_refused, check_base_refused_case)

TEST(base_url_error_messages_are_specific) {
  char err[ANTH_ERRMSG_MAX];
  int rc;
  CHECK(normalize("", &rc, err, sizeof err) == NULL);
  CHECK_CONTAINS(err, "empty");
  CHECK(normalize("ftp://h", &rc, err, sizeof err) == NULL);
  CHECK_CONTAINS(err, "http");
  CHECK(normalize("http://", &rc, err, sizeof err) == NULL);
  CHECK_CONTAINS(err, "host");
  CHECK(normalize("http://h?x", &rc, err, sizeof err) == NULL);
  CHECK_CONTAINS(err, "query");
}

/* Credentials in the URL would travel as Basic auth and show wherever the
 * URL is printed; the message must not repeat them. */
TEST(base_url_refuses_userinfo_without_echoing_it) {
  const char *bad[] = {"http://user:hunter2@h", "https://user:hunter2@h/v",
                       "http://:hunter2@h:8080", "HTTP://user@h",
                       "http://a@b@h/"};
  for (size_t i = 0; i < ANTH_ARRAY_SIZE(bad); i++) {
    char err[ANTH_ERRMSG_MAX];
    int rc;
    check_base_refused(bad[i]);
    CHECK(normalize(bad[i], &rc, err, sizeof err) == NULL);
    CHECK_CONTAINS(err, "user");
    CHECK(strstr(err, "hunter2") == NULL);
  }
}

/* ---- anth__url_cleartext_host ---- */

TEST(cleartext_host_is_a_remote_host_over_plain_http) {
  char host[64] = "";
  CHECK_EQ_INT(anth__url_cleartext_host("http://api.example.com:80/v", host,
                                        sizeof host),
               1);
  CHECK_EQ_STR(host, "api.example.com");
  CHECK_EQ_INT(
      anth__url_cleartext_host("HTTP://[2001:db8::1]:8080", host, sizeof host),
      1);
  CHECK_EQ_STR(host, "[2001:db8::1]");
  CHECK_EQ_INT(anth__url_cleartext_host("http://128.0.0.1", host, sizeof host),
               1);
}

TEST(cleartext_host_leaves_out_https_and_loopback) {
  char host[64] = "";
  const char *quiet[] = {"https://api.example.com", "http://127.0.0.1:9",
                         "http://127.255.0.3/x",    "http://localhost",
                         "http://LocalHost:1",      "http://[::1]:8080/p"};
  for (size_t i = 0; i < ANTH_ARRAY_SIZE(quiet); i++)
    if (anth__url_cleartext_host(quiet[i], host, sizeof host) != 0)
      FAILF("%s: taken as remote", quiet[i]);
}

/* ---- anth__proxy_url_check ---- */

static void check_proxy_ok(const char *url) {
  char err[ANTH_ERRMSG_MAX] = "";
  int rc = anth__proxy_url_check(url, err, sizeof err);
  if (rc != 0)
    FAILF("proxy \"%s\" refused: %s", url, err);
}

static void check_proxy_refused(const char *url, const char *needle) {
  char err[ANTH_ERRMSG_MAX] = "";
  CHECK_EQ_INT(anth__proxy_url_check(url, err, sizeof err), ANTHROPIC_EINVAL);
  CHECK_CONTAINS(err, needle);
  CHECK(strstr(err, "hunter2") == NULL);
}

TEST(proxy_accepts_the_schemes_libcurl_takes) {
  check_proxy_ok("");
  check_proxy_ok("http://proxy:3128");
  check_proxy_ok("HTTPS://proxy");
  check_proxy_ok("socks4://h:1080");
  check_proxy_ok("socks4a://h:1080");
  check_proxy_ok("socks5://h:1080/");
  check_proxy_ok("socks5h://[::1]:1080");
}

TEST(proxy_refuses_other_schemes_and_a_bare_host) {
  check_proxy_refused("ftp://h:21", "proxy must start with");
  check_proxy_refused("proxy:3128", "proxy must start with");
}

TEST(proxy_refuses_credentials_without_echoing_them) {
  check_proxy_refused("http://user:hunter2@h:3128", "user name or password");
  check_proxy_refused("socks5://:hunter2@h", "user name or password");
}

TEST(proxy_refuses_no_host_a_path_and_control_characters) {
  check_proxy_refused("http://", "no host");
  check_proxy_refused("http://:3128", "no host");
  check_proxy_refused("http://h:3128/x", "no path");
  check_proxy_refused("http://h:3128?x", "no path");
  check_proxy_refused("http://h\r\n:3128", "offset 8");
  check_proxy_refused("http://h x", "offset 8");
}

static void check_redacted(const char *url, const char *want) {
  char out[256];
  anth__redact_url(url, out, sizeof out);
  CHECK_EQ_STR(out, want);
}

/* What a log line shows of a URL: no userinfo, no credential in the
 * query, everything else as it was. */
TEST(log_lines_show_urls_without_their_secrets) {
  check_redacted("https://h/v1/models?limit=5", "https://h/v1/models?limit=5");
  check_redacted("https://u:pw@h:1/p", "https://***@h:1/p");
  check_redacted("http://h/p?api_key=s1&x=1&Session-Token=s2#frag",
                 "http://h/p?api_key=***&x=1&Session-Token=***#frag");
  check_redacted("http://h/p?key", "http://h/p?key");
  check_redacted("http://h/p?a=1&&password=", "http://h/p?a=1&&password=***");
  char small[12];
  anth__redact_url("https://example.com/long", small, sizeof small);
  CHECK_EQ_STR(small, "https://exa");
  char hdr[64];
  anth__redact_header("X-Goog-Api-Key: abc", hdr, sizeof hdr);
  CHECK_EQ_STR(hdr, "X-Goog-Api-Key: ***");
  anth__redact_header("anthropic-version: 2023-06-01", hdr, sizeof hdr);
  CHECK_EQ_STR(hdr, "anthropic-version: 2023-06-01");
  anth__redact_header("cookie;", hdr, sizeof hdr);
  CHECK_EQ_STR(hdr, "cookie: ***");
  CHECK_EQ_INT(anth__log_level_parse("Warning"), ANTHROPIC_LOG_WARN);
  CHECK_EQ_INT(anth__log_level_parse("debug"), ANTHROPIC_LOG_DEBUG);
  CHECK_EQ_INT(anth__log_level_parse("default"), -1);
  CHECK_EQ_INT(anth__log_level_parse(""), -1);
}

int main(void) {
  return RUN(T(log_lines_show_urls_without_their_secrets),

             TABLE(encodings), T(pct_encode_of_empty_input_is_empty_string),
             T(pct_encode_appends_to_existing_buffer),
             T(pct_encode_respects_length_argument), TABLE(ids),
             T(model_id_check_accepts_dotted_id),
             T(model_id_check_refuses_control_characters),
             T(model_id_check_accepts_1024_bytes),
             T(model_id_check_refuses_1025_bytes),
             T(model_id_check_accepts_null_error_buffer), TABLE(retrieves),
             T(url_retrieve_replaces_previous_buffer_content),
             TABLE(retrieves_refused), TABLE(lists),
             T(url_list_accepts_null_params), TABLE(normalized),
             T(base_url_refuses_what_no_request_could_reach),
             TABLE(bases_refused), T(base_url_error_messages_are_specific),
             T(base_url_refuses_userinfo_without_echoing_it),
             T(cleartext_host_is_a_remote_host_over_plain_http),
             T(cleartext_host_leaves_out_https_and_loopback),
             T(proxy_accepts_the_schemes_libcurl_takes),
             T(proxy_refuses_other_schemes_and_a_bare_host),
             T(proxy_refuses_credentials_without_echoing_them),
             T(proxy_refuses_no_host_a_path_and_control_characters));
}
