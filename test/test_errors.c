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

TEST(err_name_of_invalid_argument) {
  CHECK_EQ_STR(anthropic_err_name(ANTHROPIC_EINVAL), "invalid_argument");
}

TEST(err_name_of_out_of_memory) {
  CHECK_EQ_STR(anthropic_err_name(ANTHROPIC_ENOMEM), "out_of_memory");
}

TEST(err_name_of_connection) {
  CHECK_EQ_STR(anthropic_err_name(ANTHROPIC_ECONNECTION), "connection");
}

TEST(err_name_of_timeout) {
  CHECK_EQ_STR(anthropic_err_name(ANTHROPIC_ETIMEDOUT), "timeout");
}

TEST(err_name_of_tls) {
  CHECK_EQ_STR(anthropic_err_name(ANTHROPIC_ETLS), "tls");
}

TEST(err_name_of_http) {
  CHECK_EQ_STR(anthropic_err_name(ANTHROPIC_EHTTP), "http");
}

TEST(err_name_of_bad_response) {
  CHECK_EQ_STR(anthropic_err_name(ANTHROPIC_EBADRESPONSE), "bad_response");
}

TEST(err_name_of_too_large) {
  CHECK_EQ_STR(anthropic_err_name(ANTHROPIC_ETOOLARGE), "too_large");
}

TEST(err_name_of_cancelled) {
  CHECK_EQ_STR(anthropic_err_name(ANTHROPIC_ECANCELLED), "cancelled");
}

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

TEST(curl_ok_maps_to_ok) {
  CHECK_EQ_INT(anth__errkind_from_curl(CURLE_OK), ANTHROPIC_OK);
}

TEST(curl_timeout_maps_to_etimedout) {
  CHECK_EQ_INT(anth__errkind_from_curl(CURLE_OPERATION_TIMEDOUT),
               ANTHROPIC_ETIMEDOUT);
}

TEST(curl_couldnt_connect_maps_to_econnection) {
  CHECK_EQ_INT(anth__errkind_from_curl(CURLE_COULDNT_CONNECT),
               ANTHROPIC_ECONNECTION);
}

TEST(curl_recv_error_maps_to_econnection) {
  CHECK_EQ_INT(anth__errkind_from_curl(CURLE_RECV_ERROR),
               ANTHROPIC_ECONNECTION);
}

TEST(curl_got_nothing_maps_to_econnection) {
  CHECK_EQ_INT(anth__errkind_from_curl(CURLE_GOT_NOTHING),
               ANTHROPIC_ECONNECTION);
}

TEST(curl_partial_file_maps_to_econnection) {
  CHECK_EQ_INT(anth__errkind_from_curl(CURLE_PARTIAL_FILE),
               ANTHROPIC_ECONNECTION);
}

TEST(curl_http2_stream_maps_to_econnection) {
  CHECK_EQ_INT(anth__errkind_from_curl(CURLE_HTTP2_STREAM),
               ANTHROPIC_ECONNECTION);
}

TEST(curl_send_and_resolve_errors_map_to_econnection) {
  CHECK_EQ_INT(anth__errkind_from_curl(CURLE_SEND_ERROR),
               ANTHROPIC_ECONNECTION);
  CHECK_EQ_INT(anth__errkind_from_curl(CURLE_COULDNT_RESOLVE_HOST),
               ANTHROPIC_ECONNECTION);
  CHECK_EQ_INT(anth__errkind_from_curl(CURLE_HTTP2), ANTHROPIC_ECONNECTION);
}

TEST(curl_peer_failed_verification_maps_to_etls) {
  CHECK_EQ_INT(anth__errkind_from_curl(CURLE_PEER_FAILED_VERIFICATION),
               ANTHROPIC_ETLS);
}

TEST(curl_ssl_connect_error_maps_to_etls) {
  CHECK_EQ_INT(anth__errkind_from_curl(CURLE_SSL_CONNECT_ERROR),
               ANTHROPIC_ETLS);
}

TEST(curl_ssl_cacert_badfile_maps_to_etls) {
  CHECK_EQ_INT(anth__errkind_from_curl(CURLE_SSL_CACERT_BADFILE),
               ANTHROPIC_ETLS);
}

TEST(curl_filesize_exceeded_maps_to_etoolarge) {
  CHECK_EQ_INT(anth__errkind_from_curl(CURLE_FILESIZE_EXCEEDED),
               ANTHROPIC_ETOOLARGE);
}

TEST(curl_out_of_memory_maps_to_enomem) {
  CHECK_EQ_INT(anth__errkind_from_curl(CURLE_OUT_OF_MEMORY), ANTHROPIC_ENOMEM);
}

TEST(curl_bad_url_maps_to_einval) {
  CHECK_EQ_INT(anth__errkind_from_curl(CURLE_URL_MALFORMAT), ANTHROPIC_EINVAL);
}

/* The scheme is checked at init: at transfer time these are curl refusing
 * what the server sent (HTTP/0.9, a status of 000, a bad Content-Length). */
TEST(curl_refusing_the_servers_reply_maps_to_econnection) {
  CHECK_EQ_INT(anth__errkind_from_curl(CURLE_UNSUPPORTED_PROTOCOL),
               ANTHROPIC_ECONNECTION);
  CHECK_EQ_INT(anth__errkind_from_curl(CURLE_WEIRD_SERVER_REPLY),
               ANTHROPIC_ECONNECTION);
}

/* ---- anth__http_reason ---- */

TEST(http_reason_404_is_not_found) {
  CHECK_EQ_STR(anth__http_reason(404), "Not Found");
}

TEST(http_reason_429_is_too_many_requests) {
  CHECK_EQ_STR(anth__http_reason(429), "Too Many Requests");
}

TEST(http_reason_529_is_overloaded) {
  CHECK_EQ_STR(anth__http_reason(529), "Overloaded");
}

TEST(http_reason_unlisted_5xx_is_server_error) {
  CHECK_EQ_STR(anth__http_reason(599), "Server Error");
}

TEST(http_reason_unlisted_4xx_is_client_error) {
  CHECK_EQ_STR(anth__http_reason(418), "Client Error");
}

TEST(http_reason_of_1xx_3xx_and_unknown_statuses_names_their_class) {
  CHECK_EQ_STR(anth__http_reason(101), "Informational");
  CHECK_EQ_STR(anth__http_reason(302), "Redirection");
  CHECK_EQ_STR(anth__http_reason(304), "Redirection");
  CHECK_EQ_STR(anth__http_reason(999), "Unknown Status");
}

TEST(http_reason_common_statuses) {
  CHECK_EQ_STR(anth__http_reason(400), "Bad Request");
  CHECK_EQ_STR(anth__http_reason(401), "Unauthorized");
  CHECK_EQ_STR(anth__http_reason(403), "Forbidden");
  CHECK_EQ_STR(anth__http_reason(500), "Internal Server Error");
  CHECK_EQ_STR(anth__http_reason(503), "Service Unavailable");
}

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
  return RUN(
      T(err_name_of_invalid_argument), T(err_name_of_out_of_memory),
      T(err_name_of_connection), T(err_name_of_timeout), T(err_name_of_tls),
      T(err_name_of_http), T(err_name_of_bad_response),
      T(err_name_of_too_large), T(err_name_of_cancelled),
      T(err_names_are_distinct), T(err_name_of_unknown_kind_is_unknown),
      T(strerror_is_non_empty_for_every_kind), T(strerror_texts_are_distinct),
      T(strerror_of_unknown_kind_is_not_null),
      T(strerror_of_ok_is_not_an_error_text), T(curl_ok_maps_to_ok),
      T(curl_timeout_maps_to_etimedout),
      T(curl_couldnt_connect_maps_to_econnection),
      T(curl_recv_error_maps_to_econnection),
      T(curl_got_nothing_maps_to_econnection),
      T(curl_partial_file_maps_to_econnection),
      T(curl_http2_stream_maps_to_econnection),
      T(curl_send_and_resolve_errors_map_to_econnection),
      T(curl_peer_failed_verification_maps_to_etls),
      T(curl_ssl_connect_error_maps_to_etls),
      T(curl_ssl_cacert_badfile_maps_to_etls),
      T(curl_filesize_exceeded_maps_to_etoolarge),
      T(curl_out_of_memory_maps_to_enomem), T(curl_bad_url_maps_to_einval),
      T(curl_refusing_the_servers_reply_maps_to_econnection),
      T(http_reason_404_is_not_found), T(http_reason_429_is_too_many_requests),
      T(http_reason_529_is_overloaded),
      T(http_reason_unlisted_5xx_is_server_error),
      T(http_reason_unlisted_4xx_is_client_error),
      T(http_reason_of_1xx_3xx_and_unknown_statuses_names_their_class),
      T(http_reason_common_statuses), T(version_equals_version_string_macro),
      T(version_string_matches_version_numbers));
}
