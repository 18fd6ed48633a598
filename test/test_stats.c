/* test_stats.c - the client's counters (anthropic_client_get_stats()):
 * attempts, retries, give-ups, errors by class, cancels and the gauges,
 * as the request machine decides them, against the fake API's faults. */
#include "fixture.h"

#include <time.h>

/* Run the loop until `o`'s callback has run. */
static void run_until_called(fixture_t *f, const outcome_t *o) {
  for (int i = 0; i < 2000 && o->calls == 0; i++) {
    uv_run(&f->loop, UV_RUN_NOWAIT);
    struct timespec ts = {0, 2000000};
    nanosleep(&ts, NULL);
  }
  CHECK_EQ_INT(o->calls, 1);
}

static anthropic_client_stats_t stats_of(const fixture_t *f) {
  anthropic_client_stats_t st = ANTHROPIC_CLIENT_STATS_INIT;
  CHECK_EQ_INT(anthropic_client_get_stats(f->client, &st), 0);
  return st;
}

/* One retrieve with `faults` queued, on a client with `max_retries`; the
 * stats once its callback has run. */
static anthropic_client_stats_t
retrieve_with(int max_retries, const char *base_url, const char *faults) {
  fixture_t f;
  outcome_t o = {0};
  anthropic_client_options_t opts = ANTHROPIC_CLIENT_OPTIONS_INIT;
  opts.max_retries = max_retries;
  opts.base_url = base_url;
  opts.log_level = ANTHROPIC_LOG_OFF; /* counted, whatever is logged */
  setup_with(&f, &opts);
  if (faults != NULL)
    add_faults(faults);
  CHECK(anthropic_models_retrieve(f.client, "claude-opus-4-1", NULL, on_model,
                                  &o) != 0);
  run_until_called(&f, &o);
  anthropic_client_stats_t st = stats_of(&f);
  teardown(&f);
  outcome_free(&o);
  return st;
}

TEST(a_new_client_counts_nothing) {
  fixture_t f;
  setup(&f);
  anthropic_client_stats_t st = stats_of(&f);
  CHECK(st.requests_started == 0 && st.requests_finished == 0);
  CHECK(st.attempts == 0 && st.retries == 0 && st.giveups == 0);
  CHECK(st.in_flight == 0 && st.queued == 0);
  teardown(&f);
}

/* One retrieve (retrieve_with()) and every counter after it: those not
 * named in `want` are 0. */
typedef struct count_case {
  const char *name;
  int max_retries;
  const char *base_url, *faults;
  anthropic_client_stats_t want;
} count_case_t;

static const count_case_t counts[] = {
    {"two_overloads_then_a_success_are_three_attempts_and_two_retries",
     2,
     NULL,
     "[{\"status\":529,\"times\":2,\"headers\":{\"retry-after-ms\":\"10\"}}]",
     {.requests_started = 1,
      .requests_finished = 1,
      .attempts = 3,
      .retries = 2,
      .http_5xx = 2}},
    {"a_retryable_error_on_the_last_attempt_is_a_giveup",
     1,
     NULL,
     "[{\"status\":429,\"times\":2,\"headers\":{\"retry-after-ms\":\"10\"}}]",
     {.requests_started = 1,
      .requests_finished = 1,
      .attempts = 2,
      .retries = 1,
      .giveups = 1,
      .http_429 = 2}},
    {"a_not_found_is_a_4xx_and_a_404_and_no_giveup",
     2,
     NULL,
     "[{\"status\":404}]",
     {.requests_started = 1,
      .requests_finished = 1,
      .attempts = 1,
      .http_4xx = 1,
      .http_404 = 1}},
    /* Retryable, and no retry left: a give-up. */
    {"a_refused_connection_is_a_connection_error",
     0,
     "http://127.0.0.1:1",
     NULL,
     {.requests_started = 1,
      .requests_finished = 1,
      .attempts = 1,
      .giveups = 1,
      .connection_errors = 1}},
};

#define EACH_COUNTER(X)                                                        \
  X(requests_started)                                                          \
  X(requests_finished)                                                         \
  X(cancelled)                                                                 \
  X(attempts)                                                                  \
  X(retries)                                                                   \
  X(giveups)                                                                   \
  X(in_flight)                                                                 \
  X(queued)                                                                    \
  X(connection_errors)                                                         \
  X(timeouts)                                                                  \
  X(http_4xx)                                                                  \
  X(http_404)                                                                  \
  X(http_429)                                                                  \
  X(http_5xx)

static void check_counts(const count_case_t *c) {
  anthropic_client_stats_t st =
      retrieve_with(c->max_retries, c->base_url, c->faults);
#define CHECK_COUNTER(field) CHECK_EQ_INT(st.field, c->want.field);
  EACH_COUNTER(CHECK_COUNTER)
#undef CHECK_COUNTER
}
TABLE_TEST(counts, check_counts)

TEST(the_gauges_show_in_flight_and_queued_and_cancels_are_counted) {
  fixture_t f;
  outcome_t a = {0}, b = {0};
  anthropic_client_options_t opts = ANTHROPIC_CLIENT_OPTIONS_INIT;
  opts.max_host_connections = 1;
  opts.max_requests_in_flight = 1;
  setup_with(&f, &opts);
  add_faults("[{\"action\":\"hang\"}]");
  anthropic_request_id_t ra = anthropic_models_retrieve(
      f.client, "claude-opus-4-1", NULL, on_model, &a);
  anthropic_request_id_t rb = anthropic_models_retrieve(
      f.client, "claude-opus-4-0", NULL, on_model, &b);
  anthropic_client_stats_t st = stats_of(&f);
  CHECK(st.requests_started == 2);
  CHECK(st.in_flight == 1);
  CHECK(st.queued == 1);
  CHECK_EQ_INT(anthropic_request_cancel(f.client, rb), 0);
  CHECK_EQ_INT(anthropic_request_cancel(f.client, ra), 0);
  run_until_called(&f, &a);
  run_until_called(&f, &b);
  st = stats_of(&f);
  CHECK(st.requests_finished == 2);
  CHECK(st.cancelled == 2);
  CHECK(st.attempts == 0);
  CHECK(st.in_flight == 0 && st.queued == 0);
  teardown(&f);
}

static int on_each_page(const anthropic_models_page_t *page, void *data) {
  (void)page;
  (void)data;
  return 0;
}

static void on_walk_done(const anthropic_error_t *err, size_t items,
                         void *data) {
  (void)items;
  outcome_t *o = data;
  o->calls++;
  o->kind = err != NULL ? err->kind : 0;
}

TEST(a_walk_is_one_request_and_an_attempt_per_page) {
  fixture_t f;
  outcome_t o = {0};
  setup(&f);
  anthropic_models_list_params_t p = ANTHROPIC_MODELS_LIST_PARAMS_INIT;
  p.limit = 2;
  CHECK(anthropic_models_list_all(f.client, &p, 0, on_each_page, on_walk_done,
                                  &o) != 0);
  run_until_called(&f, &o);
  CHECK_EQ_INT(o.kind, 0);
  anthropic_client_stats_t st = stats_of(&f);
  CHECK(fake_request_count(&srv) > 1);
  CHECK(st.attempts == (uint64_t)fake_request_count(&srv));
  CHECK(st.requests_started == 1);
  CHECK(st.requests_finished == 1);
  CHECK(st.retries == 0);
  teardown(&f);
}

TEST(stats_are_refused_without_a_size_or_a_client) {
  fixture_t f;
  setup(&f);
  anthropic_client_stats_t st;
  memset(&st, 0, sizeof st);
  CHECK_EQ_INT(anthropic_client_get_stats(f.client, &st), ANTHROPIC_EINVAL);
  st.size = sizeof st;
  CHECK_EQ_INT(anthropic_client_get_stats(NULL, &st), ANTHROPIC_EINVAL);
  CHECK_EQ_INT(anthropic_client_get_stats(f.client, NULL), ANTHROPIC_EINVAL);
  teardown(&f);
}

int main(void) {
  if (fixture_main_start() != 0)
    return 1;
  int rc = RUN(T(a_new_client_counts_nothing), TABLE(counts),
               T(the_gauges_show_in_flight_and_queued_and_cancels_are_counted),
               T(a_walk_is_one_request_and_an_attempt_per_page),
               T(stats_are_refused_without_a_size_or_a_client));
  fake_server_stop(&srv);
  return rc;
}
