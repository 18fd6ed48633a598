/* test_alloc.c - allocation failure, the way curl's torture mode tests it:
 * run a retrieve, a list page and a two-page walk with request options
 * again and again, failing the Nth allocation (of the library and cJSON;
 * with ALLOC_TORTURE_CURL=1, libcurl's too) for every N until a run sees
 * no failure. Each run must end cleanly:
 * every callback exactly once, no crash, the loop closed with nothing left, and
 * (LeakSanitizer at exit) nothing leaked. */
#include "fixture.h"

#include <stdlib.h>

static unsigned long calls, fail_at;
static int armed, injected;
/* libcurl 7.88 mishandles some of its own allocation failures: it loses
 * some (the transfer then waits until the library's watchdog ends it) and
 * crashes on at least one (SIGFPE in a timeout after a failed connection
 * setup). By default only the library's and cJSON's allocations fail;
 * ALLOC_TORTURE_CURL=1 fails libcurl's too. */
static int with_curl;

/* Set: only libcurl's allocations are counted, and fail (see
 * every_libcurl_allocation_failure_in_a_transfer_ends_it_at_once). */
static int curl_only;

static int should_fail(void) {
  if (!armed ||
      (!with_curl && !curl_only && anth__alloc_source == ANTH_ALLOC_CURL) ||
      (curl_only && anth__alloc_source != ANTH_ALLOC_CURL))
    return 0;
  if (++calls == fail_at) {
    injected = 1;
    return 1;
  }
  return 0;
}

/* An allocator that calls back into the library, once, from the middle of
 * a transfer (set `reenter.armed`). */
static struct {
  int armed, fired;
  anthropic_client_t *client;
  anthropic_request_id_t req;
  int start_refused, start_kind, replace_refused, init_refused;
  int cancel_refused;
} reenter;

static void on_reenter_model(const anthropic_error_t *err,
                             const anthropic_model_info_t *m, void *data) {
  (void)m;
  int *kind = data;
  *kind = err ? err->kind : 0;
}

static void call_back_in(void) {
  static int unused_kind;
  uv_loop_t loop;
  anthropic_client_t *other = NULL;
  reenter.armed = 0;
  reenter.fired = 1;
  reenter.cancel_refused =
      anthropic_request_cancel(reenter.client, reenter.req) == ANTHROPIC_EINVAL;
  anthropic_client_close(reenter.client, NULL);
  reenter.start_refused =
      anthropic_models_retrieve(reenter.client, "claude-opus-4-1", NULL,
                                on_reenter_model, &unused_kind) == 0;
  reenter.start_kind = anthropic_client_last_error(reenter.client)->kind;
  reenter.replace_refused =
      anthropic_replace_allocator(malloc, realloc, calloc, free) ==
      ANTHROPIC_EINVAL;
  reenter.init_refused =
      anthropic_client_init(&loop, &other, NULL, NULL, 0) == ANTHROPIC_EINVAL &&
      other == NULL;
}

static void *t_malloc(size_t n) {
  if (reenter.armed && anth__alloc_source == ANTH_ALLOC_CURL)
    call_back_in();
  return should_fail() ? NULL : malloc(n);
}
static void *t_realloc(void *p, size_t n) {
  return should_fail() ? NULL : realloc(p, n);
}
static void *t_calloc(size_t n, size_t m) {
  return should_fail() ? NULL : calloc(n, m);
}

typedef struct run {
  int model_calls, page_calls, walk_calls;
  int model_ok, page_ok, walk_ok;
  int model_timeout, page_timeout, walk_timeout;
  size_t walk_items;
  int resolve_calls[3], resolve_done, resolve_ok;
} run_t;

static int timeouts; /* runs in which an injected failure became a timeout */

/* A callback's error, if any: counted in `timeouts` when it is a timeout
 * (returned: 1), printed with ALLOC_TRACE set. */
static int note_error(const char *what, const anthropic_error_t *err) {
  int timeout = err != NULL && err->kind == ANTHROPIC_ETIMEDOUT;
  timeouts += timeout;
  if (err != NULL && getenv("ALLOC_TRACE"))
    fprintf(stderr, "  %s%s: %s\n", what, anthropic_err_name(err->kind),
            err->message);
  return timeout;
}

static void on_m(const anthropic_error_t *err, const anthropic_model_info_t *m,
                 void *data) {
  run_t *r = data;
  r->model_calls++;
  r->model_timeout = note_error("", err);
  if (err == NULL && m != NULL &&
      strcmp(m->id, "claude-opus-4-1-20250805") == 0)
    r->model_ok = 1;
}

static void on_p(const anthropic_error_t *err, const anthropic_models_page_t *p,
                 void *data) {
  run_t *r = data;
  r->page_calls++;
  r->page_timeout = note_error("", err);
  if (err == NULL && p != NULL && p->count == 5)
    r->page_ok = 1;
}

static int on_w_each(const anthropic_models_page_t *p, void *data) {
  run_t *r = data;
  r->walk_items += p->count;
  return 0;
}

static void on_w_done(const anthropic_error_t *err, size_t items, void *data) {
  run_t *r = data;
  r->walk_calls++;
  r->walk_timeout = note_error("walk ", err);
  if (err == NULL && items == 4 && r->walk_items == 4)
    r->walk_ok = 1;
}

static void on_r(const anthropic_error_t *err, const anthropic_model_info_t *m,
                 const char *alias, size_t index, void *data) {
  run_t *r = data;
  CHECK(index < 3 && alias != NULL);
  r->resolve_calls[index]++;
  timeouts += err != NULL && err->kind == ANTHROPIC_ETIMEDOUT;
  if (index != 1 && m != NULL && strcmp(m->id, "claude-haiku-5-20260320") == 0)
    r->resolve_ok++;
  if (index == 1 && err != NULL && err->response->status == 404)
    r->resolve_ok++;
}

static void on_r_done(anthropic_resolve_id_t id, void *data) {
  (void)id;
  run_t *r = data;
  r->resolve_done++;
}

/* One run with the Nth allocation failing. Returns whether all went
 * through (no failure was injected). */
static int run_once(unsigned long n) {
  uv_loop_t loop;
  anthropic_client_t *c = NULL;
  run_t r = {0};
  int started_m = 0, started_p = 0, started_w = 0, started_r = 0;
  CHECK_EQ_INT(uv_loop_init(&loop), 0);
  if (getenv("ALLOC_TRACE"))
    fprintf(stderr, "N=%lu\n", n);
  calls = 0;
  fail_at = n;
  injected = 0;
  armed = 1;

  anthropic_client_options_t o = ANTHROPIC_CLIENT_OPTIONS_INIT;
  o.flags = ANTHROPIC_CLIENT_NO_ENV;
  o.base_url = srv.url;
  o.api_key = "fake-key";
  o.max_retries = 0;
  /* libcurl 7.88 loses a few of its own allocation failures and leaves the
   * transfer waiting: the timeout must still end it through the normal
   * path. */
  o.timeout_ms = 1000;
  /* One at a time: the list and the walk wait in the queue, so that their
   * start from it (and its failures) is tested too. */
  o.max_requests_in_flight = 1;
  char err[256];
  int rc = anthropic_client_init(&loop, &c, &o, err, sizeof err);
  if (rc != 0) {
    if (rc != ANTHROPIC_ENOMEM || !injected)
      FAILF("N=%lu: init gave %d (%s)", n, rc, err);
    CHECK(c == NULL);
  } else {
    started_m =
        anthropic_models_retrieve(c, "claude-opus-4-1", NULL, on_m, &r) != 0;
    if (!started_m)
      CHECK_EQ_INT(anthropic_client_last_error(c)->kind, ANTHROPIC_ENOMEM);
    anthropic_models_list_params_t p = {
        .size = sizeof(anthropic_models_list_params_t), .limit = 5};
    started_p = anthropic_models_list(c, &p, on_p, &r) != 0;
    if (!started_p)
      CHECK_EQ_INT(anthropic_client_last_error(c)->kind, ANTHROPIC_ENOMEM);
    /* A two-page walk with options of its own: its own header list, an
     * extra query parameter, betas and a workspace. */
    static const char *const hdrs[] = {"X-Trace: 1"};
    static const char *const query[] = {"trace=1"};
    static const char *const betas[] = {"b-1"};
    anthropic_request_options_t ro = {.size =
                                          sizeof(anthropic_request_options_t),
                                      .max_retries = ANTHROPIC_RETRIES_DEFAULT,
                                      .headers = hdrs,
                                      .headers_count = 1,
                                      .query = query,
                                      .query_count = 1,
                                      .betas = betas,
                                      .betas_count = 1,
                                      .workspace_id = "ws"};
    anthropic_models_list_params_t wp = {
        .size = sizeof(anthropic_models_list_params_t),
        .limit = 2,
        .options = &ro};
    started_w =
        anthropic_models_list_all(c, &wp, 4, on_w_each, on_w_done, &r) != 0;
    if (!started_w)
      CHECK_EQ_INT(anthropic_client_last_error(c)->kind, ANTHROPIC_ENOMEM);
    /* A resolve of 3 aliases with a twin, through the cache. */
    static const char *const aliases[] = {"claude-haiku-5", "no-such-model",
                                          "claude-haiku-5"};
    int crc = anthropic_resolve_cache(c, 8, 60000, 60000);
    CHECK(crc == 0 || crc == ANTHROPIC_ENOMEM);
    started_r =
        anthropic_resolve(c, aliases, 3, NULL, on_r, on_r_done, &r) != 0;
    if (!started_r)
      CHECK_EQ_INT(anthropic_client_last_error(c)->kind, ANTHROPIC_ENOMEM);
    uv_run(&loop, UV_RUN_DEFAULT);
    anthropic_client_close(c, NULL);
  }
  uv_run(&loop, UV_RUN_DEFAULT);
  armed = 0;
  int closed = uv_loop_close(&loop);
  if (closed != 0) {
    uv_print_all_handles(&loop, stderr);
    FAILF("N=%lu: uv_loop_close() == %d", n, closed);
  }
  /* Exactly once each, for what started. */
  CHECK_EQ_INT(r.model_calls, started_m);
  CHECK_EQ_INT(r.page_calls, started_p);
  CHECK_EQ_INT(r.walk_calls, started_w);
  for (int i = 0; i < 3; i++)
    CHECK_EQ_INT(r.resolve_calls[i], started_r);
  CHECK_EQ_INT(r.resolve_done, started_r);
  if (!injected) {
    CHECK_EQ_INT(r.resolve_ok, 3);
    /* The clean run must succeed; only a timeout of a very slow machine is
     * excused, since this test must not fail on wall-clock time. */
    CHECK((r.model_ok || r.model_timeout) && (r.page_ok || r.page_timeout) &&
          (r.walk_ok || r.walk_timeout));
    return 1;
  }
  return 0;
}

TEST(every_allocation_failure_ends_cleanly) {
  unsigned long n;
  for (n = 1; n < 100000; n++)
    if (run_once(n))
      break;
  printf("# %lu allocations%s in a retrieve, a list page, a two-page walk and "
         "a resolve;"
         " each failed once;"
         " %d requests ended by timeout after a lost failure in libcurl\n",
         n - 1, with_curl ? " (libcurl's included)" : "", timeouts);
  /* The library's own failures must end requests at once, never by the
   * watchdog: only libcurl's may (it loses some). */
  if (!with_curl)
    CHECK_EQ_INT(timeouts, 0);
  CHECK(n > 50);     /* the run really allocates */
  CHECK(n < 100000); /* and the loop ended */
}

/* libcurl's own allocations, failed one at a time while a list request
 * is on the loop: inside curl_multi_socket_action() (its socket table, a
 * connection, a buffer), where libcurl 7.88 reports the failure as the
 * call's CURLMcode and not as the transfer's result. Each run must end at
 * once, with the page or out_of_memory: never by the watchdog (timeout),
 * which is what a transfer whose failure was lost used to wait for. */
typedef struct curl_run {
  int calls, kind;
} curl_run_t;

static void on_curl_run_page(const anthropic_error_t *err,
                             const anthropic_models_page_t *p, void *data) {
  (void)p;
  curl_run_t *r = data;
  r->calls++;
  r->kind = err != NULL ? err->kind : 0;
  if (err != NULL && getenv("ALLOC_TRACE"))
    fprintf(stderr, "  %s: %s\n", anthropic_err_name(err->kind), err->message);
}

/* A client on `loop` against the fake API, with `o` (its flags, base URL
 * and key set here); init must succeed. */
static anthropic_client_t *fake_api_client(uv_loop_t *loop,
                                           anthropic_client_options_t *o) {
  anthropic_client_t *c = NULL;
  char err[256];
  o->flags = ANTHROPIC_CLIENT_NO_ENV;
  o->base_url = srv.url;
  o->api_key = "fake-key";
  CHECK_EQ_INT(anthropic_client_init(loop, &c, o, err, sizeof err), 0);
  return c;
}

TEST(every_libcurl_allocation_failure_in_a_transfer_ends_it_at_once) {
  unsigned long n;
  int oom = 0, lost = 0, other = 0;
  for (n = 1; n < 100000; n++) {
    uv_loop_t loop;
    curl_run_t r = {0, -100};
    CHECK_EQ_INT(uv_loop_init(&loop), 0);
    anthropic_client_options_t o = ANTHROPIC_CLIENT_OPTIONS_INIT;
    o.max_retries = 0;
    o.timeout_ms = 1000; /* the watchdog: a lost failure ends as a timeout */
    anthropic_client_t *c = fake_api_client(&loop, &o);
    anthropic_models_list_params_t p = ANTHROPIC_MODELS_LIST_PARAMS_INIT;
    p.limit = 1;
    CHECK(anthropic_models_list(c, &p, on_curl_run_page, &r) != 0);
    calls = 0;
    fail_at = n;
    injected = 0;
    curl_only = armed = 1; /* from the loop on: inside libcurl's calls */
    uv_run(&loop, UV_RUN_DEFAULT);
    armed = curl_only = 0;
    anthropic_client_close(c, NULL);
    test_loop_finish(&loop);
    CHECK_EQ_INT(r.calls, 1);
    if (!injected) {
      CHECK_EQ_INT(r.kind, 0);
      break;
    }
    if (r.kind == ANTHROPIC_ETIMEDOUT) {
      lost++;
      fprintf(stderr,
              "  libcurl allocation %lu failed: the request waited "
              "for its timeout\n",
              n);
    }
    oom += r.kind == ANTHROPIC_ENOMEM;
    other += r.kind != 0 && r.kind != ANTHROPIC_ENOMEM &&
             r.kind != ANTHROPIC_ETIMEDOUT;
  }
  printf("# %lu libcurl allocations in a list request on the loop; each "
         "failed once: %d ended with out_of_memory, %d with another error, "
         "%d waited for the timeout\n",
         n - 1, oom, other, lost);
  CHECK(n > 10 && n < 100000);
  CHECK(oom > 0);
  CHECK_EQ_INT(lost, 0);
}

/* The library is halfway through a change while an allocator function
 * runs (inside libcurl, say): calls back into it from there are refused,
 * and the request under way goes on untouched. */
TEST(calls_from_inside_the_allocator_are_refused) {
  uv_loop_t loop;
  int kind = -100;
  CHECK_EQ_INT(uv_loop_init(&loop), 0);
  anthropic_client_options_t o = ANTHROPIC_CLIENT_OPTIONS_INIT;
  reenter.client = fake_api_client(&loop, &o);
  reenter.req = anthropic_models_retrieve(reenter.client, "claude-opus-4-1",
                                          NULL, on_reenter_model, &kind);
  CHECK(reenter.req != 0);
  reenter.armed = 1; /* the next allocation of libcurl's, in the loop */
  uv_run(&loop, UV_RUN_DEFAULT);
  reenter.armed = 0;
  CHECK_EQ_INT(reenter.fired, 1);
  CHECK_EQ_INT(kind, 0); /* neither cancelled nor closed */
  CHECK_EQ_INT(reenter.start_refused, 1);
  CHECK_EQ_INT(reenter.cancel_refused, 1);
  CHECK_EQ_INT(reenter.start_kind, ANTHROPIC_EINVAL);
  CHECK_EQ_INT(reenter.replace_refused, 1);
  CHECK_EQ_INT(reenter.init_refused, 1);
  anthropic_client_close(reenter.client, NULL);
  test_loop_finish(&loop);
}

/* A watch of the list and two aliases (one that does not resolve), for
 * two cycles (the second asked conditionally, all 304), then cancelled:
 * an allocation failure anywhere is an ERROR event and a retry (or, at
 * the start, a refused call), never a crash, a leak or a lost `done`. */
typedef struct watch_run {
  anthropic_client_t *client;
  anthropic_request_id_t id;
  int snapshots, cycles, errors, done_calls, after_done, nomem_errors;
} watch_run_t;

static void on_watch_event(const anthropic_watch_event_t *ev, void *data) {
  watch_run_t *r = data;
  r->after_done += r->done_calls;
  r->snapshots += ev->kind == ANTHROPIC_WATCH_SNAPSHOT;
  if (ev->kind == ANTHROPIC_WATCH_ERROR) {
    r->errors++;
    r->nomem_errors += ev->error->kind == ANTHROPIC_ENOMEM;
    note_error("watch ", ev->error);
  }
  if (ev->kind == ANTHROPIC_WATCH_CYCLE && ++r->cycles == 2)
    CHECK_EQ_INT(anthropic_request_cancel(r->client, r->id), 0);
}

static void on_watch_done(const anthropic_error_t *err, void *data) {
  watch_run_t *r = data;
  CHECK_EQ_INT(err->kind, ANTHROPIC_ECANCELLED);
  r->done_calls++;
}

static int watch_once(unsigned long n) {
  uv_loop_t loop;
  watch_run_t r = {0};
  CHECK_EQ_INT(uv_loop_init(&loop), 0);
  anthropic_client_options_t o = ANTHROPIC_CLIENT_OPTIONS_INIT;
  o.max_retries = 0;
  o.timeout_ms = 1000;
  anthropic_client_t *c = fake_api_client(&loop, &o);
  int crc = anthropic_resolve_cache(c, 8, 60000, 60000);
  CHECK(crc == 0);
  static const char *const aliases[] = {"claude-haiku-5", "no-such-model"};
  anthropic_watch_options_t wo = ANTHROPIC_WATCH_OPTIONS_INIT;
  wo.flags = ANTHROPIC_WATCH_NO_JITTER | ANTHROPIC_WATCH_CACHED_ALIASES;
  wo.interval_ms = 1;
  wo.backoff_ms = 1;
  wo.aliases = aliases;
  wo.aliases_count = 2;
  r.client = c;
  calls = 0;
  fail_at = n;
  injected = 0;
  armed = 1;
  r.id = anthropic_models_watch(c, &wo, on_watch_event, on_watch_done, &r);
  if (r.id == 0)
    CHECK_EQ_INT(anthropic_client_last_error(c)->kind, ANTHROPIC_ENOMEM);
  uv_run(&loop, UV_RUN_DEFAULT);
  armed = 0;
  anthropic_client_close(c, NULL);
  uv_run(&loop, UV_RUN_DEFAULT);
  CHECK_EQ_INT(uv_loop_close(&loop), 0);
  CHECK_EQ_INT(r.done_calls, r.id != 0);
  CHECK_EQ_INT(r.after_done, 0);
  CHECK_EQ_INT(r.errors, r.nomem_errors);
  if (r.id != 0)
    CHECK_EQ_INT(r.cycles, 2);
  if (!injected) {
    CHECK_EQ_INT(r.snapshots, 1);
    CHECK_EQ_INT(r.errors, 0);
    return 1;
  }
  return 0;
}

/* Every allocation fails in turn under the sanitizers (build-test); under
 * valgrind (the `valgrind` setup), where each run costs a hundred times
 * more and this case alone took half a minute of the gate, every eighth:
 * valgrind is there for what ASan cannot see (reads of memory never
 * written), which needs the paths, not each of them. */
TEST(every_allocation_failure_in_a_watch_is_an_event_or_a_refusal) {
  unsigned long n, step = getenv("ANTH_TEST_UNDER_VALGRIND") ? 8 : 1;
  for (n = 1; n < 100000; n += step)
    if (watch_once(n))
      break;
  printf("# %lu allocations in two watch cycles; one in %lu failed once\n",
         n - 1, step);
  CHECK(n > 50);
  CHECK(n < 100000);
}

int main(void) {
  if (fixture_main_start() != 0)
    return 1;
  with_curl = getenv("ALLOC_TORTURE_CURL") != NULL;
  if (anthropic_replace_allocator(t_malloc, t_realloc, t_calloc, free) != 0) {
    fake_server_stop(&srv);
    return 1;
  }
  int rc =
      RUN(T(calls_from_inside_the_allocator_are_refused),
          T(every_libcurl_allocation_failure_in_a_transfer_ends_it_at_once),
          T(every_allocation_failure_ends_cleanly),
          T(every_allocation_failure_in_a_watch_is_an_event_or_a_refusal));
  fake_server_stop(&srv);
  return rc;
}
