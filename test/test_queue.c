/* test_queue.c - the request queue (max_requests_in_flight) and request
 * ids: requests past the cap wait in the client, in order, and start as
 * others finish; an id never names another request, however late it is
 * used. */
#include "../src/client.h"
#include "fixture.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* The library's live heap bytes (as asked for, without malloc's own
 * overhead): main() routes every allocation of the library, libcurl and
 * cJSON through these. A 16-byte header keeps each block's size. */
static size_t live_bytes;
#define HDR 16

static void *count_malloc(size_t n) {
  unsigned char *p = malloc(n + HDR);
  if (p == NULL)
    return NULL;
  memcpy(p, &n, sizeof n);
  live_bytes += n;
  return p + HDR;
}

static void count_free(void *ptr) {
  if (ptr == NULL)
    return;
  unsigned char *p = (unsigned char *)ptr - HDR;
  size_t n;
  memcpy(&n, p, sizeof n);
  live_bytes -= n;
  free(p);
}

static void *count_calloc(size_t k, size_t n) {
  if (n != 0 && k > (SIZE_MAX - HDR) / n)
    return NULL;
  void *p = count_malloc(k * n);
  if (p != NULL)
    memset(p, 0, k * n);
  return p;
}

static void *count_realloc(void *ptr, size_t n) {
  if (ptr == NULL)
    return count_malloc(n);
  unsigned char *p = (unsigned char *)ptr - HDR, *q;
  size_t old;
  memcpy(&old, p, sizeof old);
  q = realloc(p, n + HDR);
  if (q == NULL)
    return NULL;
  memcpy(q, &n, sizeof n);
  live_bytes = live_bytes - old + n;
  return q + HDR;
}

/* A client on `f` with at most `conns` connections to the host and
 * `in_flight` requests handed to libcurl (0: the defaults). */
static void setup_capped(fixture_t *f, unsigned conns, unsigned in_flight) {
  anthropic_client_options_t o = ANTHROPIC_CLIENT_OPTIONS_INIT;
  o.max_host_connections = conns;
  o.max_requests_in_flight = in_flight;
  setup_with(f, &o);
}

/* Callbacks counted per request: every one must run exactly once. */
typedef struct tally {
  int *calls; /* one counter per request */
  int ok, cancelled, other;
  anthropic_client_t *close_after_client; /* close once `ok` reaches... */
  int close_after;                        /* ...this many (0: never) */
  struct tallied *xs;                     /* each request's callback data */
} tally_t;

typedef struct tallied {
  tally_t *t;
  int i;
} tallied_t;

/* Room in `t` for `n` requests; tally_free() it after. */
static void tally_alloc(tally_t *t, int n) {
  t->calls = calloc((size_t)n, sizeof *t->calls);
  t->xs = calloc((size_t)n, sizeof *t->xs);
  CHECK(t->calls != NULL && t->xs != NULL);
}

static void tally_free(tally_t *t) {
  free(t->calls);
  free(t->xs);
}

static void on_tallied(const anthropic_error_t *err,
                       const anthropic_model_info_t *m, void *data) {
  (void)m;
  tallied_t *x = data;
  tally_t *t = x->t;
  t->calls[x->i]++;
  if (err == NULL)
    t->ok++;
  else if (err->kind == ANTHROPIC_ECANCELLED)
    t->cancelled++;
  else
    t->other++;
  if (t->close_after > 0 && t->ok == t->close_after)
    anthropic_client_close(t->close_after_client, on_closed);
}

/* Retrieves `from` to `to` (not included) of `t`, started; their ids in
 * `ids` unless NULL. */
static void start_tallied(fixture_t *f, tally_t *t, int from, int to,
                          anthropic_request_id_t *ids) {
  for (int i = from; i < to; i++) {
    t->xs[i].t = t;
    t->xs[i].i = i;
    anthropic_request_id_t id = anthropic_models_retrieve(
        f->client, "claude-opus-4-1", NULL, on_tallied, &t->xs[i]);
    CHECK(id != 0);
    if (ids != NULL)
      ids[i] = id;
  }
}

static void check_each_once(const tally_t *t, int n) {
  for (int i = 0; i < n; i++)
    if (t->calls[i] != 1)
      FAILF("request %d: %d callbacks, want 1", i, t->calls[i]);
}

/* The peak has to be read before the client is freed. */
static size_t peak_seen;
static void keep_peak(anthropic_client_t *c) {
  peak_seen = c->active_peak;
  on_closed(c);
}

TEST(requests_past_the_cap_wait_and_all_complete) {
  enum { N = 5000 };
  fixture_t f;
  setup_capped(&f, 4, 8);
  tally_t t = {0};
  tally_alloc(&t, N);
  start_tallied(&f, &t, 0, N, NULL);
  CHECK_EQ_INT((int)f.client->active_count, 8);
  CHECK_EQ_INT((int)f.client->queue_count, N - 8);
  uv_run(&f.loop, UV_RUN_DEFAULT);
  peak_seen = 0;
  anthropic_client_close(f.client, keep_peak);
  test_loop_finish(&f.loop);
  CHECK_EQ_INT(f.closed, 1);
  check_each_once(&t, N);
  CHECK_EQ_INT(t.ok, N);
  /* Never more than the cap handed to curl at any moment. */
  CHECK_EQ_INT((int)peak_seen, 8);
  CHECK_EQ_INT(fake_request_count(&srv), N);
  tally_free(&t);
}

/* Over cleartext HTTP/1.1 a connection carries one request at a time, so
 * any request handed to curl past the connection cap waits inside curl as
 * a whole easy handle in the pending list that libcurl 7.88 rescans: the
 * default cap is the connection cap there (20,000 retrieves at once took
 * 1.4x the time of the caller keeping 64 in flight with 4x). */
TEST(the_default_cap_over_http1_is_the_connection_cap) {
  enum { N = 200 };
  fixture_t f;
  setup_capped(&f, 4, 0); /* http:// : HTTP/1.1 */
  tally_t t = {0};
  tally_alloc(&t, N);
  start_tallied(&f, &t, 0, N, NULL);
  CHECK_EQ_INT((int)f.client->active_count, 4);
  CHECK_EQ_INT((int)f.client->queue_count, N - 4);
  uv_run(&f.loop, UV_RUN_DEFAULT);
  anthropic_client_close(f.client, on_closed);
  test_loop_finish(&f.loop);
  check_each_once(&t, N);
  CHECK_EQ_INT(t.ok, N);
  tally_free(&t);
}

/* A request waiting in the queue holds only what it needs to start later:
 * its callback and data, the path it asks for and its id's entry, not
 * the options a request can have (headers, timeouts, a walk's state) nor
 * the client's base URL again. 1,000,000 retrieves queued at once took
 * 250 MB with a 144-byte job and a copy of the whole URL each. */
TEST(a_waiting_request_holds_little_memory) {
  /* 4 in flight and 1,020 queued: 1,024 ids fill the id table exactly. */
  enum { CONNS = 4, N = 1024 - CONNS };
  fixture_t f;
  setup_capped(&f, CONNS, 0); /* http:// : HTTP/1.1, a cap of CONNS */
  tally_t t = {0};
  tally_alloc(&t, CONNS + N);
  start_tallied(&f, &t, 0, CONNS, NULL);
  size_t before = live_bytes;
  start_tallied(&f, &t, CONNS, CONNS + N, NULL);
  CHECK_EQ_INT((int)f.client->queue_count, N);
  size_t each = (live_bytes - before) / N;
  if (each > 128)
    FAILF("a waiting request holds %zu bytes, want at most 128", each);
  uv_run(&f.loop, UV_RUN_DEFAULT);
  anthropic_client_close(f.client, on_closed);
  test_loop_finish(&f.loop);
  check_each_once(&t, CONNS + N);
  CHECK_EQ_INT(t.ok, CONNS + N);
  tally_free(&t);
}

typedef struct qwalk {
  size_t items, pages;
  int done_calls, kind;
} qwalk_t;

static int on_qeach(const anthropic_models_page_t *page, void *data) {
  qwalk_t *w = data;
  (void)page;
  w->pages++;
  return 0;
}

static void on_qdone(const anthropic_error_t *err, size_t items, void *data) {
  qwalk_t *w = data;
  w->done_calls++;
  w->items = items;
  w->kind = err ? err->kind : 0;
}

TEST(a_queued_request_cancelled_never_reaches_the_server) {
  fixture_t f;
  setup_capped(&f, 0, 1);
  outcome_t a = {0}, b = {0}, l = {0};
  qwalk_t w = {0};
  anthropic_request_id_t ra = anthropic_models_retrieve(
      f.client, "claude-opus-4-1", NULL, on_model, &a);
  anthropic_request_id_t rb = anthropic_models_retrieve(
      f.client, "claude-opus-4-0", NULL, on_model, &b);
  anthropic_request_id_t rl =
      anthropic_models_list(f.client, NULL, on_page, &l);
  anthropic_request_id_t rw =
      anthropic_models_list_all(f.client, NULL, 0, on_qeach, on_qdone, &w);
  CHECK(ra != 0 && rb != 0 && rl != 0 && rw != 0);
  CHECK(ra != rb && rb != rl && rl != rw);
  CHECK_EQ_INT(anthropic_request_cancel(f.client, rb), 0);
  CHECK_EQ_INT(anthropic_request_cancel(f.client, rl), 0);
  CHECK_EQ_INT(anthropic_request_cancel(f.client, rw), 0);
  CHECK_EQ_INT(anthropic_request_cancel(f.client, rb), ANTHROPIC_EINVAL);
  CHECK_EQ_INT(b.calls, 0); /* never from inside cancel */
  teardown(&f);
  CHECK_EQ_INT(a.calls, 1);
  CHECK_EQ_INT(a.kind, 0);
  CHECK_EQ_INT(b.calls, 1);
  CHECK_EQ_INT(b.kind, ANTHROPIC_ECANCELLED);
  CHECK_EQ_INT(b.attempts, 0);
  CHECK_EQ_INT(l.calls, 1);
  CHECK_EQ_INT(l.kind, ANTHROPIC_ECANCELLED);
  CHECK_EQ_INT(w.done_calls, 1);
  CHECK_EQ_INT(w.kind, ANTHROPIC_ECANCELLED);
  CHECK_EQ_INT((int)w.pages, 0);
  CHECK_EQ_INT(fake_request_count(&srv), 1); /* only `a` */
  outcome_free(&a);
}

TEST(cancelling_a_request_in_flight_lets_the_next_one_start) {
  fixture_t f;
  setup_capped(&f, 0, 1);
  add_faults("[{\"action\":\"hang\",\"match\":\"claude-opus-4-1\"}]");
  outcome_t a = {0}, b = {0};
  anthropic_request_id_t ra = anthropic_models_retrieve(
      f.client, "claude-opus-4-1", NULL, on_model, &a);
  CHECK(anthropic_models_retrieve(f.client, "claude-opus-4-0", NULL, on_model,
                                  &b) != 0);
  run_until_requests(&f, 1);
  CHECK_EQ_INT(anthropic_request_cancel(f.client, ra), 0);
  teardown(&f);
  CHECK_EQ_INT(a.calls, 1);
  CHECK_EQ_INT(a.kind, ANTHROPIC_ECANCELLED);
  CHECK_EQ_INT(b.calls, 1);
  CHECK_EQ_INT(b.kind, 0);
  outcome_free(&b);
}

TEST(close_with_thousands_waiting_cancels_each_once) {
  enum { N = 3000 };
  fixture_t f;
  setup_capped(&f, 0, 4);
  tally_t t = {0};
  tally_alloc(&t, N);
  start_tallied(&f, &t, 0, N, NULL);
  anthropic_client_close(f.client, on_closed);
  CHECK_EQ_INT(t.cancelled, 0); /* never from inside close */
  test_loop_finish(&f.loop);
  CHECK_EQ_INT(f.closed, 1);
  check_each_once(&t, N);
  CHECK_EQ_INT(t.cancelled, N);
  CHECK_EQ_INT(fake_request_count(&srv), 0);
  tally_free(&t);
}

TEST(close_from_a_callback_with_thousands_waiting) {
  enum { N = 3000 };
  fixture_t f;
  setup_capped(&f, 0, 4);
  tally_t t = {0};
  tally_alloc(&t, N);
  t.close_after = 10;
  t.close_after_client = f.client;
  start_tallied(&f, &t, 0, N, NULL);
  test_loop_finish(&f.loop);
  CHECK_EQ_INT(f.closed, 1);
  check_each_once(&t, N);
  CHECK_EQ_INT(t.other, 0);
  CHECK(t.ok >= 10);
  CHECK_EQ_INT(t.ok + t.cancelled, N);
  /* The ones on the wire at the close may have reached the server; none
   * of those still waiting did. */
  int seen = fake_request_count(&srv);
  CHECK(seen >= t.ok && seen <= t.ok + 4);
  tally_free(&t);
}

TEST(queued_requests_reach_the_server_in_the_order_started) {
  enum { N = 20 };
  fixture_t f;
  anthropic_client_options_t o = ANTHROPIC_CLIENT_OPTIONS_INIT;
  o.max_requests_in_flight = 1;
  o.max_retries = 0;
  setup_with(&f, &o);
  outcome_t out[N] = {{0}};
  char id[N][32];
  for (int i = 0; i < N; i++) {
    snprintf(id[i], sizeof id[i], "fifo-%02d", i);
    CHECK(anthropic_models_retrieve(f.client, id[i], NULL, on_model, &out[i]) !=
          0);
  }
  teardown(&f);
  cJSON *reqs = requests();
  CHECK_EQ_INT(cJSON_GetArraySize(reqs), N);
  for (int i = 0; i < N; i++) {
    char want[64];
    snprintf(want, sizeof want, "/v1/models/%.31s", id[i]);
    const cJSON *r = cJSON_GetArrayItem(reqs, i);
    CHECK_EQ_STR(cJSON_GetObjectItem(r, "path")->valuestring, want);
    CHECK_EQ_INT(out[i].calls, 1);
    CHECK_EQ_INT(out[i].status, 404);
  }
  cJSON_Delete(reqs);
}

TEST(a_stale_id_cancels_nothing) {
  fixture_t f;
  setup(&f);
  outcome_t a = {0}, b = {0};
  anthropic_request_id_t ra = anthropic_models_retrieve(
      f.client, "claude-opus-4-1", NULL, on_model, &a);
  CHECK(ra != 0);
  uv_run(&f.loop, UV_RUN_DEFAULT);
  CHECK_EQ_INT(a.calls, 1);
  /* B takes A's pooled request and A's slot in the id table. */
  anthropic_request_id_t rb = anthropic_models_retrieve(
      f.client, "claude-opus-4-0", NULL, on_model, &b);
  CHECK(rb != 0 && rb != ra);
  CHECK_EQ_INT(anthropic_request_cancel(f.client, ra), ANTHROPIC_EINVAL);
  teardown(&f);
  CHECK_EQ_INT(b.calls, 1);
  CHECK_EQ_INT(b.kind, 0);
  outcome_free(&a);
  outcome_free(&b);
}

TEST(ids_never_issued_cancel_nothing) {
  fixture_t f;
  setup(&f);
  outcome_t a = {0};
  CHECK_EQ_INT(anthropic_request_cancel(f.client, 0), ANTHROPIC_EINVAL);
  CHECK_EQ_INT(anthropic_request_cancel(NULL, 1), ANTHROPIC_EINVAL);
  anthropic_request_id_t ra = anthropic_models_retrieve(
      f.client, "claude-opus-4-1", NULL, on_model, &a);
  CHECK(ra != 0);
  CHECK_EQ_INT(anthropic_request_cancel(NULL, ra), ANTHROPIC_EINVAL);
  /* Its slot with another generation, another slot, no generation. */
  CHECK_EQ_INT(anthropic_request_cancel(f.client, ra + ((uint64_t)1 << 32)),
               ANTHROPIC_EINVAL);
  CHECK_EQ_INT(anthropic_request_cancel(f.client, ra + 1), ANTHROPIC_EINVAL);
  CHECK_EQ_INT(anthropic_request_cancel(f.client, ra & 0xffffffffu),
               ANTHROPIC_EINVAL);
  CHECK_EQ_INT(anthropic_request_cancel(f.client, UINT64_MAX),
               ANTHROPIC_EINVAL);
  teardown(&f);
  CHECK_EQ_INT(a.calls, 1);
  CHECK_EQ_INT(a.kind, 0);
  outcome_free(&a);
}

TEST(stale_ids_are_harmless_once_the_pool_is_full) {
  enum { N = 1100 }; /* more than the pool keeps (1024) */
  fixture_t f;
  setup_capped(&f, 0, N);
  tally_t t = {0};
  tally_alloc(&t, N);
  anthropic_request_id_t *ids = calloc(N, sizeof *ids);
  CHECK(ids != NULL);
  start_tallied(&f, &t, 0, N, ids);
  uv_run(&f.loop, UV_RUN_DEFAULT);
  CHECK_EQ_INT(t.ok, N);
  CHECK_EQ_INT((int)f.client->pool_count, 1024); /* the rest were freed */
  for (int i = 0; i < N; i++)
    CHECK_EQ_INT(anthropic_request_cancel(f.client, ids[i]), ANTHROPIC_EINVAL);
  /* The slot of ids[0], one generation on, while it is free. */
  CHECK_EQ_INT(anthropic_request_cancel(f.client, ids[0] + ((uint64_t)1 << 32)),
               ANTHROPIC_EINVAL);
  outcome_t b = {0};
  anthropic_request_id_t rb = anthropic_models_retrieve(
      f.client, "claude-opus-4-0", NULL, on_model, &b);
  CHECK(rb != 0);
  for (int i = 0; i < N; i++)
    CHECK_EQ_INT(anthropic_request_cancel(f.client, ids[i]), ANTHROPIC_EINVAL);
  teardown(&f);
  check_each_once(&t, N);
  CHECK_EQ_INT(b.calls, 1);
  CHECK_EQ_INT(b.kind, 0);
  outcome_free(&b);
  tally_free(&t);
  free(ids);
}

/* A walk keeps its place in flight from page to page: with room for one,
 * a retrieve started after it reaches the server after its last page. */
TEST(a_walk_in_the_queue_reads_every_model_and_keeps_its_place) {
  fixture_t f;
  setup_capped(&f, 0, 1);
  outcome_t before = {0}, after = {0}, all = {0};
  qwalk_t w = {0};
  anthropic_models_list_params_t big = {
      .size = sizeof(anthropic_models_list_params_t), .limit = 1000};
  anthropic_models_list_params_t small = {
      .size = sizeof(anthropic_models_list_params_t), .limit = 5};
  CHECK(anthropic_models_retrieve(f.client, "claude-opus-4-1", NULL, on_model,
                                  &before) != 0);
  CHECK(anthropic_models_list(f.client, &big, on_page, &all) != 0);
  CHECK(anthropic_models_list_all(f.client, &small, 0, on_qeach, on_qdone,
                                  &w) != 0);
  retrieve_to_the_end(&f, "claude-opus-4-0", &after);
  CHECK_EQ_INT(all.kind, 0);
  CHECK(all.page != NULL && all.page->count > 5);
  CHECK_EQ_INT(w.done_calls, 1);
  CHECK_EQ_INT(w.kind, 0);
  CHECK_EQ_INT((int)w.items, (int)all.page->count);
  CHECK_EQ_INT((int)w.pages, (int)((all.page->count + 4) / 5));
  cJSON *reqs = requests();
  int n = cJSON_GetArraySize(reqs);
  CHECK_EQ_INT(n, 3 + (int)w.pages);
  CHECK_EQ_STR(
      cJSON_GetObjectItem(cJSON_GetArrayItem(reqs, n - 1), "path")->valuestring,
      "/v1/models/claude-opus-4-0");
  cJSON_Delete(reqs);
  outcome_free(&before);
  outcome_free(&after);
  outcome_free(&all);
}

int main(void) {
  if (anthropic_replace_allocator(count_malloc, count_realloc, count_calloc,
                                  count_free) != 0)
    return 1;
  if (fixture_main_start() != 0)
    return 1;
  int rc =
      RUN(T(requests_past_the_cap_wait_and_all_complete),
          T(the_default_cap_over_http1_is_the_connection_cap),
          T(a_waiting_request_holds_little_memory),
          T(a_queued_request_cancelled_never_reaches_the_server),
          T(cancelling_a_request_in_flight_lets_the_next_one_start),
          T(close_with_thousands_waiting_cancels_each_once),
          T(close_from_a_callback_with_thousands_waiting),
          T(queued_requests_reach_the_server_in_the_order_started),
          T(a_stale_id_cancels_nothing), T(ids_never_issued_cancel_nothing),
          T(stale_ids_are_harmless_once_the_pool_is_full),
          T(a_walk_in_the_queue_reads_every_model_and_keeps_its_place));
  fake_server_stop(&srv);
  return rc;
}
