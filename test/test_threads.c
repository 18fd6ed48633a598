/* test_threads.c - one loop per thread, as Node's worker threads run it:
 * two threads, each with its own uv loop and client, retrieve and resolve
 * at the same time against the fake API. Nothing of one may reach the
 * other: every callback once, every answer right, both loops closed. */
#include "fixture.h"

#include <pthread.h>

enum { N = 300 };

typedef struct worker {
  uv_loop_t loop;
  anthropic_client_t *client;
  int calls, ok, wrong, resolved, init_rc, loop_rc, closed, batch_done;
  char err[256];
} worker_t;

static void on_closed_worker(anthropic_client_t *c);

/* The last callback of the worker closes its client. */
static void maybe_close(worker_t *w) {
  if (w->calls == N + 3 && w->batch_done)
    anthropic_client_close(w->client, on_closed_worker);
}

static void on_retrieved(const anthropic_error_t *err,
                         const anthropic_model_info_t *m, void *data) {
  worker_t *w = data;
  w->calls++;
  if (err == NULL && m != NULL &&
      strcmp(m->id, "claude-opus-4-1-20250805") == 0)
    w->ok++;
  else if (w->wrong++ == 0)
    fprintf(stderr, "  first wrong answer: %s\n",
            err != NULL ? err->message : m->id);
  maybe_close(w);
}

static void on_alias(const anthropic_error_t *err,
                     const anthropic_model_info_t *m, const char *alias,
                     size_t index, void *data) {
  worker_t *w = data;
  (void)alias;
  (void)index;
  w->calls++;
  if (err == NULL && m != NULL)
    w->resolved++;
  else
    w->wrong++;
  maybe_close(w);
}

static void on_closed_worker(anthropic_client_t *c) {
  worker_t *w = anthropic_client_get_data(c);
  w->closed++;
}

static void on_batch(anthropic_resolve_id_t id, void *data) {
  worker_t *w = data;
  (void)id;
  w->batch_done = 1;
  maybe_close(w);
}

static void *run_worker(void *arg) {
  worker_t *w = arg;
  anthropic_client_options_t o = ANTHROPIC_CLIENT_OPTIONS_INIT;
  static const char *const aliases[] = {"claude-opus-4-1", "claude-haiku-4-5",
                                        "claude-sonnet-4-0"};
  o.flags = ANTHROPIC_CLIENT_NO_ENV;
  o.base_url = srv.url;
  o.api_key = "fake-key";
  if (uv_loop_init(&w->loop) != 0)
    return NULL;
  w->init_rc =
      anthropic_client_init(&w->loop, &w->client, &o, w->err, sizeof w->err);
  if (w->init_rc != 0) {
    w->loop_rc = uv_loop_close(&w->loop);
    return NULL;
  }
  anthropic_client_set_data(w->client, w);
  for (int i = 0; i < N; i++)
    if (anthropic_models_retrieve(w->client, "claude-opus-4-1", NULL,
                                  on_retrieved, w) == 0)
      w->wrong++;
  if (anthropic_resolve(w->client, aliases, 3, NULL, on_alias, on_batch, w) ==
      0)
    w->wrong++;
  uv_run(&w->loop, UV_RUN_DEFAULT);
  w->loop_rc = uv_loop_close(&w->loop);
  return NULL;
}

TEST(two_loops_on_two_threads_keep_to_themselves) {
  worker_t w[2];
  pthread_t t[2];
  memset(w, 0, sizeof w);
  fake_reset(&srv);
  for (int i = 0; i < 2; i++)
    CHECK_EQ_INT(pthread_create(&t[i], NULL, run_worker, &w[i]), 0);
  for (int i = 0; i < 2; i++)
    CHECK_EQ_INT(pthread_join(t[i], NULL), 0);
  for (int i = 0; i < 2; i++) {
    if (w[i].init_rc != 0)
      FAILF("thread %d: init: %s", i, w[i].err);
    CHECK_EQ_INT(w[i].calls, N + 3);
    CHECK_EQ_INT(w[i].ok, N);
    CHECK_EQ_INT(w[i].resolved, 3);
    CHECK_EQ_INT(w[i].wrong, 0);
    CHECK_EQ_INT(w[i].closed, 1);
    CHECK_EQ_INT(w[i].loop_rc, 0);
  }
  CHECK_EQ_INT(fake_request_count(&srv), 2 * (N + 3));
}

int main(void) {
  if (fixture_main_start() != 0)
    return 1;
  int rc = RUN(T(two_loops_on_two_threads_keep_to_themselves));
  fake_server_stop(&srv);
  return rc;
}
