/* error.c - error kinds: names, descriptions, and mapping from curl. */
#include "internal.h"

static const struct {
  int kind;
  const char *name;
  const char *text;
} kinds[] = {
    {ANTHROPIC_OK, "ok", "success"},
    {ANTHROPIC_EINVAL, "invalid_argument", "invalid argument"},
    {ANTHROPIC_ENOMEM, "out_of_memory", "out of memory"},
    {ANTHROPIC_ECONNECTION, "connection", "connection error"},
    {ANTHROPIC_ETIMEDOUT, "timeout", "request timed out"},
    {ANTHROPIC_ETLS, "tls", "TLS error"},
    {ANTHROPIC_EHTTP, "http", "the API returned an error status"},
    {ANTHROPIC_EBADRESPONSE, "bad_response", "malformed response"},
    {ANTHROPIC_ETOOLARGE, "too_large", "response too large"},
    {ANTHROPIC_ECANCELLED, "cancelled", "request cancelled"},
};

const char *anthropic_strerror(int kind) {
  for (size_t i = 0; i < ANTH_ARRAY_SIZE(kinds); i++)
    if (kinds[i].kind == kind)
      return kinds[i].text;
  return "unknown error";
}

const char *anthropic_err_name(int kind) {
  for (size_t i = 0; i < ANTH_ARRAY_SIZE(kinds); i++)
    if (kinds[i].kind == kind)
      return kinds[i].name;
  return "unknown";
}

const char *anthropic_version(void) {
  return ANTHROPIC_VERSION_STRING;
}

anthropic_errkind_t anth__errkind_from_curl(CURLcode code) {
  switch (code) {
  case CURLE_OK:
    return ANTHROPIC_OK;
  case CURLE_OPERATION_TIMEDOUT:
    return ANTHROPIC_ETIMEDOUT;
  /* The scheme was checked at init and redirects are not followed, so at
   * transfer time this is curl refusing the server's reply (a status line
   * like "HTTP/1.1 000", HTTP/0.9, a bad Content-Length): the server's
   * fault, a connection that did not carry HTTP, retried as the SDKs
   * retry it. */
  case CURLE_UNSUPPORTED_PROTOCOL:
  case CURLE_WEIRD_SERVER_REPLY:
    return ANTHROPIC_ECONNECTION;
  case CURLE_OUT_OF_MEMORY:
    return ANTHROPIC_ENOMEM;
  case CURLE_FILESIZE_EXCEEDED:
    return ANTHROPIC_ETOOLARGE;
  case CURLE_URL_MALFORMAT:
  case CURLE_BAD_FUNCTION_ARGUMENT:
    return ANTHROPIC_EINVAL;
  case CURLE_SSL_CONNECT_ERROR:
  case CURLE_SSL_ENGINE_NOTFOUND:
  case CURLE_SSL_ENGINE_SETFAILED:
  case CURLE_SSL_CERTPROBLEM:
  case CURLE_SSL_CIPHER:
  case CURLE_PEER_FAILED_VERIFICATION:
  case CURLE_SSL_ENGINE_INITFAILED:
  case CURLE_SSL_CACERT_BADFILE:
  case CURLE_SSL_SHUTDOWN_FAILED:
  case CURLE_SSL_CRL_BADFILE:
  case CURLE_SSL_ISSUER_ERROR:
  case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
  case CURLE_SSL_INVALIDCERTSTATUS:
  case CURLE_SSL_CLIENTCERT:
  case CURLE_USE_SSL_FAILED:
    return ANTHROPIC_ETLS;
  default:
    /* Resolve, connect, send, receive, reset, HTTP/2 framing, partial
     * bodies: the network failed us. */
    return ANTHROPIC_ECONNECTION;
  }
}

const char *anth__http_reason(long status) {
  switch (status) {
  case 400:
    return "Bad Request";
  case 401:
    return "Unauthorized";
  case 403:
    return "Forbidden";
  case 404:
    return "Not Found";
  case 408:
    return "Request Timeout";
  case 409:
    return "Conflict";
  case 413:
    return "Payload Too Large";
  case 429:
    return "Too Many Requests";
  case 500:
    return "Internal Server Error";
  case 502:
    return "Bad Gateway";
  case 503:
    return "Service Unavailable";
  case 504:
    return "Gateway Timeout";
  case 529:
    return "Overloaded";
  default:
    return status < 200   ? "Informational"
           : status < 300 ? "Success"
           : status < 400 ? "Redirection"
           : status < 500 ? "Client Error"
           : status < 600 ? "Server Error"
                          : "Unknown Status";
  }
}
