/*
 * buf.c - the small pure helpers: a growable buffer, query parameters
 * and their decoding, status reason phrases.
 */
#include <stdlib.h>
#include <string.h>

#include "server.h"

/* 0, or -1 when out of memory (the buffer is then unchanged). */
int srv_buf_append(srv_buf_t *b, const void *data, size_t len) {
  if (len > b->cap - b->len) {
    size_t cap = b->cap == 0 ? 256 : b->cap;
    while (cap - b->len < len) {
      if (cap > SIZE_MAX / 2)
        return -1;
      cap *= 2;
    }
    char *p = realloc(b->data, cap);
    if (p == NULL)
      return -1;
    b->data = p;
    b->cap = cap;
  }
  if (len > 0)
    memcpy(b->data + b->len, data, len);
  b->len += len;
  return 0;
}

void srv_buf_free(srv_buf_t *b) {
  free(b->data);
  b->data = NULL;
  b->len = b->cap = 0;
}

static int hex_value(char ch) {
  if (ch >= '0' && ch <= '9')
    return ch - '0';
  if (ch >= 'a' && ch <= 'f')
    return ch - 'a' + 10;
  if (ch >= 'A' && ch <= 'F')
    return ch - 'A' + 10;
  return -1;
}

/* Decode a query component as browsers encode forms: %XX is a byte, '+'
 * a space. The result is NUL-terminated in `out` (appended). -1 on a bad
 * escape, an encoded NUL (it would cut the string short) or no memory. */
int srv_percent_decode(const char *in, size_t len, srv_buf_t *out) {
  for (size_t i = 0; i < len; i++) {
    char ch = in[i];
    if (ch == '+') {
      ch = ' ';
    } else if (ch == '%') {
      int hi = i + 2 < len ? hex_value(in[i + 1]) : -1;
      int lo = hi >= 0 ? hex_value(in[i + 2]) : -1;
      if (lo < 0 || (hi == 0 && lo == 0))
        return -1;
      ch = (char)(hi * 16 + lo);
      i += 2;
    }
    if (srv_buf_append(out, &ch, 1) != 0)
      return -1;
  }
  return srv_buf_append(out, "", 1);
}

/* The next parameter `name` of a query (the part after '?') from *pos on:
 * its value ("name=value", or "" for a bare "name") percent-decoded and
 * NUL-terminated in `out` (emptied first), and *pos past it. 1, 0 when no
 * more of them, -1 when badly encoded (or no memory). */
int srv_query_next(const char *q, size_t len, size_t *pos, const char *name,
                   srv_buf_t *out) {
  size_t nlen = strlen(name);
  while (*pos < len) {
    const char *p = q + *pos;
    const char *amp = memchr(p, '&', len - *pos);
    size_t plen = amp != NULL ? (size_t)(amp - p) : len - *pos;
    *pos += amp != NULL ? plen + 1 : plen;
    if (plen >= nlen && memcmp(p, name, nlen) == 0 &&
        (plen == nlen || p[nlen] == '=')) {
      size_t skip = plen == nlen ? nlen : nlen + 1;
      out->len = 0;
      return srv_percent_decode(p + skip, plen - skip, out) == 0 ? 1 : -1;
    }
  }
  return 0;
}

/* Copy an id that came from the upstream (a header, or an error body's
 * JSON) to go into a header, a JSON string or a log line: letters,
 * digits and "-_.:" are kept, anything else becomes '?', so that it can
 * neither end a header line nor a string. */
void srv_copy_id(char *out, size_t len, const char *id) {
  size_t n = 0;
  for (; id != NULL && id[n] != '\0' && n + 1 < len; n++) {
    char ch = id[n];
    bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
              (ch >= '0' && ch <= '9') || ch == '-' || ch == '_' || ch == '.' ||
              ch == ':';
    out[n] = ch;
    if (!ok)
      out[n] = '?';
  }
  if (len > 0)
    out[n] = '\0';
}

const char *srv_reason(int status) {
  switch (status) {
  case 200:
    return "OK";
  case 304:
    return "Not Modified";
  case 400:
    return "Bad Request";
  case 401:
    return "Unauthorized";
  case 403:
    return "Forbidden";
  case 404:
    return "Not Found";
  case 405:
    return "Method Not Allowed";
  case 408:
    return "Request Timeout";
  case 413:
    return "Content Too Large";
  case 414:
    return "URI Too Long";
  case 429:
    return "Too Many Requests";
  case 431:
    return "Request Header Fields Too Large";
  case 500:
    return "Internal Server Error";
  case 502:
    return "Bad Gateway";
  case 503:
    return "Service Unavailable";
  case 504:
    return "Gateway Timeout";
  default:
    return status < 500 ? "Client Error" : "Server Error";
  }
}

void srv_out_mem(srv_out_t *o, const char *s, size_t n) {
  if (o->full || n >= o->len - o->pos) {
    o->full = true;
    return;
  }
  memcpy(o->p + o->pos, s, n);
  o->pos += n;
  o->p[o->pos] = '\0';
}

void srv_out_str(srv_out_t *o, const char *s) {
  srv_out_mem(o, s, strlen(s));
}

const char *srv_u64_digits(char d[20], uint64_t v, size_t *n) {
  size_t k = 0;
  do {
    d[20 - 1 - k++] = (char)('0' + v % 10);
    v /= 10;
  } while (v > 0);
  *n = k;
  return d + 20 - k;
}

void srv_out_u64(srv_out_t *o, uint64_t v) {
  char d[20];
  size_t n;
  const char *s = srv_u64_digits(d, v, &n);
  srv_out_mem(o, s, n);
}
