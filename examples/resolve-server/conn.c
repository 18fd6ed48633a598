/*
 * conn.c - one client connection: reading, parsing with http-parser,
 * answering, keep-alive, and closing.
 *
 * A connection answers one request at a time. When a request is complete
 * the parser is paused and the request dispatched; bytes that follow it
 * (pipelined requests) wait in `pending` until the answer is queued. The
 * socket is read all the while, up to SRV_PENDING_MAX bytes held, so a
 * client that resets is noticed at once and its lookup cancelled. A read
 * EOF is a client that shut only its sending side (RFC 9112 9.6): what it
 * asked is answered, then the connection ends.
 *
 * Backpressure: once more than SRV_WRITE_QUEUE_MAX bytes of answers wait
 * to be sent (the client does not read), the connection is neither read
 * nor parsed until they are all sent, as a Node stream waits for 'drain'.
 * A client that reads nothing for --idle-timeout-ms is closed.
 *
 * After an answer that ends the connection (Connection: close, a refused
 * request, shutdown) the write side is shut and what the client still
 * sends is read and dropped until it closes (a "lingering close"): closing
 * with unread bytes would send a reset that can destroy the answer before
 * the client reads it.
 *
 * At --max-connections open sockets, a new client takes the place of the
 * oldest idle keep-alive connection, or else is answered 503 on one of
 * SRV_REFUSE_SLOTS more, or else waits in the backlog (server.h).
 *
 * Every handler answers through this file (srv_conn_reply(),
 * srv_answer_error()), so it calls none of them: what is above it (the
 * routes, the server's end) it reaches through s->hooks (server.h).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "server.h"

/* How long, and how much, a closing connection is read and dropped. */
#define LINGER_MS 1000
#define LINGER_BYTES ((size_t)1024 * 1024)

static size_t feed(srv_conn_t *c, const char *data, size_t len);
static void req_begin(srv_conn_t *c);
static void resume(srv_conn_t *c);
static void read_start(srv_conn_t *c);
static void read_stop(srv_conn_t *c);

/* ---- lifetime ---- */

static void conn_free(srv_conn_t *c) {
  bool accept_now = c->srv->accept_paused && !c->srv->stopping;
  srv_server_t *s = c->srv;
  if (c->prev != NULL)
    c->prev->next = c->next;
  else
    s->conns = c->next;
  if (c->next != NULL)
    c->next->prev = c->prev;
  s->nconns--;
  srv_buf_free(&c->url);
  srv_buf_free(&c->pending);
  free(c);
  if (accept_now) { /* a slot is free: the client waiting takes it */
    s->accept_paused = false;
    srv_on_connection((uv_stream_t *)&s->listener, 0);
  }
  s->hooks->freed(s);
}

/* Freed once both handles are closed and no library call still holds the
 * connection as its callback data. */
static void maybe_free(srv_conn_t *c) {
  if (c->handles_open == 0 && c->ops == 0)
    conn_free(c);
}

static void on_handle_closed(uv_handle_t *h) {
  srv_conn_t *c = h->data;
  c->handles_open--;
  maybe_free(c);
}

bool srv_conn_gone(const srv_conn_t *c) {
  return uv_is_closing((const uv_handle_t *)&c->tcp) != 0;
}

/* Close the socket now. A lookup still waited for is cancelled: nobody is
 * left to answer (the resolver keeps it if another batch waits). */
static void conn_close(srv_conn_t *c) {
  if (srv_conn_gone(c))
    return;
  if (c->busy)
    srv_log(c->srv, "conn %llu: client gone, cancelling its request",
            (unsigned long long)c->id);
  c->closing = true;
  c->srv->hooks->cancel(c);
  srv_wait_leave(c); /* a shared call it waited for goes on */
  c->srv->nopen--;
  uv_close((uv_handle_t *)&c->tcp, on_handle_closed);
  uv_close((uv_handle_t *)&c->idle, on_handle_closed);
}

/* A library call of this connection has made its final callback. Call it
 * last: the connection may be freed. */
void srv_conn_op_done(srv_conn_t *c) {
  c->ops--;
  maybe_free(c);
}

/* Shutdown: a connection with no request being answered goes now. */
void srv_conn_close_idle(srv_conn_t *c) {
  if (!c->busy && !c->closing)
    conn_close(c);
}

static void on_idle_timeout(uv_timer_t *t) {
  srv_conn_t *c = t->data;
  if (!c->closing)
    srv_log(c->srv, "conn %llu: idle, closing", (unsigned long long)c->id);
  conn_close(c);
}

static void idle_restart(srv_conn_t *c, uint64_t ms) {
  (void)uv_timer_start(&c->idle, on_idle_timeout, ms, 0);
}

/* ---- answering ---- */

/* What the socket did not take at once, queued. */
typedef struct srv_write {
  uv_write_t req;
  srv_conn_t *conn;
  size_t len;
  char data[];
} srv_write_t;

static void on_write(uv_write_t *req, int status) {
  srv_write_t *w = (srv_write_t *)req;
  srv_conn_t *c = w->conn;
  free(w);
  if (status < 0) {
    if (status != UV_ECANCELED)
      conn_close(c); /* the client went away mid-answer */
    return;
  }
  if (!c->blocked)
    return;
  /* The client reads: it has --idle-timeout-ms again for the rest, and
   * once all is sent ('drain') its next requests are parsed. */
  idle_restart(c, c->srv->o->idle_ms);
  if (uv_stream_get_write_queue_size((uv_stream_t *)&c->tcp) == 0) {
    c->blocked = false;
    resume(c);
  }
}

/* Either way the read side, or the timer, closes it; after a read EOF
 * nothing more will come: the answers are sent, so it goes now. */
static void on_shutdown(uv_shutdown_t *req, int status) {
  srv_conn_t *c = req->handle->data;
  (void)status;
  if (c->read_eof)
    conn_close(c);
}

/* After a read EOF (a client that shut its sending side, as RFC 9112
 * 9.6 allows): once its last request is answered, the connection ends
 * when the answers are sent. */
static void end_when_answered(srv_conn_t *c) {
  if (c->busy || c->blocked || c->closing)
    return;
  c->closing = true;
  if (uv_shutdown(&c->shutdown, (uv_stream_t *)&c->tcp, on_shutdown) != 0)
    conn_close(c);
}

/* The Date header a server with a clock must send (RFC 9110 6.6.1),
 * formatted once a second. */
static const char *http_date(void) {
  static char text[40];
  static time_t at = (time_t)-1;
  time_t now = time(NULL);
  struct tm tm;
  if (now == at)
    return text;
  at = now;
  if (gmtime_r(&now, &tm) == NULL ||
      strftime(text, sizeof text, "%a, %d %b %Y %H:%M:%S GMT", &tm) == 0)
    (void)snprintf(text, sizeof text, "Thu, 01 Jan 1970 00:00:00 GMT");
  return text;
}

/* The connection header of an answer: HTTP/1.0 keeps a connection only
 * when asked, and then is told so. */
static const char *connection_header(const srv_conn_t *c, bool close_after) {
  if (close_after)
    return "Connection: close\r\n";
  if (c->parser.http_major == 1 && c->parser.http_minor == 0)
    return "Connection: keep-alive\r\n";
  return "";
}

/* The head of an answer into `head`: its length, or -1 when too long. */
static int build_head(const srv_conn_t *c, int status, bool close_after,
                      const char *headers, size_t body_len, char *head,
                      size_t len) {
  const srv_req_t *r = &c->req;
  srv_out_t o = {head, len, 0, false};
  srv_out_str(&o, "HTTP/1.1 ");
  srv_out_u64(&o, status < 0 ? 0 : (uint64_t)status);
  srv_out_str(&o, " ");
  srv_out_str(&o, srv_reason(status));
  srv_out_str(&o, "\r\nDate: ");
  srv_out_str(&o, http_date());
  srv_out_str(&o, "\r\n");
  srv_out_str(&o, headers);
  if (r->upstream_id[0]) {
    srv_out_str(&o, "Request-Id: ");
    srv_out_str(&o, r->upstream_id);
    srv_out_str(&o, "\r\n");
  }
  srv_out_str(&o, "X-Request-Id: ");
  srv_out_str(&o, r->id);
  srv_out_str(&o, "\r\n");
  if (status != 304) {
    srv_out_str(&o, "Content-Length: ");
    srv_out_u64(&o, body_len);
    srv_out_str(&o, "\r\n");
  }
  if (status == 405)
    srv_out_str(&o, "Allow: GET, HEAD\r\n");
  srv_out_str(&o, connection_header(c, close_after));
  srv_out_str(&o, "\r\n");
  return o.full ? -1 : (int)o.pos;
}

/* A uv_buf_t of text that stays const: libuv only reads what it writes,
 * but its buffers hold a char *. */
static uv_buf_t const_buf(const char *p, size_t n) {
  union {
    const char *in;
    char *out;
  } u;
  u.in = p;
  return uv_buf_init(u.out, (unsigned)n);
}

/* Send head and body: written now when the socket takes them (one
 * writev, nothing copied), else what is left is copied and queued. 0, or
 * a libuv error (the connection is then to be closed). */
static int send_answer(srv_conn_t *c, const char *head, size_t head_len,
                       const char *body, size_t body_len) {
  uv_buf_t bufs[2] = {const_buf(head, head_len), const_buf(body, body_len)};
  int n = uv_try_write((uv_stream_t *)&c->tcp, bufs, body_len > 0 ? 2 : 1);
  if (n < 0 && n != UV_EAGAIN)
    return n;
  size_t sent = n > 0 ? (size_t)n : 0, total = head_len + body_len;
  if (sent == total)
    return 0;
  srv_write_t *w = malloc(sizeof *w + (total - sent));
  if (w == NULL)
    return UV_ENOMEM;
  w->conn = c;
  w->len = total - sent;
  size_t off = 0; /* of w->data */
  if (sent < head_len) {
    memcpy(w->data, head + sent, head_len - sent);
    off = head_len - sent;
    sent = 0; /* now: of the body */
  } else {
    sent -= head_len;
  }
  if (body_len > sent)
    memcpy(w->data + off, body + sent, body_len - sent);
  uv_buf_t buf = uv_buf_init(w->data, (unsigned)w->len);
  int rc = uv_write(&w->req, (uv_stream_t *)&c->tcp, &buf, 1, on_write);
  if (rc != 0)
    free(w);
  return rc;
}

/* Bytes received and not yet parsed. */
static size_t held(const srv_conn_t *c) {
  return c->pending.len - c->pending_off;
}

/* Pipelined bytes that arrived while a request was answered: parse them
 * now (not from inside the parser: feed() keeps going by itself), where
 * they are; stash() moves what is left when it needs the room. */
static void resume(srv_conn_t *c) {
  if (c->feeding || c->closing || c->blocked)
    return;
  c->pending_off += feed(c, c->pending.data + c->pending_off, held(c));
  if (held(c) == 0)
    c->pending.len = c->pending_off = 0;
  if (c->read_eof)
    end_when_answered(c);
  else if (!c->reading && !c->closing && !c->blocked &&
           held(c) < SRV_PENDING_MAX)
    read_start(c);
}

/* Answer the request being handled (the body is copied), with `headers`
 * (Content-Type and any other, each line ending in CRLF). The connection
 * then reads the next request, or closes after this answer when the
 * request or the server's state says so. */
void srv_conn_reply(srv_conn_t *c, int status, const char *headers,
                    const char *body, size_t body_len) {
  if (srv_conn_gone(c))
    return;
  bool close_after = c->closing || !c->keep_alive || c->srv->stopping;
  if (c->req.id[0] == '\0') /* refused before it began */
    req_begin(c);
  char head[2048];
  int head_len =
      build_head(c, status, close_after, headers, body_len, head, sizeof head);
  if (c->req.head || status == 304)
    body_len = 0; /* a HEAD or 304 has no body */
  c->busy = false;
  srv_log_access(c, status, head_len >= 0 ? body_len : 0);
  srv_metrics_request(c->srv, c->req.route, status,
                      uv_hrtime() - c->req.start_ns);
  if (head_len < 0 ||
      send_answer(c, head, (size_t)head_len, body, body_len) != 0) {
    conn_close(c);
    return;
  }
  size_t queued = uv_stream_get_write_queue_size((uv_stream_t *)&c->tcp);
  if (queued > c->srv->write_queue_peak)
    c->srv->write_queue_peak = queued;
  if (queued > SRV_WRITE_QUEUE_MAX && !close_after) {
    c->blocked = true; /* until on_write() sees the queue drained */
    read_stop(c);
  }
  if (close_after) {
    c->closing = true;
    if (uv_shutdown(&c->shutdown, (uv_stream_t *)&c->tcp, on_shutdown) != 0)
      conn_close(c);
    else
      idle_restart(c, LINGER_MS);
    return;
  }
  c->kept_alive = true;
  idle_restart(c, c->srv->o->idle_ms);
  resume(c);
}

void srv_conn_answer(srv_conn_t *c, int status, const char *body,
                     size_t body_len) {
  srv_conn_reply(c, status, "Content-Type: application/json\r\n", body,
                 body_len);
}

/* Errors, in one JSON shape for every answer (the handlers' and the
 * connection's own refusals):
 *   {"error":{"kind","status","type","message","request_id"}}
 * `status` is the status of the answer: the upstream's when it sent one
 * (upstream.c). */
static bool add_opt_string(cJSON *o, const char *name, const char *value) {
  if (value == NULL)
    return cJSON_AddNullToObject(o, name) != NULL;
  return cJSON_AddStringToObject(o, name, value) != NULL;
}

static char *error_json(int status, const char *kind, const char *type,
                        const char *message, const char *request_id) {
  cJSON *root = cJSON_CreateObject();
  cJSON *e = cJSON_AddObjectToObject(root, "error");
  char *text = NULL;
  if (e != NULL && cJSON_AddStringToObject(e, "kind", kind) != NULL &&
      cJSON_AddNumberToObject(e, "status", status) != NULL &&
      add_opt_string(e, "type", type) &&
      add_opt_string(e, "message", message) &&
      add_opt_string(e, "request_id", request_id))
    text = cJSON_PrintUnformatted(root);
  cJSON_Delete(root);
  return text;
}

void srv_answer_error(srv_conn_t *c, int status, const char *kind,
                      const char *type, const char *message,
                      const char *request_id) {
  char *body = error_json(status, kind, type, message, request_id);
  if (body == NULL) {
    static const char nomem[] = "{\"error\":{\"kind\":\"out_of_memory\","
                                "\"status\":503,\"type\":null,\"message\":"
                                "\"out of memory\",\"request_id\":null}}";
    srv_conn_answer(c, 503, nomem, sizeof nomem - 1);
    return;
  }
  srv_conn_answer(c, status, body, strlen(body));
  cJSON_free(body);
}

/* ---- parsing ---- */

/* A new request: its clock and id start. */
static void req_begin(srv_conn_t *c) {
  srv_server_t *s = c->srv;
  memset(&c->req, 0, sizeof c->req);
  c->req.start_ns = uv_hrtime();
  (void)snprintf(c->req.id, sizeof c->req.id, "%08x-%llu", (unsigned)s->boot_id,
                 (unsigned long long)++s->next_req_id);
}

static srv_conn_t *conn_of(http_parser *p) {
  return p->data;
}

static int on_message_begin(http_parser *p) {
  srv_conn_t *c = conn_of(p);
  req_begin(c);
  c->partial = true;
  c->url.len = 0;
  c->header_count = c->header_bytes = 0;
  c->in_field = false;
  c->reject = 0;
  return 0;
}

static int refuse(srv_conn_t *c, int status) {
  c->reject = status;
  return -1;
}

static int on_url(http_parser *p, const char *at, size_t len) {
  srv_conn_t *c = conn_of(p);
  if (len > SRV_URL_MAX - c->url.len)
    return refuse(c, 414);
  if (srv_buf_append(&c->url, at, len) != 0)
    return refuse(c, 503);
  return 0;
}

static int count_header_bytes(srv_conn_t *c, size_t len) {
  if (len > SRV_HEADER_BYTES_MAX - c->header_bytes)
    return refuse(c, 431);
  c->header_bytes += len;
  return 0;
}

/* A name may come in pieces: a new header starts at the first piece of a
 * name after a value (or after the request line). */
static int on_header_field(http_parser *p, const char *at, size_t len) {
  srv_conn_t *c = conn_of(p);
  (void)at;
  srv_req_t *r = &c->req;
  if (!c->in_field) {
    c->in_field = true;
    r->field_len = 0;
    if (++c->header_count > SRV_HEADERS_MAX)
      return refuse(c, 431);
  }
  for (size_t i = 0; i < len; i++, r->field_len++)
    if (r->field_len < sizeof r->field)
      r->field[r->field_len] = (char)tolower((unsigned char)at[i]);
  return count_header_bytes(c, len);
}

/* The one header kept: If-None-Match (all of its lines, comma-joined). */
static void keep_if_none_match(srv_req_t *r, const char *at, size_t len,
                               bool first_piece) {
  static const char name[] = "if-none-match";
  size_t have = strlen(r->if_none_match);
  if (r->field_len != sizeof name - 1 ||
      memcmp(r->field, name, sizeof name - 1) != 0)
    return;
  size_t sep = first_piece && have > 0 ? 1 : 0;
  if (r->inm_too_long || have + sep + len >= sizeof r->if_none_match) {
    r->inm_too_long = true;
    r->if_none_match[0] = '\0';
    return;
  }
  if (sep)
    r->if_none_match[have++] = ',';
  memcpy(r->if_none_match + have, at, len);
  r->if_none_match[have + len] = '\0';
}

static int on_header_value(http_parser *p, const char *at, size_t len) {
  srv_conn_t *c = conn_of(p);
  keep_if_none_match(&c->req, at, len, c->in_field);
  c->in_field = false;
  return count_header_bytes(c, len);
}

/* GET and HEAD are served: anything else is refused before its body. */
static int on_headers_complete(http_parser *p) {
  srv_conn_t *c = conn_of(p);
  (void)snprintf(c->req.method, sizeof c->req.method, "%s",
                 http_method_str((enum http_method)p->method));
  c->req.head = p->method == HTTP_HEAD;
  if (p->method != HTTP_GET && p->method != HTTP_HEAD)
    return refuse(c, 405);
  return 0;
}

/* A GET has no meaningful body (RFC 9110 9.3.1): any is read and dropped. */
static int on_body(http_parser *p, const char *at, size_t len) {
  (void)p;
  (void)at;
  (void)len;
  return 0;
}

static int on_message_complete(http_parser *p) {
  srv_conn_t *c = conn_of(p);
  c->keep_alive = http_should_keep_alive(p) != 0;
  c->partial = false;
  c->busy = true;
  (void)uv_timer_stop(&c->idle);
  http_parser_pause(p, 1); /* the next request waits for this answer */
  c->srv->hooks->dispatch(c);
  return 0;
}

static const http_parser_settings settings = {
    .on_message_begin = on_message_begin,
    .on_url = on_url,
    .on_header_field = on_header_field,
    .on_header_value = on_header_value,
    .on_headers_complete = on_headers_complete,
    .on_body = on_body,
    .on_message_complete = on_message_complete,
};

static const char *reject_message(int status, enum http_errno e) {
  switch (status) {
  case 405:
    return "only GET and HEAD are served here";
  case 414:
    return "request-target longer than 8192 bytes";
  case 431:
    return "more than 64 header fields or 16384 bytes of them";
  case 503:
    return "out of memory";
  default:
    return http_errno_description(e);
  }
}

/* A request the parser (or a limit) refused: answer and close. */
static void reject(srv_conn_t *c, enum http_errno e) {
  int status = c->reject;
  if (status == 0)
    status = e == HPE_HEADER_OVERFLOW ? 431 : 400;
  srv_log(c->srv, "conn %llu: refused (%d): %s", (unsigned long long)c->id,
          status, reject_message(status, e));
  c->closing = true;
  c->busy = true;
  srv_answer_error(c, status, "invalid_argument", "invalid_request_error",
                   reject_message(status, e), NULL);
}

/* Keep bytes for later, reading no more once too many wait. The bytes
 * already parsed at the front are dropped once they are no fewer than
 * those still held: each byte is then moved at most once. */
static void stash(srv_conn_t *c, const char *data, size_t len) {
  size_t keep = held(c);
  if (c->pending_off > 0 && c->pending_off >= keep) {
    memmove(c->pending.data, c->pending.data + c->pending_off, keep);
    c->srv->input_copied += keep;
    c->pending.len = keep;
    c->pending_off = 0;
  }
  if (srv_buf_append(&c->pending, data, len) != 0) {
    conn_close(c);
    return;
  }
  c->srv->input_copied += len;
  if (held(c) > c->srv->held_peak)
    c->srv->held_peak = held(c);
  if (held(c) >= SRV_PENDING_MAX)
    read_stop(c);
}

/* Parse bytes, dispatching each complete request, until one is being
 * answered (or the connection ends): how many were parsed. */
static size_t feed(srv_conn_t *c, const char *data, size_t len) {
  size_t parsed = 0;
  c->feeding = true;
  while (len > 0 && !c->closing && !c->busy && !c->blocked) {
    size_t n = http_parser_execute(&c->parser, &settings, data, len);
    enum http_errno e = HTTP_PARSER_ERRNO(&c->parser);
    if (e == HPE_PAUSED) {
      http_parser_pause(&c->parser, 0); /* `busy` holds the rest back */
    } else if (e != HPE_OK) {
      reject(c, e);
      break;
    } else if (n < len) {
      /* The parser stops at an Upgrade (or CONNECT): not spoken here. */
      c->closing = true;
      if (!c->busy)
        conn_close(c);
      break;
    }
    data += n;
    len -= n;
    parsed += n;
  }
  c->feeding = false;
  return parsed;
}

/* ---- reading ---- */

/* What is read while a request is answered is kept: no more is read
 * than SRV_PENDING_MAX holds (reading stops when it is full). */
static void on_alloc(uv_handle_t *h, size_t hint, uv_buf_t *buf) {
  srv_conn_t *c = h->data;
  size_t len = sizeof c->srv->rbuf;
  (void)hint;
  if ((c->busy || c->blocked) && !c->closing && held(c) < SRV_PENDING_MAX &&
      SRV_PENDING_MAX - held(c) < len)
    len = SRV_PENDING_MAX - held(c);
  *buf = uv_buf_init(c->srv->rbuf, (unsigned)len);
}

static void on_read(uv_stream_t *st, ssize_t nread, const uv_buf_t *buf) {
  srv_conn_t *c = st->data;
  if (nread == 0)
    return;
  if (nread == UV_EOF && !c->closing && (c->busy || c->blocked)) {
    c->read_eof = true; /* it still waits for its answers */
    read_stop(c);
    return;
  }
  if (nread < 0) { /* EOF with nothing to answer, or reset: it is gone */
    conn_close(c);
    return;
  }
  if (c->closing) { /* lingering: drop it, up to a limit */
    c->discarded += (size_t)nread;
    if (c->discarded > LINGER_BYTES)
      conn_close(c);
    return;
  }
  size_t n = c->busy || c->blocked ? 0 : feed(c, buf->base, (size_t)nread);
  if (n < (size_t)nread && !c->closing) /* for resume() */
    stash(c, buf->base + n, (size_t)nread - n);
}

static void read_start(srv_conn_t *c) {
  c->reading = true;
  if (uv_read_start((uv_stream_t *)&c->tcp, on_alloc, on_read) != 0)
    conn_close(c);
}

static void read_stop(srv_conn_t *c) {
  if (c->reading) {
    c->reading = false;
    (void)uv_read_stop((uv_stream_t *)&c->tcp);
  }
}

/* ---- accepting ---- */

/* "ADDRESS:PORT" of the client, for the access log. */
static void peer_name(srv_conn_t *c) {
  struct sockaddr_storage ss;
  int len = (int)sizeof ss;
  char host[64] = "?";
  unsigned port = 0;
  if (uv_tcp_getpeername(&c->tcp, (struct sockaddr *)&ss, &len) == 0) {
    if (ss.ss_family == AF_INET6) {
      const struct sockaddr_in6 *a = (const struct sockaddr_in6 *)&ss;
      (void)uv_ip6_name(a, host, sizeof host);
      port = ntohs(a->sin6_port);
    } else {
      const struct sockaddr_in *a = (const struct sockaddr_in *)&ss;
      (void)uv_ip4_name(a, host, sizeof host);
      port = ntohs(a->sin_port);
    }
  }
  (void)snprintf(c->client, sizeof c->client, "%s:%u", host, port);
}

/* The oldest keep-alive connection with nothing asked, or NULL (one just
 * accepted has not had the time to ask yet). */
static srv_conn_t *oldest_idle(srv_server_t *s) {
  srv_conn_t *idle = NULL;
  for (srv_conn_t *c = s->conns; c != NULL; c = c->next) /* newest first */
    if (c->kept_alive && !c->busy && !c->closing && !c->blocked &&
        !c->partial && held(c) == 0)
      idle = c;
  return idle;
}

/* Past --max-connections: the one accepted is told to come back later. */
static void turn_away(srv_conn_t *c) {
  static const char body[] =
      "{\"error\":{\"kind\":\"overloaded\",\"status\":503,\"type\":null,"
      "\"message\":\"too many connections: retry later\","
      "\"request_id\":null}}";
  c->srv->refused++;
  c->busy = true;
  srv_conn_reply(c, 503, "Content-Type: application/json\r\nRetry-After: 1\r\n",
                 body, sizeof body - 1);
}

/* Room for one more client: 0, after closing an idle one at the cap; 1
 * past the cap, to turn it away; -1 when even the refusals' slots are
 * taken (it waits in the backlog). */
static int make_room(srv_server_t *s) {
  if (s->nopen < s->o->max_connections)
    return 0;
  srv_conn_t *idle = oldest_idle(s);
  if (idle != NULL) {
    srv_log(s, "conn %llu: idle at --max-connections, closing",
            (unsigned long long)idle->id);
    s->shed++;
    conn_close(idle); /* its descriptor is closed now */
    return 0;
  }
  return s->nopen < s->o->max_connections + SRV_REFUSE_SLOTS ? 1 : -1;
}

void srv_on_connection(uv_stream_t *listener, int status) {
  srv_server_t *s = listener->data;
  if (status < 0) {
    srv_log(s, "accept: %s", uv_strerror(status));
    return;
  }
  int room = make_room(s);
  srv_conn_t *c = room < 0 ? NULL : calloc(1, sizeof *c);
  if (c == NULL) { /* libuv stops accepting until uv_accept() */
    s->accept_paused = true;
    return;
  }
  c->srv = s;
  c->id = ++s->next_conn_id;
  c->tcp.data = c->idle.data = c;
  (void)uv_tcp_init(s->loop, &c->tcp);
  (void)uv_timer_init(s->loop, &c->idle);
  c->handles_open = 2;
  c->next = s->conns;
  if (s->conns != NULL)
    s->conns->prev = c;
  s->conns = c;
  s->nconns++;
  s->nopen++;
  http_parser_init(&c->parser, HTTP_REQUEST);
  c->parser.data = c;
  if (uv_accept(listener, (uv_stream_t *)&c->tcp) != 0) {
    conn_close(c);
    return;
  }
  (void)uv_tcp_nodelay(&c->tcp, 1);
  peer_name(c);
  idle_restart(c, s->o->idle_ms);
  read_start(c);
  if (room > 0)
    turn_away(c);
}
