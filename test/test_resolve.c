/* test_resolve.c - bulk alias resolution: one request per distinct alias
 * (twins in flight wait for the first), the cache and its TTLs, per-alias
 * errors, cancel and close mid-batch: every callback exactly once, then
 * the completion once, all from the loop. */
#include "../src/client.h"
#include "fixture.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* What a batch's callbacks saw, per index. */
typedef struct seen {
  size_t n;
  int *calls;
  int *kind;
  long *status;
  char **id; /* the model's id on success */
  int done;
  int in_call; /* set while a starting call runs */
  int ran_inside_call;
  int ok, cancelled, failed;
  /* Cancel this batch (or close the client) when `ok` reaches this. */
  int cancel_after;
  anthropic_resolve_id_t cancel_id;
  int close_after;
  anthropic_client_t *client;
} seen_t;

static void seen_init(seen_t *s, size_t n) {
  memset(s, 0, sizeof *s);
  s->n = n;
  s->calls = calloc(n + 1, sizeof *s->calls);
  s->kind = calloc(n + 1, sizeof *s->kind);
  s->status = calloc(n + 1, sizeof *s->status);
  s->id = calloc(n + 1, sizeof *s->id);
  CHECK(s->calls && s->kind && s->status && s->id);
}

static void seen_free(seen_t *s) {
  for (size_t i = 0; i < s->n; i++)
    free(s->id[i]);
  free(s->calls);
  free(s->kind);
  free(s->status);
  free(s->id);
}

static void on_alias(const anthropic_error_t *err,
                     const anthropic_model_info_t *m, const char *alias,
                     size_t index, void *data) {
  seen_t *s = data;
  CHECK(alias != NULL);
  CHECK((err == NULL) != (m == NULL));
  if (index >= s->n)
    FAILF("index %zu past %zu", index, s->n);
  if (s->in_call)
    s->ran_inside_call++;
  s->calls[index]++;
  if (err != NULL) {
    CHECK(err->message != NULL && err->response != NULL);
    s->kind[index] = err->kind;
    s->status[index] = err->response->status;
    if (err->kind == ANTHROPIC_ECANCELLED)
      s->cancelled++;
    else
      s->failed++;
    return;
  }
  free(s->id[index]);
  s->id[index] = strdup(m->id);
  s->ok++;
  if (s->cancel_after > 0 && s->ok == s->cancel_after)
    CHECK_EQ_INT(anthropic_resolve_cancel(s->client, s->cancel_id), 0);
  if (s->close_after > 0 && s->ok == s->close_after)
    anthropic_client_close(s->client, on_closed);
}

static void on_done(anthropic_resolve_id_t id, void *data) {
  seen_t *s = data;
  CHECK(id != 0);
  if (s->in_call)
    s->ran_inside_call++;
  s->done++;
}

static void check_each_once(const seen_t *s) {
  for (size_t i = 0; i < s->n; i++)
    if (s->calls[i] != 1)
      FAILF("alias %zu: %d callbacks, want 1", i, s->calls[i]);
  CHECK_EQ_INT(s->done, 1);
  CHECK_EQ_INT(s->ran_inside_call, 0);
}

enum { DISTINCT_MAX = 200 };

/* Every alias and id of the catalogue plus unknown names, with the id
 * each should resolve to (NULL: 404). */
typedef struct names {
  char *name[DISTINCT_MAX];
  char *want[DISTINCT_MAX];
  int count, aliases, ids, unknown;
} names_t;

static void names_load(names_t *nm) {
  memset(nm, 0, sizeof *nm);
  cJSON *cat = catalogue();
  const cJSON *a;
  cJSON_ArrayForEach(a, cJSON_GetObjectItem(cat, "aliases")) {
    nm->name[nm->count] = strdup(a->string);
    nm->want[nm->count++] = strdup(a->valuestring);
    nm->aliases++;
  }
  const cJSON *m;
  cJSON_ArrayForEach(m, cJSON_GetObjectItem(cat, "models")) {
    const char *id = cJSON_GetObjectItem(m, "id")->valuestring;
    nm->name[nm->count] = strdup(id);
    nm->want[nm->count++] = strdup(id);
    nm->ids++;
  }
  cJSON_Delete(cat);
  while (nm->count < 114) {
    char b[64];
    snprintf(b, sizeof b, "no-such-model-%d", nm->unknown++);
    nm->name[nm->count++] = strdup(b);
  }
}

static void names_free(names_t *nm) {
  for (int i = 0; i < nm->count; i++) {
    free(nm->name[i]);
    free(nm->want[i]);
  }
}

TEST(ten_thousand_aliases_cost_one_request_per_distinct_one) {
  enum { N = 10000 };
  names_t nm;
  names_load(&nm);
  /* 13 aliases + 57 ids + 44 unknown: what the task's figures assume. */
  CHECK_EQ_INT(nm.aliases, 13);
  CHECK_EQ_INT(nm.ids, 57);
  CHECK_EQ_INT(nm.count, 114);
  fixture_t f;
  setup(&f);
  const char **list = calloc(N, sizeof *list);
  int *which = calloc(N, sizeof *which);
  int *used = calloc(DISTINCT_MAX, sizeof *used);
  CHECK(list && which && used);
  for (int i = 0; i < N; i++) {
    which[i] = (i * 37) % nm.count; /* 37 is prime to 114: all of them */
    list[i] = nm.name[which[i]];
    used[which[i]] = 1;
  }
  int distinct = 0;
  for (int i = 0; i < DISTINCT_MAX; i++)
    distinct += used[i];
  seen_t s;
  seen_init(&s, N);
  anthropic_resolve_options_t o = ANTHROPIC_RESOLVE_OPTIONS_INIT;
  o.concurrency = 16;
  s.in_call = 1;
  CHECK(anthropic_resolve(f.client, list, N, &o, on_alias, on_done, &s) != 0);
  s.in_call = 0;
  teardown(&f);
  check_each_once(&s);
  CHECK_EQ_INT(fake_request_count(&srv), distinct);
  for (int i = 0; i < N; i++) {
    const char *want = nm.want[which[i]];
    if (want != NULL) {
      if (s.id[i] == NULL)
        FAILF("%d (%s): kind %d, want %s", i, list[i], s.kind[i], want);
      CHECK_EQ_STR(s.id[i], want);
    } else {
      CHECK(s.id[i] == NULL);
      CHECK_EQ_INT(s.kind[i], ANTHROPIC_EHTTP);
      CHECK_EQ_INT((int)s.status[i], 404);
    }
  }
  seen_free(&s);
  free(list);
  free(which);
  free(used);
  names_free(&nm);
}

TEST(good_and_unknown_aliases_each_get_their_own_outcome) {
  fixture_t f;
  setup_no_retries(&f);
  const char *list[] = {"claude-opus-4-1", "no-such-model", "claude-haiku-5",
                        "no-such-model", "claude-opus-4-1-20250805"};
  seen_t s;
  seen_init(&s, 5);
  CHECK(anthropic_resolve(f.client, list, 5, NULL, on_alias, on_done, &s) != 0);
  teardown(&f);
  check_each_once(&s);
  CHECK_EQ_STR(s.id[0], "claude-opus-4-1-20250805");
  CHECK_EQ_STR(s.id[2], "claude-haiku-5-20260320");
  CHECK_EQ_STR(s.id[4], "claude-opus-4-1-20250805");
  for (int i = 1; i <= 3; i += 2) {
    CHECK(s.id[i] == NULL);
    CHECK_EQ_INT(s.kind[i], ANTHROPIC_EHTTP);
    CHECK_EQ_INT((int)s.status[i], 404);
  }
  CHECK_EQ_INT(fake_request_count(&srv), 4);
  seen_free(&s);
}

TEST(a_batch_of_no_aliases_completes_from_the_loop) {
  fixture_t f;
  setup(&f);
  seen_t s, t;
  seen_init(&s, 0);
  seen_init(&t, 0);
  s.in_call = 1;
  CHECK(anthropic_resolve(f.client, NULL, 0, NULL, on_alias, on_done, &s) != 0);
  s.in_call = 0;
  t.in_call = 1;
  anthropic_resolve_id_t id =
      anthropic_resolve_start(f.client, NULL, on_alias, on_done, &t);
  CHECK(id != 0);
  CHECK_EQ_INT(anthropic_resolve_end(f.client, id), 0);
  t.in_call = 0;
  CHECK_EQ_INT(s.done + t.done, 0);
  uv_run(&f.loop, UV_RUN_DEFAULT);
  check_each_once(&s);
  check_each_once(&t);
  /* Done: its id names nothing any more. */
  CHECK_EQ_INT(anthropic_resolve_cancel(f.client, id), ANTHROPIC_EINVAL);
  CHECK_EQ_INT(anthropic_resolve_add(f.client, id, "x"), ANTHROPIC_EINVAL);
  teardown(&f);
  seen_free(&s);
  seen_free(&t);
}

TEST(an_alias_added_while_its_twin_is_in_flight_costs_no_request) {
  fixture_t f;
  setup(&f);
  add_faults("[{\"action\":\"delay\",\"delay_ms\":300,"
             "\"match\":\"claude-opus-4-1\"}]");
  seen_t s;
  seen_init(&s, 2);
  anthropic_resolve_id_t id =
      anthropic_resolve_start(f.client, NULL, on_alias, on_done, &s);
  CHECK(id != 0);
  CHECK_EQ_INT(anthropic_resolve_add(f.client, id, "claude-opus-4-1"), 0);
  run_until_requests(&f, 1);
  CHECK_EQ_INT(s.calls[0], 0); /* still in flight */
  /* Its twin from another batch waits for the same request. */
  seen_t t;
  seen_init(&t, 1);
  const char *one[] = {"claude-opus-4-1"};
  CHECK(anthropic_resolve(f.client, one, 1, NULL, on_alias, on_done, &t) != 0);
  CHECK_EQ_INT(anthropic_resolve_add(f.client, id, "claude-opus-4-1"), 0);
  CHECK_EQ_INT(anthropic_resolve_end(f.client, id), 0);
  CHECK(anthropic_resolve_add(f.client, id, "x") == ANTHROPIC_EINVAL);
  teardown(&f);
  check_each_once(&s);
  check_each_once(&t);
  CHECK_EQ_STR(s.id[0], "claude-opus-4-1-20250805");
  CHECK_EQ_STR(s.id[1], "claude-opus-4-1-20250805");
  CHECK_EQ_STR(t.id[0], "claude-opus-4-1-20250805");
  CHECK_EQ_INT(fake_request_count(&srv), 1);
  seen_free(&s);
  seen_free(&t);
}

/* The cache test's steps, each from a timer or a completion. */
typedef struct cache_run {
  fixture_t *f;
  seen_t rounds[3];
  int requests_after[3];
  uv_timer_t timer;
  int round;
} cache_run_t;

static void start_round(cache_run_t *cr);

static void after_wait(uv_timer_t *t) {
  cache_run_t *cr = uv_handle_get_data((uv_handle_t *)t);
  start_round(cr);
}

static void round_finished(cache_run_t *cr);

static void on_cache_done(anthropic_resolve_id_t id, void *data) {
  cache_run_t *cr = data;
  on_done(id, &cr->rounds[cr->round]);
  round_finished(cr);
}

static void on_cache_alias(const anthropic_error_t *err,
                           const anthropic_model_info_t *m, const char *alias,
                           size_t index, void *data) {
  cache_run_t *cr = data;
  on_alias(err, m, alias, index, &cr->rounds[cr->round]);
}

static void start_round(cache_run_t *cr) {
  static const char *list[] = {"claude-opus-4-1", "no-such-model"};
  seen_t *s = &cr->rounds[cr->round];
  s->in_call = 1;
  CHECK(anthropic_resolve(cr->f->client, list, 2, NULL, on_cache_alias,
                          on_cache_done, cr) != 0);
  s->in_call = 0;
}

static void round_finished(cache_run_t *cr) {
  cr->requests_after[cr->round] = fake_request_count(&srv);
  if (++cr->round == 3)
    return;
  if (cr->round == 1)
    start_round(cr); /* at once: both cached */
  else               /* past the 404's TTL (loop time), far from the model's */
    uv_timer_start(&cr->timer, after_wait, 200, 0);
}

TEST(a_cache_hit_costs_no_request_and_a_404_is_kept_for_its_shorter_ttl) {
  fixture_t f;
  setup_no_retries(&f);
  CHECK_EQ_INT(anthropic_resolve_cache(f.client, 16, 3600000, 50), 0);
  cache_run_t cr;
  memset(&cr, 0, sizeof cr);
  cr.f = &f;
  for (int i = 0; i < 3; i++)
    seen_init(&cr.rounds[i], 2);
  uv_timer_init(&f.loop, &cr.timer);
  uv_handle_set_data((uv_handle_t *)&cr.timer, &cr);
  start_round(&cr);
  uv_run(&f.loop, UV_RUN_DEFAULT);
  uv_close((uv_handle_t *)&cr.timer, NULL);
  teardown(&f);
  CHECK_EQ_INT(cr.round, 3);
  CHECK_EQ_INT(cr.requests_after[0], 2);
  CHECK_EQ_INT(cr.requests_after[1], 2); /* both from the cache */
  CHECK_EQ_INT(cr.requests_after[2], 3); /* the 404 expired, the model not */
  for (int i = 0; i < 3; i++) {
    check_each_once(&cr.rounds[i]);
    CHECK_EQ_STR(cr.rounds[i].id[0], "claude-opus-4-1-20250805");
    CHECK_EQ_INT((int)cr.rounds[i].status[1], 404);
    seen_free(&cr.rounds[i]);
  }
}

TEST(the_cache_is_bounded) {
  fixture_t f;
  setup(&f);
  CHECK_EQ_INT(anthropic_resolve_cache(f.client, 2, 3600000, 3600000), 0);
  const char *list[] = {"claude-opus-4-1", "claude-opus-4-0", "claude-haiku-5"};
  seen_t a, b;
  seen_init(&a, 3);
  seen_init(&b, 3);
  CHECK(anthropic_resolve(f.client, list, 3, NULL, on_alias, on_done, &a) != 0);
  uv_run(&f.loop, UV_RUN_DEFAULT);
  CHECK_EQ_INT(fake_request_count(&srv), 3);
  /* Two kept (the newest): the oldest costs a request again. */
  CHECK(anthropic_resolve(f.client, list, 3, NULL, on_alias, on_done, &b) != 0);
  teardown(&f);
  check_each_once(&a);
  check_each_once(&b);
  CHECK(fake_request_count(&srv) > 3);
  CHECK(fake_request_count(&srv) <= 6);
  seen_free(&a);
  seen_free(&b);
}

TEST(a_batch_cancelled_half_way_calls_each_alias_once) {
  enum { N = 300 };
  names_t nm;
  names_load(&nm);
  fixture_t f;
  setup(&f);
  const char *list[N];
  for (int i = 0; i < N; i++)
    list[i] = nm.name[i % nm.count];
  seen_t s;
  seen_init(&s, N);
  anthropic_resolve_options_t o = ANTHROPIC_RESOLVE_OPTIONS_INIT;
  o.concurrency = 4;
  s.client = f.client;
  s.cancel_after = 20;
  s.cancel_id = anthropic_resolve(f.client, list, N, &o, on_alias, on_done, &s);
  CHECK(s.cancel_id != 0);
  teardown(&f);
  check_each_once(&s);
  CHECK(s.cancelled > 0);
  CHECK_EQ_INT(s.ok + s.failed + s.cancelled, N);
  CHECK(fake_request_count(&srv) < nm.count);
  seen_free(&s);
  names_free(&nm);
}

TEST(a_shared_lookup_survives_the_cancel_of_one_of_its_batches) {
  fixture_t f;
  setup(&f);
  add_faults("[{\"action\":\"delay\",\"delay_ms\":200,"
             "\"match\":\"claude-opus-4-1\"}]");
  const char *one[] = {"claude-opus-4-1"};
  seen_t a, b;
  seen_init(&a, 1);
  seen_init(&b, 1);
  anthropic_resolve_id_t ia =
      anthropic_resolve(f.client, one, 1, NULL, on_alias, on_done, &a);
  CHECK(anthropic_resolve(f.client, one, 1, NULL, on_alias, on_done, &b) != 0);
  run_until_requests(&f, 1);
  CHECK_EQ_INT(anthropic_resolve_cancel(f.client, ia), 0);
  CHECK_EQ_INT(anthropic_resolve_cancel(f.client, ia), ANTHROPIC_EINVAL);
  teardown(&f);
  check_each_once(&a);
  check_each_once(&b);
  CHECK_EQ_INT(a.kind[0], ANTHROPIC_ECANCELLED);
  CHECK_EQ_STR(b.id[0], "claude-opus-4-1-20250805");
  CHECK_EQ_INT(fake_request_count(&srv), 1);
  seen_free(&a);
  seen_free(&b);
}

TEST(close_mid_batch_calls_each_alias_once) {
  enum { N = 300 };
  names_t nm;
  names_load(&nm);
  fixture_t f;
  setup(&f);
  const char *list[N];
  for (int i = 0; i < N; i++)
    list[i] = nm.name[i % nm.count];
  seen_t s, open;
  seen_init(&s, N);
  seen_init(&open, 1);
  anthropic_resolve_options_t o = ANTHROPIC_RESOLVE_OPTIONS_INIT;
  o.concurrency = 4;
  s.client = f.client;
  s.close_after = 10;
  CHECK(anthropic_resolve(f.client, list, N, &o, on_alias, on_done, &s) != 0);
  /* A batch never ended: close ends it. */
  anthropic_resolve_id_t id =
      anthropic_resolve_start(f.client, NULL, on_alias, on_done, &open);
  CHECK_EQ_INT(anthropic_resolve_add(f.client, id, "no-such-model-0"), 0);
  uv_run(&f.loop, UV_RUN_DEFAULT);
  test_loop_finish(&f.loop);
  CHECK_EQ_INT(f.closed, 1);
  check_each_once(&s);
  check_each_once(&open);
  CHECK(s.cancelled > 0);
  CHECK_EQ_INT(s.ok + s.failed + s.cancelled, N);
  seen_free(&s);
  seen_free(&open);
  names_free(&nm);
}

TEST(retries_and_request_options_apply_as_for_retrieve) {
  fixture_t f;
  setup(&f); /* the client retries */
  add_faults("[{\"status\":500,\"match\":\"claude-opus-4-0\",\"times\":2}]");
  const char *one[] = {"claude-opus-4-0"};
  seen_t a, b;
  seen_init(&a, 1);
  seen_init(&b, 1);
  /* This batch asks for no retries: the first 500 is its answer. */
  anthropic_request_options_t ro = ANTHROPIC_REQUEST_OPTIONS_INIT;
  ro.max_retries = 0;
  anthropic_models_retrieve_params_t params = {
      sizeof(anthropic_models_retrieve_params_t), &ro};
  anthropic_resolve_options_t o = ANTHROPIC_RESOLVE_OPTIONS_INIT;
  o.params = &params;
  CHECK(anthropic_resolve(f.client, one, 1, &o, on_alias, on_done, &a) != 0);
  uv_run(&f.loop, UV_RUN_DEFAULT);
  CHECK_EQ_INT(a.kind[0], ANTHROPIC_EHTTP);
  CHECK_EQ_INT((int)a.status[0], 500);
  /* The client's retries: the second 500 is retried, then the model. */
  CHECK(anthropic_resolve(f.client, one, 1, NULL, on_alias, on_done, &b) != 0);
  teardown(&f);
  check_each_once(&a);
  check_each_once(&b);
  CHECK_EQ_STR(b.id[0], "claude-opus-4-20250514");
  CHECK_EQ_INT(fake_request_count(&srv), 3);
  seen_free(&a);
  seen_free(&b);
}

/* A batch that can take no more aliases has no use for an answer once
 * it is delivered: keeping each distinct alias's model (several KB) until
 * the batch ends made a batch of N distinct aliases hold N models at its
 * end (171 MB for 20,000). An open batch keeps them for later twins, until
 * it ends. */
typedef struct held {
  anthropic_client_t *client;
  int calls;
  size_t held_at_last;
} held_t;

static void on_held(const anthropic_error_t *err,
                    const anthropic_model_info_t *m, const char *alias,
                    size_t index, void *data) {
  held_t *h = data;
  (void)err;
  (void)m;
  (void)alias;
  (void)index;
  if (++h->calls == 300)
    h->held_at_last = anth__resolve_results_held(h->client);
}

static void on_held_done(anthropic_resolve_id_t id, void *data) {
  (void)id;
  (void)data;
}

TEST(an_ended_batch_keeps_no_answer_once_delivered) {
  fixture_t f;
  held_t h = {0};
  char names[300][32];
  const char *aliases[300];
  for (int i = 0; i < 300; i++) {
    snprintf(names[i], sizeof names[i], "claude-held-%03d", i);
    aliases[i] = names[i];
  }
  setup(&f);
  h.client = f.client;
  CHECK(anthropic_resolve(f.client, aliases, 300, NULL, on_held, on_held_done,
                          &h) != 0);
  uv_run(&f.loop, UV_RUN_DEFAULT);
  CHECK_EQ_INT(h.calls, 300);
  CHECK_EQ_INT((int)h.held_at_last, 0);
  /* An open batch keeps them for twins added later, until it ends. */
  anthropic_resolve_id_t b =
      anthropic_resolve_start(f.client, NULL, on_held, on_held_done, &h);
  CHECK(b != 0);
  for (int i = 0; i < 10; i++)
    CHECK_EQ_INT(anthropic_resolve_add(f.client, b, aliases[i]), 0);
  uv_run(&f.loop, UV_RUN_DEFAULT);
  CHECK_EQ_INT((int)anth__resolve_results_held(f.client), 10);
  CHECK_EQ_INT(anthropic_resolve_add(f.client, b, aliases[0]), 0);
  uv_run(&f.loop, UV_RUN_DEFAULT);
  CHECK_EQ_INT(fake_request_count(&srv), 310);
  CHECK_EQ_INT(anthropic_resolve_end(f.client, b), 0);
  CHECK_EQ_INT((int)anth__resolve_results_held(f.client), 0);
  teardown(&f);
  CHECK_EQ_INT(h.calls, 311);
}

/* What a per-alias callback may do, from inside: add a twin of its own
 * alias to its open batch (answered from the same outcome, after the
 * transfer's model is gone: it must be a copy), cancel its batch, close
 * the client. Each alias is still called back once. */
typedef struct inside {
  anthropic_client_t *client;
  anthropic_resolve_id_t id;
  int what; /* 0: add a twin, 1: cancel the batch, 2: close */
  int calls, ok, cancelled, done;
  char first[64], twin[64];
} inside_t;

static void on_inside(const anthropic_error_t *err,
                      const anthropic_model_info_t *m, const char *alias,
                      size_t index, void *data) {
  inside_t *in = data;
  in->calls++;
  in->ok += m != NULL;
  in->cancelled += err != NULL && err->kind == ANTHROPIC_ECANCELLED;
  if (m != NULL)
    snprintf(index == 0 ? in->first : in->twin, sizeof in->first, "%s", m->id);
  if (in->calls != 1)
    return;
  if (in->what == 0) {
    CHECK_EQ_INT(anthropic_resolve_add(in->client, in->id, alias), 0);
    CHECK_EQ_INT(anthropic_resolve_end(in->client, in->id), 0);
  } else if (in->what == 1) {
    CHECK_EQ_INT(anthropic_resolve_cancel(in->client, in->id), 0);
  } else {
    anthropic_client_close(in->client, on_closed);
  }
}

static void on_inside_done(anthropic_resolve_id_t id, void *data) {
  inside_t *in = data;
  CHECK(id == in->id);
  in->done++;
}

TEST(a_callback_may_add_a_twin_cancel_or_close) {
  for (int what = 0; what < 3; what++) {
    fixture_t f;
    inside_t in;
    memset(&in, 0, sizeof in);
    in.what = what;
    setup(&f);
    in.client = f.client;
    in.id =
        anthropic_resolve_start(f.client, NULL, on_inside, on_inside_done, &in);
    CHECK(in.id != 0);
    CHECK_EQ_INT(anthropic_resolve_add(f.client, in.id, "claude-opus-4-1"), 0);
    if (what != 0) {
      /* Slow, so still in flight when the first is called back. */
      add_faults("[{\"action\":\"delay\",\"delay_ms\":300,"
                 "\"match\":\"claude-haiku-4-5\"}]");
      CHECK_EQ_INT(anthropic_resolve_add(f.client, in.id, "claude-haiku-4-5"),
                   0);
      CHECK_EQ_INT(anthropic_resolve_end(f.client, in.id), 0);
    }
    if (what == 2) {
      uv_run(&f.loop, UV_RUN_DEFAULT);
      test_loop_finish(&f.loop);
      CHECK_EQ_INT(f.closed, 1);
    } else {
      teardown(&f);
    }
    CHECK_EQ_INT(in.calls, 2);
    CHECK_EQ_INT(in.done, 1);
    CHECK_EQ_STR(in.first, "claude-opus-4-1-20250805");
    if (what == 0) {
      CHECK_EQ_INT(in.ok, 2);
      CHECK_EQ_STR(in.twin, "claude-opus-4-1-20250805");
      CHECK_EQ_INT(fake_request_count(&srv), 1);
    } else {
      CHECK_EQ_INT(in.ok, 1);
      CHECK_EQ_INT(in.cancelled, 1);
    }
  }
}

/* ---- stale-if-error, where an answer came from, the counters ---- */

/* What one alias's callback saw, with anthropic_resolve_get_info(). */
typedef struct got {
  anthropic_client_t *client;
  int calls, done;
  int kind;
  long status;
  char id[64];
  int info_rc;
  anthropic_resolve_info_t info; /* the last callback's */
  int n_coalesced;
  int cause_kind;
  long cause_status;
  int cause_attempts;
  char cause_rid[64];
} got_t;

static void on_got(const anthropic_error_t *err,
                   const anthropic_model_info_t *m, const char *alias,
                   size_t index, void *data) {
  got_t *g = data;
  (void)alias;
  (void)index;
  CHECK((err == NULL) != (m == NULL));
  g->calls++;
  g->kind = err ? err->kind : 0;
  g->status = err ? err->response->status : 0;
  snprintf(g->id, sizeof g->id, "%s", m ? m->id : "");
  anthropic_resolve_info_t in = ANTHROPIC_RESOLVE_INFO_INIT;
  g->info_rc = anthropic_resolve_get_info(g->client, &in);
  g->info = in;
  g->n_coalesced += in.coalesced;
  if (in.stale_error != NULL) {
    g->cause_kind = in.stale_error->kind;
    g->cause_status = in.stale_error->response->status;
    g->cause_attempts = in.stale_error->attempts;
    snprintf(g->cause_rid, sizeof g->cause_rid, "%s",
             in.stale_error->response->request_id
                 ? in.stale_error->response->request_id
                 : "");
  }
  g->info.stale_error = NULL; /* valid only in here */
}

static void on_got_done(anthropic_resolve_id_t id, void *data) {
  got_t *g = data;
  (void)id;
  g->done++;
}

/* Resolve one alias and run the loop until its batch is done. */
static void resolve_one(fixture_t *f, const char *alias, got_t *g) {
  memset(g, 0, sizeof *g);
  g->client = f->client;
  const char *one[] = {alias};
  CHECK(anthropic_resolve(f->client, one, 1, NULL, on_got, on_got_done, g) !=
        0);
  uv_run(&f->loop, UV_RUN_DEFAULT);
  CHECK_EQ_INT(g->calls, 1);
  CHECK_EQ_INT(g->done, 1);
  CHECK_EQ_INT(g->info_rc, 0);
}

static void on_wait(uv_timer_t *t) {
  (void)t;
}

/* A batch of claude-opus-4-1 alone, started (not run) with its answer to
 * come in `g`: the batch's id. */
static anthropic_resolve_id_t resolve_opus(fixture_t *f, got_t *g) {
  static const char *const one[] = {"claude-opus-4-1"};
  memset(g, 0, sizeof *g);
  g->client = f->client;
  return anthropic_resolve(f->client, one, 1, NULL, on_got, on_got_done, g);
}

/* Let `ms` of loop time pass (uv_now() is what the cache reads). */
static void wait_loop_ms(fixture_t *f, uint64_t ms) {
  uv_timer_t t;
  CHECK_EQ_INT(uv_timer_init(&f->loop, &t), 0);
  CHECK_EQ_INT(uv_timer_start(&t, on_wait, ms, 0), 0);
  uv_run(&f->loop, UV_RUN_DEFAULT);
  uv_close((uv_handle_t *)&t, NULL);
  uv_run(&f->loop, UV_RUN_DEFAULT);
}

/* TTL 20 ms, and a model kept an hour past it for errors. */
static void set_stale_cache(fixture_t *f, uint64_t ttl, uint64_t stale) {
  anthropic_resolve_cache_options_t co = ANTHROPIC_RESOLVE_CACHE_OPTIONS_INIT;
  co.max_entries = 16;
  co.ttl_ms = ttl;
  co.not_found_ttl_ms = 0;
  co.stale_if_error_ms = stale;
  CHECK_EQ_INT(anthropic_resolve_cache_set(f->client, &co), 0);
}

/* On a client (options `o`; NULL: no retries) whose cache keeps a model
 * `ttl` ms and `stale` ms more for errors: claude-opus-4-1 resolved
 * (into `first`), `wait` ms of loop time, then `faults` (unless NULL)
 * set for what comes next. */
static void resolve_then_fail(fixture_t *f, anthropic_client_options_t *o,
                              uint64_t ttl, uint64_t stale, uint64_t wait,
                              const char *faults, got_t *first) {
  if (o != NULL)
    setup_with(f, o);
  else
    setup_no_retries(f);
  set_stale_cache(f, ttl, stale);
  resolve_one(f, "claude-opus-4-1", first);
  wait_loop_ms(f, wait);
  if (faults != NULL)
    add_faults(faults);
}

/* With `faults` set, claude-opus-4-1 now resolves to the HTTP error
 * `status`, not to a stale model. */
static void check_not_stale(fixture_t *f, const char *faults, int status) {
  got_t g;
  add_faults(faults);
  resolve_one(f, "claude-opus-4-1", &g);
  CHECK_EQ_INT(g.kind, ANTHROPIC_EHTTP);
  CHECK_EQ_INT((int)g.status, status);
  CHECK(!g.info.stale);
}

TEST(a_model_past_its_ttl_is_served_stale_when_the_api_answers_5xx) {
  fixture_t f;
  got_t g;
  resolve_then_fail(&f, NULL, 20, 3600000, 40,
                    "[{\"status\":503,\"match\":\"claude-opus-4-1\"}]", &g);
  CHECK_EQ_STR(g.id, "claude-opus-4-1-20250805");
  CHECK(!g.info.stale && !g.info.cached && !g.info.coalesced);
  resolve_one(&f, "claude-opus-4-1", &g);
  CHECK_EQ_INT(fake_request_count(&srv), 2); /* past its TTL: asked again */
  CHECK_EQ_INT(g.kind, 0);
  CHECK_EQ_STR(g.id, "claude-opus-4-1-20250805");
  CHECK(g.info.stale);
  CHECK(!g.info.cached);
  CHECK(g.info.age_ms >= 20);
  CHECK_EQ_INT(g.cause_kind, ANTHROPIC_EHTTP);
  CHECK_EQ_INT((int)g.cause_status, 503);
  CHECK_EQ_INT(g.cause_attempts, 1);
  CHECK(g.cause_rid[0] != '\0');
  teardown(&f);
}

TEST(connection_errors_timeouts_and_429_after_retries_are_served_stale) {
  static const char *faults[] = {
      "[{\"action\":\"reset_during\",\"match\":\"claude-opus-4-1\"}]",
      "[{\"action\":\"hang\",\"match\":\"claude-opus-4-1\"}]",
      ("[{\"status\":429,\"headers\":{\"retry-after-ms\":\"1\"},"
       "\"match\":\"claude-opus-4-1\",\"times\":3}]"),
  };
  static const int kinds[] = {ANTHROPIC_ECONNECTION, ANTHROPIC_ETIMEDOUT,
                              ANTHROPIC_EHTTP};
  for (int i = 0; i < 3; i++) {
    fixture_t f;
    got_t g;
    anthropic_client_options_t o = ANTHROPIC_CLIENT_OPTIONS_INIT;
    o.timeout_ms = 300;
    o.max_retries = i == 2 ? 2 : 0;
    resolve_then_fail(&f, &o, 10, 3600000, 30, faults[i], &g);
    resolve_one(&f, "claude-opus-4-1", &g);
    if (!g.info.stale)
      FAILF("fault %d: not stale (kind %d)", i, g.kind);
    CHECK_EQ_STR(g.id, "claude-opus-4-1-20250805");
    CHECK_EQ_INT(g.cause_kind, kinds[i]);
    if (i == 2) {
      CHECK_EQ_INT((int)g.cause_status, 429);
      CHECK_EQ_INT(g.cause_attempts, 3);
    }
    teardown(&f);
  }
}

TEST(a_404_or_another_4xx_is_never_served_stale_and_a_404_drops_the_model) {
  fixture_t f;
  got_t g;
  resolve_then_fail(&f, NULL, 10, 3600000, 30, NULL, &g);
  check_not_stale(&f, "[{\"status\":401,\"match\":\"claude-opus-4-1\"}]", 401);
  check_not_stale(&f, "[{\"status\":404,\"match\":\"claude-opus-4-1\"}]", 404);
  /* The API said it is gone: a 5xx now is not hidden by the old model. */
  check_not_stale(&f, "[{\"status\":503,\"match\":\"claude-opus-4-1\"}]", 503);
  teardown(&f);
}

TEST(a_model_past_its_stale_window_is_not_served) {
  fixture_t f;
  got_t g;
  resolve_then_fail(&f, NULL, 10, 20, 60, NULL, &g);
  check_not_stale(&f, "[{\"status\":503,\"match\":\"claude-opus-4-1\"}]", 503);
  teardown(&f);
}

TEST(stale_if_error_is_off_by_default_and_with_the_older_call) {
  fixture_t f;
  got_t g;
  setup_no_retries(&f);
  CHECK_EQ_INT(anthropic_resolve_cache(f.client, 16, 10, 0), 0);
  resolve_one(&f, "claude-opus-4-1", &g);
  wait_loop_ms(&f, 30);
  check_not_stale(&f, "[{\"status\":503,\"match\":\"claude-opus-4-1\"}]", 503);
  teardown(&f);
}

TEST(with_no_ttl_every_lookup_asks_and_the_last_model_covers_errors) {
  fixture_t f;
  got_t g;
  setup_no_retries(&f);
  set_stale_cache(&f, 0, 3600000);
  resolve_one(&f, "claude-opus-4-1", &g);
  resolve_one(&f, "claude-opus-4-1", &g);
  CHECK_EQ_INT(fake_request_count(&srv), 2);
  CHECK(!g.info.cached && !g.info.stale);
  add_faults("[{\"status\":500,\"match\":\"claude-opus-4-1\"}]");
  resolve_one(&f, "claude-opus-4-1", &g);
  CHECK(g.info.stale);
  CHECK_EQ_STR(g.id, "claude-opus-4-1-20250805");
  /* A good answer again is fresh, and the stale one was not kept. */
  resolve_one(&f, "claude-opus-4-1", &g);
  CHECK(!g.info.stale);
  CHECK_EQ_INT(fake_request_count(&srv), 4);
  teardown(&f);
}

TEST(every_waiter_of_a_failed_lookup_gets_the_stale_model) {
  fixture_t f;
  got_t g;
  resolve_then_fail(&f, NULL, 10, 3600000, 30,
                    "[{\"action\":\"delay\",\"delay_ms\":100,\"status\":502,"
                    "\"match\":\"claude-opus-4-1\"}]",
                    &g);
  got_t a, b;
  CHECK(resolve_opus(&f, &a) != 0);
  CHECK(resolve_opus(&f, &b) != 0);
  teardown(&f);
  CHECK_EQ_INT(fake_request_count(&srv), 2);
  CHECK(a.info.stale && b.info.stale);
  CHECK(!a.info.coalesced);
  CHECK(b.info.coalesced);
  CHECK_EQ_STR(b.id, "claude-opus-4-1-20250805");
}

TEST(a_cancelled_lookup_is_not_served_stale) {
  fixture_t f;
  got_t g;
  resolve_then_fail(&f, NULL, 10, 3600000, 30,
                    "[{\"action\":\"delay\",\"delay_ms\":300,"
                    "\"match\":\"claude-opus-4-1\"}]",
                    &g);
  anthropic_resolve_id_t id = resolve_opus(&f, &g);
  run_until_requests(&f, 2);
  CHECK_EQ_INT(anthropic_resolve_cancel(f.client, id), 0);
  teardown(&f);
  CHECK_EQ_INT(g.kind, ANTHROPIC_ECANCELLED);
  CHECK(!g.info.stale);
}

TEST(info_says_cached_or_coalesced_with_the_answers_age) {
  fixture_t f;
  setup(&f);
  CHECK_EQ_INT(anthropic_resolve_cache(f.client, 16, 3600000, 3600000), 0);
  got_t g;
  resolve_one(&f, "claude-opus-4-1", &g);
  CHECK(!g.info.cached && !g.info.coalesced && !g.info.stale);
  CHECK(g.info.stale_error == NULL);
  wait_loop_ms(&f, 20);
  resolve_one(&f, "claude-opus-4-1", &g);
  CHECK(g.info.cached && !g.info.coalesced && !g.info.stale);
  CHECK(g.info.age_ms >= 20);
  CHECK(g.info.age_ms < 3600000);
  /* A cached 404 too. */
  resolve_one(&f, "no-such-model", &g);
  CHECK(!g.info.cached);
  resolve_one(&f, "no-such-model", &g);
  CHECK_EQ_INT((int)g.status, 404);
  CHECK(g.info.cached);
  /* Twins in one batch: the second shares the first's lookup. */
  got_t t;
  memset(&t, 0, sizeof t);
  t.client = f.client;
  const char *two[] = {"claude-haiku-5", "claude-haiku-5"};
  CHECK(anthropic_resolve(f.client, two, 2, NULL, on_got, on_got_done, &t) !=
        0);
  uv_run(&f.loop, UV_RUN_DEFAULT);
  CHECK_EQ_INT(t.calls, 2);
  CHECK_EQ_INT(t.n_coalesced, 1);
  CHECK(!t.info.cached);
  teardown(&f);
}

TEST(info_is_refused_outside_a_per_alias_callback) {
  fixture_t f;
  setup(&f);
  anthropic_resolve_info_t in = ANTHROPIC_RESOLVE_INFO_INIT;
  CHECK_EQ_INT(anthropic_resolve_get_info(f.client, &in), ANTHROPIC_EINVAL);
  CHECK_EQ_INT(anthropic_resolve_get_info(NULL, &in), ANTHROPIC_EINVAL);
  CHECK_EQ_INT(anthropic_resolve_get_info(f.client, NULL), ANTHROPIC_EINVAL);
  got_t g;
  resolve_one(&f, "claude-opus-4-1", &g); /* a resolver exists now */
  CHECK_EQ_INT(anthropic_resolve_get_info(f.client, &in), ANTHROPIC_EINVAL);
  teardown(&f);
}

TEST(stats_count_lookups_hits_misses_coalesced_and_stale) {
  fixture_t f;
  setup_no_retries(&f);
  anthropic_resolve_stats_t st = ANTHROPIC_RESOLVE_STATS_INIT;
  CHECK_EQ_INT(anthropic_resolve_get_stats(f.client, &st), 0);
  CHECK(st.lookups == 0 && st.hits == 0 && st.misses == 0);
  set_stale_cache(&f, 3600000, 3600000);
  const char *list[] = {"claude-opus-4-1", "claude-opus-4-1", "claude-haiku-5"};
  seen_t a, b;
  seen_init(&a, 3);
  seen_init(&b, 3);
  CHECK(anthropic_resolve(f.client, list, 3, NULL, on_alias, on_done, &a) != 0);
  uv_run(&f.loop, UV_RUN_DEFAULT);
  CHECK(anthropic_resolve(f.client, list, 3, NULL, on_alias, on_done, &b) != 0);
  uv_run(&f.loop, UV_RUN_DEFAULT);
  CHECK_EQ_INT(anthropic_resolve_get_stats(f.client, &st), 0);
  CHECK_EQ_INT((int)st.lookups, 2);
  CHECK_EQ_INT((int)st.misses, 3);    /* the first batch */
  CHECK_EQ_INT((int)st.coalesced, 1); /* its twin */
  CHECK_EQ_INT((int)st.hits, 3);      /* the second */
  CHECK_EQ_INT((int)st.stale, 0);
  CHECK_EQ_INT((int)st.entries, 2);
  /* Now past the TTL, and the API failing. */
  set_stale_cache(&f, 1, 3600000);
  wait_loop_ms(&f, 10);
  add_faults("[{\"status\":503,\"match\":\"claude-opus-4-1\"}]");
  got_t g;
  resolve_one(&f, "claude-opus-4-1", &g);
  CHECK(g.info.stale);
  CHECK_EQ_INT(anthropic_resolve_get_stats(f.client, &st), 0);
  CHECK_EQ_INT((int)st.lookups, 3);
  CHECK_EQ_INT((int)st.misses, 4);
  CHECK_EQ_INT((int)st.stale, 1);
  teardown(&f);
  check_each_once(&a);
  check_each_once(&b);
  seen_free(&a);
  seen_free(&b);
}

TEST(a_waiter_cancelled_off_a_shared_lookup_is_not_counted_coalesced) {
  fixture_t f;
  setup(&f);
  add_faults("[{\"action\":\"delay\",\"delay_ms\":200,"
             "\"match\":\"claude-opus-4-1\"}]");
  got_t a, b;
  CHECK(resolve_opus(&f, &a) != 0);
  anthropic_resolve_id_t ib = resolve_opus(&f, &b);
  run_until_requests(&f, 1);
  CHECK_EQ_INT(anthropic_resolve_cancel(f.client, ib), 0);
  teardown(&f);
  CHECK_EQ_INT(b.kind, ANTHROPIC_ECANCELLED);
  CHECK(!b.info.coalesced);
  CHECK(!a.info.coalesced);
  CHECK_EQ_STR(a.id, "claude-opus-4-1-20250805");
}

int main(void) {
  if (fixture_main_start() != 0)
    return 1;
  int rc = RUN(
      T(ten_thousand_aliases_cost_one_request_per_distinct_one),
      T(good_and_unknown_aliases_each_get_their_own_outcome),
      T(a_batch_of_no_aliases_completes_from_the_loop),
      T(an_alias_added_while_its_twin_is_in_flight_costs_no_request),
      T(a_cache_hit_costs_no_request_and_a_404_is_kept_for_its_shorter_ttl),
      T(the_cache_is_bounded),
      T(a_batch_cancelled_half_way_calls_each_alias_once),
      T(a_shared_lookup_survives_the_cancel_of_one_of_its_batches),
      T(close_mid_batch_calls_each_alias_once),
      T(retries_and_request_options_apply_as_for_retrieve),
      T(an_ended_batch_keeps_no_answer_once_delivered),
      T(a_callback_may_add_a_twin_cancel_or_close),
      T(a_model_past_its_ttl_is_served_stale_when_the_api_answers_5xx),
      T(connection_errors_timeouts_and_429_after_retries_are_served_stale),
      T(a_404_or_another_4xx_is_never_served_stale_and_a_404_drops_the_model),
      T(a_model_past_its_stale_window_is_not_served),
      T(stale_if_error_is_off_by_default_and_with_the_older_call),
      T(with_no_ttl_every_lookup_asks_and_the_last_model_covers_errors),
      T(every_waiter_of_a_failed_lookup_gets_the_stale_model),
      T(a_cancelled_lookup_is_not_served_stale),
      T(info_says_cached_or_coalesced_with_the_answers_age),
      T(info_is_refused_outside_a_per_alias_callback),
      T(stats_count_lookups_hits_misses_coalesced_and_stale),
      T(a_waiter_cancelled_off_a_shared_lookup_is_not_counted_coalesced));
  fake_server_stop(&srv);
  return rc;
}
