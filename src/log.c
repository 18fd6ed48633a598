/* log.c - what a log line may carry: level names, ANTHROPIC_LOG, bytes a
 * terminal may see, and secrets taken out of URLs and header lines. Pure. */
#include "internal.h"

#include <string.h>
#include <strings.h>

static const char *const level_names[] = {"default", "off",  "error",
                                          "warn",    "info", "debug"};

const char *anth__log_level_name(int level) {
  return level >= 0 && level <= ANTHROPIC_LOG_DEBUG ? level_names[level] : "?";
}

int anth__log_level_parse(const char *s) {
  for (int i = ANTHROPIC_LOG_OFF; i <= ANTHROPIC_LOG_DEBUG; i++)
    if (strcasecmp(s, level_names[i]) == 0)
      return i;
  if (strcasecmp(s, "warning") == 0)
    return ANTHROPIC_LOG_WARN;
  return -1;
}

/* Log sinks are often terminals, and a line carries the server's text
 * (request-id, curl's messages): no escape sequence of theirs may reach
 * one. What the library itself writes there is plain ASCII. */
void anth__printable_ascii(char *s) {
  for (; *s != '\0'; s++)
    if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
      *s = '?';
}

/* Whether a header or query parameter name (n bytes) looks like it
 * carries a credential: the known ones, and any name with one of these
 * words in it (x-goog-api-key, session_token, client-secret, ...). */
bool anth__name_is_secret(const char *name, size_t n) {
  static const char *const words[] = {
      "key",    "token",   "secret",     "password",  "passwd", "auth",
      "cookie", "session", "credential", "signature", "sig"};
  char lower[128];
  if (n >= sizeof lower)
    return true; /* too long to judge: say nothing of it */
  for (size_t i = 0; i < n; i++)
    lower[i] =
        (char)((name[i] >= 'A' && name[i] <= 'Z') ? name[i] + 32 : name[i]);
  lower[n] = '\0';
  for (size_t i = 0; i < ANTH_ARRAY_SIZE(words); i++)
    if (strstr(lower, words[i]) != NULL)
      return true;
  return false;
}

/* Append what fits of s[0..n) to out (cap bytes, NUL kept). */
static size_t put(char *out, size_t cap, size_t at, const char *s, size_t n) {
  if (cap == 0)
    return at;
  if (at + n >= cap)
    n = at + 1 < cap ? cap - 1 - at : 0;
  memcpy(out + at, s, n);
  out[at + n] = '\0';
  return at + n;
}

void anth__redact_url(const char *url, char *out, size_t cap) {
  size_t at = 0;
  if (cap > 0)
    out[0] = '\0';
  /* userinfo ("user:pw@") in the authority: the base URL refuses it, but
   * a URL logged may come from elsewhere (a redirect, the caller's query). */
  const char *scheme = strstr(url, "://");
  const char *auth = scheme != NULL ? scheme + 3 : url;
  size_t auth_len = strcspn(auth, "/?#");
  const char *at_sign = memchr(auth, '@', auth_len);
  at = put(out, cap, at, url, (size_t)(auth - url));
  if (at_sign != NULL) {
    at = put(out, cap, at, "***@", 4);
    auth = at_sign + 1;
  }
  const char *q = strchr(auth, '?');
  if (q == NULL) {
    put(out, cap, at, auth, strlen(auth));
    return;
  }
  at = put(out, cap, at, auth, (size_t)(q + 1 - auth));
  for (const char *p = q + 1; *p != '\0';) {
    size_t plen = strcspn(p, "&#");
    size_t nlen = strcspn(p, "=&#");
    if (nlen < plen && anth__name_is_secret(p, nlen)) {
      at = put(out, cap, at, p, nlen + 1);
      at = put(out, cap, at, "***", 3);
    } else {
      at = put(out, cap, at, p, plen);
    }
    p += plen;
    if (*p == '&') {
      at = put(out, cap, at, "&", 1);
      p++;
    } else if (*p == '#') {
      put(out, cap, at, p, strlen(p));
      return;
    }
  }
}

void anth__redact_header(const char *line, char *out, size_t cap) {
  size_t n = strcspn(line, ":;");
  if (line[n] != '\0' && anth__name_is_secret(line, n)) {
    size_t at = put(out, cap, 0, line, n);
    put(out, cap, at, ": ***", 5);
  } else {
    put(out, cap, 0, line, strlen(line));
  }
}
