/* rfc3339.c - RFC 3339 timestamps to seconds since the epoch. Pure. */
#include "internal.h"

static int digits(const char **p, int n, int *out) {
  int v = 0;
  for (int i = 0; i < n; i++) {
    char c = (*p)[i];
    if (c < '0' || c > '9')
      return -1;
    v = v * 10 + (c - '0');
  }
  *p += n;
  *out = v;
  return 0;
}

static int expect(const char **p, char c) {
  if (**p != c)
    return -1;
  (*p)++;
  return 0;
}

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar
 * (Howard Hinnant's days_from_civil). */
static int64_t days_from_civil(int64_t y, int m, int d) {
  y -= m <= 2;
  int64_t era = (y >= 0 ? y : y - 399) / 400;
  int64_t yoe = y - era * 400;
  int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

static int days_in_month(int y, int m) {
  static const int dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 && leap ? 29 : dm[m - 1];
}

int anth__rfc3339_parse(const char *s, int64_t *unix_seconds,
                        int32_t *nanoseconds) {
  int y, mo, d, h, mi, sec, oh = 0, om = 0, sign = 0;
  int32_t ns = 0;
  const char *p = s;
  if (digits(&p, 4, &y) || expect(&p, '-') || digits(&p, 2, &mo) ||
      expect(&p, '-') || digits(&p, 2, &d))
    return -1;
  if (*p != 'T' && *p != 't' && *p != ' ')
    return -1;
  p++;
  if (digits(&p, 2, &h) || expect(&p, ':') || digits(&p, 2, &mi) ||
      expect(&p, ':') || digits(&p, 2, &sec))
    return -1;
  if (*p == '.') {
    p++;
    int n = 0;
    while (*p >= '0' && *p <= '9') {
      if (n < 9)
        ns = ns * 10 + (*p - '0');
      n++;
      p++;
    }
    if (n == 0)
      return -1;
    for (; n < 9; n++)
      ns *= 10;
  }
  if (*p == 'Z' || *p == 'z') {
    p++;
  } else if (*p == '+' || *p == '-') {
    sign = *p == '-' ? -1 : 1;
    p++;
    if (digits(&p, 2, &oh) || expect(&p, ':') || digits(&p, 2, &om))
      return -1;
  } else {
    return -1;
  }
  if (*p != '\0')
    return -1;
  if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo) || h > 23 ||
      mi > 59 || sec > 60 || oh > 23 || om > 59)
    return -1;
  int64_t t = days_from_civil(y, mo, d) * 86400 + (int64_t)h * 3600 +
              (int64_t)mi * 60 + sec;
  t -= (int64_t)sign * ((int64_t)oh * 3600 + (int64_t)om * 60);
  *unix_seconds = t;
  *nanoseconds = ns;
  return 0;
}

int anthropic_time_parse(const char *text, anthropic_time_t *out) {
  int64_t seconds;
  int32_t ns;
  if (text == NULL || out == NULL ||
      anth__rfc3339_parse(text, &seconds, &ns) != 0)
    return ANTHROPIC_EINVAL;
  out->state = ANTHROPIC_FIELD_SET;
  out->text = text;
  out->unix_seconds = seconds;
  out->nanoseconds = ns;
  return 0;
}
