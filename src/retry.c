/* retry.c - when to retry and how long to wait, as the official SDKs do.
 * Pure functions: the caller passes the clock and the random draw. */
#include "internal.h"

#include <limits.h>
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

/* The day of the week at s, full ("Sunday") or short ("Sun"): the
 * length of the name, or 0. */
static size_t day_name(const char *s, bool full) {
  static const char *const days[] = {"Monday",   "Tuesday", "Wednesday",
                                     "Thursday", "Friday",  "Saturday",
                                     "Sunday"};
  for (int i = 0; i < 7; i++) {
    size_t n = full ? strlen(days[i]) : 3;
    if (strncmp(s, days[i], n) == 0)
      return n;
  }
  return 0;
}

static bool all_digits(const char *s, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (s[i] < '0' || s[i] > '9')
      return false;
  return true;
}

/* "hh:mm:ss" at s. */
static bool clock_at(const char *s) {
  return all_digits(s, 2) && s[2] == ':' && all_digits(s + 3, 2) &&
         s[5] == ':' && all_digits(s + 6, 2);
}

/* The date from its parts through the RFC 3339 parser, which checks the
 * ranges (a 31 February, a 24th hour). */
static int from_parts(const char *year4, int mon, const char *day2,
                      const char *clock, int64_t *unix_seconds) {
  char rfc[40];
  int32_t ns;
  if (mon == 0)
    return -1;
  anth__errf(rfc, sizeof rfc, "%.4s-%02d-%.2sT%.8sZ", year4, mon, day2, clock);
  return anth__rfc3339_parse(rfc, unix_seconds, &ns);
}

int anth__http_date_parse(const char *s, int64_t *unix_seconds) {
  size_t n = strlen(s), d;
  /* IMF-fixdate, the one form senders may use:
   * "Sun, 06 Nov 1994 08:49:37 GMT". */
  if (n == 29 && day_name(s, false) == 3 && s[3] == ',' && s[4] == ' ' &&
      all_digits(s + 5, 2) && s[7] == ' ' && s[11] == ' ' &&
      all_digits(s + 12, 4) && s[16] == ' ' && clock_at(s + 17) &&
      strcmp(s + 25, " GMT") == 0)
    return from_parts(s + 12, month_index(s + 8), s + 5, s + 17, unix_seconds);
  /* RFC 850: "Sunday, 06-Nov-94 08:49:37 GMT". A two-digit year is read
   * as 1970-2069. */
  if ((d = day_name(s, true)) > 3 && n == d + 24 && s[d] == ',' &&
      s[d + 1] == ' ' && all_digits(s + d + 2, 2) && s[d + 4] == '-' &&
      s[d + 8] == '-' && all_digits(s + d + 9, 2) && s[d + 11] == ' ' &&
      clock_at(s + d + 12) && strcmp(s + d + 20, " GMT") == 0) {
    char year[5];
    anth__errf(year, sizeof year, "%s%.2s", s[d + 9] < '7' ? "20" : "19",
               s + d + 9);
    return from_parts(year, month_index(s + d + 5), s + d + 2, s + d + 12,
                      unix_seconds);
  }
  /* asctime: "Sun Nov  6 08:49:37 1994" (a one-digit day after a space). */
  if (n == 24 && day_name(s, false) == 3 && s[3] == ' ' && s[7] == ' ' &&
      (s[8] == ' ' || all_digits(s + 8, 1)) && all_digits(s + 9, 1) &&
      s[10] == ' ' && clock_at(s + 11) && s[19] == ' ' &&
      all_digits(s + 20, 4)) {
    char day[3] = {s[8], s[9], '\0'};
    if (day[0] == ' ')
      day[0] = '0';
    return from_parts(s + 20, month_index(s + 4), day, s + 11, unix_seconds);
  }
  return -1;
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

long anth__ms_option(uint64_t v, long dflt) {
  return v == 0 ? dflt : v > LONG_MAX ? LONG_MAX : (long)v;
}

int anth__retries_option(int v, int dflt) {
  return v == ANTHROPIC_RETRIES_DEFAULT ? dflt : v;
}
