/* queue_scale.c - what starting many requests at once costs: wall time and
 * peak RSS for N retrieves started in one go, for the same N kept at 64 in
 * flight by the caller, and how long anthropic_client_close() takes with N
 * waiting.
 *
 *   queue_scale [--requests N[,N...]] [--no-queue] [--cap N] [--distinct]
 *               [--resolve]
 *               [--node PATH] [--server PATH/server.js] [--base-url URL]
 *
 * Starts `node server.js --no-record` (paths from --node / --server, else
 * $NODE / $FAKE_API_SERVER, else "node" and test/fake-api/server.js) and
 * runs each case in a child process of its own, so that its peak RSS
 * (getrusage ru_maxrss) is its own. Every client uses HTTP/1.1 and the
 * default 64 connections. --no-queue sets max_requests_in_flight to
 * UINT_MAX: every request goes straight to libcurl, as before the queue
 * existed; --cap N sets it to N. --base-url points every case at a server
 * already running (bench/nginx.sh's) instead of starting the fake one;
 * --distinct asks for bench-model-NNNNNN (request i, its own id) instead
 * of one alias for all. Default N: 5000,10000,20000,100000.
 *
 * Cases, one line each:
 *   all    N retrieves started at once, run until every callback ran
 *   k64    N retrieves, the caller keeping 64 in flight
 *   res    (with --resolve, instead of the others) N aliases in one
 *          anthropic_resolve batch, default concurrency, until every
 *          callback ran
 *   close  N retrieves started at once, the loop run until 100 answered,
 *          then anthropic_client_close(): the time of that call, and from
 *          the start until the last callback ran
 *
 * Exit status 1 when a callback did not run exactly once, a request of
 * `all`/`k64` failed, or the loop did not close; 2 on a setup error.
 */
#include <anthropic.h>
#include <uv.h>

#include "../test/fake_server.h"

#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

static struct {
  uv_loop_t loop;
  anthropic_client_t *client;
  size_t n, next, done, ok, cancelled, errors, keep; /* keep: 0 = all at once */
  unsigned char *calls;
  int closed;
  bool distinct;
} S;

static void start_some(void);

static void on_model(const anthropic_error_t *err,
                     const anthropic_model_info_t *m, void *data) {
  (void)m;
  size_t i = (size_t)(uintptr_t)data;
  S.calls[i]++;
  S.done++;
  if (err == NULL)
    S.ok++;
  else if (err->kind == ANTHROPIC_ECANCELLED)
    S.cancelled++;
  else if (S.errors++ == 0)
    fprintf(stderr, "queue_scale: request %zu: %s\n", i, err->message);
  if (S.keep > 0)
    start_some();
}

static void on_resolved(const anthropic_error_t *err,
                        const anthropic_model_info_t *m, const char *alias,
                        size_t index, void *data) {
  (void)alias;
  (void)data;
  on_model(err, m, (void *)(uintptr_t)index);
}

static void on_batch_done(anthropic_resolve_id_t id, void *data) {
  (void)id;
  (void)data;
}

/* N aliases in one batch, added one at a time as a reader would. */
static int start_batch(size_t n) {
  anthropic_resolve_id_t b =
      anthropic_resolve_start(S.client, NULL, on_resolved, on_batch_done, NULL);
  if (b == 0)
    return -1;
  for (size_t i = 0; i < n; i++) {
    char id[48] = "claude-opus-4-1";
    if (S.distinct)
      snprintf(id, sizeof id, "bench-model-%06zu", i);
    if (anthropic_resolve_add(S.client, b, id) != 0)
      return -1;
  }
  S.next = n;
  return anthropic_resolve_end(S.client, b);
}

static int start_one(void) {
  size_t i = S.next++;
  char id[48] = "claude-opus-4-1";
  if (S.distinct)
    snprintf(id, sizeof id, "bench-model-%06zu", i);
  return anthropic_models_retrieve(S.client, id, NULL, on_model,
                                   (void *)(uintptr_t)i) != 0
             ? 0
             : -1;
}

static void start_some(void) {
  while (S.next < S.n && S.next - S.done < S.keep)
    if (start_one() != 0)
      return;
}

static void on_closed(anthropic_client_t *c) {
  (void)c;
  S.closed++;
}

static double ms_since(uint64_t t0) {
  return (double)(uv_hrtime() - t0) / 1e6;
}

/* user + system CPU time of this process so far, in ms */
static double cpu_ms(void) {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 +
         (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3;
}

static long peak_rss_kib(void) {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_maxrss;
}

/* One case, in a child: prints its line; 0 when the contract held. */
static unsigned cap; /* max_requests_in_flight; 0: the default */

static int run_case(const char *url, const char *mode, size_t n,
                    bool no_queue) {
  anthropic_client_options_t o = ANTHROPIC_CLIENT_OPTIONS_INIT;
  char err[256];
  S.n = n;
  S.calls = calloc(n, 1);
  if (S.calls == NULL || uv_loop_init(&S.loop) != 0)
    return 2;
  o.flags = ANTHROPIC_CLIENT_NO_ENV | ANTHROPIC_CLIENT_HTTP1;
  o.base_url = url;
  o.api_key = "fake-key"; /* what the fake server takes */
  o.max_retries = 0;
  o.max_requests_in_flight = no_queue ? UINT_MAX : cap;
  if (anthropic_client_init(&S.loop, &S.client, &o, err, sizeof err) != 0) {
    fprintf(stderr, "init: %s\n", err);
    return 2;
  }
  uint64_t t0 = uv_hrtime();
  double close_ms = -1;
  bool close_case = strcmp(mode, "close") == 0;
  if (strcmp(mode, "res") == 0) {
    if (start_batch(n) != 0)
      return 1;
  } else if (strcmp(mode, "k64") == 0) {
    S.keep = 64;
    start_some();
  } else {
    while (S.next < n)
      if (start_one() != 0)
        return 1;
  }
  double start_ms = ms_since(t0);
  if (close_case) {
    /* A client at work, not a fresh one: the first 100 answers came. */
    while (S.done < 100 && uv_run(&S.loop, UV_RUN_ONCE) != 0)
      ;
    uint64_t c0 = uv_hrtime();
    anthropic_client_close(S.client, on_closed);
    close_ms = ms_since(c0);
  } else {
    uv_run(&S.loop, UV_RUN_DEFAULT);
  }
  double run_ms = ms_since(t0);
  if (!close_case)
    anthropic_client_close(S.client, on_closed);
  uv_run(&S.loop, UV_RUN_DEFAULT);
  double all_ms = ms_since(t0);
  int rc = uv_loop_close(&S.loop) == 0 && S.closed == 1 ? 0 : 1;
  for (size_t i = 0; i < n; i++)
    if (S.calls[i] != 1)
      rc = 1;
  if (!close_case && S.ok != n)
    rc = 1;
  if (close_case)
    printf("%-6s %-8s %7zu  start %8.1f ms  close() %8.1f ms  last callback "
           "%8.1f ms after start  ok %zu cancelled %zu  peak RSS %7ld KiB%s\n",
           mode, no_queue ? "no-queue" : "queue", n, start_ms, close_ms, all_ms,
           S.ok, S.cancelled, peak_rss_kib(), rc ? "  FAILED" : "");
  else
    printf("%-6s %-8s %7zu  start %8.1f ms  wall %9.1f ms  cpu %9.1f ms  ok "
           "%zu  peak RSS %7ld KiB%s\n",
           mode, no_queue ? "no-queue" : "queue", n, start_ms, run_ms, cpu_ms(),
           S.ok, peak_rss_kib(), rc ? "  FAILED" : "");
  fflush(stdout);
  free(S.calls);
  return rc;
}

static int spawn_case(const char *url, const char *mode, size_t n,
                      bool no_queue) {
  fflush(stdout);
  pid_t pid = fork();
  if (pid < 0)
    return 2;
  if (pid == 0)
    _exit(run_case(url, mode, n, no_queue));
  int st;
  if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
    return 1;
  return WEXITSTATUS(st);
}

int main(int argc, char **argv) {
  const char *node = getenv("NODE"), *script = getenv("FAKE_API_SERVER");
  const char *base_url = NULL;
  bool resolve = false;
  char *sizes = NULL;
  bool no_queue = false;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--requests") == 0 && i + 1 < argc)
      sizes = argv[++i];
    else if (strcmp(argv[i], "--no-queue") == 0)
      no_queue = true;
    else if (strcmp(argv[i], "--node") == 0 && i + 1 < argc)
      node = argv[++i];
    else if (strcmp(argv[i], "--server") == 0 && i + 1 < argc)
      script = argv[++i];
    else if (strcmp(argv[i], "--base-url") == 0 && i + 1 < argc)
      base_url = argv[++i];
    else if (strcmp(argv[i], "--cap") == 0 && i + 1 < argc)
      cap = (unsigned)strtoul(argv[++i], NULL, 10);
    else if (strcmp(argv[i], "--distinct") == 0)
      S.distinct = true;
    else if (strcmp(argv[i], "--resolve") == 0)
      resolve = true;
    else {
      fprintf(stderr, "usage: queue_scale [--requests N[,N...]] [--no-queue] "
                      "[--cap N] [--distinct] [--node PATH] [--server PATH] "
                      "[--base-url URL]\n");
      return 2;
    }
  }
  char dflt[] = "5000,10000,20000,100000";
  if (sizes == NULL)
    sizes = dflt;
  fake_server_t srv;
  const char *args[] = {"--no-record", NULL};
  memset(&srv, 0, sizeof srv);
  if (base_url == NULL &&
      fake_server_spawn(&srv, node ? node : "node",
                        script ? script : "test/fake-api/server.js",
                        args) != 0) {
    fake_server_stop(&srv);
    return 2;
  }
  const char *url = base_url != NULL ? base_url : srv.url;
  printf("queue_scale: %s (%s, HTTP/1.1), 64 connections, %s%s\n", url,
         base_url != NULL ? "external server" : "fake server, Node",
         no_queue ? "no queue (max_requests_in_flight UINT_MAX)"
         : cap    ? "max_requests_in_flight set"
                  : "default max_requests_in_flight",
         S.distinct ? ", distinct ids" : ", one alias");
  if (cap != 0 && !no_queue)
    printf("queue_scale: max_requests_in_flight %u\n", cap);
  int rc = 0;
  static const char *const all_modes[] = {"all", "k64", "close"};
  static const char *const res_modes[] = {"res"};
  const char *const *modes = resolve ? res_modes : all_modes;
  size_t nmodes = resolve ? 1 : 3;
  for (char *tok = strtok(sizes, ","); tok != NULL; tok = strtok(NULL, ",")) {
    size_t n = strtoul(tok, NULL, 10);
    for (size_t m = 0; m < nmodes; m++) {
      int r = spawn_case(url, modes[m], n, no_queue);
      if (r > rc)
        rc = r;
    }
  }
  if (base_url == NULL)
    fake_server_stop(&srv);
  return rc;
}
