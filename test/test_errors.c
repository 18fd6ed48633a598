/* test_errors.c - error kinds: names, descriptions, curl mapping, HTTP
 * reasons; the version string. */
#include "../src/client.h"
#include "test.h"

static const int all_kinds[] = {
    ANTHROPIC_EINVAL,       ANTHROPIC_ENOMEM,    ANTHROPIC_ECONNECTION,
    ANTHROPIC_ETIMEDOUT,    ANTHROPIC_ETLS,      ANTHROPIC_EHTTP,
    ANTHROPIC_EBADRESPONSE, ANTHROPIC_ETOOLARGE, ANTHROPIC_ECANCELLED,
};

/* ---- anthropic_err_name ---- */

typedef struct name_case {
  const char *name;
  int kind;
  const char *want;
} name_case_t;

static const name_case_t err_names[] = {
    {"err_name_of_invalid_argument", ANTHROPIC_EINVAL, "invalid_argument"},
    {"err_name_of_out_of_memory", ANTHROPIC_ENOMEM, "out_of_memory"},
    {"err_name_of_connection", ANTHROPIC_ECONNECTION, "connection"},
    {"err_name_of_timeout", ANTHROPIC_ETIMEDOUT, "timeout"},
    {"err_name_of_tls", ANTHROPIC_ETLS, "tls"},
    {"err_name_of_http", ANTHROPIC_EHTTP, "http"},
    {"err_name_of_bad_response", ANTHROPIC_EBADRESPONSE, "bad_response"},
    {"err_name_of_too_large", ANTHROPIC_ETOOLARGE, "too_large"},
    {"err_name_of_cancelled", ANTHROPIC_ECANCELLED, "cancelled"},
};

static void check_err_name(const name_case_t *c) {
  CHECK_EQ_STR(anthropic_err_name(c->kind), c->want);
}
TABLE_TEST(err_names, check_err_name)

TEST(err_names_are_distinct) {
  for (size_t i = 0; i < ANTH_ARRAY_SIZE(all_kinds); i++) {
    const char *a = anthropic_err_name(all_kinds[i]);
    CHECK(a != NULL && a[0] != '\0');
    CHECK(strcmp(a, "unknown") != 0);
    for (size_t j = i + 1; j < ANTH_ARRAY_SIZE(all_kinds); j++)
      if (strcmp(a, anthropic_err_name(all_kinds[j])) == 0)
        FAILF("kinds %d and %d share the name \"%s\"", all_kinds[i],
              all_kinds[j], a);
  }
}

TEST(err_name_of_unknown_kind_is_unknown) {
  CHECK_EQ_STR(anthropic_err_name(-100), "unknown");
  CHECK_EQ_STR(anthropic_err_name(-10), "unknown");
  CHECK_EQ_STR(anthropic_err_name(7), "unknown");
}

/* ---- anthropic_strerror ---- */

TEST(strerror_is_non_empty_for_every_kind) {
  for (size_t i = 0; i < ANTH_ARRAY_SIZE(all_kinds); i++) {
    const char *s = anthropic_strerror(all_kinds[i]);
    if (s == NULL || s[0] == '\0')
      FAILF("anthropic_strerror(%d) is empty", all_kinds[i]);
  }
}

TEST(strerror_texts_are_distinct) {
  for (size_t i = 0; i < ANTH_ARRAY_SIZE(all_kinds); i++)
    for (size_t j = i + 1; j < ANTH_ARRAY_SIZE(all_kinds); j++)
      if (strcmp(anthropic_strerror(all_kinds[i]),
                 anthropic_strerror(all_kinds[j])) == 0)
        FAILF("kinds %d and %d share the text \"%s\"", all_kinds[i],
              all_kinds[j], anthropic_strerror(all_kinds[i]));
}

TEST(strerror_of_unknown_kind_is_not_null) {
  const char *s = anthropic_strerror(-100);
  CHECK(s != NULL && s[0] != '\0');
  CHECK(anthropic_strerror(42) != NULL);
}

TEST(strerror_of_ok_is_not_an_error_text) {
  const char *s = anthropic_strerror(ANTHROPIC_OK);
  CHECK(s != NULL && s[0] != '\0');
  for (size_t i = 0; i < ANTH_ARRAY_SIZE(all_kinds); i++)
    CHECK(strcmp(s, anthropic_strerror(all_kinds[i])) != 0);
}

/* ---- anth__errkind_from_curl ---- */

/* The first `n` of `codes` each map to `kind`. */
typedef struct curl_case {
  const char *name;
  size_t n;
  CURLcode codes[3];
  int kind;
} curl_case_t;

static const curl_case_t curl_kinds[] = {
    {"curl_ok_maps_to_ok", 1, {CURLE_OK}, ANTHROPIC_OK},
    {"curl_timeout_maps_to_etimedout",
     1,
     {CURLE_OPERATION_TIMEDOUT},
     ANTHROPIC_ETIMEDOUT},
    {"curl_couldnt_connect_maps_to_econnection",
     1,
     {CURLE_COULDNT_CONNECT},
     ANTHROPIC_ECONNECTION},
    {"curl_recv_error_maps_to_econnection",
     1,
     {CURLE_RECV_ERROR},
     ANTHROPIC_ECONNECTION},
    {"curl_got_nothing_maps_to_econnection",
     1,
     {CURLE_GOT_NOTHING},
     ANTHROPIC_ECONNECTION},
    {"curl_partial_file_maps_to_econnection",
     1,
     {CURLE_PARTIAL_FILE},
     ANTHROPIC_ECONNECTION},
    {"curl_http2_stream_maps_to_econnection",
     1,
     {CURLE_HTTP2_STREAM},
     ANTHROPIC_ECONNECTION},
    {"curl_send_and_resolve_errors_map_to_econnection",
     3,
     {CURLE_SEND_ERROR, CURLE_COULDNT_RESOLVE_HOST, CURLE_HTTP2},
     ANTHROPIC_ECONNECTION},
    {"curl_peer_failed_verification_maps_to_etls",
     1,
     {CURLE_PEER_FAILED_VERIFICATION},
     ANTHROPIC_ETLS},
    {"curl_ssl_connect_error_maps_to_etls",
     1,
     {CURLE_SSL_CONNECT_ERROR},
     ANTHROPIC_ETLS},
    {"curl_ssl_cacert_badfile_maps_to_etls",
     1,
     {CURLE_SSL_CACERT_BADFILE},
     ANTHROPIC_ETLS},
    {"curl_filesize_exceeded_maps_to_etoolarge",
     1,
     {CURLE_FILESIZE_EXCEEDED},
     ANTHROPIC_ETOOLARGE},
    {"curl_out_of_memory_maps_to_enomem",
     1,
     {CURLE_OUT_OF_MEMORY},
     ANTHROPIC_ENOMEM},
    {"curl_bad_url_maps_to_einval", 1, {CURLE_URL_MALFORMAT}, ANTHROPIC_EINVAL},
    /* The scheme is checked at init: at transfer time these are curl
     * refusing what the server sent (HTTP/0.9, a status of 000, a bad
     * Content-Length). */
    {"curl_refusing_the_servers_reply_maps_to_econnection",
     2,
     {CURLE_UNSUPPORTED_PROTOCOL, CURLE_WEIRD_SERVER_REPLY},
     ANTHROPIC_ECONNECTION},
};

static void check_curl_kind(const curl_case_t *c) {
  for (size_t i = 0; i < c->n; i++)
    CHECK_EQ_INT(anth__errkind_from_curl(c->codes[i]), c->kind);
}
TABLE_TEST(curl_kinds, check_curl_kind)

/* ---- anth__http_reason ---- */

/* Each of the first `n` statuses has its reason phrase. */
typedef struct reason_case {
  const char *name;
  size_t n;
  int status[5];
  const char *want[5];
} reason_case_t;

static const reason_case_t http_reasons[] = {
    {"http_reason_404_is_not_found", 1, {404}, {"Not Found"}},
    {"http_reason_429_is_too_many_requests", 1, {429}, {"Too Many Requests"}},
    {"http_reason_529_is_overloaded", 1, {529}, {"Overloaded"}},
    {"http_reason_unlisted_5xx_is_server_error", 1, {599}, {"Server Error"}},
    {"http_reason_unlisted_4xx_is_client_error", 1, {418}, {"Client Error"}},
    {"http_reason_of_1xx_3xx_and_unknown_statuses_names_their_class",
     4,
     {101, 302, 304, 999},
     {"Informational", "Redirection", "Redirection", "Unknown Status"}},
    {"http_reason_common_statuses",
     5,
     {400, 401, 403, 500, 503},
     {"Bad Request", "Unauthorized", "Forbidden", "Internal Server Error",
      "Service Unavailable"}},
};

static void check_http_reason(const reason_case_t *c) {
  for (size_t i = 0; i < c->n; i++)
    CHECK_EQ_STR(anth__http_reason(c->status[i]), c->want[i]);
}
TABLE_TEST(http_reasons, check_http_reason)

/* ---- anthropic_version ---- */

TEST(version_equals_version_string_macro) {
  CHECK_EQ_STR(anthropic_version(), ANTHROPIC_VERSION_STRING);
}

TEST(version_string_matches_version_numbers) {
  char want[32];
  snprintf(want, sizeof want, "%d.%d.%d", ANTHROPIC_VERSION_MAJOR,
           ANTHROPIC_VERSION_MINOR, ANTHROPIC_VERSION_PATCH);
  CHECK_EQ_STR(anthropic_version(), want);
}

int main(void) {
  return RUN(TABLE(err_names), T(err_names_are_distinct),
             T(err_name_of_unknown_kind_is_unknown),
             T(strerror_is_non_empty_for_every_kind),
             T(strerror_texts_are_distinct),
             T(strerror_of_unknown_kind_is_not_null),
             T(strerror_of_ok_is_not_an_error_text), TABLE(curl_kinds),
             TABLE(http_reasons), T(version_equals_version_string_macro),
             T(version_string_matches_version_numbers));
}
