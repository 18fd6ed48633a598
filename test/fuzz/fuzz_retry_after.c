/* fuzz_retry_after.c - the retry policy on server-sent headers.
 *
 * The input is "<retry-after-ms>\n<retry-after>": split at the first '\n'
 * into two NUL-terminated strings (without a '\n', the whole input is the
 * retry-after-ms value and retry-after is absent). */
#include "fuzz_common.h"

#include <limits.h>
#include <math.h>

/* 2023-11-14T22:13:20Z */
#define NOW_MS INT64_C(1700000000000)

/* Years 0000..9999 of an HTTP date (always GMT), leap second included. */
#define MIN_T INT64_C(-62167219200)
#define MAX_T INT64_C(253402300800)

static void check_delays(int64_t server_ms) {
  static const uint64_t caps[] = {0, 1, 1000, 60000, 600000, UINT64_MAX};
  static const int retries[] = {-1, 0, 1, 2, 3, 4, 62, INT_MAX, INT_MIN};
  const double randoms[] = {0.0, 0.25, 0.999999, 1.0, -0.5, NAN, INFINITY};
  for (size_t c = 0; c < ANTH_ARRAY_SIZE(caps); c++)
    for (size_t r = 0; r < ANTH_ARRAY_SIZE(retries); r++)
      for (size_t u = 0; u < ANTH_ARRAY_SIZE(randoms); u++) {
        uint64_t d =
            anth__retry_delay_ms(server_ms, caps[c], retries[r], randoms[u]);
        uint64_t bound = caps[c] > 8000 ? caps[c] : 8000;
        FUZZ_CHECK(d <= bound);
        if (server_ms > 0 && (uint64_t)server_ms <= caps[c])
          FUZZ_CHECK(d == (uint64_t)server_ms);
        else
          FUZZ_CHECK(d >= 375 && d <= 8000); /* 0.75 * 500 .. 8000 */
      }
}

static void check_date(const char *s) {
  int64_t t = INT64_MIN;
  if (anth__http_date_parse(s, &t) == 0) {
    /* IMF-fixdate 29 bytes, asctime 24, RFC 850 24 + its day name. */
    size_t n = strlen(s);
    FUZZ_CHECK(n == 29 || n == 24 || (n >= 30 && n <= 33));
    FUZZ_CHECK(t >= MIN_T && t <= MAX_T);
  }
  int64_t u = INT64_MIN;
  int32_t ns = -1;
  if (anth__rfc3339_parse(s, &u, &ns) == 0) {
    FUZZ_CHECK(ns >= 0 && ns <= 999999999);
    FUZZ_CHECK(u >= MIN_T - 86400 && u <= MAX_T + 86400);
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const uint8_t *nl = size > 0 ? memchr(data, '\n', size) : NULL;
  size_t first_len = nl ? (size_t)(nl - data) : size;
  char *ms_text = fuzz_cstr(data, first_len);
  char *after_text = nl ? fuzz_cstr(nl + 1, size - first_len - 1) : NULL;

  FUZZ_CHECK(anth__retry_after_ms(NULL, NULL, NOW_MS) == -1);

  int64_t both = anth__retry_after_ms(ms_text, after_text, NOW_MS);
  int64_t ms_only = anth__retry_after_ms(ms_text, NULL, NOW_MS);
  /* retry-after-ms, when usable, wins; it is never negative. */
  FUZZ_CHECK(ms_only >= -1);
  if (ms_only >= 0)
    FUZZ_CHECK(both == ms_only);
  int64_t as_seconds = anth__retry_after_ms(NULL, ms_text, NOW_MS);
  /* A number of seconds reads as 1000 times the milliseconds (up to the
   * six fraction digits kept). */
  if (ms_only >= 0 && as_seconds >= 0 && ms_only < INT64_C(1000000000))
    FUZZ_CHECK(as_seconds / 1000 == ms_only);
  int64_t after_only = -1;
  if (after_text != NULL) {
    after_only = anth__retry_after_ms(NULL, after_text, NOW_MS);
    if (ms_only < 0)
      FUZZ_CHECK(both == after_only);
  } else if (ms_only < 0) {
    FUZZ_CHECK(both == -1);
  }
  /* A date lands within the years 0000..9999 relative to now. */
  FUZZ_CHECK(as_seconds >= MIN_T * 1000 - NOW_MS);
  FUZZ_CHECK(after_only >= MIN_T * 1000 - NOW_MS);

  check_date(ms_text);
  if (after_text != NULL)
    check_date(after_text);

  check_delays(both);
  check_delays(as_seconds);
  check_delays(after_only);

  (void)anth__retry_should(ms_text, 429, ANTHROPIC_EHTTP);
  if (after_text != NULL)
    (void)anth__retry_should(after_text, 500, ANTHROPIC_EHTTP);
  FUZZ_CHECK(!anth__retry_should(ms_text, 400, ANTHROPIC_ECANCELLED));

  free(ms_text);
  free(after_text);
  return 0;
}
