/* test_cancel.c - anthropic_request_cancel() at each stage of a request,
 * each test proving, before it cancels, that the request is at the stage
 * it is named for (by what the server, the socket or the request itself
 * shows, never by timing), and the watchdog that ends an attempt libcurl
 * never reports done.
 *
 * The stage that each names, and what would differ at another stage:
 *  - while connecting: curl's socket is not connected (getpeername() says
 *    ENOTCONN), or is connected with the TLS handshake not done;
 *  - mid-body: the status line, the headers and part of the body are in,
 *    not all of it; the attempt has no outcome yet (no log line);
 *  - while waiting to retry: the first attempt's log line has run, the
 *    server saw one request, and the request sits in its retry wait.
 * The request's own state is read from the client's structs (src/client.h),
 * as test_queue.c does. */
#include "../src/client.h"
#include "fixture.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* The log lines of a client: one per attempt that got an outcome. */
typedef struct log_rec {
  int lines;
  char last[512];
} log_rec_t;

static void on_log(void *data, anthropic_log_level_t level, const char *line) {
  log_rec_t *l = data;
  if (level != ANTHROPIC_LOG_DEBUG || strstr(line, " -> ") == NULL)
    return; /* only the attempt lines */
  l->lines++;
  snprintf(l->last, sizeof l->last, "%s", line);
}

/* The request `id` names while curl or its retry timer holds it. */
static anthropic_req_t *req_of(const fixture_t *f, anthropic_request_id_t id) {
  anthropic_req_t *r = f->client->slots[(uint32_t)id].req;
  if (r == NULL)
    FAILF("request %llu is not in flight", (unsigned long long)id);
  return r;
}

static void run_until_called(fixture_t *f, const outcome_t *o) {
  while (o->calls == 0)
    uv_run(&f->loop, UV_RUN_ONCE);
}

/* Once a request has ended, none of the pooled requests may keep its timer
 * running: a watchdog or a retry wait that outlived its request would fire
 * on a request that is idle, or already another one. */
static void check_no_request_timer_left(const fixture_t *f) {
  for (const anthropic_req_t *r = f->client->pool; r != NULL; r = r->next)
    CHECK(!uv_is_active((const uv_handle_t *)&r->timer));
}

/* One retrieve on the client after a cancel must work as ever. */
static void check_client_still_works(fixture_t *f) {
  outcome_t o = {0};
  CHECK(anthropic_models_retrieve(f->client, "claude-opus-4-1", NULL, on_model,
                                  &o) != 0);
  run_until_called(f, &o);
  CHECK_EQ_INT(o.kind, 0);
  CHECK_CONTAINS(o.model->id, "claude-opus-4-1");
  outcome_free(&o);
}

/* A listener on 127.0.0.1 that never accepts; its port goes in `url`. */
static int listener(int backlog, const char *scheme, char *url, size_t len,
                    struct sockaddr_in *addr) {
  socklen_t alen = sizeof *addr;
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  CHECK(fd >= 0);
  memset(addr, 0, sizeof *addr);
  addr->sin_family = AF_INET;
  addr->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  CHECK(bind(fd, (struct sockaddr *)addr, sizeof *addr) == 0);
  CHECK(listen(fd, backlog) == 0);
  CHECK(getsockname(fd, (struct sockaddr *)addr, &alen) == 0);
  snprintf(url, len, "%s://127.0.0.1:%d", scheme, ntohs(addr->sin_port));
  return fd;
}

/* The one socket curl has open for the client (it has only one request). */
static int curl_socket(const fixture_t *f) {
  const anth_sock_t *s = f->client->socks;
  CHECK(s != NULL);
  CHECK(s->next == NULL);
  return (int)s->fd;
}

static bool socket_connected(int fd) {
  struct sockaddr_in peer;
  socklen_t len = sizeof peer;
  if (getpeername(fd, (struct sockaddr *)&peer, &len) == 0)
    return true;
  CHECK_EQ_INT(errno, ENOTCONN);
  return false;
}

/* A handle of the caller's on the client's loop, given descriptor number
 * `fd` once curl has closed it: it must open and get its events. */
typedef struct caller_pipe {
  uv_pipe_t pipe;
  int reads;
} caller_pipe_t;

static void on_caller_alloc(uv_handle_t *h, size_t n, uv_buf_t *buf) {
  static char slab[64];
  (void)h;
  (void)n;
  *buf = uv_buf_init(slab, sizeof slab);
}

static void on_caller_read(uv_stream_t *s, ssize_t n, const uv_buf_t *buf) {
  (void)buf;
  if (n > 0)
    ((caller_pipe_t *)s)->reads++;
}

static void check_caller_can_use_descriptor(fixture_t *f, int fd) {
  int sv[2];
  caller_pipe_t p = {0};
  errno = 0;
  CHECK(fcntl(fd, F_GETFD) < 0 && errno == EBADF); /* curl closed it */
  CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
  if (sv[0] != fd) {
    CHECK(dup2(sv[0], fd) == fd);
    close(sv[0]);
  }
  CHECK_EQ_INT(uv_pipe_init(&f->loop, &p.pipe, 0), 0);
  int rc = uv_pipe_open(&p.pipe, fd);
  if (rc == 0)
    rc = uv_read_start((uv_stream_t *)&p.pipe, on_caller_alloc, on_caller_read);
  CHECK(write(sv[1], "x", 1) == 1);
  for (int i = 0; rc == 0 && i < 100 && p.reads == 0; i++)
    uv_run(&f->loop, UV_RUN_NOWAIT); /* the byte is there at once */
  uv_close((uv_handle_t *)&p.pipe, NULL);
  uv_run(&f->loop, UV_RUN_NOWAIT);
  if (rc != 0)
    close(fd);
  close(sv[1]);
  if (rc != 0)
    FAILF("the caller's handle on descriptor %d: %s", fd, uv_err_name(rc));
  CHECK_EQ_INT(p.reads, 1);
}

/* One retrieve of claude-opus-4-1 started on a client (`f`) with `opts`,
 * its log into `log`, after `faults` (NULL: none): the request's id. */
static anthropic_request_id_t start_logged(fixture_t *f,
                                           anthropic_client_options_t *opts,
                                           log_rec_t *log, const char *faults,
                                           outcome_t *o) {
  opts->log_cb = on_log;
  opts->log_data = log;
  setup_with(f, opts);
  if (faults != NULL)
    add_faults(faults);
  anthropic_request_id_t id = anthropic_models_retrieve(
      f->client, "claude-opus-4-1", NULL, on_model, o);
  CHECK(id != 0);
  return id;
}

/* start_logged() to a server at `url` that never lets the connection
 * finish, with 2 retries and a connect timeout (600 s) curl would wait far
 * past the test. */
static anthropic_request_id_t start_to_stuck_server(fixture_t *f,
                                                    const char *url,
                                                    log_rec_t *log,
                                                    outcome_t *o) {
  anthropic_client_options_t opts = ANTHROPIC_CLIENT_OPTIONS_INIT;
  opts.base_url = url;
  opts.connect_timeout_ms = 600000;
  opts.max_retries = 2;
  return start_logged(f, &opts, log, NULL, o);
}

/* ---- while connecting ---- */

/* The TCP handshake never completes: the listener's accept queue (backlog
 * 0) is already full with a connection of the test's own that it never
 * accepts, and Linux drops a SYN that comes to a full queue, so the
 * client's connect() stays in progress (SYN_SENT, retrying) until someone
 * gives up. */
TEST(cancel_while_the_tcp_connect_is_in_progress) {
  fixture_t f;
  outcome_t o = {0};
  log_rec_t log = {0};
  char url[64];
  struct sockaddr_in addr;
  int fd = listener(0, "http", url, sizeof url, &addr);
  int filler = socket(AF_INET, SOCK_STREAM, 0);
  CHECK(filler >= 0);
  CHECK(connect(filler, (struct sockaddr *)&addr, sizeof addr) == 0);
  anthropic_request_id_t id = start_to_stuck_server(&f, url, &log, &o);
  /* Until curl has its socket and waits for the connect to finish. */
  while (f.client->socks == NULL && o.calls == 0)
    uv_run(&f.loop, UV_RUN_ONCE);
  int sock = curl_socket(&f);
  CHECK(!socket_connected(sock)); /* the SYN is unanswered */
  CHECK(f.client->socks->events & UV_WRITABLE);
  curl_off_t connect_us = -1;
  anthropic_req_t *r = req_of(&f, id);
  curl_easy_getinfo(r->easy, CURLINFO_CONNECT_TIME_T, &connect_us);
  CHECK_EQ_INT(connect_us, 0);
  CHECK_EQ_INT(r->sends, 0);
  CHECK_EQ_INT(o.calls, 0);

  CHECK_EQ_INT(anthropic_request_cancel(f.client, id), 0);
  CHECK_EQ_INT(o.calls, 0); /* never from inside cancel */
  run_until_called(&f, &o);
  CHECK_EQ_INT(o.kind, ANTHROPIC_ECANCELLED);
  CHECK_EQ_INT(o.attempts, 0); /* the attempt had no outcome */
  CHECK_EQ_INT(o.status, 0);
  CHECK_EQ_INT(log.lines, 0);
  /* Nothing of the connect is left: no watcher on its socket, so its
   * descriptor number is free for whatever the caller opens next. */
  check_caller_can_use_descriptor(&f, sock);
  CHECK(f.client->socks == NULL);
  CHECK_EQ_INT(f.client->sock_checks, 1); /* it never connected */
  check_no_request_timer_left(&f);
  teardown(&f);
  /* Only the test's own connection ever got into the accept queue. */
  CHECK(fcntl(fd, F_SETFL, O_NONBLOCK) == 0);
  int a = accept(fd, NULL, NULL);
  CHECK(a >= 0);
  close(a);
  CHECK(accept(fd, NULL, NULL) < 0);
  CHECK(errno == EAGAIN || errno == EWOULDBLOCK);
  close(filler);
  close(fd);
}

/* The TCP connection is up but the TLS handshake never finishes: the
 * listener never accepts, so the kernel completes the TCP handshake and
 * the ClientHello sits unread. */
TEST(cancel_while_the_tls_handshake_is_in_progress) {
  fixture_t f;
  outcome_t o = {0};
  log_rec_t log = {0};
  char url[64];
  struct sockaddr_in addr;
  int fd = listener(16, "https", url, sizeof url, &addr);
  anthropic_request_id_t id = start_to_stuck_server(&f, url, &log, &o);
  anthropic_req_t *r = req_of(&f, id);
  /* Until curl has sent its ClientHello and waits for the server's. */
  while ((f.client->socks == NULL || f.client->socks->events != UV_READABLE) &&
         o.calls == 0)
    uv_run(&f.loop, UV_RUN_ONCE);
  CHECK(socket_connected(curl_socket(&f))); /* TCP is up */
  curl_off_t tls_us = -1;
  curl_easy_getinfo(r->easy, CURLINFO_APPCONNECT_TIME_T, &tls_us);
  CHECK_EQ_INT(tls_us, 0); /* TLS is not */
  CHECK_EQ_INT(r->sends, 0);
  CHECK_EQ_INT(o.calls, 0);

  CHECK_EQ_INT(anthropic_request_cancel(f.client, id), 0);
  run_until_called(&f, &o);
  CHECK_EQ_INT(o.kind, ANTHROPIC_ECANCELLED);
  CHECK_EQ_INT(o.attempts, 0);
  CHECK_EQ_INT(log.lines, 0);
  CHECK(f.client->socks == NULL);
  /* TCP connected: curl closed it through CURLOPT_CLOSESOCKETFUNCTION. */
  CHECK_EQ_INT(f.client->sock_checks, 0);
  check_no_request_timer_left(&f);
  teardown(&f);
  /* What reached the server: a TLS handshake record (the ClientHello),
   * then the close; never an HTTP request. */
  int a = accept(fd, NULL, NULL);
  CHECK(a >= 0);
  unsigned char got[4096];
  size_t n = 0;
  ssize_t k;
  while (n < sizeof got && (k = read(a, got + n, sizeof got - n)) > 0)
    n += (size_t)k;
  close(a);
  close(fd);
  CHECK(n > 0);
  CHECK_EQ_INT(got[0], 0x16); /* TLS record type: handshake */
  for (size_t i = 0; i + 4 <= n; i++)
    CHECK(memcmp(got + i, "GET ", 4) != 0);
}

/* ---- mid-body ---- */

/* The server sends the status line, the headers with the full
 * Content-Length and half the body, then nothing (stall_during). */
TEST(cancel_mid_body_ends_the_request_with_no_retry_and_no_reuse) {
  fixture_t f;
  outcome_t o = {0};
  log_rec_t log = {0};
  anthropic_client_options_t opts = ANTHROPIC_CLIENT_OPTIONS_INIT;
  opts.max_retries = 2; /* a cancel is never retried */
  opts.log_cb = on_log;
  opts.log_data = &log;
  setup_with(&f, &opts);
  add_faults("[{\"action\":\"stall_during\"}]");
  anthropic_request_id_t id =
      anthropic_models_list(f.client, NULL, on_page, &o);
  CHECK(id != 0);
  anthropic_req_t *r = req_of(&f, id);
  while (r->body.len == 0 && o.calls == 0)
    uv_run(&f.loop, UV_RUN_ONCE);
  /* Part of the body is in, not all of it, and the attempt goes on. */
  long status = 0;
  curl_off_t length = -1;
  curl_easy_getinfo(r->easy, CURLINFO_RESPONSE_CODE, &status);
  curl_easy_getinfo(r->easy, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &length);
  CHECK_EQ_INT(status, 200);
  CHECK(r->body.len > 0);
  CHECK((curl_off_t)r->body.len < length);
  CHECK_EQ_INT(r->state, REQ_ACTIVE);
  CHECK_EQ_INT(log.lines, 0); /* the attempt has no outcome yet */
  CHECK_EQ_INT(o.calls, 0);
  CHECK_EQ_INT(fake_request_count(&srv), 1);

  CHECK_EQ_INT(anthropic_request_cancel(f.client, id), 0);
  CHECK_EQ_INT(o.calls, 0);
  run_until_called(&f, &o);
  CHECK_EQ_INT(o.kind, ANTHROPIC_ECANCELLED);
  CHECK_EQ_INT(o.attempts, 0); /* cancelled before its first outcome */
  CHECK_EQ_INT(o.status, 0);
  CHECK_EQ_INT(log.lines, 0);
  CHECK(o.page == NULL);
  check_no_request_timer_left(&f);

  /* The next request gets its own answer on a new connection: the old
   * one, with half a body still owed, is not reused. */
  check_client_still_works(&f);
  teardown(&f);
  cJSON *reqs = requests();
  CHECK_EQ_INT(cJSON_GetArraySize(reqs), 2); /* no retry of the list */
  const cJSON *first = cJSON_GetArrayItem(reqs, 0);
  const cJSON *second = cJSON_GetArrayItem(reqs, 1);
  CHECK_EQ_STR(cJSON_GetObjectItem(first, "path")->valuestring, "/v1/models");
  CHECK_EQ_STR(cJSON_GetObjectItem(second, "path")->valuestring,
               "/v1/models/claude-opus-4-1");
  CHECK(cJSON_GetObjectItem(first, "conn")->valueint !=
        cJSON_GetObjectItem(second, "conn")->valueint);
  cJSON_Delete(reqs);
}

/* ---- while waiting to retry ---- */

/* A 529 asks for a 600 s wait, and the client honours up to an hour: a
 * wait that survived the cancel would hold the loop far past the
 * harness's alarm. */
TEST(cancel_while_waiting_to_retry_ends_the_wait) {
  fixture_t f;
  outcome_t o = {0};
  log_rec_t log = {0};
  anthropic_client_options_t opts = ANTHROPIC_CLIENT_OPTIONS_INIT;
  opts.max_retries = 2;
  opts.retry_after_cap_ms = 3600000;
  anthropic_request_id_t id = start_logged(
      &f, &opts, &log,
      "[{\"status\":529,\"headers\":{\"retry-after\":\"600\"}}]", &o);
  while (log.lines == 0 && o.calls == 0)
    uv_run(&f.loop, UV_RUN_ONCE);
  /* The first attempt has its outcome and the request waits to retry. */
  CHECK_EQ_INT(log.lines, 1);
  CHECK_CONTAINS(log.last, "-> 529");
  CHECK_EQ_INT(o.calls, 0);
  anthropic_req_t *r = req_of(&f, id);
  CHECK_EQ_INT(r->state, REQ_WAITING);
  CHECK(uv_is_active((uv_handle_t *)&r->timer));
  CHECK(uv_timer_get_due_in(&r->timer.uv) > 60000); /* the server's 600 s */
  CHECK_EQ_INT(fake_request_count(&srv), 1);

  CHECK_EQ_INT(anthropic_request_cancel(f.client, id), 0);
  CHECK_EQ_INT(o.calls, 0);
  run_until_called(&f, &o);
  CHECK_EQ_INT(o.kind, ANTHROPIC_ECANCELLED);
  CHECK_EQ_INT(o.attempts, 1); /* the 529 counts; no second attempt */
  CHECK_EQ_INT(log.lines, 1);
  check_no_request_timer_left(&f);
  teardown(&f); /* returns once the callback has run: the wait is gone */
  CHECK_EQ_INT(o.calls, 1);
  CHECK_EQ_INT(fake_request_count(&srv), 1);
}

/* ---- the watchdog ---- */

/* libcurl enforces the attempt's timeout itself, through the client's
 * timer (CURLMOPT_TIMERFUNCTION) or a socket event; the watchdog is for a
 * transfer libcurl never reports done. The test plays that: once the
 * request has reached a server that never answers, the engine's timer is
 * held stopped, so libcurl is never told its deadline has passed, and no
 * socket event calls it either. Only the watchdog, timeout + 1 s after
 * the attempt began, can end it. libcurl's own timeout would say
 * "Operation timed out after N milliseconds..." in its error buffer; the
 * watchdog's error is the bare curl_easy_strerror() text. */
TEST(the_watchdog_ends_an_attempt_curl_never_reports_done) {
  fixture_t f;
  outcome_t o = {0};
  log_rec_t log = {0};
  anthropic_client_options_t opts = ANTHROPIC_CLIENT_OPTIONS_INIT;
  opts.timeout_ms = 2000;
  opts.max_retries = 0;
  anthropic_request_id_t id =
      start_logged(&f, &opts, &log, "[{\"action\":\"hang\"}]", &o);
  run_until_requests(&f, 1);
  anthropic_req_t *r = req_of(&f, id);
  CHECK_EQ_INT(r->state, REQ_ACTIVE);
  CHECK(uv_is_active((uv_handle_t *)&r->timer)); /* the watchdog */
  while (o.calls == 0) {
    uv_timer_stop(&f.client->timer);
    uv_run(&f.loop, UV_RUN_ONCE);
  }
  CHECK_EQ_INT(o.kind, ANTHROPIC_ETIMEDOUT);
  CHECK_EQ_INT(o.attempts, 1);
  CHECK_EQ_STR(o.message, curl_easy_strerror(CURLE_OPERATION_TIMEDOUT));
  CHECK_EQ_INT(log.lines, 1);
  CHECK_CONTAINS(log.last, "-> error: Timeout was reached");
  check_no_request_timer_left(&f);
  /* The lost transfer left curl: the client goes on, the next request on
   * a new connection. */
  check_client_still_works(&f);
  teardown(&f);
  CHECK_EQ_INT(fake_request_count(&srv), 2);
}

/* ---- the connection's watcher, on the success path ---- */

/* Twenty requests, one after the other, over one kept-alive HTTP/1.1
 * connection: curl asks for the same events on the socket again and
 * again (and says CURL_POLL_REMOVE between transfers). A watcher already
 * watching what curl asks for is left alone (libuv 1.44 turns every
 * uv_poll_start into an epoll DEL and ADD), and a socket that connected is
 * closed by curl through CURLOPT_CLOSESOCKETFUNCTION, so it is never
 * checked with fstat (the connect cancelled above is). Counted, not timed:
 * a start per request or a check per CURL_POLL_REMOVE would be twenty or
 * more. */
TEST(a_kept_alive_connection_is_not_rewatched_or_checked_per_request) {
  fixture_t f;
  anthropic_client_options_t o = ANTHROPIC_CLIENT_OPTIONS_INIT;
  o.flags = ANTHROPIC_CLIENT_HTTP1;
  o.max_host_connections = 1;
  setup_with(&f, &o);
  for (int i = 0; i < 20; i++) {
    outcome_t out = {0};
    CHECK(anthropic_models_retrieve(f.client, "claude-sonnet-4-0", NULL,
                                    on_model, &out) != 0);
    uv_run(&f.loop, UV_RUN_DEFAULT);
    CHECK_EQ_INT(out.calls, 1);
    CHECK_EQ_INT(out.kind, 0);
    outcome_free(&out);
  }
  CHECK_EQ_INT(fake_request_count(&srv), 20);
  /* The connect (writable), then the answers (readable): a few, once. */
  CHECK(f.client->poll_starts >= 2);
  CHECK(f.client->poll_starts <= 4);
  CHECK_EQ_INT(f.client->sock_checks, 0);
  /* Each answer carries request-id and the three rate-limit headers: the
   * two counts are read as the headers arrive, so libcurl is asked only
   * for request-id and the reset time (it was four lookups an answer). */
  CHECK_EQ_INT(f.client->header_lookups, 40);
  teardown(&f);
}

int main(void) {
  if (fixture_main_start() != 0)
    return 1;
  int rc =
      RUN(T(cancel_while_the_tcp_connect_is_in_progress),
          T(cancel_while_the_tls_handshake_is_in_progress),
          T(cancel_mid_body_ends_the_request_with_no_retry_and_no_reuse),
          T(cancel_while_waiting_to_retry_ends_the_wait),
          T(the_watchdog_ends_an_attempt_curl_never_reports_done),
          T(a_kept_alive_connection_is_not_rewatched_or_checked_per_request));
  fake_server_stop(&srv);
  return rc;
}
