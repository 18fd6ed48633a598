/* retry.c - when to retry and how long to wait, as the official SDKs do.
 * Pure functions: the caller passes the clock and the random draw. */
#include "internal.h"

#include <string.h>
#include <strings.h>

bool anth__retry_should(const char *x_should_retry, long status,
                        anthropic_errkind_t kind) {
  switch (kind) {
  case ANTHROPIC_EHTTP:
    /* The server's word comes first. */
    if (x_should_retry != NULL && strcmp(x_should_retry, "true") == 0)
      return true;
    if (x_should_retry != NULL && strcmp(x_should_retry, "false") == 0)
      return false;
    return status == 408 || status == 409 || status == 429 || status >= 500;
  case ANTHROPIC_ECONNECTION:
  case ANTHROPIC_ETIMEDOUT:
    return true;
  default:
    return false; /* cancelled, invalid, TLS, too large, bad response */
  }
}

/* A non-negative decimal like "1", "0.25", " 2.5 ": the value times
 * `scale`, as milliseconds. -1 when it is not such a number. */
static int64_t decimal_ms(const char *s, int64_t scale) {
  const char *p = s;
  while (*p == ' ' || *p == '\t')
    p++;
  int64_t whole = 0, frac = 0, frac_div = 1;
  int digits = 0;
  for (; *p >= '0' && *p <= '9'; p++, digits++) {
    if (whole > INT64_MAX / 100000)
      return -1; /* absurdly large: not a delay we would honour */
    whole = whole * 10 + (*p - '0');
  }
  if (*p == '.') {
    for (p++; *p >= '0' && *p <= '9'; p++, digits++) {
      if (frac_div < 1000000) {
        frac = frac * 10 + (*p - '0');
        frac_div *= 10;
      }
    }
  }
  while (*p == ' ' || *p == '\t')
    p++;
  if (digits == 0 || *p != '\0')
    return -1;
  return whole * scale + frac * scale / frac_div;
}

static int month_index(const char *m) {
  static const char *const names[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  for (int i = 0; i < 12; i++)
    if (strncmp(m, names[i], 3) == 0)
      return i + 1;
  return 0;
}

int anth__http_date_parse(const char *s, int64_t *unix_seconds) {
  /* IMF-fixdate, the only form HTTP/1.1 senders may use:
   * "Sun, 06 Nov 1994 08:49:37 GMT". */
  char rfc[40];
  size_t n = strlen(s);
  if (n != 29 || s[3] != ',' || s[4] != ' ' || s[7] != ' ' || s[11] != ' ' ||
      s[16] != ' ' || s[19] != ':' || s[22] != ':' || s[25] != ' ' ||
      strcmp(s + 26, "GMT") != 0)
    return -1;
  int mon = month_index(s + 8);
  if (mon == 0)
    return -1;
  /* Reuse the RFC 3339 parser for the numbers and range checks. */
  anth__errf(rfc, sizeof rfc, "%.4s-%02d-%.2sT%.8sZ", s + 12, mon, s + 5,
             s + 17);
  int32_t ns;
  return anth__rfc3339_parse(rfc, unix_seconds, &ns);
}

int64_t anth__retry_after_ms(const char *retry_after_ms,
                             const char *retry_after, int64_t now_unix_ms) {
  int64_t ms;
  if (retry_after_ms != NULL && (ms = decimal_ms(retry_after_ms, 1)) >= 0)
    return ms;
  if (retry_after == NULL)
    return -1;
  if ((ms = decimal_ms(retry_after, 1000)) >= 0)
    return ms;
  int64_t t;
  if (anth__http_date_parse(retry_after, &t) == 0)
    return t * 1000 - now_unix_ms; /* may be <= 0: a date in the past */
  return -1;
}

uint64_t anth__retry_delay_ms(int64_t server_ms, uint64_t cap_ms,
                              int retries_done, double unit_random) {
  if (server_ms > 0 && (uint64_t)server_ms <= cap_ms)
    return (uint64_t)server_ms;
  /* min(0.5 * 2^n, 8) seconds, shrunk by up to 25% of jitter. */
  uint64_t base = 8000;
  if (retries_done >= 0 && retries_done < 4)
    base = (uint64_t)500 << retries_done;
  if (!(unit_random >= 0.0 && unit_random < 1.0))
    unit_random = 0.0;
  return (uint64_t)((double)base * (1.0 - 0.25 * unit_random));
}
