/*
 * log.c - resolve-server's log on stderr: one line per event at or above
 * --log-level (error, warn, info, debug: the library's levels, whose own
 * lines come here too), and one access line per request answered (at
 * info). --log-format json writes JSON lines, text writes
 * "resolve-server: LEVEL: ..." lines. Whatever clients or the upstream
 * sent is escaped: a line is always one line.
 *
 * Lines are not written one by one: they are appended to one buffer,
 * written to stderr once per loop turn (a uv_prepare handle, just before
 * the loop waits) or as soon as it holds SRV_LOG_FLUSH_BYTES. The write is
 * blocking, as an unbuffered stderr's was: a reader that stops draining
 * stalls the server, as before. If stderr is non-blocking (EAGAIN) or a
 * write is cut short, the rest is kept for the next turn; past
 * SRV_LOG_BUF_MAX bytes kept, new lines are dropped and counted
 * (resolve_server_log_dropped_total), so memory stays bounded.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "server.h"

/* The lines not yet written (one stderr per process: one buffer). */
static srv_buf_t pending;
static uint64_t dropped;

static const char *level_name(anthropic_log_level_t level) {
  switch (level) {
  case ANTHROPIC_LOG_ERROR:
    return "error";
  case ANTHROPIC_LOG_WARN:
    return "warn";
  case ANTHROPIC_LOG_INFO:
    return "info";
  default:
    return "debug";
  }
}

/* Append `text` to `out` (of `len` bytes, at *pos): as a JSON string's
 * content (quotes, backslashes and anything not printable ASCII as
 * escapes), or in text with anything not printable as '?'. */
static void putn(char *out, size_t len, size_t *pos, const char *text, size_t n,
                 bool json) {
  for (size_t i = 0; i < n && *pos + 8 < len; i++) {
    unsigned char ch = (unsigned char)text[i];
    if (!json) {
      out[(*pos)++] = (char)(ch < 0x20 || ch > 0x7e ? '?' : ch);
    } else if (ch == '"' || ch == '\\') {
      out[(*pos)++] = '\\';
      out[(*pos)++] = (char)ch;
    } else if (ch < 0x20 || ch > 0x7e) {
      *pos += (size_t)snprintf(out + *pos, len - *pos, "\\u%04x", ch);
    } else {
      out[(*pos)++] = (char)ch;
    }
  }
  out[*pos] = '\0';
}

static void put(char *out, size_t len, size_t *pos, const char *text,
                bool json) {
  putn(out, len, pos, text, strlen(text), json);
}

static void putf(char *out, size_t len, size_t *pos, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;
static void putf(char *out, size_t len, size_t *pos, const char *fmt, ...) {
  va_list ap;
  if (*pos >= len)
    return;
  va_start(ap, fmt);
  int n = vsnprintf(out + *pos, len - *pos, fmt, ap);
  va_end(ap);
  if (n > 0)
    *pos = (size_t)n < len - *pos ? *pos + (size_t)n : len - 1;
}

/* Append `n` bytes that need no escaping (cut short at the end). */
static void putraw(char *out, size_t len, size_t *pos, const char *text,
                   size_t n) {
  if (*pos >= len)
    return;
  if (n > len - 1 - *pos)
    n = len - 1 - *pos;
  memcpy(out + *pos, text, n);
  *pos += n;
  out[*pos] = '\0';
}

#define PUTS(out, pos, lit)                                                    \
  putraw((out), sizeof(out), (pos), (lit), sizeof(lit) - 1)

static void putu(char *out, size_t len, size_t *pos, uint64_t v) {
  char d[20];
  size_t n;
  const char *s = srv_u64_digits(d, v, &n);
  putraw(out, len, pos, s, n);
}

/* Nanoseconds as milliseconds with three decimals (as "%.3f"). */
static void putms(char *out, size_t len, size_t *pos, uint64_t ns) {
  uint64_t us = (ns + 500) / 1000;
  char frac[4] = {'.', (char)('0' + us / 100 % 10), (char)('0' + us / 10 % 10),
                  (char)('0' + us % 10)};
  putu(out, len, pos, us / 1000);
  putraw(out, len, pos, frac, sizeof frac);
}

/* Now, RFC 3339 UTC with milliseconds: the seconds are formatted once a
 * second. */
static void put_now(char *out, size_t len, size_t *pos) {
  static char secs[32];
  static size_t secs_len;
  static int64_t at = INT64_MIN;
  static bool bad;
  uv_timeval64_t tv = {0, 0};
  (void)uv_gettimeofday(&tv);
  if (tv.tv_sec != at) {
    time_t t = (time_t)tv.tv_sec;
    struct tm tm;
    at = tv.tv_sec;
    bad = gmtime_r(&t, &tm) == NULL ||
          strftime(secs, sizeof secs, "%Y-%m-%dT%H:%M:%S", &tm) == 0;
    if (bad)
      (void)snprintf(secs, sizeof secs, "1970-01-01T00:00:00");
    secs_len = strlen(secs);
  }
  int ms = bad ? 0 : (int)(tv.tv_usec / 1000);
  char frac[5] = {'.', (char)('0' + ms / 100 % 10), (char)('0' + ms / 10 % 10),
                  (char)('0' + ms % 10), 'Z'};
  putraw(out, len, pos, secs, secs_len);
  putraw(out, len, pos, frac, sizeof frac);
}

/* Write what is kept: what stderr takes now stays written, the rest is
 * kept (EAGAIN, a short write) or, on an error, lost (as a failed fputs()
 * loses it). */
void srv_log_flush(void) {
  size_t off = 0;
  while (off < pending.len) {
    ssize_t n = write(STDERR_FILENO, pending.data + off, pending.len - off);
    if (n > 0) {
      off += (size_t)n;
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else {
      if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK))
        off = pending.len;
      break;
    }
  }
  if (off > 0 && off < pending.len)
    memmove(pending.data, pending.data + off, pending.len - off);
  pending.len -= off;
}

static void on_log_flush(uv_prepare_t *h) {
  (void)h;
  srv_log_flush();
}

void srv_log_start(srv_server_t *s) {
  (void)uv_prepare_init(s->loop, &s->log_flush);
  (void)uv_prepare_start(&s->log_flush, on_log_flush);
  uv_unref((uv_handle_t *)&s->log_flush); /* it keeps no loop going */
}

void srv_log_stop(srv_server_t *s) {
  if (!uv_is_closing((uv_handle_t *)&s->log_flush))
    uv_close((uv_handle_t *)&s->log_flush, NULL);
}

void srv_log_free(void) {
  srv_log_flush();
  srv_buf_free(&pending);
}

uint64_t srv_log_dropped(void) {
  return dropped;
}

static void emit(const char *line) {
  size_t len = strlen(line);
  if (pending.len + len + 1 > SRV_LOG_BUF_MAX ||
      srv_buf_append(&pending, line, len) != 0) {
    dropped++;
    return;
  }
  if (srv_buf_append(&pending, "\n", 1) != 0) {
    pending.len -= len;
    dropped++;
    return;
  }
  if (pending.len >= SRV_LOG_FLUSH_BYTES)
    srv_log_flush();
}

/* A line: in JSON, `n` fields (name and value pairs; a NULL value is
 * null) between its source and its message; in text, the message only
 * (it says the same). */
static void log_line(const srv_server_t *s, anthropic_log_level_t level,
                     const char *source, const char *const *fields, size_t n,
                     const char *msg) {
  char line[2048];
  size_t pos = 0;
  bool json = s->o->log_json;
  if (level > s->o->log_level)
    return;
  if (!json) {
    putf(line, sizeof line, &pos, PROG ": %s: %s%s", level_name(level),
         source != NULL ? source : "", source != NULL ? ": " : "");
    put(line, sizeof line, &pos, msg, false);
    emit(line);
    return;
  }
  PUTS(line, &pos, "{\"time\":\"");
  put_now(line, sizeof line, &pos);
  putf(line, sizeof line, &pos, "\",\"level\":\"%s\",", level_name(level));
  if (source != NULL)
    putf(line, sizeof line, &pos, "\"source\":\"%s\",", source);
  for (size_t i = 0; i + 1 < 2 * n; i += 2) {
    putf(line, sizeof line, &pos, "\"%s\":", fields[i]);
    if (fields[i + 1] == NULL) {
      PUTS(line, &pos, "null,");
      continue;
    }
    PUTS(line, &pos, "\"");
    put(line, sizeof line, &pos, fields[i + 1], true);
    PUTS(line, &pos, "\",");
  }
  putf(line, sizeof line, &pos, "\"msg\":\"");
  put(line, sizeof line, &pos, msg, true);
  putf(line, sizeof line, &pos, "\"}");
  emit(line);
}

/* A line made from fmt and `ap`, unless `level` is above the server's. */
static void vlog(const srv_server_t *s, anthropic_log_level_t level,
                 const char *source, const char *const *fields, size_t n,
                 const char *fmt, va_list ap)
    __attribute__((format(printf, 6, 0)));
static void vlog(const srv_server_t *s, anthropic_log_level_t level,
                 const char *source, const char *const *fields, size_t n,
                 const char *fmt, va_list ap) {
  char msg[1024];
  if (level > s->o->log_level)
    return;
  (void)vsnprintf(msg, sizeof msg, fmt, ap);
  log_line(s, level, source, fields, n, msg);
}

void srv_log_at(const srv_server_t *s, anthropic_log_level_t level,
                const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vlog(s, level, NULL, NULL, 0, fmt, ap);
  va_end(ap);
}

void srv_log(const srv_server_t *s, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vlog(s, ANTHROPIC_LOG_DEBUG, NULL, NULL, 0, fmt, ap);
  va_end(ap);
}

void srv_log_upstream(const srv_server_t *s, anthropic_log_level_t level,
                      const char *line) {
  log_line(s, level, "upstream", NULL, 0, line);
}

void srv_log_fields(const srv_server_t *s, anthropic_log_level_t level,
                    const char *source, const char *const *fields, size_t n,
                    const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vlog(s, level, source, fields, n, fmt, ap);
  va_end(ap);
}

/* One line per request answered: who asked what, the answer, its time,
 * and where it came from (the cache, the upstream, or stale). */
void srv_log_access(const srv_conn_t *c, int status, size_t bytes) {
  const srv_server_t *s = c->srv;
  const srv_req_t *r = &c->req;
  char line[2048];
  size_t pos = 0;
  uint64_t ns = uv_hrtime() - r->start_ns;
  double ms = (double)ns / 1e6;
  const char *method = r->method[0] ? r->method : "-";
  const char *path = c->url.len > 0 && c->url.data != NULL ? c->url.data : "-";
  size_t plen = c->url.len > 0 && c->url.data != NULL ? c->url.len : 1;
  if (s->o->log_level < ANTHROPIC_LOG_INFO)
    return;
  if (!s->o->log_json) {
    putf(line, sizeof line, &pos, PROG ": info: %s \"%s ", c->client, method);
    putn(line, sizeof line, &pos, path, plen, false);
    putf(line, sizeof line, &pos, "\" %d %zu %.3fms cache=%s upstream=", status,
         bytes, ms, r->cache != NULL ? r->cache : "-");
    put(line, sizeof line, &pos, r->upstream_id[0] ? r->upstream_id : "-",
        false);
    putf(line, sizeof line, &pos, " id=%s", r->id);
    emit(line);
    return;
  }
  PUTS(line, &pos, "{\"time\":\"");
  put_now(line, sizeof line, &pos);
  PUTS(line, &pos, "\",\"level\":\"info\",\"client\":\"");
  putraw(line, sizeof line, &pos, c->client, strlen(c->client));
  PUTS(line, &pos, "\",\"method\":\"");
  putraw(line, sizeof line, &pos, method, strlen(method));
  PUTS(line, &pos, "\",\"path\":\"");
  putn(line, sizeof line, &pos, path, plen, true);
  PUTS(line, &pos, "\",\"status\":");
  putu(line, sizeof line, &pos, (uint64_t)status);
  PUTS(line, &pos, ",\"bytes\":");
  putu(line, sizeof line, &pos, bytes);
  PUTS(line, &pos, ",\"latency_ms\":");
  putms(line, sizeof line, &pos, ns);
  PUTS(line, &pos, ",\"cache\":");
  if (r->cache != NULL) {
    PUTS(line, &pos, "\"");
    putraw(line, sizeof line, &pos, r->cache, strlen(r->cache));
    PUTS(line, &pos, "\"");
  } else {
    PUTS(line, &pos, "null");
  }
  PUTS(line, &pos, ",\"upstream_request_id\":");
  if (r->upstream_id[0]) {
    PUTS(line, &pos, "\"");
    put(line, sizeof line, &pos, r->upstream_id, true);
    PUTS(line, &pos, "\"");
  } else {
    PUTS(line, &pos, "null");
  }
  PUTS(line, &pos, ",\"request_id\":\"");
  putraw(line, sizeof line, &pos, r->id, strlen(r->id));
  PUTS(line, &pos, "\"}");
  emit(line);
}
