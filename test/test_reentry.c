/* test_reentry.c - every user callback the library calls, re-entered with
 * every call that changes state: cancel the request itself, cancel another
 * request, close the client, start a new request. The header promises
 * these are safe from inside any callback; each pair must end with every
 * callback run exactly once and the loop closed cleanly (ASan watching).
 * The allocator is the one callback the library may not be re-entered
 * from: that is in test_alloc.c. */
#include "fixture.h"

typedef enum site {
  AT_MODEL,    /* a retrieve's callback */
  AT_PAGE,     /* a list page's callback */
  AT_EACH,     /* a walk's `each` */
  AT_DONE,     /* a walk's `done` */
  AT_LOG,      /* the log line of a retrieve's attempt */
  AT_LOG_WALK, /* the log line of a walk's first page */
  AT_LOG_RETRY /* the log line of an attempt that would be retried */
} site_t;

typedef enum action {
  ACT_CANCEL_SELF,
  ACT_CANCEL_OTHER,
  ACT_CLOSE,
  ACT_START
} action_t;

static const char *const site_names[] = {
    "model", "page", "each", "done", "log", "log (walk)", "log (retry)"};
static const char *const action_names[] = {"cancel itself", "cancel another",
                                           "close the client", "start another"};

/* One scenario's state; the callbacks reach it through this global. */
static struct {
  site_t site;
  action_t act;
  anthropic_client_t *client;
  anthropic_request_id_t self, other, started;
  int fired;       /* the action ran (once) */
  int self_calls;  /* final callbacks of `self` (model, page or done) */
  int self_kind;   /* its error kind, or 0 */
  int other_calls; /* `other` hangs at the server: it ends cancelled */
  int other_kind;
  int started_calls;
  int closed;
  size_t pages; /* pages a walk handed to `each` */
} S;

static void on_closed_cb(anthropic_client_t *c) {
  (void)c;
  S.closed++;
}

static void on_started(const anthropic_error_t *err,
                       const anthropic_model_info_t *m, void *data) {
  (void)err;
  (void)m;
  (void)data;
  S.started_calls++;
}

static void act(site_t where) {
  if (S.site != where || S.fired)
    return;
  S.fired = 1;
  switch (S.act) {
  case ACT_CANCEL_SELF:
    (void)anthropic_request_cancel(S.client, S.self);
    break;
  case ACT_CANCEL_OTHER:
    (void)anthropic_request_cancel(S.client, S.other);
    break;
  case ACT_CLOSE:
    anthropic_client_close(S.client, on_closed_cb);
    break;
  case ACT_START:
    S.started = anthropic_models_retrieve(S.client, "claude-opus-4-1", NULL,
                                          on_started, NULL);
    break;
  }
}

static void on_other(const anthropic_error_t *err,
                     const anthropic_model_info_t *m, void *data) {
  (void)m;
  (void)data;
  S.other_calls++;
  S.other_kind = err ? err->kind : 0;
}

static void on_self_model(const anthropic_error_t *err,
                          const anthropic_model_info_t *m, void *data) {
  (void)m;
  (void)data;
  S.self_calls++;
  S.self_kind = err ? err->kind : 0;
  act(AT_MODEL);
}

static void on_self_page(const anthropic_error_t *err,
                         const anthropic_models_page_t *p, void *data) {
  (void)p;
  (void)data;
  S.self_calls++;
  S.self_kind = err ? err->kind : 0;
  act(AT_PAGE);
}

static int on_self_each(const anthropic_models_page_t *p, void *data) {
  (void)p;
  (void)data;
  S.pages++;
  act(AT_EACH);
  return 0;
}

static void on_self_done(const anthropic_error_t *err, size_t items,
                         void *data) {
  (void)items;
  (void)data;
  S.self_calls++;
  S.self_kind = err ? err->kind : 0;
  act(AT_DONE);
}

static void on_log_line(void *data, anthropic_log_level_t level,
                        const char *line) {
  (void)data;
  if (level != ANTHROPIC_LOG_DEBUG || strstr(line, " -> ") == NULL)
    return; /* only the attempt lines */
  if (strstr(line, "reentry-self") != NULL || strstr(line, "limit=") != NULL)
    act(S.site == AT_LOG_WALK    ? AT_LOG_WALK
        : S.site == AT_LOG_RETRY ? AT_LOG_RETRY
                                 : AT_LOG);
}

static void run(site_t site, action_t a) {
  uv_loop_t loop;
  char err[256];
  memset(&S, 0, sizeof S);
  S.site = site;
  S.act = a;
  fprintf(stderr, "  # %s callback, %s\n", site_names[site], action_names[a]);
  fake_reset(&srv);
  add_faults("[{\"action\":\"hang\",\"match\":\"reentry-other\"}]");
  /* "reentry-self" is an alias the fake server does not know: a 404 is as
   * good an outcome as a model here, and it names the line in the log. */
  if (site == AT_LOG_RETRY)
    add_faults("[{\"action\":\"respond\",\"status\":503,"
               "\"match\":\"reentry-self\",\"headers\":"
               "{\"retry-after-ms\":\"1\"}}]");
  CHECK_EQ_INT(uv_loop_init(&loop), 0);
  anthropic_client_options_t o = ANTHROPIC_CLIENT_OPTIONS_INIT;
  o.flags = ANTHROPIC_CLIENT_NO_ENV;
  o.base_url = srv.url;
  o.api_key = "fake-key";
  o.log_cb = on_log_line;
  CHECK_EQ_INT(anthropic_client_init(&loop, &S.client, &o, err, sizeof err), 0);
  S.other = anthropic_models_retrieve(S.client, "reentry-other", NULL, on_other,
                                      NULL);
  CHECK(S.other != 0);
  anthropic_models_list_params_t lp = ANTHROPIC_MODELS_LIST_PARAMS_INIT;
  lp.limit = 7; /* a walk of several pages */
  switch (site) {
  case AT_MODEL:
  case AT_LOG:
  case AT_LOG_RETRY:
    S.self = anthropic_models_retrieve(S.client, "reentry-self", NULL,
                                       on_self_model, NULL);
    break;
  case AT_PAGE:
    S.self = anthropic_models_list(S.client, &lp, on_self_page, NULL);
    break;
  case AT_EACH:
  case AT_DONE:
  case AT_LOG_WALK:
    S.self = anthropic_models_list_all(S.client, &lp, 0, on_self_each,
                                       on_self_done, NULL);
    break;
  }
  CHECK(S.self != 0);
  /* Run until `self` has ended (the hanging one never does by itself). */
  for (int i = 0; i < 100000 && S.self_calls == 0; i++)
    uv_run(&loop, UV_RUN_ONCE);
  if (!S.closed && !(S.act == ACT_CLOSE && S.fired))
    anthropic_client_close(S.client, on_closed_cb);
  test_loop_finish(&loop);

  CHECK_EQ_INT(S.fired, 1);
  CHECK_EQ_INT(S.self_calls, 1);
  CHECK_EQ_INT(S.other_calls, 1);
  CHECK_EQ_INT(S.other_kind, ANTHROPIC_ECANCELLED);
  CHECK_EQ_INT(S.closed, 1);
  if (a == ACT_START && S.started != 0)
    CHECK_EQ_INT(S.started_calls, 1);
  if (a == ACT_START && S.started == 0)
    CHECK_EQ_INT(S.started_calls, 0);
  /* Nothing had closed the client: a new request must be taken. */
  if (a == ACT_START)
    CHECK(S.started != 0);
}

static void run_all_actions(site_t site) {
  for (int a = ACT_CANCEL_SELF; a <= ACT_START; a++)
    run(site, (action_t)a);
}

TEST(reenter_from_a_retrieve_callback) {
  run_all_actions(AT_MODEL);
}

TEST(reenter_from_a_page_callback) {
  run_all_actions(AT_PAGE);
}

TEST(reenter_from_each) {
  run_all_actions(AT_EACH);
}

TEST(reenter_from_done) {
  run_all_actions(AT_DONE);
}

TEST(reenter_from_the_log_callback) {
  run_all_actions(AT_LOG);
}

TEST(reenter_from_the_log_callback_of_a_walk) {
  run_all_actions(AT_LOG_WALK);
}

TEST(reenter_from_the_log_callback_of_an_attempt_that_would_retry) {
  run_all_actions(AT_LOG_RETRY);
}

/* Cancelling from the log line of an attempt stops what would come next
 * (a retry, a walk's next page); the outcome already in hand still
 * arrives once. */
TEST(cancel_from_the_log_callback_stops_a_retry) {
  run(AT_LOG_RETRY, ACT_CANCEL_SELF);
  CHECK_EQ_INT(S.self_kind, ANTHROPIC_ECANCELLED);
  CHECK_EQ_INT(fake_request_count(&srv), 2); /* other + one attempt */
}

TEST(cancel_from_the_log_callback_stops_a_walk) {
  run(AT_LOG_WALK, ACT_CANCEL_SELF);
  CHECK_EQ_INT(S.self_kind, ANTHROPIC_ECANCELLED);
  CHECK(S.pages <= 1);
}

TEST(close_from_the_log_callback_stops_a_walk) {
  run(AT_LOG_WALK, ACT_CLOSE);
  CHECK_EQ_INT(S.self_kind, ANTHROPIC_ECANCELLED);
  CHECK(S.pages <= 1);
}

static void on_close_reenter(anthropic_client_t *c) {
  S.closed++;
  anthropic_client_close(c, on_closed_cb); /* a second close: no-op */
  S.started =
      anthropic_models_retrieve(c, "claude-opus-4-1", NULL, on_started, NULL);
  CHECK(S.started == 0);
  CHECK_EQ_INT(anthropic_client_last_error(c)->kind, ANTHROPIC_EINVAL);
}

TEST(close_callback_may_close_again_and_is_refused_new_requests) {
  uv_loop_t loop;
  char err[256];
  memset(&S, 0, sizeof S);
  CHECK_EQ_INT(uv_loop_init(&loop), 0);
  anthropic_client_options_t o = ANTHROPIC_CLIENT_OPTIONS_INIT;
  o.flags = ANTHROPIC_CLIENT_NO_ENV;
  o.base_url = srv.url;
  o.api_key = "fake-key";
  CHECK_EQ_INT(anthropic_client_init(&loop, &S.client, &o, err, sizeof err), 0);
  CHECK(anthropic_models_retrieve(S.client, "claude-opus-4-1", NULL,
                                  on_self_model, NULL) != 0);
  anthropic_client_close(S.client, on_close_reenter);
  test_loop_finish(&loop);
  CHECK_EQ_INT(S.closed, 1);
  CHECK_EQ_INT(S.self_calls, 1);
  CHECK_EQ_INT(S.started_calls, 0);
}

int main(void) {
  if (fixture_main_start() != 0)
    return 1;
  int rc = RUN(T(reenter_from_a_retrieve_callback),
               T(reenter_from_a_page_callback), T(reenter_from_each),
               T(reenter_from_done), T(reenter_from_the_log_callback),
               T(reenter_from_the_log_callback_of_a_walk),
               T(reenter_from_the_log_callback_of_an_attempt_that_would_retry),
               T(cancel_from_the_log_callback_stops_a_retry),
               T(cancel_from_the_log_callback_stops_a_walk),
               T(close_from_the_log_callback_stops_a_walk),
               T(close_callback_may_close_again_and_is_refused_new_requests));
  fake_server_stop(&srv);
  return rc;
}
