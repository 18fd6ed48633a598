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

static void check_list_refused(const anthropic_models_list_params_t *p,
                               const char *needle) {
  char err[ANTH_ERRMSG_MAX];
  int rc;
  char *got = list_url(p, &rc, err, sizeof err);
  anth__free(got);
  CHECK(got == NULL);
  CHECK_EQ_INT(rc, ANTHROPIC_EINVAL);
  CHECK_CONTAINS(err, needle);
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

TEST(pct_encode_keeps_unreserved_characters) {
  check_encoding("ABCXYZabcxyz0189-._~", "ABCXYZabcxyz0189-._~");
}

TEST(pct_encode_encodes_space) {
  check_encoding("a b", "a%20b");
}

TEST(pct_encode_encodes_slash) {
  check_encoding("a/b", "a%2Fb");
}

TEST(pct_encode_encodes_percent) {
  check_encoding("100%", "100%25");
}

TEST(pct_encode_encodes_question_mark_and_hash) {
  check_encoding("a?b#c", "a%3Fb%23c");
}

TEST(pct_encode_encodes_utf8_bytes_uppercase_hex) {
  /* "é" is C3 A9; "€" is E2 82 AC. */
  check_encoding("\xc3\xa9\xe2\x82\xac", "%C3%A9%E2%82%AC");
}

TEST(pct_encode_encodes_reserved_punctuation) {
  check_encoding(":@&=+$,;!*'()[]", "%3A%40%26%3D%2B%24%2C%3B%21%2A%27%28%29"
                                    "%5B%5D");
}

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

TEST(model_id_check_refuses_null) {
  char err[ANTH_ERRMSG_MAX];
  CHECK_EQ_INT(id_check(NULL, err, sizeof err), ANTHROPIC_EINVAL);
  CHECK(err[0] != '\0');
}

TEST(model_id_check_refuses_empty) {
  char err[ANTH_ERRMSG_MAX];
  CHECK_EQ_INT(id_check("", err, sizeof err), ANTHROPIC_EINVAL);
  CHECK_CONTAINS(err, "empty");
}

TEST(model_id_check_refuses_dot) {
  char err[ANTH_ERRMSG_MAX];
  CHECK_EQ_INT(id_check(".", err, sizeof err), ANTHROPIC_EINVAL);
  CHECK(err[0] != '\0');
}

TEST(model_id_check_refuses_dot_dot) {
  char err[ANTH_ERRMSG_MAX];
  CHECK_EQ_INT(id_check("..", err, sizeof err), ANTHROPIC_EINVAL);
  CHECK(err[0] != '\0');
}

TEST(model_id_check_accepts_three_dots) {
  char err[ANTH_ERRMSG_MAX];
  CHECK_EQ_INT(id_check("...", err, sizeof err), 0);
}

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

TEST(url_retrieve_appends_encoded_id_to_base) {
  check_retrieve_url("claude-sonnet-4-20250514",
                     BASE "/v1/models/claude-sonnet-4-20250514");
}

TEST(url_retrieve_encodes_slash_in_id_as_one_segment) {
  check_retrieve_url("a/b", BASE "/v1/models/a%2Fb");
}

TEST(url_retrieve_encodes_dot_dot_slash_as_one_segment) {
  check_retrieve_url("../x", BASE "/v1/models/..%2Fx");
}

TEST(url_retrieve_encodes_space_and_query_characters) {
  check_retrieve_url("a b?c#d", BASE "/v1/models/a%20b%3Fc%23d");
}

TEST(url_retrieve_replaces_previous_buffer_content) {
  anth_buf_t b = {NULL, 0, 0};
  char err[ANTH_ERRMSG_MAX];
  CHECK_EQ_INT(anth__buf_appends(&b, "garbage"), 0);
  int rc = anth__url_retrieve(&b, BASE, "m", false, NULL, err, sizeof err);
  int same = rc == 0 && strcmp(b.data, BASE "/v1/models/m") == 0;
  anth__buf_free(&b);
  CHECK(same);
}

TEST(url_retrieve_refuses_dot_with_message_naming_id) {
  anth_buf_t b = {NULL, 0, 0};
  char err[ANTH_ERRMSG_MAX] = "";
  int rc = anth__url_retrieve(&b, BASE, ".", false, NULL, err, sizeof err);
  anth__buf_free(&b);
  CHECK_EQ_INT(rc, ANTHROPIC_EINVAL);
  CHECK_CONTAINS(err, "\".\"");
}

TEST(url_retrieve_refuses_empty_id) {
  anth_buf_t b = {NULL, 0, 0};
  char err[ANTH_ERRMSG_MAX] = "";
  int rc = anth__url_retrieve(&b, BASE, "", false, NULL, err, sizeof err);
  anth__buf_free(&b);
  CHECK_EQ_INT(rc, ANTHROPIC_EINVAL);
  CHECK_CONTAINS(err, "model_id");
}

/* ---- anth__url_list ---- */

TEST(url_list_without_params_is_base_v1_models) {
  anthropic_models_list_params_t p = {
      .size = sizeof(anthropic_models_list_params_t),
      .after_id = NULL,
      .before_id = NULL,
      .limit = 0};
  check_list_url(&p, BASE "/v1/models");
}

TEST(url_list_accepts_null_params) {
  check_list_url(NULL, BASE "/v1/models");
}

TEST(url_list_adds_after_id) {
  anthropic_models_list_params_t p = {
      .size = sizeof(anthropic_models_list_params_t),
      .after_id = "m1",
      .before_id = NULL,
      .limit = 0};
  check_list_url(&p, BASE "/v1/models?after_id=m1");
}

TEST(url_list_adds_before_id) {
  anthropic_models_list_params_t p = {
      .size = sizeof(anthropic_models_list_params_t),
      .after_id = NULL,
      .before_id = "m2",
      .limit = 0};
  check_list_url(&p, BASE "/v1/models?before_id=m2");
}

TEST(url_list_keeps_limit_1) {
  anthropic_models_list_params_t p = {
      .size = sizeof(anthropic_models_list_params_t),
      .after_id = NULL,
      .before_id = NULL,
      .limit = 1};
  check_list_url(&p, BASE "/v1/models?limit=1");
}

TEST(url_list_keeps_limit_1000) {
  anthropic_models_list_params_t p = {
      .size = sizeof(anthropic_models_list_params_t),
      .after_id = NULL,
      .before_id = NULL,
      .limit = 1000};
  check_list_url(&p, BASE "/v1/models?limit=1000");
}

TEST(url_list_omits_limit_0) {
  anthropic_models_list_params_t p = {
      .size = sizeof(anthropic_models_list_params_t),
      .after_id = "m1",
      .before_id = NULL,
      .limit = 0};
  check_list_url(&p, BASE "/v1/models?after_id=m1");
}

TEST(url_list_joins_cursor_and_limit_with_ampersand) {
  anthropic_models_list_params_t p = {
      .size = sizeof(anthropic_models_list_params_t),
      .after_id = "m1",
      .before_id = NULL,
      .limit = 5};
  check_list_url(&p, BASE "/v1/models?after_id=m1&limit=5");
}

TEST(url_list_refuses_limit_minus_1_naming_limit) {
  anthropic_models_list_params_t p = {
      .size = sizeof(anthropic_models_list_params_t),
      .after_id = NULL,
      .before_id = NULL,
      .limit = -1};
  check_list_refused(&p, "limit");
}

TEST(url_list_refuses_limit_1001_naming_limit) {
  anthropic_models_list_params_t p = {
      .size = sizeof(anthropic_models_list_params_t),
      .after_id = NULL,
      .before_id = NULL,
      .limit = 1001};
  check_list_refused(&p, "limit");
}

TEST(url_list_refuses_both_cursors) {
  anthropic_models_list_params_t p = {
      .size = sizeof(anthropic_models_list_params_t),
      .after_id = "a",
      .before_id = "b",
      .limit = 0};
  char err[ANTH_ERRMSG_MAX];
  int rc;
  char *got = list_url(&p, &rc, err, sizeof err);
  anth__free(got);
  CHECK(got == NULL);
  CHECK_EQ_INT(rc, ANTHROPIC_EINVAL);
  CHECK_CONTAINS(err, "after_id");
  CHECK_CONTAINS(err, "before_id");
}

TEST(url_list_refuses_empty_after_id) {
  anthropic_models_list_params_t p = {
      .size = sizeof(anthropic_models_list_params_t),
      .after_id = "",
      .before_id = NULL,
      .limit = 0};
  check_list_refused(&p, "after_id");
}

TEST(url_list_refuses_empty_before_id) {
  anthropic_models_list_params_t p = {
      .size = sizeof(anthropic_models_list_params_t),
      .after_id = NULL,
      .before_id = "",
      .limit = 0};
  check_list_refused(&p, "before_id");
}

TEST(url_list_refuses_cursor_with_control_character) {
  anthropic_models_list_params_t p = {
      .size = sizeof(anthropic_models_list_params_t),
      .after_id = "a\nb",
      .before_id = NULL,
      .limit = 0};
  check_list_refused(&p, "after_id");
}

TEST(url_list_encodes_cursor_values) {
  anthropic_models_list_params_t p = {
      .size = sizeof(anthropic_models_list_params_t),
      .after_id = "a b&c=d/\xc3\xa9",
      .before_id = NULL,
      .limit = 0};
  check_list_url(&p, BASE "/v1/models?after_id=a%20b%26c%3Dd%2F%C3%A9");
}

TEST(url_list_encodes_before_cursor_with_limit) {
  anthropic_models_list_params_t p = {
      .size = sizeof(anthropic_models_list_params_t),
      .after_id = NULL,
      .before_id = "x?y#z",
      .limit = 20};
  check_list_url(&p, BASE "/v1/models?before_id=x%3Fy%23z&limit=20");
}

/* ---- anth__base_url_normalize ---- */

TEST(base_url_kept_as_is_when_already_normal) {
  check_normalized("https://api.anthropic.com", "https://api.anthropic.com");
}

TEST(base_url_strips_trailing_slash) {
  check_normalized("https://api.anthropic.com/", "https://api.anthropic.com");
}

TEST(base_url_strips_several_trailing_slashes) {
  check_normalized("http://localhost:8080///", "http://localhost:8080");
}

TEST(base_url_keeps_path_prefix) {
  check_normalized("http://h:1/proxy/", "http://h:1/proxy");
  check_normalized("http://h:1/a/b", "http://h:1/a/b");
}

TEST(base_url_accepts_uppercase_scheme) {
  check_normalized("HTTPS://API.example.com/", "HTTPS://API.example.com");
  check_normalized("Http://h", "Http://h");
}

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

TEST(base_url_refuses_ftp_scheme) {
  check_base_refused("ftp://h/");
}

TEST(base_url_refuses_missing_scheme) {
  check_base_refused("api.anthropic.com");
}

TEST(base_url_refuses_empty) {
  check_base_refused("");
}

TEST(base_url_refuses_null) {
  check_base_refused(NULL);
}

TEST(base_url_refuses_scheme_without_host) {
  check_base_refused("http://");
  check_base_refused("https://");
}

TEST(base_url_refuses_empty_host_with_path) {
  check_base_refused("http:///x");
}

TEST(base_url_refuses_query) {
  check_base_refused("http://h/?a=b");
}

TEST(base_url_refuses_fragment) {
  check_base_refused("http://h/#frag");
}

TEST(base_url_refuses_space) {
  check_base_refused("http://h /x");
}

TEST(base_url_refuses_control_characters) {
  check_base_refused("http://h/\x01");
  check_base_refused("http://h/\n");
  check_base_refused("http://h\t/");
  check_base_refused("http://h/\x7f");
}

TEST(base_url_refuses_non_ascii) {
  check_base_refused("http://h\xc3\xa9.com");
}

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

TEST(base_url_accepts_at_sign_in_path) {
  check_normalized("http://h/a@b/", "http://h/a@b");
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
  return RUN(
      T(log_lines_show_urls_without_their_secrets),

      T(pct_encode_keeps_unreserved_characters), T(pct_encode_encodes_space),
      T(pct_encode_encodes_slash), T(pct_encode_encodes_percent),
      T(pct_encode_encodes_question_mark_and_hash),
      T(pct_encode_encodes_utf8_bytes_uppercase_hex),
      T(pct_encode_encodes_reserved_punctuation),
      T(pct_encode_of_empty_input_is_empty_string),
      T(pct_encode_appends_to_existing_buffer),
      T(pct_encode_respects_length_argument), T(model_id_check_refuses_null),
      T(model_id_check_refuses_empty), T(model_id_check_refuses_dot),
      T(model_id_check_refuses_dot_dot), T(model_id_check_accepts_three_dots),
      T(model_id_check_accepts_dotted_id),
      T(model_id_check_refuses_control_characters),
      T(model_id_check_accepts_1024_bytes),
      T(model_id_check_refuses_1025_bytes),
      T(model_id_check_accepts_null_error_buffer),
      T(url_retrieve_appends_encoded_id_to_base),
      T(url_retrieve_encodes_slash_in_id_as_one_segment),
      T(url_retrieve_encodes_dot_dot_slash_as_one_segment),
      T(url_retrieve_encodes_space_and_query_characters),
      T(url_retrieve_replaces_previous_buffer_content),
      T(url_retrieve_refuses_dot_with_message_naming_id),
      T(url_retrieve_refuses_empty_id),
      T(url_list_without_params_is_base_v1_models),
      T(url_list_accepts_null_params), T(url_list_adds_after_id),
      T(url_list_adds_before_id), T(url_list_keeps_limit_1),
      T(url_list_keeps_limit_1000), T(url_list_omits_limit_0),
      T(url_list_joins_cursor_and_limit_with_ampersand),
      T(url_list_refuses_limit_minus_1_naming_limit),
      T(url_list_refuses_limit_1001_naming_limit),
      T(url_list_refuses_both_cursors), T(url_list_refuses_empty_after_id),
      T(url_list_refuses_empty_before_id),
      T(url_list_refuses_cursor_with_control_character),
      T(url_list_encodes_cursor_values),
      T(url_list_encodes_before_cursor_with_limit),
      T(base_url_kept_as_is_when_already_normal),
      T(base_url_strips_trailing_slash),
      T(base_url_strips_several_trailing_slashes),
      T(base_url_keeps_path_prefix), T(base_url_accepts_uppercase_scheme),
      T(base_url_refuses_what_no_request_could_reach),
      T(base_url_refuses_ftp_scheme), T(base_url_refuses_missing_scheme),
      T(base_url_refuses_empty), T(base_url_refuses_null),
      T(base_url_refuses_scheme_without_host),
      T(base_url_refuses_empty_host_with_path), T(base_url_refuses_query),
      T(base_url_refuses_fragment), T(base_url_refuses_space),
      T(base_url_refuses_control_characters), T(base_url_refuses_non_ascii),
      T(base_url_error_messages_are_specific),
      T(base_url_refuses_userinfo_without_echoing_it),
      T(base_url_accepts_at_sign_in_path),
      T(cleartext_host_is_a_remote_host_over_plain_http),
      T(cleartext_host_leaves_out_https_and_loopback),
      T(proxy_accepts_the_schemes_libcurl_takes),
      T(proxy_refuses_other_schemes_and_a_bare_host),
      T(proxy_refuses_credentials_without_echoing_them),
      T(proxy_refuses_no_host_a_path_and_control_characters));
}
