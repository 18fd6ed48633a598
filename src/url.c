/* url.c - building request URLs. Pure functions: no loop, no network. */
#include "internal.h"

#include <arpa/inet.h>
#include <string.h>
#include <strings.h>

#define ANTH_MAX_ID_LEN 1024

static int is_unreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
         (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~';
}

static int is_ctl(unsigned char c) {
  return c < 0x20 || c == 0x7f;
}

int anth__pct_encode(anth_buf_t *out, const char *s, size_t n) {
  static const char hex[] = "0123456789ABCDEF";
  if (anth__buf_reserve(out, n * 3) != 0)
    return ANTHROPIC_ENOMEM;
  char *w = out->data + out->len;
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (is_unreserved(c)) {
      *w++ = (char)c;
    } else {
      *w++ = '%';
      *w++ = hex[c >> 4];
      *w++ = hex[c & 15];
    }
  }
  *w = '\0';
  out->len = (size_t)(w - out->data);
  return 0;
}

/* The host and port of a base URL (`a`, n bytes, between "//" and the
 * path): what no request could reach (a port past 65535 or not a number,
 * an IPv6 literal left open or not one) is refused here, at init, rather
 * than failing every request later. */
static int authority_check(const char *a, size_t n, char *err, size_t errlen) {
  size_t port_at = n; /* where ':' is, or n */
  if (a[0] == '[') {
    const char *close = memchr(a, ']', n);
    char lit[INET6_ADDRSTRLEN + 1];
    unsigned char bin[16];
    size_t k = close ? (size_t)(close - a) - 1 : 0;
    if (close == NULL || k == 0 || k >= sizeof lit) {
      anth__errf(err, errlen, "base URL has an IPv6 address with no ']'");
      return ANTHROPIC_EINVAL;
    }
    memcpy(lit, a + 1, k);
    lit[k] = '\0';
    if (inet_pton(AF_INET6, lit, bin) != 1) {
      anth__errf(err, errlen, "base URL has an invalid IPv6 address");
      return ANTHROPIC_EINVAL;
    }
    port_at = k + 2;
    if (port_at < n && a[port_at] != ':') {
      anth__errf(err, errlen, "base URL has text after its IPv6 address");
      return ANTHROPIC_EINVAL;
    }
  } else {
    const char *colon = memchr(a, ':', n);
    if (colon != NULL)
      port_at = (size_t)(colon - a);
  }
  if (port_at >= n)
    return 0;
  unsigned long port = 0;
  size_t digits = 0;
  for (size_t i = port_at + 1; i < n; i++, digits++) {
    if (a[i] < '0' || a[i] > '9' || digits >= 5) {
      digits = 6;
      break;
    }
    port = port * 10 + (unsigned long)(a[i] - '0');
  }
  if (digits == 0 || digits > 5 || port == 0 || port > 65535) {
    anth__errf(err, errlen, "base URL has an invalid port (not 1..65535)");
    return ANTHROPIC_EINVAL;
  }
  return 0;
}

int anth__base_url_normalize(const char *url, char **out, char *err,
                             size_t errlen) {
  int rc;
  *out = NULL;
  if (url == NULL || *url == '\0') {
    anth__errf(err, errlen, "base URL is empty");
    return ANTHROPIC_EINVAL;
  }
  size_t skip;
  if (strncasecmp(url, "https://", 8) == 0)
    skip = 8;
  else if (strncasecmp(url, "http://", 7) == 0)
    skip = 7;
  else {
    anth__errf(err, errlen, "base URL must start with http:// or https://");
    return ANTHROPIC_EINVAL;
  }
  size_t len = strlen(url);
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)url[i];
    if (is_ctl(c) || c == ' ' || c == '"' || c == '<' || c == '>' ||
        c == '\\' || c == '^' || c == '`' || c == '{' || c == '|' || c == '}' ||
        c >= 0x80) {
      anth__errf(err, errlen,
                 "base URL has a character not allowed in a "
                 "URL at offset %zu",
                 i);
      return ANTHROPIC_EINVAL;
    }
    if (c == '?' || c == '#') {
      anth__errf(err, errlen, "base URL must not have a query or fragment");
      return ANTHROPIC_EINVAL;
    }
  }
  /* Credentials in the authority would go out as Basic auth and show
   * wherever the URL is printed (log lines, error messages): refused, and
   * never repeated in the message. A query or fragment is refused above,
   * so the authority ends at the first '/'. */
  size_t host_end = skip + strcspn(url + skip, "/");
  if (memchr(url + skip, '@', host_end - skip) != NULL) {
    anth__errf(err, errlen,
               "base URL must not carry a user name or password (send "
               "credentials with api_key or auth_token)");
    return ANTHROPIC_EINVAL;
  }
  if (url[skip] == '\0' || url[skip] == '/' || url[skip] == ':') {
    anth__errf(err, errlen, "base URL has no host");
    return ANTHROPIC_EINVAL;
  }
  if ((rc = authority_check(url + skip, host_end - skip, err, errlen)) != 0)
    return rc;
  while (len > skip && url[len - 1] == '/')
    len--;
  if ((*out = anth__strndup(url, len)) == NULL) {
    anth__errf(err, errlen, "out of memory");
    return ANTHROPIC_ENOMEM;
  }
  return 0;
}

int anth__url_cleartext_host(const char *base, char *host, size_t hostlen) {
  if (strncasecmp(base, "http://", 7) != 0)
    return 0;
  const char *h = base + 7;
  size_t n = strcspn(h, "/");
  if (n > 0 && h[0] == '[') { /* an IPv6 literal: up to its bracket */
    const char *end = memchr(h, ']', n);
    n = end != NULL ? (size_t)(end - h) + 1 : n;
  } else {
    n = strcspn(h, ":/");
  }
  char name[256];
  if (n >= sizeof name)
    n = sizeof name - 1; /* too long for any loopback name: remote */
  memcpy(name, h, n);
  name[n] = '\0';
  struct in_addr v4;
  if (strcasecmp(name, "localhost") == 0 || strcmp(name, "[::1]") == 0 ||
      (inet_pton(AF_INET, name, &v4) == 1 && (ntohl(v4.s_addr) >> 24) == 127))
    return 0;
  anth__errf(host, hostlen, "%s", name);
  return 1;
}

int anth__proxy_url_check(const char *url, char *err, size_t errlen) {
  /* The schemes libcurl 7.88 takes for a proxy (https:// needs an
   * HTTPS-proxy build: OpenSSL's has it). */
  static const char *const schemes[] = {"http://",   "https://",
                                        "socks4://", "socks4a://",
                                        "socks5://", "socks5h://"};
  size_t skip = 0;
  if (*url == '\0')
    return 0;
  for (size_t i = 0; i < ANTH_ARRAY_SIZE(schemes) && skip == 0; i++)
    if (strncasecmp(url, schemes[i], strlen(schemes[i])) == 0)
      skip = strlen(schemes[i]);
  if (skip == 0) {
    anth__errf(err, errlen,
               "proxy must start with http://, https://, socks4://, "
               "socks4a://, socks5:// or socks5h://");
    return ANTHROPIC_EINVAL;
  }
  for (const unsigned char *p = (const unsigned char *)url; *p; p++) {
    if (is_ctl(*p) || *p == ' ' || *p >= 0x80) {
      anth__errf(err, errlen,
                 "proxy has a character not allowed in a URL at offset %zu",
                 (size_t)((const char *)p - url));
      return ANTHROPIC_EINVAL;
    }
  }
  size_t host_len = strcspn(url + skip, "/?#");
  /* Proxy credentials would be printed wherever the URL is, and over an
   * http:// proxy they travel in clear: refused, never repeated. */
  if (memchr(url + skip, '@', host_len) != NULL) {
    anth__errf(err, errlen, "proxy must not carry a user name or password");
    return ANTHROPIC_EINVAL;
  }
  if (host_len == 0 || url[skip] == ':') {
    anth__errf(err, errlen, "proxy has no host");
    return ANTHROPIC_EINVAL;
  }
  if (url[skip + host_len] != '\0' && strcmp(url + skip + host_len, "/") != 0) {
    anth__errf(err, errlen, "proxy must be scheme://host[:port], no path");
    return ANTHROPIC_EINVAL;
  }
  return 0;
}

/* A value sent in a path segment or query: not empty, bounded, no control
 * characters (they could never be meant and some servers mangle them). */
static int check_value(const char *what, const char *v, char *err,
                       size_t errlen) {
  size_t n = strlen(v);
  if (n == 0) {
    anth__errf(err, errlen, "%s is empty", what);
    return ANTHROPIC_EINVAL;
  }
  if (n > ANTH_MAX_ID_LEN) {
    anth__errf(err, errlen, "%s is longer than %d bytes", what,
               ANTH_MAX_ID_LEN);
    return ANTHROPIC_EINVAL;
  }
  for (size_t i = 0; i < n; i++) {
    if (is_ctl((unsigned char)v[i])) {
      anth__errf(err, errlen, "%s has a control character at offset %zu", what,
                 i);
      return ANTHROPIC_EINVAL;
    }
  }
  return 0;
}

int anth__model_id_check(const char *id, char *err, size_t errlen) {
  if (id == NULL) {
    anth__errf(err, errlen, "model_id is NULL");
    return ANTHROPIC_EINVAL;
  }
  int rc = check_value("model_id", id, err, errlen);
  if (rc != 0)
    return rc;
  /* "." and ".." would be resolved away as path segments by servers and
   * proxies, turning a retrieve into some other request. */
  if (strcmp(id, ".") == 0 || strcmp(id, "..") == 0) {
    anth__errf(err, errlen, "model_id \"%s\" is not a valid id", id);
    return ANTHROPIC_EINVAL;
  }
  return 0;
}

static int nomem(char *err, size_t errlen) {
  anth__errf(err, errlen, "out of memory");
  return ANTHROPIC_ENOMEM;
}

/* Append "&name=value" (name and value percent-encoded) to a query. */
static int add_param(anth_buf_t *q, const char *name, size_t nlen,
                     const char *value, size_t vlen) {
  if ((q->len > 0 && anth__buf_append(q, "&", 1) != 0) ||
      anth__pct_encode(q, name, nlen) != 0 || anth__buf_append(q, "=", 1) ||
      anth__pct_encode(q, value, vlen) != 0)
    return ANTHROPIC_ENOMEM;
  return 0;
}

/* The request options' part of a query: extra "name=value" parameters. */
static int extra_query(anth_buf_t *q, const anthropic_request_options_t *o,
                       char *err, size_t errlen) {
  if (o == NULL || o->query == NULL)
    return 0;
  for (size_t i = 0; i < o->query_count; i++) {
    const char *kv = o->query[i];
    const char *eq = kv ? strchr(kv, '=') : NULL;
    if (eq == NULL || eq == kv) {
      anth__errf(err, errlen, "query parameter %zu is not \"name=value\"", i);
      return ANTHROPIC_EINVAL;
    }
    for (const char *c = kv; *c; c++) {
      if (is_ctl((unsigned char)*c)) {
        anth__errf(err, errlen, "query parameter %zu has a control character",
                   i);
        return ANTHROPIC_EINVAL;
      }
    }
    if (add_param(q, kv, (size_t)(eq - kv), eq + 1, strlen(eq + 1)) != 0)
      return nomem(err, errlen);
  }
  return 0;
}

static int finish_url(anth_buf_t *out, const anth_buf_t *query) {
  if (query->len == 0)
    return 0;
  return anth__buf_append(out, "?", 1) != 0 ||
                 anth__buf_append(out, query->data, query->len) != 0
             ? ANTHROPIC_ENOMEM
             : 0;
}

int anth__url_retrieve(anth_buf_t *out, const char *base, const char *model_id,
                       bool beta, const anthropic_request_options_t *options,
                       char *err, size_t errlen) {
  anth_buf_t q = {NULL, 0, 0};
  int rc = anth__model_id_check(model_id, err, errlen);
  if (rc != 0)
    return rc;
  if (beta && add_param(&q, "beta", 4, "true", 4) != 0) {
    rc = nomem(err, errlen);
    goto done;
  }
  if ((rc = extra_query(&q, options, err, errlen)) != 0)
    goto done;
  out->len = 0;
  if (anth__buf_appends(out, base) != 0 ||
      anth__buf_appends(out, "/v1/models/") != 0 ||
      anth__pct_encode(out, model_id, strlen(model_id)) != 0 ||
      finish_url(out, &q) != 0)
    rc = nomem(err, errlen);
done:
  anth__buf_free(&q);
  return rc;
}

int anth__lifecycle_check(const char *stage) {
  return stage != NULL &&
         (strcmp(stage, "active") == 0 || strcmp(stage, "deprecated") == 0 ||
          strcmp(stage, "retired") == 0);
}

int anth__list_query(anth_buf_t *tail, const anthropic_models_list_params_t *p,
                     bool beta, char *err, size_t errlen) {
  int rc;
  tail->len = 0;
  if (p->after_id != NULL && p->before_id != NULL) {
    anth__errf(err, errlen, "after_id and before_id are mutually exclusive");
    return ANTHROPIC_EINVAL;
  }
  if (p->after_id != NULL &&
      (rc = check_value("after_id", p->after_id, err, errlen)) != 0)
    return rc;
  if (p->before_id != NULL &&
      (rc = check_value("before_id", p->before_id, err, errlen)) != 0)
    return rc;
  if (p->limit < 0 || p->limit > 1000) {
    anth__errf(err, errlen, "limit %d is outside 1..1000", p->limit);
    return ANTHROPIC_EINVAL;
  }
  if (p->limit > 0) {
    char limit[16];
    anth__errf(limit, sizeof limit, "%d", p->limit);
    if (add_param(tail, "limit", 5, limit, strlen(limit)) != 0)
      return nomem(err, errlen);
  }
  for (size_t i = 0; p->lifecycle != NULL && i < p->lifecycle_count; i++) {
    const char *stage = p->lifecycle[i];
    if (!anth__lifecycle_check(stage)) {
      anth__errf(err, errlen,
                 "lifecycle \"%.64s\" is not active, deprecated or retired",
                 stage ? stage : "(null)");
      return ANTHROPIC_EINVAL;
    }
    if (add_param(tail, "lifecycle[]", 11, stage, strlen(stage)) != 0)
      return nomem(err, errlen);
  }
  if (beta && add_param(tail, "beta", 4, "true", 4) != 0)
    return nomem(err, errlen);
  return extra_query(tail, p->options, err, errlen);
}

int anth__url_list_page(anth_buf_t *out, const char *base, const char *cursor,
                        const char *value, const anth_buf_t *tail) {
  anth_buf_t q = {NULL, 0, 0};
  int rc = 0;
  out->len = 0;
  if ((cursor != NULL &&
       add_param(&q, cursor, strlen(cursor), value, strlen(value)) != 0) ||
      (tail->len > 0 && ((q.len > 0 && anth__buf_append(&q, "&", 1) != 0) ||
                         anth__buf_append(&q, tail->data, tail->len) != 0)) ||
      anth__buf_appends(out, base) != 0 ||
      anth__buf_appends(out, "/v1/models") != 0 || finish_url(out, &q) != 0)
    rc = ANTHROPIC_ENOMEM;
  anth__buf_free(&q);
  return rc;
}

int anth__url_list_first(anth_buf_t *out, anth_buf_t *tail, const char *base,
                         const anthropic_models_list_params_t *p, bool beta,
                         char *err, size_t errlen) {
  int rc = anth__list_query(tail, p, beta, err, errlen);
  if (rc != 0)
    return rc;
  const char *cursor = p->after_id    ? "after_id"
                       : p->before_id ? "before_id"
                                      : NULL;
  if (anth__url_list_page(out, base, cursor,
                          p->after_id ? p->after_id : p->before_id, tail) != 0)
    return nomem(err, errlen);
  return 0;
}

int anth__url_list(anth_buf_t *out, const char *base,
                   const anthropic_models_list_params_t *p, char *err,
                   size_t errlen) {
  static const anthropic_models_list_params_t defaults;
  anth_buf_t tail = {NULL, 0, 0};
  int rc = anth__url_list_first(out, &tail, base, p ? p : &defaults, false, err,
                                errlen);
  anth__buf_free(&tail);
  return rc;
}
