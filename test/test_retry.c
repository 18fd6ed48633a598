/* test_retry.c - the fault matrix: each fault the fake server can inject,
 * the attempts it saw, the delays the client decided to wait between them,
 * and the final outcome. The waits are read through the client's timer
 * hook (src/client.h) and run as 0 ms, so no test waits a backoff out;
 * one test lets a wait run in full and checks the server saw that gap. */
#include "../src/client.h"
#include "fixture.h"

#include <stddef.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* Arrival times (ms, server clock) of the API requests the server saw. */
static int arrivals(double *t, int max) {
  cJSON *reqs = requests();
  int n = 0;
  const cJSON *r;
  cJSON_ArrayForEach(r, reqs) {
    if (n < max)
      t[n] = cJSON_GetObjectItem(r, "t_ms")->valuedouble;
    n++;
  }
  cJSON_Delete(reqs);
  return n;
}

static void check_gap(double from, double to, double min_ms, double max_ms) {
  double gap = to - from;
  if (gap < min_ms || gap > max_ms)
    FAILF("gap between attempts %.1f ms, want %.0f..%.0f", gap, min_ms, max_ms);
}

/* The waits before a retry the client decided, in order, and the wall
 * clock (ms since 1970) as each was decided. */
#define MAX_WAITS 16
static struct {
  uint64_t ms[MAX_WAITS];
  int64_t decided_at[MAX_WAITS];
  int n;
  bool run_in_full; /* false: each runs as 0 ms */
} waits;

static int64_t unix_ms(void) {
  uv_timeval64_t tv;
  CHECK(uv_gettimeofday(&tv) == 0);
  return tv.tv_sec * 1000 + tv.tv_usec / 1000;
}

/* The client's timer hook: a request's timer started while it waits to
 * retry is that wait; any other (the watchdog) runs as decided. */
static uint64_t on_timer_start(void *data, anth_timer_t *t, uint64_t ms) {
  (void)data;
  const anthropic_req_t *r =
      (const anthropic_req_t *)((char *)t - offsetof(anthropic_req_t, timer));
  if (r->state != REQ_WAITING)
    return ms;
  if (waits.n < MAX_WAITS) {
    waits.ms[waits.n] = ms;
    waits.decided_at[waits.n] = unix_ms();
  }
  waits.n++;
  return waits.run_in_full ? ms : 0;
}

static void check_wait(int i, uint64_t min_ms, uint64_t max_ms) {
  if (i >= waits.n || i >= MAX_WAITS)
    FAILF("wait %d not decided (%d were)", i, waits.n);
  if (waits.ms[i] < min_ms || waits.ms[i] > max_ms)
    FAILF("wait %d: %llu ms decided, want %llu..%llu", i,
          (unsigned long long)waits.ms[i], (unsigned long long)min_ms,
          (unsigned long long)max_ms);
}

/* One retrieve with `faults` queued; returns the outcome (caller frees).
 * The waits it decided are in `waits`. */
static void retrieve_with(anthropic_client_options_t *opts,
                          const anthropic_request_options_t *ro,
                          const char *faults, outcome_t *o) {
  fixture_t f;
  anthropic_client_options_t none = ANTHROPIC_CLIENT_OPTIONS_INIT;
  setup_with(&f, opts ? opts : &none);
  waits.n = 0;
  f.client->timer_hook = on_timer_start;
  if (faults)
    add_faults(faults);
  anthropic_models_retrieve_params_t p = {
      .size = sizeof(anthropic_models_retrieve_params_t), .options = ro};
  CHECK(anthropic_models_retrieve(f.client, "claude-opus-4-1", &p, on_model,
                                  o) != 0);
  teardown(&f);
  CHECK_EQ_INT(o->calls, 1);
}

TEST(retry_after_ms_is_honoured) {
  outcome_t o = {0};
  double t[4];
  retrieve_with(NULL, NULL,
                "[{\"status\":429,\"headers\":{\"retry-after-ms\":\"1200\"}}]",
                &o);
  CHECK_EQ_INT(o.kind, 0);
  CHECK_EQ_INT(arrivals(t, 4), 2);
  CHECK_EQ_INT(waits.n, 1);
  check_wait(0, 1200, 1200);
  outcome_free(&o);
}

TEST(retry_after_seconds_are_honoured) {
  outcome_t o = {0};
  double t[4];
  retrieve_with(NULL, NULL,
                "[{\"status\":429,\"headers\":{\"retry-after\":\"1.5\"}}]", &o);
  CHECK_EQ_INT(o.kind, 0);
  CHECK_EQ_INT(arrivals(t, 4), 2);
  CHECK_EQ_INT(waits.n, 1);
  check_wait(0, 1500, 1500);
  outcome_free(&o);
}

/* The one test that lets the wait run: the timer waits what was decided
 * (the server's own timestamps show the gap; only a lower bound, so a
 * slow machine cannot fail it). */
TEST(the_decided_wait_is_waited_out) {
  outcome_t o = {0};
  double t[4];
  waits.run_in_full = true;
  retrieve_with(NULL, NULL,
                "[{\"status\":429,\"headers\":{\"retry-after-ms\":\"300\"}}]",
                &o);
  waits.run_in_full = false;
  CHECK_EQ_INT(o.kind, 0);
  CHECK_EQ_INT(waits.n, 1);
  check_wait(0, 300, 300);
  CHECK_EQ_INT(arrivals(t, 4), 2);
  check_gap(t[0], t[1], 250, 60000);
  outcome_free(&o);
}

TEST(retry_after_http_date_is_honoured) {
  outcome_t o = {0};
  double t[4];
  char date[64], faults[256];
  /* 30 s ahead: far above any backoff (8 s at most), under the 60 s cap. */
  time_t when = time(NULL) + 30;
  struct tm tm;
  gmtime_r(&when, &tm);
  strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S GMT", &tm);
  snprintf(faults, sizeof faults,
           "[{\"status\":429,\"headers\":{\"retry-after\":\"%s\"}}]", date);
  int64_t before = unix_ms();
  retrieve_with(NULL, NULL, faults, &o);
  CHECK_EQ_INT(o.kind, 0);
  CHECK_EQ_INT(arrivals(t, 4), 2);
  /* The wait is the date less the clock as the client decided: read after
   * the test's first reading and before the hook's, whatever the speed. */
  CHECK_EQ_INT(waits.n, 1);
  int64_t date_ms = (int64_t)when * 1000;
  check_wait(0, (uint64_t)(date_ms - waits.decided_at[0]),
             (uint64_t)(date_ms - before));
  outcome_free(&o);
}

TEST(retry_after_over_the_cap_falls_back_to_backoff) {
  outcome_t o = {0};
  double t[4];
  anthropic_client_options_t opts = ANTHROPIC_CLIENT_OPTIONS_INIT;
  opts.retry_after_cap_ms = 1000;
  retrieve_with(&opts, NULL,
                "[{\"status\":429,\"headers\":{\"retry-after\":\"30\"}}]", &o);
  CHECK_EQ_INT(o.kind, 0);
  CHECK_EQ_INT(arrivals(t, 4), 2);
  /* Backoff for the first retry is 375..500 ms; 30 s was not honoured. */
  CHECK_EQ_INT(waits.n, 1);
  check_wait(0, 375, 500);
  outcome_free(&o);
}

TEST(backoff_doubles_with_up_to_a_quarter_of_jitter) {
  outcome_t o = {0};
  double t[4];
  retrieve_with(NULL, NULL, "[{\"status\":500,\"times\":3}]", &o);
  CHECK_EQ_INT(o.kind, ANTHROPIC_EHTTP);
  CHECK_EQ_INT(o.status, 500);
  CHECK_EQ_INT(o.attempts, 3);
  CHECK_CONTAINS(o.message, "after 3 attempts");
  CHECK_EQ_INT(arrivals(t, 4), 3);
  CHECK_EQ_INT(waits.n, 2);
  check_wait(0, 375, 500);  /* 0.5 s less up to 25% */
  check_wait(1, 750, 1000); /* 1 s less up to 25% */
}

TEST(backoff_stops_doubling_at_8_seconds) {
  outcome_t o = {0};
  double t[8];
  anthropic_client_options_t opts = ANTHROPIC_CLIENT_OPTIONS_INIT;
  opts.max_retries = 6;
  retrieve_with(&opts, NULL, "[{\"status\":500,\"times\":6}]", &o);
  CHECK_EQ_INT(o.kind, 0);
  CHECK_EQ_INT(arrivals(t, 8), 7);
  CHECK_EQ_INT(waits.n, 6);
  check_wait(0, 375, 500);
  check_wait(1, 750, 1000);
  check_wait(2, 1500, 2000);
  check_wait(3, 3000, 4000);
  check_wait(4, 6000, 8000);
  check_wait(5, 6000, 8000);
  outcome_free(&o);
}

TEST(x_should_retry_false_stops_a_retryable_status) {
  outcome_t o = {0};
  double t[4];
  retrieve_with(NULL, NULL,
                "[{\"status\":503,\"headers\":{\"x-should-retry\":\"false\"}}]",
                &o);
  CHECK_EQ_INT(o.kind, ANTHROPIC_EHTTP);
  CHECK_EQ_INT(o.status, 503);
  CHECK_EQ_INT(o.attempts, 1);
  CHECK_EQ_INT(arrivals(t, 4), 1);
}

TEST(x_should_retry_true_retries_a_client_error) {
  outcome_t o = {0};
  double t[4];
  retrieve_with(NULL, NULL,
                "[{\"status\":400,\"headers\":{\"x-should-retry\":\"true\"}}]",
                &o);
  CHECK_EQ_INT(o.kind, 0);
  CHECK_EQ_INT(arrivals(t, 4), 2);
  CHECK_EQ_INT(waits.n, 1);
  outcome_free(&o);
}

TEST(retryable_statuses_are_retried) {
  const int statuses[] = {408, 409, 429, 500, 502, 503, 529};
  for (size_t i = 0; i < sizeof statuses / sizeof statuses[0]; i++) {
    outcome_t o = {0};
    double t[4];
    char faults[64];
    snprintf(faults, sizeof faults, "[{\"status\":%d}]", statuses[i]);
    retrieve_with(NULL, NULL, faults, &o);
    if (o.kind != 0 || arrivals(t, 4) != 2 || waits.n != 1)
      FAILF("status %d: kind %d, want a success on the second attempt",
            statuses[i], o.kind);
    outcome_free(&o);
  }
}

TEST(other_client_errors_are_not_retried) {
  const int statuses[] = {400, 401, 403, 404, 413, 422};
  for (size_t i = 0; i < sizeof statuses / sizeof statuses[0]; i++) {
    outcome_t o = {0};
    double t[4];
    char faults[64];
    snprintf(faults, sizeof faults, "[{\"status\":%d}]", statuses[i]);
    retrieve_with(NULL, NULL, faults, &o);
    CHECK_EQ_INT(o.kind, ANTHROPIC_EHTTP);
    CHECK_EQ_INT(o.status, statuses[i]);
    CHECK_EQ_INT(o.attempts, 1);
    CHECK_EQ_INT(arrivals(t, 4), 1);
  }
}

TEST(every_attempt_carries_its_retry_count) {
  outcome_t o = {0};
  retrieve_with(NULL, NULL, "[{\"status\":500,\"times\":2}]", &o);
  CHECK_EQ_INT(o.kind, 0);
  cJSON *reqs = requests();
  CHECK_EQ_INT(cJSON_GetArraySize(reqs), 3);
  for (int i = 0; i < 3; i++) {
    char want[8];
    snprintf(want, sizeof want, "%d", i);
    CHECK_EQ_STR(
        req_header(cJSON_GetArrayItem(reqs, i), "x-stainless-retry-count"),
        want);
  }
  cJSON_Delete(reqs);
  outcome_free(&o);
}

static void check_network_fault_is_retried(const char *action) {
  outcome_t o = {0};
  double t[4];
  char faults[128];
  snprintf(faults, sizeof faults, "[{\"action\":\"%s\"}]", action);
  retrieve_with(NULL, NULL, faults, &o);
  if (o.kind != 0)
    FAILF("%s: kind %d (%s), want success after a retry", action, o.kind,
          o.message);
  CHECK_EQ_INT(arrivals(t, 4), 2);
  CHECK_EQ_STR(o.model->id, "claude-opus-4-1-20250805");
  outcome_free(&o);
}

TEST(a_reset_before_the_answer_is_retried) {
  check_network_fault_is_retried("reset_before");
}

TEST(a_reset_during_the_body_is_retried) {
  check_network_fault_is_retried("reset_during");
}

TEST(a_truncated_body_is_retried_never_parsed) {
  check_network_fault_is_retried("truncate");
}

TEST(an_html_error_page_is_retried_then_reported_by_status) {
  outcome_t o = {0};
  double t[4];
  retrieve_with(NULL, NULL,
                "[{\"action\":\"html\",\"status\":502,\"times\":3}]", &o);
  CHECK_EQ_INT(o.kind, ANTHROPIC_EHTTP);
  CHECK_EQ_INT(o.status, 502);
  CHECK_EQ_STR(o.type, "");
  CHECK_EQ_INT(o.attempts, 3);
  CHECK_EQ_INT(arrivals(t, 4), 3);
}

TEST(no_answer_times_out_and_is_retried_as_a_timeout) {
  outcome_t o = {0};
  double t[4];
  anthropic_client_options_t opts = ANTHROPIC_CLIENT_OPTIONS_INIT;
  opts.timeout_ms = 300;
  opts.max_retries = 1;
  retrieve_with(&opts, NULL, "[{\"action\":\"hang\",\"times\":2}]", &o);
  CHECK_EQ_INT(o.kind, ANTHROPIC_ETIMEDOUT);
  CHECK_EQ_INT(o.attempts, 2);
  CHECK_EQ_INT(arrivals(t, 4), 2);
}

TEST(slow_headers_time_out) {
  outcome_t o = {0};
  anthropic_request_options_t ro = {.size = sizeof(anthropic_request_options_t),
                                    .max_retries = 0,
                                    .timeout_ms = 300};
  retrieve_with(NULL, &ro, "[{\"action\":\"delay\",\"delay_ms\":3000}]", &o);
  CHECK_EQ_INT(o.kind, ANTHROPIC_ETIMEDOUT);
  CHECK_EQ_INT(o.attempts, 1);
}

TEST(a_huge_body_is_too_large_and_not_retried) {
  outcome_t o = {0};
  double t[4];
  anthropic_client_options_t opts = ANTHROPIC_CLIENT_OPTIONS_INIT;
  opts.max_response_bytes = 64 * 1024;
  retrieve_with(&opts, NULL, "[{\"action\":\"huge\",\"bytes\":50000000}]", &o);
  CHECK_EQ_INT(o.kind, ANTHROPIC_ETOOLARGE);
  CHECK_EQ_INT(o.attempts, 1);
  CHECK_EQ_INT(arrivals(t, 4), 1);
}

TEST(invalid_json_is_a_bad_response_and_not_retried) {
  outcome_t o = {0};
  double t[4];
  retrieve_with(NULL, NULL, "[{\"action\":\"invalid_json\"}]", &o);
  CHECK_EQ_INT(o.kind, ANTHROPIC_EBADRESPONSE);
  CHECK_EQ_INT(o.attempts, 1);
  CHECK_EQ_INT(arrivals(t, 4), 1);
}

TEST(wrong_types_are_a_bad_response_that_names_the_field) {
  outcome_t o = {0};
  retrieve_with(NULL, NULL, "[{\"action\":\"wrong_types\"}]", &o);
  CHECK_EQ_INT(o.kind, ANTHROPIC_EBADRESPONSE);
  CHECK_CONTAINS(o.message, "id: expected a string");
}

TEST(per_request_max_retries_overrides_the_client) {
  outcome_t a = {0}, b = {0};
  double t[4];
  anthropic_client_options_t opts = ANTHROPIC_CLIENT_OPTIONS_INIT;
  opts.max_retries = 0;
  anthropic_request_options_t two = {
      .size = sizeof(anthropic_request_options_t), .max_retries = 2};
  retrieve_with(&opts, &two, "[{\"status\":500,\"times\":5}]", &a);
  CHECK_EQ_INT(a.attempts, 3);
  CHECK_EQ_INT(arrivals(t, 4), 3);
  anthropic_request_options_t none = {
      .size = sizeof(anthropic_request_options_t), .max_retries = 0};
  retrieve_with(NULL, &none, "[{\"status\":500,\"times\":5}]", &b);
  CHECK_EQ_INT(b.attempts, 1);
  CHECK_EQ_INT(arrivals(t, 4), 1);
}

TEST(connection_refused_is_retried_then_reported) {
  outcome_t o = {0};
  anthropic_client_options_t opts = ANTHROPIC_CLIENT_OPTIONS_INIT;
  opts.base_url = "http://127.0.0.1:1";
  opts.max_retries = 1;
  retrieve_with(&opts, NULL, NULL, &o);
  CHECK_EQ_INT(o.kind, ANTHROPIC_ECONNECTION);
  CHECK_EQ_INT(o.attempts, 2);
  CHECK_CONTAINS(o.message, "after 2 attempts");
}

TEST(bad_retry_options_are_refused) {
  fixture_t f;
  outcome_t o = {0};
  setup(&f);
  anthropic_request_options_t ro = {.size = sizeof(anthropic_request_options_t),
                                    .max_retries = -2};
  anthropic_models_retrieve_params_t p = {
      .size = sizeof(anthropic_models_retrieve_params_t), .options = &ro};
  CHECK(anthropic_models_retrieve(f.client, "x", &p, on_model, &o) == 0);
  CHECK_EQ_INT(anthropic_client_last_error(f.client)->kind, ANTHROPIC_EINVAL);
  teardown(&f);
  CHECK_EQ_INT(o.calls, 0);
}

/* ---- cancellation at every stage ---- */

/* Run the loop until the server has seen `n` requests (however long that
 * takes on a loaded machine: the harness's alarm bounds a test). */
static void run_until_seen(fixture_t *f, int n) {
  while (fake_request_count(&srv) < n) {
    uv_run(&f->loop, UV_RUN_NOWAIT);
    struct timespec ts = {0, 5000000};
    nanosleep(&ts, NULL);
  }
  CHECK_EQ_INT(fake_request_count(&srv), n);
}

/* Run the loop until the client has decided its first wait before a retry
 * (the answer that asked for it has arrived). */
static void run_until_waiting(fixture_t *f) {
  waits.n = 0;
  waits.run_in_full = true;
  f->client->timer_hook = on_timer_start;
  while (waits.n == 0)
    uv_run(&f->loop, UV_RUN_ONCE);
  waits.run_in_full = false;
}

TEST(cancel_before_the_request_goes_out) {
  fixture_t f;
  outcome_t o = {0};
  setup(&f);
  anthropic_request_id_t r = anthropic_models_retrieve(
      f.client, "claude-opus-4-1", NULL, on_model, &o);
  CHECK_EQ_INT(anthropic_request_cancel(f.client, r), 0);
  teardown(&f);
  CHECK_EQ_INT(o.kind, ANTHROPIC_ECANCELLED);
  CHECK_EQ_INT(o.attempts, 0);
  CHECK_EQ_INT(fake_request_count(&srv), 0);
}

TEST(cancel_while_queued_behind_a_busy_connection) {
  fixture_t f;
  outcome_t a = {0}, b = {0};
  anthropic_client_options_t opts = ANTHROPIC_CLIENT_OPTIONS_INIT;
  opts.max_host_connections = 1;
  setup_with(&f, &opts);
  add_faults("[{\"action\":\"hang\"}]");
  anthropic_request_id_t ra = anthropic_models_retrieve(
      f.client, "claude-opus-4-1", NULL, on_model, &a);
  anthropic_request_id_t rb = anthropic_models_retrieve(
      f.client, "claude-opus-4-0", NULL, on_model, &b);
  run_until_seen(&f, 1); /* a hangs on the only connection; b waits */
  CHECK_EQ_INT(anthropic_request_cancel(f.client, rb), 0);
  CHECK_EQ_INT(anthropic_request_cancel(f.client, ra), 0);
  teardown(&f);
  CHECK_EQ_INT(a.kind, ANTHROPIC_ECANCELLED);
  CHECK_EQ_INT(b.kind, ANTHROPIC_ECANCELLED);
  CHECK_EQ_INT(b.calls, 1);
  CHECK_EQ_INT(fake_request_count(&srv), 1);
}

TEST(cancel_while_waiting_to_retry) {
  fixture_t f;
  outcome_t o = {0};
  setup(&f);
  add_faults("[{\"status\":429,\"headers\":{\"retry-after\":\"20\"}}]");
  anthropic_request_id_t r = anthropic_models_retrieve(
      f.client, "claude-opus-4-1", NULL, on_model, &o);
  run_until_waiting(&f);
  check_wait(0, 20000, 20000);
  CHECK_EQ_INT(anthropic_request_cancel(f.client, r), 0);
  teardown(&f); /* returns at once: the 20 s wait is gone */
  CHECK_EQ_INT(o.calls, 1);
  CHECK_EQ_INT(o.kind, ANTHROPIC_ECANCELLED);
  CHECK_EQ_INT(o.attempts, 1);
  CHECK_EQ_INT(fake_request_count(&srv), 1);
}

TEST(close_while_waiting_to_retry_cancels_the_wait) {
  fixture_t f;
  outcome_t o = {0};
  setup(&f);
  add_faults("[{\"status\":503,\"headers\":{\"retry-after\":\"20\"}}]");
  CHECK(anthropic_models_retrieve(f.client, "claude-opus-4-1", NULL, on_model,
                                  &o) != 0);
  run_until_waiting(&f);
  check_wait(0, 20000, 20000);
  anthropic_client_close(f.client, on_closed);
  test_loop_finish(&f.loop);
  CHECK_EQ_INT(o.calls, 1);
  CHECK_EQ_INT(o.kind, ANTHROPIC_ECANCELLED);
  CHECK_EQ_INT(f.closed, 1);
}

TEST(cancel_mid_body) {
  fixture_t f;
  outcome_t o = {0};
  setup(&f);
  add_faults("[{\"action\":\"stall_during\"}]");
  anthropic_request_id_t r = anthropic_models_list(f.client, NULL, on_page, &o);
  run_until_seen(&f, 1);
  for (int i = 0; i < 50; i++)
    uv_run(&f.loop, UV_RUN_NOWAIT); /* half the body arrives, then nothing */
  CHECK_EQ_INT(o.calls, 0);
  CHECK_EQ_INT(anthropic_request_cancel(f.client, r), 0);
  teardown(&f);
  CHECK_EQ_INT(o.calls, 1);
  CHECK_EQ_INT(o.kind, ANTHROPIC_ECANCELLED);
  CHECK_EQ_INT(fake_request_count(&srv), 1);
}

/* A TCP listener that never accepts: the kernel completes the handshake,
 * so a TLS client waits for a ServerHello that never comes. */
static int silent_listener(char *url, size_t len) {
  struct sockaddr_in a;
  socklen_t alen = sizeof a;
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  CHECK(fd >= 0);
  memset(&a, 0, sizeof a);
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  CHECK(bind(fd, (struct sockaddr *)&a, sizeof a) == 0);
  CHECK(listen(fd, 16) == 0);
  CHECK(getsockname(fd, (struct sockaddr *)&a, &alen) == 0);
  snprintf(url, len, "https://127.0.0.1:%d", ntohs(a.sin_port));
  return fd;
}

/* The client's CA bundle in the two tests below: one certificate, nobody's
 * (the handshake never gets as far as checking one). The system's bundle,
 * loaded at each connection, costs seconds under valgrind. */
static const char one_cert[] =
    "-----BEGIN CERTIFICATE-----\n"
    "MIIBiDCCAS+gAwIBAgIUblTKSJja4ftcrZUrxmu4Gn87w3wwCgYIKoZIzj0EAwIw\n"
    "GTEXMBUGA1UEAwwOdW51c2VkLmludmFsaWQwIBcNMjYxMjAyMDI0MzM2WhgPMjEy\n"
    "NjExMDgwMjQzMzZaMBkxFzAVBgNVBAMMDnVudXNlZC5pbnZhbGlkMFkwEwYHKoZI\n"
    "zj0CAQYIKoZIzj0DAQcDQgAEQ4/yrozdeZaqt20MY6wGp640+934gOM6JtTeODtJ\n"
    "ITcx9g2Kc56CJyAUqOhE5jG9XWRcQotoJVeLks5VAA2b5KNTMFEwHQYDVR0OBBYE\n"
    "FFHUuhGeSWCMMd2mzWNZrYTDzbW6MB8GA1UdIwQYMBaAFFHUuhGeSWCMMd2mzWNZ\n"
    "rYTDzbW6MA8GA1UdEwEB/wQFMAMBAf8wCgYIKoZIzj0EAwIDRwAwRAIgAeru6JLK\n"
    "1oFT22JR4gyOzON3rr513vTpY9QBsK8hW4MCIF66R71WFFQCnarBk3432lhbvMZl\n"
    "cF6/v6EGGn0U61Ut\n"
    "-----END CERTIFICATE-----\n";
static char ca_file[64];

static const char *small_ca_bundle(void) {
  if (ca_file[0] == '\0') {
    snprintf(ca_file, sizeof ca_file, "/tmp/anth-test-ca-XXXXXX");
    int fd = mkstemp(ca_file);
    CHECK(fd >= 0);
    CHECK(write(fd, one_cert, sizeof one_cert - 1) ==
          (ssize_t)(sizeof one_cert - 1));
    close(fd);
  }
  return ca_file;
}

TEST(cancel_while_connecting) {
  fixture_t f;
  outcome_t o = {0};
  char url[64];
  int fd = silent_listener(url, sizeof url);
  anthropic_client_options_t opts = ANTHROPIC_CLIENT_OPTIONS_INIT;
  opts.base_url = url;
  opts.ca_bundle = small_ca_bundle();
  setup_with(&f, &opts);
  anthropic_request_id_t r = anthropic_models_retrieve(
      f.client, "claude-opus-4-1", NULL, on_model, &o);
  for (int i = 0; i < 20; i++)
    uv_run(&f.loop, UV_RUN_NOWAIT); /* TCP up, TLS handshake pending */
  CHECK_EQ_INT(o.calls, 0);
  CHECK_EQ_INT(anthropic_request_cancel(f.client, r), 0);
  teardown(&f);
  close(fd);
  CHECK_EQ_INT(o.calls, 1);
  CHECK_EQ_INT(o.kind, ANTHROPIC_ECANCELLED);
}

TEST(connect_timeout_covers_a_stalled_tls_handshake) {
  outcome_t o = {0};
  char url[64];
  int fd = silent_listener(url, sizeof url);
  anthropic_client_options_t opts = ANTHROPIC_CLIENT_OPTIONS_INIT;
  opts.base_url = url;
  opts.ca_bundle = small_ca_bundle();
  opts.connect_timeout_ms = 300;
  opts.max_retries = 1;
  retrieve_with(&opts, NULL, NULL, &o);
  close(fd);
  CHECK_EQ_INT(o.kind, ANTHROPIC_ETIMEDOUT);
  CHECK_EQ_INT(o.attempts, 2);
}

int main(void) {
  if (fixture_main_start() != 0)
    return 1;
  int rc = RUN(
      T(retry_after_ms_is_honoured), T(retry_after_seconds_are_honoured),
      T(the_decided_wait_is_waited_out), T(retry_after_http_date_is_honoured),
      T(retry_after_over_the_cap_falls_back_to_backoff),
      T(backoff_doubles_with_up_to_a_quarter_of_jitter),
      T(backoff_stops_doubling_at_8_seconds),
      T(x_should_retry_false_stops_a_retryable_status),
      T(x_should_retry_true_retries_a_client_error),
      T(retryable_statuses_are_retried), T(other_client_errors_are_not_retried),
      T(every_attempt_carries_its_retry_count),
      T(a_reset_before_the_answer_is_retried),
      T(a_reset_during_the_body_is_retried),
      T(a_truncated_body_is_retried_never_parsed),
      T(an_html_error_page_is_retried_then_reported_by_status),
      T(no_answer_times_out_and_is_retried_as_a_timeout),
      T(slow_headers_time_out), T(a_huge_body_is_too_large_and_not_retried),
      T(invalid_json_is_a_bad_response_and_not_retried),
      T(wrong_types_are_a_bad_response_that_names_the_field),
      T(per_request_max_retries_overrides_the_client),
      T(connection_refused_is_retried_then_reported),
      T(bad_retry_options_are_refused), T(cancel_before_the_request_goes_out),
      T(cancel_while_queued_behind_a_busy_connection),
      T(cancel_while_waiting_to_retry),
      T(close_while_waiting_to_retry_cancels_the_wait), T(cancel_mid_body),
      T(cancel_while_connecting),
      T(connect_timeout_covers_a_stalled_tls_handshake));
  fake_server_stop(&srv);
  if (ca_file[0] != '\0')
    unlink(ca_file);
  return rc;
}
