/* test_hostile.c - servers that do not speak HTTP as they should. A tiny
 * server on the test's own loop answers every connection with the same
 * raw bytes and closes it; the error must blame the server (connection or
 * bad_response, retried where the SDKs would), never the caller
 * (invalid_argument) and never the machine (out_of_memory). */
#include "test.h"

#include <anthropic.h>
#include <stdlib.h>
#include <string.h>

typedef struct raw_server {
  uv_tcp_t tcp;
  char url[64];
  const char *reply; /* sent to every connection, then closed */
  size_t reply_len;
  int connections;
} raw_server_t;

typedef struct raw_conn {
  uv_tcp_t tcp;
  uv_write_t write;
  raw_server_t *srv;
  size_t seen; /* bytes of "\r\n\r\n" matched so far */
  int answered;
} raw_conn_t;

static void on_conn_closed(uv_handle_t *h) {
  free(h);
}

static void on_written(uv_write_t *w, int status) {
  (void)status;
  raw_conn_t *c = w->data;
  uv_close((uv_handle_t *)&c->tcp, on_conn_closed);
}

static void on_alloc(uv_handle_t *h, size_t n, uv_buf_t *buf) {
  (void)h;
  static char slab[4096];
  (void)n;
  *buf = uv_buf_init(slab, sizeof slab);
}

static void on_read(uv_stream_t *s, ssize_t n, const uv_buf_t *buf) {
  raw_conn_t *c = (raw_conn_t *)s;
  if (n < 0) {
    if (!c->answered)
      uv_close((uv_handle_t *)&c->tcp, on_conn_closed);
    c->answered = 1;
    return;
  }
  for (ssize_t i = 0; i < n && !c->answered; i++) {
    c->seen = buf->base[i] == "\r\n\r\n"[c->seen] ? c->seen + 1
              : buf->base[i] == '\r'              ? 1
                                                  : 0;
    if (c->seen == 4) { /* the whole request: answer it */
      c->answered = 1;
      uv_read_stop(s);
      uv_buf_t out =
          uv_buf_init((char *)c->srv->reply, (unsigned)c->srv->reply_len);
      c->write.data = c;
      uv_write(&c->write, s, &out, 1, on_written);
    }
  }
}

static void on_connection(uv_stream_t *server, int status) {
  raw_server_t *srv = (raw_server_t *)server;
  if (status != 0)
    return;
  raw_conn_t *c = calloc(1, sizeof *c);
  c->srv = srv;
  uv_tcp_init(server->loop, &c->tcp);
  if (uv_accept(server, (uv_stream_t *)&c->tcp) != 0) {
    uv_close((uv_handle_t *)&c->tcp, on_conn_closed);
    return;
  }
  srv->connections++;
  uv_read_start((uv_stream_t *)&c->tcp, on_alloc, on_read);
}

static void raw_server_start(uv_loop_t *loop, raw_server_t *srv,
                             const char *reply, size_t len) {
  struct sockaddr_in addr;
  struct sockaddr_storage bound;
  int namelen = sizeof bound;
  memset(srv, 0, sizeof *srv);
  srv->reply = reply;
  srv->reply_len = len;
  CHECK_EQ_INT(uv_tcp_init(loop, &srv->tcp), 0);
  CHECK_EQ_INT(uv_ip4_addr("127.0.0.1", 0, &addr), 0);
  CHECK_EQ_INT(uv_tcp_bind(&srv->tcp, (const struct sockaddr *)&addr, 0), 0);
  CHECK_EQ_INT(uv_listen((uv_stream_t *)&srv->tcp, 16, on_connection), 0);
  CHECK_EQ_INT(
      uv_tcp_getsockname(&srv->tcp, (struct sockaddr *)&bound, &namelen), 0);
  snprintf(srv->url, sizeof srv->url, "http://127.0.0.1:%d",
           ntohs(((struct sockaddr_in *)&bound)->sin_port));
}

typedef struct outcome {
  int calls, kind, attempts;
  long status;
  char message[256];
  char request_id[128], reset[128]; /* "" when NULL */
  long long limit, remaining;
} outcome_t;

static void on_model(const anthropic_error_t *err,
                     const anthropic_model_info_t *m, void *data) {
  outcome_t *o = data;
  (void)m;
  o->calls++;
  o->kind = err ? err->kind : 0;
  if (err != NULL) {
    o->status = err->response->status;
    o->attempts = err->attempts;
    snprintf(o->message, sizeof o->message, "%s", err->message);
    const anthropic_response_t *r = err->response;
    snprintf(o->request_id, sizeof o->request_id, "%s",
             r->request_id ? r->request_id : "");
    snprintf(o->reset, sizeof o->reset, "%s",
             r->ratelimit_requests_reset ? r->ratelimit_requests_reset : "");
    o->limit = (long long)r->ratelimit_requests_limit;
    o->remaining = (long long)r->ratelimit_requests_remaining;
  }
}

/* One retrieve, with `retries` retries (backoff kept tiny by the server's
 * retry-after-ms being absent: the client's backoff is 0.5 s at most for
 * one retry), against a server that answers `reply`. */
static outcome_t retrieve_from(const char *reply, size_t len, int retries,
                               int *connections) {
  uv_loop_t loop;
  raw_server_t srv;
  anthropic_client_t *client;
  outcome_t o = {0};
  char err[256];
  CHECK_EQ_INT(uv_loop_init(&loop), 0);
  raw_server_start(&loop, &srv, reply, len);
  anthropic_client_options_t opts = ANTHROPIC_CLIENT_OPTIONS_INIT;
  opts.flags = ANTHROPIC_CLIENT_NO_ENV;
  opts.base_url = srv.url;
  opts.api_key = "k";
  opts.max_retries = retries ? retries : 0;
  CHECK_EQ_INT(anthropic_client_init(&loop, &client, &opts, err, sizeof err),
               0);
  CHECK(anthropic_models_retrieve(client, "m", NULL, on_model, &o) != 0);
  while (o.calls == 0)
    uv_run(&loop, UV_RUN_ONCE);
  anthropic_client_close(client, NULL);
  uv_close((uv_handle_t *)&srv.tcp, NULL);
  test_loop_finish(&loop);
  CHECK_EQ_INT(o.calls, 1);
  if (connections != NULL)
    *connections = srv.connections;
  return o;
}

#define REPLY(s) s, sizeof(s) - 1

TEST(a_status_of_000_is_the_servers_fault_and_is_retried) {
  int conns = 0;
  outcome_t o = retrieve_from(
      REPLY("HTTP/1.1 000 Nothing\r\nContent-Length: 2\r\n\r\n{}"), 1, &conns);
  CHECK_EQ_INT(o.kind, ANTHROPIC_ECONNECTION);
  CHECK_EQ_INT(o.attempts, 2);
  CHECK_EQ_INT(conns, 2);
  CHECK_CONTAINS(o.message, "not valid HTTP");
}

/* One retrieve, no retries, against a server that answers `reply`: the
 * error's kind, its status (unless ANY_STATUS), and what its message says
 * (unless NULL) and does not say (unless NULL). */
#define ANY_STATUS (-1)
typedef struct reply_case {
  const char *name;
  const char *reply;
  int kind;
  long status;
  const char *says, *never_says;
} reply_case_t;

static const reply_case_t replies[] = {
    {"an_http_0_9_reply_is_the_servers_fault", "{\"id\":\"m\"}",
     ANTHROPIC_ECONNECTION, ANY_STATUS, "HTTP/0.9", NULL},
    {"a_bad_content_length_is_the_servers_fault",
     "HTTP/1.1 200 OK\r\nContent-Length: abc\r\n\r\n{}", ANTHROPIC_ECONNECTION,
     ANY_STATUS, NULL, NULL},
    {"a_1xx_final_status_is_not_called_a_client_error",
     "HTTP/1.1 101 Switching Protocols\r\nContent-Length: 2\r\n\r\n{}",
     ANTHROPIC_EHTTP, 101, "Informational", "Client Error"},
    {"a_3xx_status_is_a_redirection_not_a_client_error",
     "HTTP/1.1 302 Found\r\nLocation: /x\r\nContent-Length: 0\r\n\r\n",
     ANTHROPIC_EHTTP, 302, "Redirection", NULL},
};

static void check_reply(const reply_case_t *c) {
  outcome_t o = retrieve_from(c->reply, strlen(c->reply), 0, NULL);
  CHECK_EQ_INT(o.kind, c->kind);
  if (c->status != ANY_STATUS)
    CHECK_EQ_INT(o.status, c->status);
  if (c->never_says != NULL)
    CHECK(strstr(o.message, c->never_says) == NULL);
  if (c->says != NULL)
    CHECK_CONTAINS(o.message, c->says);
}
TABLE_TEST(replies, check_reply)

TEST(a_huge_header_line_is_the_servers_fault_not_out_of_memory) {
  static const char head[] = "HTTP/1.1 200 OK\r\nX-Big: ";
  static const char tail[] = "\r\nContent-Length: 2\r\n\r\n{}";
  size_t big = (size_t)4 << 20; /* libcurl stops at 100 KB */
  char *reply = malloc(sizeof head + big + sizeof tail);
  memcpy(reply, head, sizeof head - 1);
  memset(reply + sizeof head - 1, 'a', big);
  memcpy(reply + sizeof head - 1 + big, tail, sizeof tail);
  outcome_t o = retrieve_from(reply, strlen(reply), 0, NULL);
  free(reply);
  CHECK_EQ_INT(o.kind, ANTHROPIC_ECONNECTION);
  CHECK_CONTAINS(o.message, "header");
}

/* Header values were kept in fixed slots, and one too long for its slot
 * was dropped without a word: read whole, as libcurl keeps them. */
TEST(a_long_header_value_is_read_whole) {
  outcome_t o = retrieve_from(
      REPLY("HTTP/1.1 404 Not Found\r\n"
            "anthropic-ratelimit-requests-reset: "
            "2026-11-23T22:15:00.123456789012345678901234567890123Z\r\n"
            "Content-Length: 2\r\n\r\n{}"),
      0, NULL);
  CHECK_EQ_INT(o.kind, ANTHROPIC_EHTTP);
  CHECK_EQ_STR(o.reset,
               "2026-11-23T22:15:00.123456789012345678901234567890123Z");
}

/* The headers of an interim 1xx response are not the final one's. */
TEST(headers_come_from_the_final_response_not_a_1xx) {
  outcome_t o = retrieve_from(
      REPLY("HTTP/1.1 100 Continue\r\nrequest-id: req_interim\r\n"
            "anthropic-ratelimit-requests-reset: interim\r\n\r\n"
            "HTTP/1.1 404 Not Found\r\nrequest-id:   req_final  \r\n"
            "Content-Length: 2\r\n\r\n{}"),
      0, NULL);
  CHECK_EQ_INT(o.kind, ANTHROPIC_EHTTP);
  CHECK_EQ_STR(o.request_id, "req_final");
  CHECK_EQ_STR(o.reset, "");
}

/* The rate-limit counts as callers see them, whatever shape the header
 * lines come in: as libcurl keeps the final response's headers (trimmed,
 * the first of repeated ones, no 1xx's, no trailers), then read as a
 * non-negative decimal or -1. */
typedef struct ratelimit_case {
  const char *name;
  const char *headers; /* of a 404 with a body of "{}" */
  const char *trailer; /* NULL: Content-Length, else chunked with it */
  long long limit, remaining;
  const char *reset;
} ratelimit_case_t;

static const ratelimit_case_t ratelimits[] = {
    {"plain",
     "anthropic-ratelimit-requests-limit: 50\r\n"
     "anthropic-ratelimit-requests-remaining: 0\r\n"
     "anthropic-ratelimit-requests-reset: 2026-01-01T00:00:00Z\r\n",
     NULL, 50, 0, "2026-01-01T00:00:00Z"},
    {"absent", "x-other: 1\r\n", NULL, -1, -1, ""},
    {"spaces and tabs around",
     "anthropic-ratelimit-requests-limit: \t 7 \t\r\n"
     "anthropic-ratelimit-requests-remaining:3\r\n",
     NULL, 7, 3, ""},
    {"any case", "Anthropic-RateLimit-Requests-LIMIT: 8\r\n", NULL, 8, -1, ""},
    {"the first of repeated ones",
     "anthropic-ratelimit-requests-limit: 1\r\n"
     "anthropic-ratelimit-requests-limit: 2\r\n",
     NULL, 1, -1, ""},
    {"not a number",
     "anthropic-ratelimit-requests-limit: 4x\r\n"
     "anthropic-ratelimit-requests-remaining: -1\r\n",
     NULL, -1, -1, ""},
    {"empty", "anthropic-ratelimit-requests-limit:\r\n", NULL, -1, -1, ""},
    {"too large",
     "anthropic-ratelimit-requests-limit: 99999999999999999999\r\n"
     "anthropic-ratelimit-requests-remaining: 9223372036854775807\r\n",
     NULL, -1, -1, ""}, /* INT64_MAX itself is refused, as ever */
    {"large", "anthropic-ratelimit-requests-limit: 922337203685477580\r\n",
     NULL, 922337203685477580LL, -1, ""},
    {"folded onto a second line",
     "anthropic-ratelimit-requests-limit: 1\r\n 2\r\n"
     "anthropic-ratelimit-requests-remaining: 5\r\n",
     NULL, -1, 5, ""},
    {"a space before the colon", "anthropic-ratelimit-requests-limit : 6\r\n",
     NULL, -1, -1, ""},
    {"a longer name", "anthropic-ratelimit-requests-limits: 6\r\n", NULL, -1,
     -1, ""},
    {"in a trailer only", "anthropic-ratelimit-requests-remaining: 4\r\n",
     "anthropic-ratelimit-requests-limit: 9\r\n"
     "anthropic-ratelimit-requests-remaining: 1\r\n",
     -1, 4, ""},
};

static void check_ratelimit(const ratelimit_case_t *c) {
  char reply[1024];
  int n;
  if (c->trailer == NULL)
    n = snprintf(reply, sizeof reply,
                 "HTTP/1.1 404 Not Found\r\n%sContent-Length: 2\r\n\r\n{}",
                 c->headers);
  else
    n = snprintf(reply, sizeof reply,
                 "HTTP/1.1 404 Not Found\r\n%sTransfer-Encoding: chunked\r\n"
                 "Trailer: anthropic-ratelimit-requests-limit\r\n\r\n"
                 "2\r\n{}\r\n0\r\n%s\r\n",
                 c->headers, c->trailer);
  CHECK(n > 0 && (size_t)n < sizeof reply);
  outcome_t o = retrieve_from(reply, (size_t)n, 0, NULL);
  CHECK_EQ_INT(o.kind, ANTHROPIC_EHTTP);
  CHECK_EQ_INT(o.status, 404);
  CHECK_EQ_INT(o.limit, c->limit);
  CHECK_EQ_INT(o.remaining, c->remaining);
  CHECK_EQ_STR(o.reset, c->reset);
}
TABLE_TEST(ratelimits, check_ratelimit)

/* A 1xx's rate-limit headers are not the final response's. */
TEST(ratelimit_counts_come_from_the_final_response_not_a_1xx) {
  outcome_t o =
      retrieve_from(REPLY("HTTP/1.1 100 Continue\r\n"
                          "anthropic-ratelimit-requests-limit: 5\r\n\r\n"
                          "HTTP/1.1 404 Not Found\r\n"
                          "anthropic-ratelimit-requests-remaining: 6\r\n"
                          "Content-Length: 2\r\n\r\n{}"),
                    0, NULL);
  CHECK_EQ_INT(o.kind, ANTHROPIC_EHTTP);
  CHECK_EQ_INT(o.limit, -1);
  CHECK_EQ_INT(o.remaining, 6);
}

int main(void) {
  return RUN(
      T(a_status_of_000_is_the_servers_fault_and_is_retried), TABLE(replies),
      T(a_huge_header_line_is_the_servers_fault_not_out_of_memory),
      T(a_long_header_value_is_read_whole),
      T(headers_come_from_the_final_response_not_a_1xx), TABLE(ratelimits),
      T(ratelimit_counts_come_from_the_final_response_not_a_1xx));
}
