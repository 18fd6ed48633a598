/* test_watch.c - anthropic_models_watch() against the fake API: the
 * snapshot, the change events after catalogue changes, conditional pages,
 * errors and their backoff, cancel and close, the resolve cache.
 *
 * Cycles are stepped through the client's timer hook: every delay the
 * watch decides (the first cycle's 0, an interval, a backoff) is recorded
 * and run as 1 ms, so no test waits an interval out; what a test does
 * between two cycles it does from the CYCLE (or ERROR) event, which comes
 * before the next cycle's timer is set. */
#include "../src/client.h"
#include "fixture.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct wrec wrec_t;
/* Between cycles: `ends` CYCLE and ERROR events so far (this one
 * included). */
typedef void (*between_fn)(wrec_t *r, const anthropic_watch_event_t *ev);

struct wrec {
  fixture_t *f;
  anthropic_request_id_t id;
  char log[32768];
  size_t len;
  int ends;      /* CYCLE and ERROR events */
  int stop_at;   /* cancel at this many ends (0: never) */
  int close_at;  /* close the client at this many ends */
  int cancel_on; /* cancel from the first event of this kind */
  int done_calls, done_kind, events_after_done;
  between_fn between;
  /* What the hook saw of the watch's timers. */
  anth_timer_cb watch_cb;
  bool learning;
  uint64_t delays[64];
  int ndelays;
  /* SNAPSHOT */
  size_t snap_count, snap_aliases;
  char snap_first[96];
  bool snap_has_retired;
  char snap_alias_model[8][96];
  char snap_alias[8][96];
  uint64_t next_ms[64];
  int nnext;
  bool last_not_modified;
  char last_error[256]; /* the last ERROR's message */
};

static void logf_(wrec_t *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void logf_(wrec_t *r, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(r->log + r->len, sizeof r->log - r->len, fmt, ap);
  va_end(ap);
  if (n > 0 && (size_t)n < sizeof r->log - r->len)
    r->len += (size_t)n;
}

static uint64_t hook(void *data, anth_timer_t *t, uint64_t ms) {
  wrec_t *r = data;
  if (r->learning) {
    r->learning = false;
    r->watch_cb = t->cb;
  }
  if (t->cb != r->watch_cb)
    return ms;
  if (r->ndelays < 64)
    r->delays[r->ndelays++] = ms;
  return 1;
}

static const char *id_or_null(const anthropic_model_info_t *m) {
  return m ? m->id : "(none)";
}

static const char *str_or(const anthropic_opt_str_t *s) {
  return s->value ? s->value : "(none)";
}

static const char *time_or(const anthropic_time_t *t) {
  return t->text ? t->text : "(none)";
}

static void on_event(const anthropic_watch_event_t *ev, void *data) {
  wrec_t *r = data;
  if (r->done_calls > 0)
    r->events_after_done++;
  switch (ev->kind) {
  case ANTHROPIC_WATCH_SNAPSHOT:
    logf_(r, "SNAPSHOT %zu %zu\n", ev->count, ev->aliases_count);
    r->snap_count = ev->count;
    r->snap_aliases = ev->aliases_count;
    if (ev->count > 0)
      snprintf(r->snap_first, sizeof r->snap_first, "%s", ev->models[0]->id);
    for (size_t i = 0; i < ev->count; i++)
      if (ev->models[i]->lifecycle_value == ANTHROPIC_LIFECYCLE_RETIRED)
        r->snap_has_retired = true;
    for (size_t i = 0; i < ev->aliases_count && i < 8; i++) {
      snprintf(r->snap_alias[i], 96, "%s", ev->aliases[i]);
      snprintf(r->snap_alias_model[i], 96, "%s",
               id_or_null(ev->alias_models[i]));
    }
    break;
  case ANTHROPIC_WATCH_ADDED:
    logf_(r, "ADDED %s\n", ev->model->id);
    break;
  case ANTHROPIC_WATCH_REMOVED:
    logf_(r, "REMOVED %s\n", ev->previous->id);
    break;
  case ANTHROPIC_WATCH_LIFECYCLE_CHANGED:
    logf_(r, "LIFECYCLE %s %s->%s\n", ev->model->id,
          str_or(&ev->previous->lifecycle), str_or(&ev->model->lifecycle));
    break;
  case ANTHROPIC_WATCH_DEPRECATED_AT_CHANGED:
    logf_(r, "DEPRECATED_AT %s %s->%s\n", ev->model->id,
          time_or(&ev->previous->deprecated_at),
          time_or(&ev->model->deprecated_at));
    break;
  case ANTHROPIC_WATCH_RETIRES_AT_CHANGED:
    logf_(r, "RETIRES_AT %s %s->%s\n", ev->model->id,
          time_or(&ev->previous->retires_at), time_or(&ev->model->retires_at));
    break;
  case ANTHROPIC_WATCH_ALIAS_MOVED:
    logf_(r, "MOVED %s %s->%s\n", ev->alias,
          ev->previous ? ev->previous->id : "(none)",
          ev->model ? ev->model->id : "(none)");
    break;
  case ANTHROPIC_WATCH_ERROR:
    logf_(r, "ERROR %s %s failures=%u next=%llu\n",
          anthropic_err_name(ev->error->kind), ev->alias ? ev->alias : "-",
          ev->failures, (unsigned long long)ev->next_ms);
    snprintf(r->last_error, sizeof r->last_error, "%s", ev->error->message);
    break;
  case ANTHROPIC_WATCH_CYCLE:
    logf_(r, "CYCLE %llu changes=%zu nm=%d\n", (unsigned long long)ev->cycle,
          ev->changes, ev->not_modified);
    r->last_not_modified = ev->not_modified;
    break;
  }
  if ((int)ev->kind == r->cancel_on) {
    r->cancel_on = 0;
    CHECK_EQ_INT(anthropic_request_cancel(r->f->client, r->id), 0);
    CHECK_EQ_INT(anthropic_request_cancel(r->f->client, r->id),
                 ANTHROPIC_EINVAL);
    return;
  }
  if (ev->kind != ANTHROPIC_WATCH_CYCLE && ev->kind != ANTHROPIC_WATCH_ERROR)
    return;
  if (r->nnext < 64)
    r->next_ms[r->nnext++] = ev->next_ms;
  r->ends++;
  if (r->close_at == r->ends) {
    anthropic_client_close(r->f->client, on_closed);
    return;
  }
  if (r->stop_at == r->ends) {
    CHECK_EQ_INT(anthropic_request_cancel(r->f->client, r->id), 0);
    return;
  }
  if (r->between != NULL)
    r->between(r, ev);
}

static void on_done(const anthropic_error_t *err, void *data) {
  wrec_t *r = data;
  r->done_calls++;
  r->done_kind = err->kind;
}

/* Start a watch on f, recording into r; opts NULL: every 10 minutes, no
 * jitter. */
static void start(fixture_t *f, wrec_t *r, anthropic_watch_options_t *opts) {
  anthropic_watch_options_t dflt = ANTHROPIC_WATCH_OPTIONS_INIT;
  dflt.flags = ANTHROPIC_WATCH_NO_JITTER;
  r->f = f;
  f->client->timer_hook = hook;
  f->client->timer_hook_data = r;
  r->learning = true;
  r->id = anthropic_models_watch(f->client, opts ? opts : &dflt, on_event,
                                 on_done, r);
  CHECK(r->id != 0);
  CHECK(!r->learning); /* its first cycle's timer: 0 ms, from the loop */
  CHECK_EQ_INT(r->ndelays, 1);
  CHECK_EQ_INT(r->delays[0], 0);
  CHECK_EQ_INT(r->len, 0); /* no event from inside the call */
}

static void finish(fixture_t *f, wrec_t *r) {
  uv_run(&f->loop, UV_RUN_DEFAULT);
  CHECK_EQ_INT(r->done_calls, 1);
  CHECK_EQ_INT(r->done_kind, ANTHROPIC_ECANCELLED);
  CHECK_EQ_INT(r->events_after_done, 0);
  if (!f->closed) {
    anthropic_client_stats_t st = ANTHROPIC_CLIENT_STATS_INIT;
    CHECK_EQ_INT(anthropic_client_get_stats(f->client, &st), 0);
    CHECK_EQ_INT(st.requests_started, st.requests_finished);
    CHECK(st.cancelled >= 1);
    teardown(f);
  } else {
    test_loop_finish(&f->loop);
  }
}

static void post_catalogue(const char *json) {
  char *b = fake_post(&srv, "/_fake/catalogue", json);
  CHECK(b != NULL);
  CHECK_CONTAINS(b, "\"ok\":true");
  free(b);
}

static size_t catalogue_count(void) {
  cJSON *c = catalogue();
  size_t n = (size_t)cJSON_GetArraySize(cJSON_GetObjectItem(c, "models"));
  cJSON_Delete(c);
  return n;
}

TEST(snapshot_has_every_model_and_the_aliases) {
  fixture_t f;
  wrec_t r = {0};
  setup(&f);
  const char *aliases[] = {"claude-opus-4-1", "claude-nowhere-9"};
  anthropic_watch_options_t o = ANTHROPIC_WATCH_OPTIONS_INIT;
  o.flags = ANTHROPIC_WATCH_NO_JITTER;
  o.aliases = aliases;
  o.aliases_count = 2;
  r.stop_at = 1;
  start(&f, &r, &o);
  finish(&f, &r);
  CHECK_EQ_INT(r.snap_count, catalogue_count());
  CHECK(r.snap_has_retired);
  CHECK_EQ_STR(r.snap_first, "claude-opus-5-20260415");
  CHECK_EQ_INT(r.snap_aliases, 2);
  CHECK_EQ_STR(r.snap_alias[0], "claude-opus-4-1");
  CHECK_EQ_STR(r.snap_alias_model[0], "claude-opus-4-1-20250805");
  CHECK_EQ_STR(r.snap_alias[1], "claude-nowhere-9");
  CHECK_EQ_STR(r.snap_alias_model[1], "(none)");
  char want[64];
  snprintf(want, sizeof want, "SNAPSHOT %zu 2\nCYCLE 1 changes=0 nm=0\n",
           r.snap_count);
  CHECK_EQ_STR(r.log, want);
  CHECK_EQ_INT(r.next_ms[0], 600000);
  CHECK_EQ_INT(r.ndelays, 1); /* cancelled: no timer after it */
  /* Every lifecycle asked for, 1000 a page. */
  cJSON *reqs = requests();
  const cJSON *q = cJSON_GetArrayItem(reqs, 0);
  const char *url = cJSON_GetObjectItem(q, "target")->valuestring;
  CHECK_CONTAINS(url, "limit=1000");
  CHECK_CONTAINS(url, "retired");
  CHECK_CONTAINS(url, "deprecated");
  cJSON_Delete(reqs);
}

static void change_five(wrec_t *r, const anthropic_watch_event_t *ev) {
  (void)ev;
  if (r->ends == 1)
    post_catalogue(
        "[{\"op\":\"move_alias\",\"alias\":\"claude-opus-4-1\","
        "\"to\":\"claude-opus-4-5-20251101\"},"
        "{\"op\":\"set\",\"id\":\"claude-sonnet-4-20250514\",\"fields\":"
        "{\"lifecycle\":\"deprecated\"}},"
        "{\"op\":\"set\",\"id\":\"claude-haiku-4-5-20251001\",\"fields\":"
        "{\"retires_at\":\"2027-01-01T00:00:00Z\"}},"
        "{\"op\":\"add\",\"model\":{\"id\":\"claude-new-20261201\",\"type\":"
        "\"model\",\"display_name\":\"New\",\"created_at\":"
        "\"2026-12-01T00:00:00Z\"}},"
        "{\"op\":\"remove\",\"id\":\"claude-2-0-20230711\"}]");
  else if (r->ends == 2) /* the same time, written otherwise: no change */
    post_catalogue(
        "[{\"op\":\"set\",\"id\":\"claude-haiku-4-5-20251001\",\"fields\":"
        "{\"retires_at\":\"2027-01-01T00:00:00.000Z\"}}]");
}

TEST(catalogue_changes_give_exactly_their_events) {
  fixture_t f;
  wrec_t r = {0};
  setup(&f);
  const char *aliases[] = {"claude-opus-4-1"};
  anthropic_watch_options_t o = ANTHROPIC_WATCH_OPTIONS_INIT;
  o.flags = ANTHROPIC_WATCH_NO_JITTER;
  o.aliases = aliases;
  o.aliases_count = 1;
  o.interval_ms = 5000;
  r.stop_at = 3;
  r.between = change_five;
  start(&f, &r, &o);
  finish(&f, &r);
  const char *second = strstr(r.log, "CYCLE 1 changes=0 nm=0\n");
  CHECK(second != NULL);
  CHECK_EQ_STR(
      second + strlen("CYCLE 1 changes=0 nm=0\n"),
      "ADDED claude-new-20261201\n"
      "RETIRES_AT claude-haiku-4-5-20251001 (none)->2027-01-01T00:00:00Z\n"
      "LIFECYCLE claude-sonnet-4-20250514 active->deprecated\n"
      "REMOVED claude-2-0-20230711\n"
      "MOVED claude-opus-4-1 claude-opus-4-1-20250805->"
      "claude-opus-4-5-20251101\n"
      "CYCLE 2 changes=5 nm=0\n"
      "CYCLE 3 changes=0 nm=0\n");
  CHECK_EQ_INT(r.delays[1], 5000);
  CHECK_EQ_INT(r.delays[2], 5000);
}

static void two_faults(wrec_t *r, const anthropic_watch_event_t *ev) {
  (void)ev;
  if (r->ends == 1)
    add_faults("[{\"status\":500,\"match\":\"/v1/models?\",\"times\":2}]");
}

TEST(failed_cycles_back_off_then_recover_without_spurious_changes) {
  fixture_t f;
  wrec_t r = {0};
  setup_no_retries(&f);
  anthropic_watch_options_t o = ANTHROPIC_WATCH_OPTIONS_INIT;
  o.flags = ANTHROPIC_WATCH_NO_JITTER;
  o.interval_ms = 60000;
  o.backoff_ms = 100;
  r.stop_at = 4;
  r.between = two_faults;
  start(&f, &r, &o);
  finish(&f, &r);
  const char *after = strstr(r.log, "CYCLE 1 changes=0 nm=0\n");
  CHECK(after != NULL);
  CHECK_EQ_STR(after + strlen("CYCLE 1 changes=0 nm=0\n"),
               "ERROR http - failures=1 next=100\n"
               "ERROR http - failures=2 next=200\n"
               "CYCLE 4 changes=0 nm=1\n");
  CHECK_EQ_INT(r.ndelays, 4); /* 0, the interval, then the two backoffs */
  CHECK_EQ_INT(r.delays[1], 60000);
  CHECK_EQ_INT(r.delays[2], 100);
  CHECK_EQ_INT(r.delays[3], 200);
}

/* The defaults: a backoff of 1 s, never longer than the interval (0:
 * interval_ms), so a watch every 300 ms retries every 300 ms. */
TEST(the_backoff_is_never_longer_than_the_interval_by_default) {
  fixture_t f;
  wrec_t r = {0};
  setup_no_retries(&f);
  anthropic_watch_options_t o = ANTHROPIC_WATCH_OPTIONS_INIT;
  o.flags = ANTHROPIC_WATCH_NO_JITTER;
  o.interval_ms = 300;
  r.stop_at = 4;
  r.between = two_faults;
  start(&f, &r, &o);
  finish(&f, &r);
  const char *after = strstr(r.log, "CYCLE 1 changes=0 nm=0\n");
  CHECK(after != NULL);
  CHECK_EQ_STR(after + strlen("CYCLE 1 changes=0 nm=0\n"),
               "ERROR http - failures=1 next=300\n"
               "ERROR http - failures=2 next=300\n"
               "CYCLE 4 changes=0 nm=1\n");
}

static void fail_alias(wrec_t *r, const anthropic_watch_event_t *ev) {
  (void)ev;
  if (r->ends == 1) {
    add_faults("[{\"status\":503,\"match\":\"/v1/models/claude-opus-4-1\","
               "\"times\":2}]");
    post_catalogue("[{\"op\":\"remove\",\"id\":\"claude-1-3-20230301\"},"
                   "{\"op\":\"move_alias\",\"alias\":\"claude-sonnet-4-5\","
                   "\"to\":\"claude-opus-4-5-20251101\"}]");
  }
}

/* One alias whose lookup fails (a 503, twice) fails that alias only: the
 * list's changes and the other aliases' moves still come, then its ERROR,
 * then the CYCLE, and the next cycle after the backoff. The alias keeps
 * the model it named: no move when it answers again. */
TEST(a_failed_alias_lookup_fails_that_alias_only) {
  fixture_t f;
  wrec_t r = {0};
  setup_no_retries(&f);
  const char *aliases[] = {"claude-opus-4-1", "claude-sonnet-4-5"};
  anthropic_watch_options_t o = ANTHROPIC_WATCH_OPTIONS_INIT;
  o.flags = ANTHROPIC_WATCH_NO_JITTER;
  o.aliases = aliases;
  o.aliases_count = 2;
  o.backoff_ms = 300;
  o.max_backoff_ms = 250; /* below the backoff: the cap wins (the header) */
  r.stop_at = 6;          /* cycles 1..4: CYCLE, ERROR + CYCLE twice, CYCLE */
  r.between = fail_alias;
  start(&f, &r, &o);
  finish(&f, &r);
  const char *after = strstr(r.log, "CYCLE 1 changes=0 nm=0\n");
  CHECK(after != NULL);
  CHECK_EQ_STR(after + strlen("CYCLE 1 changes=0 nm=0\n"),
               "REMOVED claude-1-3-20230301\n"
               "MOVED claude-sonnet-4-5 claude-sonnet-4-5-20250929->"
               "claude-opus-4-5-20251101\n"
               "ERROR http claude-opus-4-1 failures=1 next=250\n"
               "CYCLE 2 changes=2 nm=0\n"
               "ERROR http claude-opus-4-1 failures=2 next=250\n"
               "CYCLE 3 changes=0 nm=1\n"
               "CYCLE 4 changes=0 nm=1\n");
  CHECK_EQ_INT(r.ndelays, 4); /* 0, the interval, the backoff twice */
  CHECK_EQ_INT(r.delays[2], 250);
  CHECK_EQ_INT(r.delays[3], 250);
}

TEST(cancel_before_the_first_cycle_ends_with_no_event) {
  fixture_t f;
  wrec_t r = {0};
  setup(&f);
  start(&f, &r, NULL);
  CHECK_EQ_INT(anthropic_request_cancel(f.client, r.id), 0);
  CHECK_EQ_INT(anthropic_request_cancel(f.client, r.id), ANTHROPIC_EINVAL);
  CHECK_EQ_INT(anthropic_models_watch_alias(f.client, r.id, "claude-opus-4-1"),
               ANTHROPIC_EINVAL);
  CHECK_EQ_INT(r.done_calls, 0); /* from the loop */
  finish(&f, &r);
  CHECK_EQ_INT(r.len, 0);
}

TEST(cancel_while_the_list_is_in_flight) {
  fixture_t f;
  wrec_t r = {0};
  setup(&f);
  add_faults("[{\"action\":\"delay\",\"delay_ms\":200}]");
  start(&f, &r, NULL);
  run_until_requests(&f, 1);
  CHECK_EQ_INT(anthropic_request_cancel(f.client, r.id), 0);
  finish(&f, &r);
  CHECK_EQ_INT(r.len, 0);
}

TEST(cancel_from_inside_the_snapshot_event) {
  fixture_t f;
  wrec_t r = {0};
  setup(&f);
  r.cancel_on = ANTHROPIC_WATCH_SNAPSHOT;
  start(&f, &r, NULL);
  finish(&f, &r);
  CHECK(strncmp(r.log, "SNAPSHOT ", 9) == 0);
  CHECK(strstr(r.log, "CYCLE") == NULL);
}

TEST(close_the_client_from_inside_an_event) {
  fixture_t f;
  wrec_t r = {0};
  setup(&f);
  r.close_at = 1;
  start(&f, &r, NULL);
  finish(&f, &r);
  CHECK_EQ_INT(f.closed, 1);
}

TEST(close_the_client_with_a_watch_running) {
  fixture_t f;
  wrec_t r = {0};
  setup(&f);
  add_faults("[{\"action\":\"delay\",\"delay_ms\":200}]");
  start(&f, &r, NULL);
  run_until_requests(&f, 1);
  anthropic_client_close(f.client, on_closed);
  CHECK_EQ_INT(r.done_calls, 0);
  wrec_t late = {0};
  CHECK(anthropic_models_watch(f.client, NULL, on_event, on_done, &late) == 0);
  CHECK_EQ_INT(anthropic_client_last_error(f.client)->kind, ANTHROPIC_EINVAL);
  finish(&f, &r);
  CHECK_EQ_INT(f.closed, 1);
  CHECK_EQ_INT(r.len, 0);
}

static void add_alias(wrec_t *r, const anthropic_watch_event_t *ev) {
  (void)ev;
  if (r->ends == 1) {
    CHECK_EQ_INT(
        anthropic_models_watch_alias(r->f->client, r->id, "claude-haiku-4-5"),
        0);
    CHECK_EQ_INT(
        anthropic_models_watch_alias(r->f->client, r->id, "claude-haiku-4-5"),
        0);
    CHECK_EQ_INT(anthropic_models_watch_alias(r->f->client, r->id, ""),
                 ANTHROPIC_EINVAL);
    CHECK_EQ_INT(anthropic_models_watch_alias(r->f->client, r->id + 1,
                                              "claude-haiku-4-5"),
                 ANTHROPIC_EINVAL);
  }
}

TEST(an_alias_added_after_the_snapshot_comes_as_a_move_from_nothing) {
  fixture_t f;
  wrec_t r = {0};
  setup(&f);
  r.stop_at = 3;
  r.between = add_alias;
  start(&f, &r, NULL);
  finish(&f, &r);
  const char *after = strstr(r.log, "CYCLE 1 changes=0 nm=0\n");
  CHECK(after != NULL);
  CHECK_EQ_STR(after + strlen("CYCLE 1 changes=0 nm=0\n"),
               "MOVED claude-haiku-4-5 (none)->claude-haiku-4-5-20251001\n"
               "CYCLE 2 changes=1 nm=1\n"
               "CYCLE 3 changes=0 nm=1\n");
}

TEST(each_event_kind_has_its_name) {
  static const char *const names[] = {NULL,
                                      "snapshot",
                                      "added",
                                      "removed",
                                      "lifecycle_changed",
                                      "deprecated_at_changed",
                                      "retires_at_changed",
                                      "alias_moved",
                                      "error",
                                      "cycle"};
  for (int k = ANTHROPIC_WATCH_SNAPSHOT; k <= ANTHROPIC_WATCH_CYCLE; k++)
    CHECK_EQ_STR(anthropic_watch_event_name((anthropic_watch_event_kind_t)k),
                 names[k]);
  CHECK_EQ_STR(anthropic_watch_event_name((anthropic_watch_event_kind_t)0),
               "unknown");
  CHECK_EQ_STR(anthropic_watch_event_name((anthropic_watch_event_kind_t)42),
               "unknown");
}

TEST(bad_options_are_refused) {
  fixture_t f;
  wrec_t r = {0};
  setup(&f);
  anthropic_watch_options_t o = ANTHROPIC_WATCH_OPTIONS_INIT;
  o.size = 0;
  CHECK_EQ_INT(anthropic_models_watch_alias(f.client, 0, "claude-opus-4-1"),
               ANTHROPIC_EINVAL);
  CHECK(anthropic_models_watch(f.client, &o, on_event, on_done, &r) == 0);
  CHECK_EQ_INT(anthropic_client_last_error(f.client)->kind, ANTHROPIC_EINVAL);
  CHECK(anthropic_models_watch(f.client, NULL, NULL, on_done, &r) == 0);
  CHECK_EQ_INT(anthropic_client_last_error(f.client)->kind, ANTHROPIC_EINVAL);
  const char *bad_alias[] = {""};
  o = (anthropic_watch_options_t)ANTHROPIC_WATCH_OPTIONS_INIT;
  o.aliases = bad_alias;
  o.aliases_count = 1;
  CHECK(anthropic_models_watch(f.client, &o, on_event, on_done, &r) == 0);
  CHECK_EQ_INT(anthropic_client_last_error(f.client)->kind, ANTHROPIC_EINVAL);
  const char *bad_stage[] = {"gone"};
  o = (anthropic_watch_options_t)ANTHROPIC_WATCH_OPTIONS_INIT;
  o.lifecycle = bad_stage;
  o.lifecycle_count = 1;
  CHECK(anthropic_models_watch(f.client, &o, on_event, on_done, &r) == 0);
  CHECK_EQ_INT(anthropic_client_last_error(f.client)->kind, ANTHROPIC_EINVAL);
  CHECK_CONTAINS(anthropic_client_last_error(f.client)->message, "gone");
  /* An older, smaller struct is fine. */
  o = (anthropic_watch_options_t)ANTHROPIC_WATCH_OPTIONS_INIT;
  o.size = offsetof(anthropic_watch_options_t, backoff_ms);
  o.flags = ANTHROPIC_WATCH_NO_JITTER;
  r.stop_at = 1;
  r.f = &f;
  r.id = anthropic_models_watch(f.client, &o, on_event, on_done, &r);
  CHECK(r.id != 0);
  finish(&f, &r);
  CHECK(strstr(r.log, "CYCLE 1") != NULL);
}

/* The list requests the fake API saw (GET /v1/models?...), in order:
 * "status if-none-match?" a line each, into `out`. */
/* The requests the fake API saw whose path is `want` (or, `prefix`, starts
 * with it): "status if-none-match?" a line each, into `out`. */
static void requests_to(const char *want, bool prefix, char *out, size_t cap) {
  cJSON *reqs = requests();
  size_t len = 0;
  out[0] = '\0';
  const cJSON *q;
  cJSON_ArrayForEach(q, reqs) {
    const char *path = cJSON_GetObjectItem(q, "path")->valuestring;
    if (prefix ? strncmp(path, want, strlen(want)) != 0
               : strcmp(path, want) != 0)
      continue;
    int n = snprintf(out + len, cap - len, "%d%s\n",
                     cJSON_GetObjectItem(q, "status")->valueint,
                     req_header(q, "if-none-match") ? " inm" : "");
    if (n > 0 && (size_t)n < cap - len)
      len += (size_t)n;
  }
  cJSON_Delete(reqs);
}

static void list_requests(char *out, size_t cap) {
  requests_to("/v1/models", false, out, cap);
}

static void move_opus_after_two(wrec_t *r, const anthropic_watch_event_t *ev) {
  (void)ev;
  if (r->ends == 2)
    post_catalogue("[{\"op\":\"move_alias\",\"alias\":\"claude-opus-4-1\","
                   "\"to\":\"claude-opus-4-5-20251101\"}]");
}

/* An alias's lookup is conditional too, on the ETag of the model it named:
 * unchanged, a 304 and no parse; moved, a 200 and its move. */
TEST(an_unchanged_alias_costs_a_304) {
  fixture_t f;
  wrec_t r = {0};
  setup(&f);
  const char *aliases[] = {"claude-opus-4-1"};
  anthropic_watch_options_t o = ANTHROPIC_WATCH_OPTIONS_INIT;
  o.flags = ANTHROPIC_WATCH_NO_JITTER;
  o.aliases = aliases;
  o.aliases_count = 1;
  r.stop_at = 3;
  r.between = move_opus_after_two;
  start(&f, &r, &o);
  finish(&f, &r);
  CHECK(strstr(r.log, "CYCLE 2 changes=0 nm=1\n"
                      "MOVED claude-opus-4-1 claude-opus-4-1-20250805->"
                      "claude-opus-4-5-20251101\n"
                      "CYCLE 3 changes=1 nm=1\n") != NULL);
  char seen[256];
  requests_to("/v1/models/", true, seen, sizeof seen);
  CHECK_EQ_STR(seen, "200\n304 inm\n200 inm\n");
}

TEST(an_unchanged_list_costs_a_304_and_no_parse) {
  fixture_t f;
  wrec_t r = {0};
  setup(&f);
  r.stop_at = 3;
  start(&f, &r, NULL);
  finish(&f, &r);
  char snap[160];
  snprintf(snap, sizeof snap,
           "SNAPSHOT %zu 0\nCYCLE 1 changes=0 nm=0\n"
           "CYCLE 2 changes=0 nm=1\nCYCLE 3 changes=0 nm=1\n",
           r.snap_count);
  CHECK_EQ_STR(r.log, snap);
  char seen[256];
  list_requests(seen, sizeof seen);
  CHECK_EQ_STR(seen, "200\n304 inm\n304 inm\n");
}

/* An ETag longer than any server's (here 2,000 bytes) is not kept, nor
 * sent back: the page is asked for again without If-None-Match, and the
 * watch goes on (the next, ordinary ETag is used). */
TEST(an_etag_too_long_is_not_kept) {
  fixture_t f;
  wrec_t r = {0};
  setup(&f);
  char faults[2200];
  char tag[2001];
  memset(tag, 'a', sizeof tag - 1);
  tag[sizeof tag - 1] = '\0';
  snprintf(faults, sizeof faults,
           "[{\"action\":\"respond\",\"match\":\"/v1/models?\","
           "\"headers\":{\"etag\":\"\\\"%s\\\"\"}}]",
           tag);
  add_faults(faults);
  r.stop_at = 3;
  start(&f, &r, NULL);
  finish(&f, &r);
  char seen[256];
  list_requests(seen, sizeof seen);
  CHECK_EQ_STR(seen, "200\n200\n304 inm\n");
}

static void grow_past_the_cap(wrec_t *r, const anthropic_watch_event_t *ev) {
  (void)ev;
  if (r->ends == 1)
    post_catalogue("[{\"op\":\"generate\",\"count\":1200}]");
}

/* A list longer than max_models (a server gone wrong, or hostile: the
 * state would hold every model) fails the cycle, and the last state
 * stands: no REMOVED, no ADDED, the watch goes on. */
TEST(a_list_past_max_models_fails_the_cycle_and_keeps_the_state) {
  fixture_t f;
  wrec_t r = {0};
  setup_no_retries(&f);
  anthropic_watch_options_t o = ANTHROPIC_WATCH_OPTIONS_INIT;
  o.flags = ANTHROPIC_WATCH_NO_JITTER;
  o.max_models = 1000;
  r.stop_at = 2;
  r.between = grow_past_the_cap;
  start(&f, &r, &o);
  finish(&f, &r);
  const char *after = strstr(r.log, "CYCLE 1 changes=0 nm=0\n");
  CHECK(after != NULL);
  CHECK_EQ_STR(after + strlen("CYCLE 1 changes=0 nm=0\n"),
               "ERROR bad_response - failures=1 next=1000\n");
  CHECK_CONTAINS(r.last_error, "more than 1000 models");
}

static void change_on_page_two(wrec_t *r, const anthropic_watch_event_t *ev) {
  (void)ev;
  if (r->ends != 1)
    return;
  cJSON *c = catalogue();
  const cJSON *m = cJSON_GetArrayItem(cJSON_GetObjectItem(c, "models"), 1500);
  char json[256];
  snprintf(json, sizeof json,
           "[{\"op\":\"set\",\"id\":\"%s\",\"fields\":"
           "{\"retires_at\":\"2027-03-01T00:00:00Z\"}}]",
           cJSON_GetObjectItem(m, "id")->valuestring);
  snprintf(r->snap_alias[7], 96, "%s",
           cJSON_GetObjectItem(m, "id")->valuestring);
  cJSON_Delete(c);
  post_catalogue(json);
}

/* Three pages of 1,000: under valgrind (the `valgrind` setup) two thirds
 * of this file's time, for paths the smaller lists of the other tests
 * take too; it runs in full under the sanitizers (build-test). */
TEST(pages_of_a_big_list_are_asked_each_on_its_own_etag) {
  if (getenv("ANTH_TEST_UNDER_VALGRIND") != NULL) {
    printf("# not under valgrind: run by the sanitized build\n");
    return;
  }
  fixture_t f;
  wrec_t r = {0};
  setup(&f);
  post_catalogue("[{\"op\":\"generate\",\"count\":2500}]");
  size_t n = catalogue_count();
  CHECK(n > 2000 && n <= 3000);
  r.stop_at = 3;
  r.between = change_on_page_two;
  start(&f, &r, NULL);
  finish(&f, &r);
  CHECK_EQ_INT(r.snap_count, n);
  char want[512];
  snprintf(want, sizeof want,
           "SNAPSHOT %zu 0\nCYCLE 1 changes=0 nm=0\n"
           "RETIRES_AT %s (none)->2027-03-01T00:00:00Z\n"
           "CYCLE 2 changes=1 nm=0\nCYCLE 3 changes=0 nm=1\n",
           n, r.snap_alias[7]);
  CHECK_EQ_STR(r.log, want);
  char seen[256];
  list_requests(seen, sizeof seen);
  CHECK_EQ_STR(seen, "200\n200\n200\n"
                     "304 inm\n200 inm\n304 inm\n"
                     "304 inm\n304 inm\n304 inm\n");
}

/* Resolve one alias now (the watch may run meanwhile). */
typedef struct res1 {
  char id[96];
  char display_name[96];
  bool cached, done;
} res1_t;

static void on_res1(const anthropic_error_t *err,
                    const anthropic_model_info_t *m, const char *alias,
                    size_t index, void *data) {
  (void)err;
  (void)alias;
  (void)index;
  res1_t *x = data;
  anthropic_resolve_info_t info = ANTHROPIC_RESOLVE_INFO_INIT;
  extern const anthropic_client_t *res1_client;
  snprintf(x->id, sizeof x->id, "%s", m ? m->id : "(none)");
  snprintf(x->display_name, sizeof x->display_name, "%s",
           m ? m->display_name : "(none)");
  CHECK_EQ_INT(anthropic_resolve_get_info(res1_client, &info), 0);
  x->cached = info.cached;
}

static void on_res1_done(anthropic_resolve_id_t id, void *data) {
  (void)id;
  ((res1_t *)data)->done = true;
}

const anthropic_client_t *res1_client;

static res1_t resolve_one(fixture_t *f, const char *alias) {
  res1_t x = {0};
  res1_client = f->client;
  CHECK(anthropic_resolve(f->client, &alias, 1, NULL, on_res1, on_res1_done,
                          &x) != 0);
  while (!x.done)
    uv_run(&f->loop, UV_RUN_ONCE);
  return x;
}

static void run_until_done(fixture_t *f, wrec_t *r) {
  while (r->done_calls == 0)
    uv_run(&f->loop, UV_RUN_ONCE);
}

static void move_and_deprecate(wrec_t *r, const anthropic_watch_event_t *ev) {
  (void)ev;
  if (r->ends == 1)
    post_catalogue(
        "[{\"op\":\"move_alias\",\"alias\":\"claude-opus-4-1\","
        "\"to\":\"claude-opus-4-5-20251101\"},"
        "{\"op\":\"set\",\"id\":\"claude-sonnet-4-20250514\",\"fields\":"
        "{\"lifecycle\":\"deprecated\"}}]");
}

/* A long TTL, an alias cached, the alias moved and a cached model changed
 * in the API: after the next cycle, the cache answers the new id without
 * a lookup and looks the changed model up again; with KEEP_CACHE, the old
 * answers stay. */
static void cache_case(unsigned flags) {
  fixture_t f;
  wrec_t r = {0};
  setup(&f);
  CHECK_EQ_INT(anthropic_resolve_cache(f.client, 64, 3600000, 3600000), 0);
  CHECK_EQ_STR(resolve_one(&f, "claude-opus-4-1").id,
               "claude-opus-4-1-20250805");
  CHECK_EQ_STR(resolve_one(&f, "claude-sonnet-4-0").id,
               "claude-sonnet-4-20250514");
  const char *aliases[] = {"claude-opus-4-1"};
  anthropic_watch_options_t o = ANTHROPIC_WATCH_OPTIONS_INIT;
  o.flags = ANTHROPIC_WATCH_NO_JITTER | flags;
  o.aliases = aliases;
  o.aliases_count = 1;
  r.stop_at = 2;
  r.between = move_and_deprecate;
  start(&f, &r, &o);
  run_until_done(&f, &r);
  CHECK(strstr(r.log, "MOVED claude-opus-4-1") != NULL);
  int before = fake_request_count(&srv);
  res1_t a = resolve_one(&f, "claude-opus-4-1");
  CHECK(a.cached);
  CHECK_EQ_INT(fake_request_count(&srv), before);
  res1_t b = resolve_one(&f, "claude-sonnet-4-0");
  if (flags & ANTHROPIC_WATCH_KEEP_CACHE) {
    CHECK_EQ_STR(a.id, "claude-opus-4-1-20250805");
    CHECK(b.cached);
    CHECK_EQ_INT(fake_request_count(&srv), before);
  } else {
    CHECK_EQ_STR(a.id, "claude-opus-4-5-20251101");
    CHECK(!b.cached);
    CHECK_EQ_INT(fake_request_count(&srv), before + 1);
  }
  CHECK_EQ_STR(b.id, "claude-sonnet-4-20250514");
  finish(&f, &r);
}

TEST(the_watch_keeps_the_resolve_cache_true) {
  cache_case(0);
}

TEST(keep_cache_leaves_the_resolve_cache_alone) {
  cache_case(ANTHROPIC_WATCH_KEEP_CACHE);
}

static void rename_opus_4(wrec_t *r, const anthropic_watch_event_t *ev) {
  (void)ev;
  if (r->ends == 1)
    post_catalogue("[{\"op\":\"set\",\"id\":\"claude-opus-4-20250514\","
                   "\"fields\":{\"display_name\":\"Claude Opus 4 (new)\"}}]");
}

/* Any change to a model, not only to its lifecycle and dates, drops the
 * cached answers that hold it: the cache answers with what the list says
 * now, display name and capabilities included. */
TEST(a_model_changed_in_any_field_leaves_the_resolve_cache) {
  fixture_t f;
  wrec_t r = {0};
  setup(&f);
  CHECK_EQ_INT(anthropic_resolve_cache(f.client, 64, 3600000, 3600000), 0);
  CHECK_EQ_STR(resolve_one(&f, "claude-opus-4-0").id, "claude-opus-4-20250514");
  anthropic_watch_options_t o = ANTHROPIC_WATCH_OPTIONS_INIT;
  o.flags = ANTHROPIC_WATCH_NO_JITTER;
  r.stop_at = 2;
  r.between = rename_opus_4;
  start(&f, &r, &o);
  run_until_done(&f, &r);
  int before = fake_request_count(&srv);
  res1_t a = resolve_one(&f, "claude-opus-4-0");
  CHECK(!a.cached);
  CHECK_EQ_INT(fake_request_count(&srv), before + 1);
  CHECK_EQ_STR(a.display_name, "Claude Opus 4 (new)");
  finish(&f, &r);
}

static void move_haiku(wrec_t *r, const anthropic_watch_event_t *ev) {
  (void)ev;
  if (r->ends == 1)
    post_catalogue("[{\"op\":\"move_alias\",\"alias\":\"claude-haiku-4-5\","
                   "\"to\":\"claude-haiku-5-20260320\"}]");
}

TEST(cached_aliases_are_watched_without_being_named) {
  fixture_t f;
  wrec_t r = {0};
  setup(&f);
  CHECK_EQ_INT(anthropic_resolve_cache(f.client, 64, 3600000, 3600000), 0);
  CHECK_EQ_STR(resolve_one(&f, "claude-haiku-4-5").id,
               "claude-haiku-4-5-20251001");
  /* An id is its own key: not an alias. */
  CHECK_EQ_STR(resolve_one(&f, "claude-opus-4-20250514").id,
               "claude-opus-4-20250514");
  anthropic_watch_options_t o = ANTHROPIC_WATCH_OPTIONS_INIT;
  o.flags = ANTHROPIC_WATCH_NO_JITTER | ANTHROPIC_WATCH_CACHED_ALIASES;
  r.stop_at = 2;
  r.between = move_haiku;
  start(&f, &r, &o);
  finish(&f, &r);
  CHECK_EQ_INT(r.snap_aliases, 1);
  CHECK_EQ_STR(r.snap_alias[0], "claude-haiku-4-5");
  CHECK_EQ_STR(r.snap_alias_model[0], "claude-haiku-4-5-20251001");
  CHECK(strstr(r.log, "MOVED claude-haiku-4-5 claude-haiku-4-5-20251001->"
                      "claude-haiku-5-20260320\n") != NULL);
}

TEST(beta_and_lifecycle_options_reach_the_requests) {
  fixture_t f;
  wrec_t r = {0};
  setup(&f);
  const char *stages[] = {"retired"};
  const char *aliases[] = {"claude-opus-4-1"};
  static const char *const betas[] = {"watch-beta-1"};
  anthropic_request_options_t ro = ANTHROPIC_REQUEST_OPTIONS_INIT;
  ro.betas = betas;
  ro.betas_count = 1;
  anthropic_watch_options_t o = ANTHROPIC_WATCH_OPTIONS_INIT;
  o.flags = ANTHROPIC_WATCH_NO_JITTER | ANTHROPIC_WATCH_BETA;
  o.lifecycle = stages;
  o.lifecycle_count = 1;
  o.aliases = aliases;
  o.aliases_count = 1;
  o.options = &ro;
  r.stop_at = 1;
  start(&f, &r, &o);
  stages[0] = "active"; /* copied: the caller's may change */
  aliases[0] = "x";
  finish(&f, &r);
  CHECK(r.snap_count > 0 && r.snap_count < catalogue_count());
  CHECK_EQ_STR(r.snap_alias[0], "claude-opus-4-1");
  cJSON *reqs = requests();
  CHECK_EQ_INT(cJSON_GetArraySize(reqs), 2);
  const cJSON *q;
  cJSON_ArrayForEach(q, reqs) {
    CHECK_CONTAINS(cJSON_GetObjectItem(q, "target")->valuestring, "beta=true");
    CHECK_CONTAINS(req_header(q, "anthropic-beta"), "watch-beta-1");
  }
  CHECK_CONTAINS(
      cJSON_GetObjectItem(cJSON_GetArrayItem(reqs, 0), "target")->valuestring,
      "lifecycle%5B%5D=retired");
  cJSON_Delete(reqs);
}

static void cut_page_two(wrec_t *r, const anthropic_watch_event_t *ev) {
  (void)ev;
  if (r->ends == 1)
    add_faults("[{\"action\":\"truncate\",\"match\":\"after_id\"}]");
}

TEST(a_walk_cut_halfway_removes_nothing) {
  fixture_t f;
  wrec_t r = {0};
  setup_no_retries(&f);
  post_catalogue("[{\"op\":\"generate\",\"count\":1500}]");
  r.stop_at = 3;
  r.between = cut_page_two;
  start(&f, &r, NULL);
  finish(&f, &r);
  const char *after = strstr(r.log, "CYCLE 1 changes=0 nm=0\n");
  CHECK(after != NULL);
  CHECK_EQ_STR(after + strlen("CYCLE 1 changes=0 nm=0\n"),
               "ERROR connection - failures=1 next=1000\n"
               "CYCLE 3 changes=0 nm=1\n");
}

TEST(jitter_keeps_each_delay_within_ten_percent) {
  fixture_t f;
  wrec_t r = {0};
  setup(&f);
  anthropic_watch_options_t o = ANTHROPIC_WATCH_OPTIONS_INIT;
  o.interval_ms = 10000;
  r.stop_at = 6;
  start(&f, &r, &o);
  finish(&f, &r);
  CHECK_EQ_INT(r.nnext, 6);
  CHECK_EQ_INT(r.ndelays, 6); /* the first one's 0, then five intervals */
  bool differ = false;
  for (int i = 0; i < 6; i++) {
    CHECK(r.next_ms[i] >= 9000 && r.next_ms[i] <= 11000);
    if (i > 0) {
      CHECK_EQ_INT(r.delays[i], r.next_ms[i - 1]);
      differ |= r.next_ms[i] != r.next_ms[0];
    }
  }
  CHECK(differ);
}

static void gone_and_back(wrec_t *r, const anthropic_watch_event_t *ev) {
  (void)ev;
  if (r->ends == 1)
    post_catalogue("[{\"op\":\"remove\",\"id\":\"claude-3-opus-20240229\"}]");
  else if (r->ends == 2)
    post_catalogue("[{\"op\":\"move_alias\",\"alias\":\"claude-3-opus-latest\","
                   "\"to\":\"claude-opus-4-20250514\"}]");
}

TEST(an_alias_that_stops_resolving_and_comes_back_moves_each_time) {
  fixture_t f;
  wrec_t r = {0};
  setup(&f);
  const char *aliases[] = {"claude-3-opus-latest"};
  anthropic_watch_options_t o = ANTHROPIC_WATCH_OPTIONS_INIT;
  o.flags = ANTHROPIC_WATCH_NO_JITTER;
  o.aliases = aliases;
  o.aliases_count = 1;
  r.stop_at = 3;
  r.between = gone_and_back;
  start(&f, &r, &o);
  finish(&f, &r);
  const char *after = strstr(r.log, "CYCLE 1 changes=0 nm=0\n");
  CHECK(after != NULL);
  CHECK_EQ_STR(after + strlen("CYCLE 1 changes=0 nm=0\n"),
               "REMOVED claude-3-opus-20240229\n"
               "MOVED claude-3-opus-latest claude-3-opus-20240229->(none)\n"
               "CYCLE 2 changes=2 nm=0\n"
               "MOVED claude-3-opus-latest (none)->claude-opus-4-20250514\n"
               "CYCLE 3 changes=1 nm=1\n");
}

static void evict_and_move(wrec_t *r, const anthropic_watch_event_t *ev) {
  (void)ev;
  if (r->ends != 1)
    return;
  CHECK_EQ_INT(anthropic_resolve_cache(r->f->client, 0, 0, 0), 0);
  move_haiku(r, ev);
}

TEST(a_cached_alias_the_cache_no_longer_holds_is_not_watched) {
  fixture_t f;
  wrec_t r = {0};
  setup(&f);
  CHECK_EQ_INT(anthropic_resolve_cache(f.client, 64, 3600000, 3600000), 0);
  CHECK_EQ_STR(resolve_one(&f, "claude-haiku-4-5").id,
               "claude-haiku-4-5-20251001");
  anthropic_watch_options_t o = ANTHROPIC_WATCH_OPTIONS_INIT;
  o.flags = ANTHROPIC_WATCH_NO_JITTER | ANTHROPIC_WATCH_CACHED_ALIASES;
  r.stop_at = 2;
  r.between = evict_and_move;
  start(&f, &r, &o);
  finish(&f, &r);
  CHECK_EQ_INT(r.snap_aliases, 1);
  const char *after = strstr(r.log, "CYCLE 1 changes=0 nm=0\n");
  CHECK(after != NULL);
  CHECK_EQ_STR(after + strlen("CYCLE 1 changes=0 nm=0\n"),
               "CYCLE 2 changes=0 nm=1\n");
}

int main(void) {
  if (fixture_main_start() != 0)
    return 1;
  int rc =
      RUN(T(snapshot_has_every_model_and_the_aliases),
          T(catalogue_changes_give_exactly_their_events),
          T(failed_cycles_back_off_then_recover_without_spurious_changes),
          T(the_backoff_is_never_longer_than_the_interval_by_default),
          T(a_failed_alias_lookup_fails_that_alias_only),
          T(cancel_before_the_first_cycle_ends_with_no_event),
          T(cancel_while_the_list_is_in_flight),
          T(cancel_from_inside_the_snapshot_event),
          T(close_the_client_from_inside_an_event),
          T(close_the_client_with_a_watch_running),
          T(an_alias_added_after_the_snapshot_comes_as_a_move_from_nothing),
          T(each_event_kind_has_its_name), T(bad_options_are_refused),
          T(an_unchanged_list_costs_a_304_and_no_parse),
          T(an_etag_too_long_is_not_kept), T(an_unchanged_alias_costs_a_304),
          T(a_list_past_max_models_fails_the_cycle_and_keeps_the_state),
          T(pages_of_a_big_list_are_asked_each_on_its_own_etag),
          T(the_watch_keeps_the_resolve_cache_true),
          T(keep_cache_leaves_the_resolve_cache_alone),
          T(a_model_changed_in_any_field_leaves_the_resolve_cache),
          T(cached_aliases_are_watched_without_being_named),
          T(beta_and_lifecycle_options_reach_the_requests),
          T(a_walk_cut_halfway_removes_nothing),
          T(jitter_keeps_each_delay_within_ten_percent),
          T(an_alias_that_stops_resolving_and_comes_back_moves_each_time),
          T(a_cached_alias_the_cache_no_longer_holds_is_not_watched));
  fake_server_stop(&srv);
  return rc;
}
