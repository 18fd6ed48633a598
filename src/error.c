/* error.c - error kinds: names and descriptions; HTTP reason phrases. */
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
