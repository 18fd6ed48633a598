/* test_log.c - the log: levels and ANTHROPIC_LOG, one line per attempt,
 * retry and give-up, the stderr sink, and no secret in any line. */
#include "fixture.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAXLINES 64

typedef struct logged {
  int n;
  anthropic_log_level_t level[MAXLINES];
  char line[MAXLINES][640];
} logged_t;

static void on_log(void *data, anthropic_log_level_t level, const char *line) {
  logged_t *l = data;
  if (l->n < MAXLINES) {
    l->level[l->n] = level;
    snprintf(l->line[l->n], sizeof l->line[0], "%s", line);
  }
  l->n++;
}

/* How many lines at `level` contain `needle` ("" for any). */
static int count(const logged_t *l, anthropic_log_level_t level,
                 const char *needle) {
  int k = 0;
  for (int i = 0; i < l->n && i < MAXLINES; i++)
    k += l->level[i] == level && strstr(l->line[i], needle) != NULL;
  return k;
}

/* No line may carry any of these. */
static void check_no_secret(const logged_t *l) {
  static const char *const secrets[] = {"fake-key", "sekret-header",
                                        "sekret-query", "sekret-token"};
  for (int i = 0; i < l->n && i < MAXLINES; i++)
    for (size_t s = 0; s < sizeof secrets / sizeof secrets[0]; s++)
      if (strstr(l->line[i], secrets[s]) != NULL)
        FAILF("a log line carries %s: %s", secrets[s], l->line[i]);
}

/* Retrieve `id` on a client with `co` logging into `l`, after `faults`. */
static void retrieve(anthropic_client_options_t *co, logged_t *l,
                     const char *faults, const char *id, outcome_t *o) {
  fixture_t f;
  co->log_cb = on_log;
  co->log_data = l;
  setup_with(&f, co);
  if (faults != NULL)
    add_faults(faults);
  CHECK(anthropic_models_retrieve(f.client, id, NULL, on_model, o) != 0);
  teardown(&f);
}

/* One retrieve of `id` after `faults`, logged at `level`: its outcome
 * (the kind unless ANY_KIND, the status unless ANY_STATUS), and the
 * `lines` lines logged: a first one at `line_level` with each of `says`. */
#define ANY_KIND (-100)
#define ANY_STATUS (-1)
typedef struct line_case {
  const char *name;
  anthropic_log_level_t level;
  int max_retries;
  const char *faults, *id;
  int kind;
  long status;
  int lines;
  anthropic_log_level_t line_level;
  const char *says[4];
} line_case_t;

static const line_case_t lines[] = {
    /* Info: no attempt lines (debug). */
    {"a_retry_is_one_info_line_with_its_reason_and_delay",
     ANTHROPIC_LOG_INFO,
     ANTHROPIC_RETRIES_DEFAULT,
     "[{\"status\":529,\"headers\":{\"retry-after-ms\":\"7\"}}]",
     "claude-opus-4-1",
     0,
     ANY_STATUS,
     1,
     ANTHROPIC_LOG_INFO,
     {"retrying in 7 ms", "as the server asked", "HTTP 529", "retry 1 of 2"}},
    /* Warn: the retry (info) is not there. */
    {"a_give_up_is_one_warn_line",
     ANTHROPIC_LOG_WARN,
     1,
     "[{\"status\":503,\"times\":5,\"headers\":{\"retry-after-ms\":"
     "\"1\"}}]",
     "claude-opus-4-1",
     ANTHROPIC_EHTTP,
     ANY_STATUS,
     1,
     ANTHROPIC_LOG_WARN,
     {"giving up after 2 attempts (max_retries 1)", "HTTP 503"}},
    {"a_404_is_no_give_up",
     ANTHROPIC_LOG_INFO,
     ANTHROPIC_RETRIES_DEFAULT,
     NULL,
     "no-such-model",
     ANY_KIND,
     404,
     0,
     ANTHROPIC_LOG_DEFAULT,
     {NULL}},
};

static void check_lines(const line_case_t *c) {
  logged_t l = {0};
  outcome_t o = {0};
  anthropic_client_options_t co = ANTHROPIC_CLIENT_OPTIONS_INIT;
  co.log_level = c->level;
  co.max_retries = c->max_retries;
  retrieve(&co, &l, c->faults, c->id, &o);
  if (c->kind != ANY_KIND)
    CHECK_EQ_INT(o.kind, c->kind);
  if (c->status != ANY_STATUS)
    CHECK_EQ_INT(o.status, c->status);
  CHECK_EQ_INT(l.n, c->lines);
  if (c->lines > 0)
    CHECK_EQ_INT(l.level[0], c->line_level);
  for (size_t i = 0; i < ANTH_ARRAY_SIZE(c->says) && c->says[i]; i++)
    CHECK_CONTAINS(l.line[0], c->says[i]);
  outcome_free(&o);
}
TABLE_TEST(lines, check_lines)

/* Debug: the settings and headers at init, then one line per attempt;
 * the key, a custom credential header and a credential in the query are
 * "***" wherever they would show. */
TEST(debug_shows_every_attempt_and_no_secret) {
  logged_t l = {0};
  outcome_t o = {0};
  fixture_t f;
  const char *hdrs[] = {"x-custom-token: sekret-token",
                        "x-trace: visible-value"};
  const char *query[] = {"api_key=sekret-query", "color=blue"};
  anthropic_client_options_t co = ANTHROPIC_CLIENT_OPTIONS_INIT;
  anthropic_request_options_t ro = ANTHROPIC_REQUEST_OPTIONS_INIT;
  anthropic_models_retrieve_params_t p = ANTHROPIC_MODELS_RETRIEVE_PARAMS_INIT;
  ro.query = query;
  ro.query_count = 2;
  ro.headers = (const char *const[]){"authorization: Bearer sekret-header"};
  ro.headers_count = 1;
  p.options = &ro;
  co.headers = hdrs;
  co.headers_count = 2;
  co.log_cb = on_log;
  co.log_data = &l;
  co.log_level = ANTHROPIC_LOG_DEBUG;
  setup_with(&f, &co);
  add_faults("[{\"status\":500,\"headers\":{\"retry-after-ms\":\"1\"}}]");
  CHECK(anthropic_models_retrieve(f.client, "claude-opus-4-1", &p, on_model,
                                  &o) != 0);
  teardown(&f);
  CHECK_EQ_INT(o.kind, 0);
  check_no_secret(&l);
  CHECK_EQ_INT(count(&l, ANTHROPIC_LOG_DEBUG, "client: base URL"), 1);
  CHECK_EQ_INT(count(&l, ANTHROPIC_LOG_DEBUG, "client: header x-api-key: ***"),
               1);
  CHECK_EQ_INT(
      count(&l, ANTHROPIC_LOG_DEBUG, "client: header x-custom-token: ***"), 1);
  CHECK_EQ_INT(count(&l, ANTHROPIC_LOG_DEBUG, "x-trace: visible-value"), 1);
  CHECK_EQ_INT(count(&l, ANTHROPIC_LOG_DEBUG, " -> 500 "), 1);
  CHECK_EQ_INT(count(&l, ANTHROPIC_LOG_DEBUG, " -> 200 "), 1);
  CHECK_EQ_INT(count(&l, ANTHROPIC_LOG_DEBUG, "api_key=***&color=blue"), 2);
  CHECK_EQ_INT(count(&l, ANTHROPIC_LOG_INFO, "retrying in 1 ms"), 1);
  outcome_free(&o);
}

static void init_and_close(anthropic_client_options_t *co) {
  uv_loop_t loop;
  anthropic_client_t *c = NULL;
  char err[256];
  co->base_url = srv.url;
  co->api_key = "fake-key";
  CHECK_EQ_INT(uv_loop_init(&loop), 0);
  if (anthropic_client_init(&loop, &c, co, err, sizeof err) != 0)
    FAILF("client init: %s", err);
  anthropic_client_close(c, NULL);
  test_loop_finish(&loop);
}

TEST(anthropic_log_sets_the_level_unless_no_env) {
  logged_t l = {0};
  anthropic_client_options_t co = ANTHROPIC_CLIENT_OPTIONS_INIT;
  co.log_cb = on_log;
  co.log_data = &l;
  setenv("ANTHROPIC_LOG", "info", 1);
  init_and_close(&co); /* info: the debug settings lines are not there */
  CHECK_EQ_INT(l.n, 0);
  setenv("ANTHROPIC_LOG", "DEBUG", 1);
  init_and_close(&co);
  CHECK(count(&l, ANTHROPIC_LOG_DEBUG, "client: ") > 0);
  l.n = 0;
  setenv("ANTHROPIC_LOG", "off", 1);
  init_and_close(&co);
  CHECK_EQ_INT(l.n, 0);
  co.flags = ANTHROPIC_CLIENT_NO_ENV; /* the callback's default: all */
  init_and_close(&co);
  CHECK(count(&l, ANTHROPIC_LOG_DEBUG, "client: ") > 0);
  l.n = 0;
  co.flags = 0;
  setenv("ANTHROPIC_LOG", "loud", 1);
  init_and_close(&co);
  CHECK_EQ_INT(count(&l, ANTHROPIC_LOG_WARN, "ANTHROPIC_LOG=loud"), 1);
  unsetenv("ANTHROPIC_LOG");
  co.log_level = (anthropic_log_level_t)42;
  uv_loop_t loop;
  anthropic_client_t *c = NULL;
  char err[256];
  CHECK_EQ_INT(uv_loop_init(&loop), 0);
  CHECK_EQ_INT(anthropic_client_init(&loop, &c, &co, err, sizeof err),
               ANTHROPIC_EINVAL);
  CHECK_CONTAINS(err, "log_level");
  test_loop_finish(&loop);
}

/* Without a callback: nothing unless a level was asked for, then stderr. */
TEST(without_a_callback_lines_go_to_stderr_only_when_asked) {
  char path[] = "/tmp/anthropic-log-XXXXXX";
  int fd = mkstemp(path);
  CHECK(fd >= 0);
  int saved = dup(2);
  CHECK(saved >= 0);
  CHECK(dup2(fd, 2) == 2);
  anthropic_client_options_t co = ANTHROPIC_CLIENT_OPTIONS_INIT;
  co.flags =
      ANTHROPIC_CLIENT_NO_ENV | ANTHROPIC_CLIENT_INSECURE_SKIP_TLS_VERIFY;
  init_and_close(&co); /* a warning, but no level asked: silent */
  off_t quiet = lseek(fd, 0, SEEK_END);
  co.log_level = ANTHROPIC_LOG_WARN;
  init_and_close(&co);
  fflush(stderr);
  CHECK(dup2(saved, 2) == 2);
  close(saved);
  char buf[1024] = "";
  ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
  close(fd);
  unlink(path);
  CHECK_EQ_INT(quiet, 0);
  CHECK(n > 0);
  CHECK(strncmp(buf, "anthropic: warn: ", 17) == 0);
  CHECK_CONTAINS(buf, "INSECURE_SKIP_TLS_VERIFY");
}

int main(void) {
  if (fixture_main_start() != 0)
    return 1;
  int rc = RUN(TABLE(lines), T(debug_shows_every_attempt_and_no_secret),
               T(anthropic_log_sets_the_level_unless_no_env),
               T(without_a_callback_lines_go_to_stderr_only_when_asked));
  fake_server_stop(&srv);
  return rc;
}
