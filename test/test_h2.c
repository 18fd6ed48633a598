/* test_h2.c - the client over HTTP/2 negotiated by TLS ALPN, as with the
 * real API, against the fake server in --tls mode: many requests
 * multiplexed on one connection, and the stream faults that libcurl 7.88
 * can mistake for a complete transfer. */
#include "../src/client.h"
#include "fixture.h"

static void setup_h2(fixture_t *f, int max_retries) {
  anthropic_client_options_t o = ANTHROPIC_CLIENT_OPTIONS_INIT;
  o.ca_bundle = srv.ca_file;
  o.max_retries = max_retries;
  setup_with(f, &o);
}

static void retrieve_h2(int max_retries, const char *faults, outcome_t *o) {
  fixture_t f;
  setup_h2(&f, max_retries);
  if (faults != NULL)
    add_faults(faults);
  CHECK(anthropic_models_retrieve(f.client, "claude-opus-4-1", NULL, on_model,
                                  o) != 0);
  teardown(&f);
  CHECK_EQ_INT(o->calls, 1);
}

TEST(retrieve_over_http2_negotiated_by_alpn) {
  outcome_t o = {0};
  retrieve_h2(ANTHROPIC_RETRIES_DEFAULT, NULL, &o);
  CHECK_EQ_INT(o.kind, 0);
  CHECK_EQ_STR(o.model->id, "claude-opus-4-1-20250805");
  cJSON *reqs = requests();
  const cJSON *v =
      cJSON_GetObjectItem(cJSON_GetArrayItem(reqs, 0), "http_version");
  CHECK(cJSON_IsString(v));
  CHECK_EQ_STR(v->valuestring, "2.0");
  cJSON_Delete(reqs);
  outcome_free(&o);
}

typedef struct count {
  int done, ok;
} count_t;

static void on_count(const anthropic_error_t *err,
                     const anthropic_model_info_t *m, void *data) {
  count_t *c = data;
  c->done++;
  c->ok += err == NULL && m != NULL;
}

/* The connections the server saw since its last reset: how many distinct
 * `conn` numbers its records hold (the numbers themselves keep counting
 * across resets). Sets distinct_conns; returns how many records, and
 * `*h2` how many of them came over HTTP/2. */
static int distinct_conns;
static int recorded_connections(int *h2) {
  cJSON *reqs = requests();
  int seen[4096] = {0}, n = 0, records = 0;
  const cJSON *r;
  distinct_conns = 0;
  *h2 = 0;
  cJSON_ArrayForEach(r, reqs) {
    const cJSON *conn = cJSON_GetObjectItem(r, "conn");
    const cJSON *v = cJSON_GetObjectItem(r, "http_version");
    records++;
    *h2 += cJSON_IsString(v) && strcmp(v->valuestring, "2.0") == 0;
    if (!cJSON_IsNumber(conn))
      continue; /* leaves distinct_conns short: fails the count check */
    int i = 0;
    while (i < n && seen[i] != conn->valueint)
      i++;
    if (i == n && n < (int)(sizeof seen / sizeof seen[0]))
      seen[n++] = conn->valueint;
  }
  distinct_conns = n;
  cJSON_Delete(reqs);
  return records;
}

TEST(five_hundred_requests_multiplex_over_http2) {
  fixture_t f;
  count_t c = {0, 0};
  setup_h2(&f, ANTHROPIC_RETRIES_DEFAULT);
  for (int i = 0; i < 500; i++)
    CHECK(anthropic_models_retrieve(f.client, "claude-sonnet-4-0", NULL,
                                    on_count, &c) != 0);
  teardown(&f);
  CHECK_EQ_INT(c.done, 500);
  CHECK_EQ_INT(c.ok, 500);
  CHECK_EQ_INT(fake_request_count(&srv), 500);
}

/* Over https, requests started together wait for the first connection's
 * ALPN answer and then share it: a thousand at once need at most two
 * connections (a second may open before the first has said "h2"). */
/* The server saw `n` requests, every one over HTTP/2. */
static void check_all_h2(int n) {
  int h2 = 0;
  CHECK_EQ_INT(recorded_connections(&h2), n);
  CHECK_EQ_INT(h2, n);
}

/* ...and on one connection or two. */
static void check_h2_on_two_connections_at_most(int n) {
  check_all_h2(n);
  fprintf(stderr, "connections: %d\n", distinct_conns);
  CHECK(distinct_conns >= 1 && distinct_conns <= 2);
}

static void retrieve_a_thousand(unsigned settings_delay_ms) {
  fixture_t f;
  count_t c = {0, 0};
  setup_h2(&f, ANTHROPIC_RETRIES_DEFAULT);
  if (settings_delay_ms > 0)
    set_settings_delay(settings_delay_ms);
  for (int i = 0; i < 1000; i++)
    CHECK(anthropic_models_retrieve(f.client, "claude-sonnet-4-0", NULL,
                                    on_count, &c) != 0);
  teardown(&f);
  CHECK_EQ_INT(c.ok, 1000);
  check_h2_on_two_connections_at_most(1000);
}

TEST(a_thousand_requests_at_once_share_at_most_two_connections) {
  retrieve_a_thousand(0);
}

/* A loaded machine, made certain: the server starts each connection's
 * HTTP/2 session (and sends its SETTINGS) 300 ms after the TLS handshake.
 * Until then libcurl 7.88 takes a connection to carry 100 streams, and
 * every transfer past those used to open a connection of its own: 64. */
TEST(a_thousand_requests_share_two_connections_despite_late_settings) {
  retrieve_a_thousand(300);
}

/* The same through the resolver: a thousand distinct aliases (unknown to
 * the catalogue, so each is a 404 of its own) in one batch, every lookup
 * of the batch in flight at once, over at most two connections. */
static void on_resolved(const anthropic_error_t *err,
                        const anthropic_model_info_t *m, const char *alias,
                        size_t index, void *data) {
  (void)alias;
  (void)index;
  count_t *c = data;
  c->done++;
  c->ok += m == NULL && err != NULL && err->response->status == 404;
}

static void on_batch_done(anthropic_resolve_id_t id, void *data) {
  (void)id;
  (void)data;
}

/* A batch of `n` (at most 1000) aliases the catalogue does not know
 * (claude-nope-0000, ...), `concurrency` lookups at once, started on a
 * fresh HTTP/2 client whose server sends its SETTINGS `settings_delay_ms`
 * late (0: at once). */
static void start_nope_batch(fixture_t *f, count_t *c, int n,
                             unsigned concurrency, unsigned settings_delay_ms) {
  char names[1000][32];
  const char *aliases[1000];
  anthropic_resolve_options_t ro = ANTHROPIC_RESOLVE_OPTIONS_INIT;
  ro.concurrency = concurrency;
  CHECK(n <= 1000);
  for (int i = 0; i < n; i++) {
    snprintf(names[i], sizeof names[i], "claude-nope-%04d", i);
    aliases[i] = names[i];
  }
  setup_h2(f, ANTHROPIC_RETRIES_DEFAULT);
  if (settings_delay_ms > 0)
    set_settings_delay(settings_delay_ms);
  CHECK(anthropic_resolve(f->client, aliases, (size_t)n, &ro, on_resolved,
                          on_batch_done, c) != 0);
}

static void resolve_a_thousand(unsigned settings_delay_ms) {
  fixture_t f;
  count_t c = {0, 0};
  start_nope_batch(&f, &c, 1000, 1000, settings_delay_ms);
  teardown(&f);
  CHECK_EQ_INT(c.done, 1000);
  CHECK_EQ_INT(c.ok, 1000);
  check_h2_on_two_connections_at_most(1000);
}

TEST(a_thousand_resolves_share_at_most_two_connections) {
  resolve_a_thousand(0);
}

TEST(a_thousand_resolves_share_two_connections_despite_late_settings) {
  resolve_a_thousand(300);
}

/* Finished lookups are called back from the loop's idle phase, so that
 * phase must come round while transfers go on. curl asks for a zero
 * timeout after every transfer it starts; a zero libuv 1.44 timer started
 * from a timer callback runs again in the same timers phase, so over
 * HTTP/2 a whole batch used to finish inside one phase: every answer
 * waited, copied, until the end (140 MB for 20,000 aliases). */
TEST(resolve_answers_are_called_back_while_the_batch_goes_on) {
  fixture_t f;
  count_t c = {0, 0};
  start_nope_batch(&f, &c, 600, 16, 0);
  uv_run(&f.loop, UV_RUN_DEFAULT);
  CHECK_EQ_INT(c.done, 600);
  size_t peak = anth__resolve_due_peak(f.client);
  fprintf(stderr, "most answers waiting for the loop at once: %zu\n", peak);
  CHECK(peak <= 2 * 16);
  teardown(&f);
}

/* The cap is real: ten streams a connection cannot carry a hundred
 * requests at once on one. The server holds every answer a while, so the
 * first ten are still open when the others look for a connection (without
 * it, under valgrind, answers came back as fast as curl moved the waiting
 * transfers on, and one connection was enough). */
TEST(max_streams_per_connection_caps_what_one_connection_carries) {
  fixture_t f;
  count_t c = {0, 0};
  anthropic_client_options_t o = ANTHROPIC_CLIENT_OPTIONS_INIT;
  o.ca_bundle = srv.ca_file;
  o.max_streams_per_connection = 10;
  setup_with(&f, &o);
  add_faults("[{\"action\":\"delay\",\"delay_ms\":1000,\"times\":100}]");
  for (int i = 0; i < 100; i++)
    CHECK(anthropic_models_retrieve(f.client, "claude-sonnet-4-0", NULL,
                                    on_count, &c) != 0);
  teardown(&f);
  CHECK_EQ_INT(c.ok, 100);
  check_all_h2(100);
  fprintf(stderr, "connections with 10 streams each: %d\n", distinct_conns);
  CHECK(distinct_conns > 1);
}

TEST(a_stream_reset_mid_body_is_a_connection_error_never_a_result) {
  outcome_t o = {0};
  retrieve_h2(0, "[{\"action\":\"reset_during\"}]", &o);
  CHECK_EQ_INT(o.kind, ANTHROPIC_ECONNECTION);
  CHECK(o.model == NULL);
}

TEST(a_stream_ended_short_is_a_connection_error_never_a_result) {
  outcome_t o = {0};
  retrieve_h2(0, "[{\"action\":\"truncate\"}]", &o);
  CHECK_EQ_INT(o.kind, ANTHROPIC_ECONNECTION);
  CHECK(o.model == NULL);
}

/* Without Content-Length only the stream's end tells a whole body from a
 * cut one. A reset (RST_STREAM) with an error code is a connection error,
 * never a result or a bad_response, whether half the body came or all of
 * it. A reset with NO_ERROR (node's default) after half the body looks like
 * a clean end to libcurl 7.88: the body is caught as JSON that ends early. */
static const char *const reset_no_length[] = {
    "[{\"action\":\"reset_during\",\"content_length\":false}]",
    "[{\"action\":\"reset_during\",\"content_length\":false,"
    "\"whole\":true}]",
    "[{\"action\":\"reset_during\",\"content_length\":false,"
    "\"rst_code\":0}]"};
#define N_RESET_NO_LENGTH (sizeof reset_no_length / sizeof reset_no_length[0])

TEST(a_stream_reset_without_content_length_is_a_connection_error) {
  for (size_t i = 0; i < N_RESET_NO_LENGTH; i++) {
    outcome_t o = {0};
    retrieve_h2(0, reset_no_length[i], &o);
    if (o.kind != ANTHROPIC_ECONNECTION)
      FAILF("%s: kind %d (%s), want connection", reset_no_length[i], o.kind,
            o.message);
    CHECK(o.model == NULL);
    CHECK_EQ_INT(fake_request_count(&srv), 1);
    outcome_free(&o);
  }
}

TEST(a_stream_reset_without_content_length_is_retried) {
  for (size_t i = 0; i < N_RESET_NO_LENGTH; i++) {
    outcome_t o = {0};
    retrieve_h2(ANTHROPIC_RETRIES_DEFAULT, reset_no_length[i], &o);
    if (o.kind != 0)
      FAILF("%s: kind %d (%s)", reset_no_length[i], o.kind, o.message);
    CHECK_EQ_STR(o.model->id, "claude-opus-4-1-20250805");
    CHECK_EQ_INT(fake_request_count(&srv), 2);
    outcome_free(&o);
  }
}

TEST(stream_faults_are_retried_on_the_same_connection) {
  const char *actions[] = {"reset_before", "reset_during", "truncate"};
  for (size_t i = 0; i < sizeof actions / sizeof actions[0]; i++) {
    outcome_t o = {0};
    char faults[64];
    snprintf(faults, sizeof faults, "[{\"action\":\"%s\"}]", actions[i]);
    retrieve_h2(ANTHROPIC_RETRIES_DEFAULT, faults, &o);
    if (o.kind != 0)
      FAILF("%s: kind %d (%s)", actions[i], o.kind, o.message);
    CHECK_EQ_INT(fake_request_count(&srv), 2);
    outcome_free(&o);
  }
}

TEST(prior_knowledge_is_refused_on_a_libcurl_that_cannot_reuse_it) {
  uv_loop_t loop;
  anthropic_client_t *c = NULL;
  char err[256];
  anthropic_client_options_t o = ANTHROPIC_CLIENT_OPTIONS_INIT;
  o.flags = ANTHROPIC_CLIENT_NO_ENV | ANTHROPIC_CLIENT_HTTP2_PRIOR_KNOWLEDGE;
  o.base_url = "http://127.0.0.1:1";
  CHECK_EQ_INT(uv_loop_init(&loop), 0);
  int rc = anthropic_client_init(&loop, &c, &o, err, sizeof err);
  if (curl_version_info(CURLVERSION_NOW)->version_num < 0x080000) {
    CHECK_EQ_INT(rc, ANTHROPIC_EINVAL);
    CHECK_CONTAINS(err, "libcurl 8.0");
  } else {
    CHECK_EQ_INT(rc, 0);
    anthropic_client_close(c, NULL);
  }
  test_loop_finish(&loop);
}

TEST(a_certificate_the_client_does_not_trust_is_a_tls_error) {
  fixture_t f;
  outcome_t o = {0};
  setup_no_retries(&f); /* the system's CAs: the fake's cert is unknown */
  retrieve_to_the_end(&f, "claude-opus-4-1", &o);
  CHECK_EQ_INT(o.kind, ANTHROPIC_ETLS);
  CHECK_EQ_INT(fake_request_count(&srv), 0);
}

typedef struct lines {
  int count, warnings;
  char warning[512];
} lines_t;

static void on_log(void *data, anthropic_log_level_t level, const char *line) {
  lines_t *l = data;
  l->count++;
  if (level == ANTHROPIC_LOG_WARN && l->warnings++ == 0)
    snprintf(l->warning, sizeof l->warning, "%s", line);
}

/* The named way out of verification: the fake's self-signed certificate,
 * not in any bundle the client has, is accepted, and init says so. */
TEST(skip_tls_verify_accepts_a_self_signed_server_and_warns) {
  fixture_t f;
  outcome_t o = {0};
  lines_t l = {0, 0, ""};
  anthropic_client_options_t opts = ANTHROPIC_CLIENT_OPTIONS_INIT;
  opts.flags = ANTHROPIC_CLIENT_INSECURE_SKIP_TLS_VERIFY;
  opts.max_retries = 0;
  opts.log_cb = on_log;
  opts.log_data = &l;
  setup_with(&f, &opts);
  int at_init = l.warnings;
  retrieve_to_the_end(&f, "claude-opus-4-1", &o);
  if (o.kind != 0)
    FAILF("kind %d (%s)", o.kind, o.message);
  CHECK_EQ_STR(o.model->id, "claude-opus-4-1-20250805");
  outcome_free(&o);
  CHECK_EQ_INT(at_init, 1);
  CHECK_EQ_INT(l.warnings, 1); /* at init only, not per request */
  CHECK_CONTAINS(l.warning, "ANTHROPIC_CLIENT_INSECURE_SKIP_TLS_VERIFY");
}

/* Over HTTP/1.1 each request in flight takes a connection of its own:
 * once one handshake is done, connections opened after it can resume a
 * TLS session another connection got (the client's easy handles share
 * one session cache; each had its own, so none resumed: 8 connections,
 * 8 full handshakes). About every other one does here (3 or 4 of 7 with
 * curl 7.88, which keeps one TLS 1.3 ticket a host, each good once). The
 * client still closes cleanly: the loop closes with 0 (teardown). */
TEST(http1_connections_over_tls_resume_the_first_session) {
  fixture_t f;
  count_t c = {0, 0};
  anthropic_client_options_t o = ANTHROPIC_CLIENT_OPTIONS_INIT;
  o.ca_bundle = srv.ca_file;
  o.flags = ANTHROPIC_CLIENT_HTTP1;
  o.max_requests_in_flight = 8;
  o.max_host_connections = 8;
  setup_with(&f, &o);
  CHECK(anthropic_models_retrieve(f.client, "claude-sonnet-4-0", NULL, on_count,
                                  &c) != 0);
  uv_run(&f.loop, UV_RUN_DEFAULT); /* the first handshake, in full */
  /* Then 2, 3, ... 8 at once: each time the connections kept carry all
   * but one, which opens one more connection. */
  for (int k = 2; k <= 8; k++) {
    for (int i = 0; i < k; i++)
      CHECK(anthropic_models_retrieve(f.client, "claude-sonnet-4-0", NULL,
                                      on_count, &c) != 0);
    uv_run(&f.loop, UV_RUN_DEFAULT);
  }
  teardown(&f);
  CHECK_EQ_INT(c.ok, 36);
  cJSON *reqs = requests();
  int conns[64] = {0}, resumed = 0, full = 0, n = 0;
  const cJSON *r;
  cJSON_ArrayForEach(r, reqs) {
    const cJSON *conn = cJSON_GetObjectItem(r, "conn");
    int i = 0;
    CHECK(cJSON_IsNumber(conn));
    while (i < n && conns[i] != conn->valueint)
      i++;
    if (i < n || n == 64)
      continue; /* one count a connection */
    conns[n++] = conn->valueint;
    resumed += cJSON_IsTrue(cJSON_GetObjectItem(r, "tls_resumed"));
    full += cJSON_IsFalse(cJSON_GetObjectItem(r, "tls_resumed"));
  }
  cJSON_Delete(reqs);
  fprintf(stderr, "connections: %d, resumed %d, full handshakes %d\n", n,
          resumed, full);
  CHECK(n >= 2);
  CHECK_EQ_INT(full + resumed, n);
  CHECK(resumed >= 1);
}

int main(void) {
  const char *args[] = {"--tls", NULL};
  if (fixture_main_start_args(args) != 0)
    return 1;
  int rc =
      RUN(T(retrieve_over_http2_negotiated_by_alpn),
          T(five_hundred_requests_multiplex_over_http2),
          T(a_thousand_requests_at_once_share_at_most_two_connections),
          T(a_thousand_requests_share_two_connections_despite_late_settings),
          T(a_thousand_resolves_share_at_most_two_connections),
          T(a_thousand_resolves_share_two_connections_despite_late_settings),
          T(resolve_answers_are_called_back_while_the_batch_goes_on),
          T(max_streams_per_connection_caps_what_one_connection_carries),
          T(a_stream_reset_mid_body_is_a_connection_error_never_a_result),
          T(a_stream_ended_short_is_a_connection_error_never_a_result),
          T(a_stream_reset_without_content_length_is_a_connection_error),
          T(a_stream_reset_without_content_length_is_retried),
          T(stream_faults_are_retried_on_the_same_connection),
          T(prior_knowledge_is_refused_on_a_libcurl_that_cannot_reuse_it),
          T(a_certificate_the_client_does_not_trust_is_a_tls_error),
          T(skip_tls_verify_accepts_a_self_signed_server_and_warns),
          T(http1_connections_over_tls_resume_the_first_session));
  fake_server_stop(&srv);
  return rc;
}
