/* watch_cycle.c - what one cycle of anthropic_models_watch() costs, by the
 * size of the catalogue: CPU time and resident memory per cycle, against a
 * plain walk of the same list (anthropic_models_list_all(), the floor: the
 * pages fetched and parsed, nothing kept).
 *
 *   watch_cycle [--models N[,N...]] [--cycles K] [--change M]
 *               [--node PATH] [--server PATH/server.js]
 *
 * For each N, starts `node server.js --no-record --models N` (N synthetic
 * models on top of the 57 hand-written ones; paths from --node / --server,
 * else $NODE / $FAKE_API_SERVER, else "node" and test/fake-api/server.js)
 * once with ETags and once with --no-etag, and runs each case in a child
 * process of its own, so that its peak RSS is its own:
 *   walk     K walks of the whole list, 1,000 a page, every lifecycle
 *   watch    a watch of K cycles (interval 1 ms, no jitter): cycle 1 the
 *            snapshot, then K-1 cycles with nothing changed. With ETags
 *            those are all 304s; with --no-etag every page is parsed and
 *            compared again
 *   churn    (--no-etag server) as watch, but before each cycle after the
 *            first, M models (default 1%) get a new retires_at: the cost
 *            of change events
 * One line per case: CPU per cycle (the median of cycles 2..K, and cycle
 * 1), the RSS after cycle 1 and after cycle K (what the state costs, and
 * whether it grows), the peak RSS, and events seen.
 *
 * Exit status 1 when a case failed (an error event, a walk error, a cycle
 * count or change count not as expected, a loop not closed); 2 on a setup
 * error.
 */
#include <anthropic.h>
#include <uv.h>

#include "../test/fake_server.h"

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_CYCLES 200

static const char *lifecycles[] = {"active", "deprecated", "retired"};

static struct {
  uv_loop_t loop;
  anthropic_client_t *client;
  const fake_server_t *server;
  unsigned cycles, done;
  size_t change; /* churn: models changed before each cycle; 0: none */
  size_t models, changes_seen, pages_304;
  double cpu[MAX_CYCLES + 1];
  double rss[MAX_CYCLES + 1];
  double t0;
  anthropic_request_id_t id;
  int failed;
  size_t total; /* models in the catalogue */
} S;

static double cpu_now(void) {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return (double)ru.ru_utime.tv_sec + (double)ru.ru_stime.tv_sec +
         ((double)ru.ru_utime.tv_usec + (double)ru.ru_stime.tv_usec) / 1e6;
}

/* The resident set now, in MiB (/proc/self/statm's second field). */
static double rss_now(void) {
  FILE *f = fopen("/proc/self/statm", "r");
  unsigned long size = 0, res = 0;
  if (f != NULL) {
    if (fscanf(f, "%lu %lu", &size, &res) != 2)
      res = 0;
    (void)fclose(f);
  }
  return (double)res * (double)sysconf(_SC_PAGESIZE) / (1024.0 * 1024.0);
}

static double peak_mib(void) {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return (double)ru.ru_maxrss / 1024.0;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static char **ids; /* every id of the catalogue, for churn */
static size_t ids_n;

static void load_ids(void) {
  char *cat = fake_get(S.server, "/_fake/catalogue");
  if (cat == NULL)
    return;
  /* "id":"..." occurrences in models order (aliases map has no "id" key) */
  size_t cap = 1024;
  ids = malloc(cap * sizeof *ids);
  for (const char *p = cat;
       ids != NULL && (p = strstr(p, "\"id\":\"")) != NULL;) {
    p += 6;
    const char *e = strchr(p, '"');
    if (e == NULL)
      break;
    if (ids_n == cap) {
      char **more = realloc(ids, (cap *= 2) * sizeof *ids);
      if (more == NULL)
        break;
      ids = more;
    }
    ids[ids_n] = strndup(p, (size_t)(e - p));
    if (ids[ids_n] == NULL)
      break;
    ids_n++;
    p = e;
  }
  free(cat);
}

static void post_changes(unsigned cycle) {
  if (ids_n == 0) {
    S.failed = 1;
    return;
  }
  size_t cap = S.change * 160 + 64;
  char *body = malloc(cap);
  if (body == NULL) {
    S.failed = 1;
    return;
  }
  size_t len = (size_t)snprintf(body, cap, "[");
  for (size_t i = 0; i < S.change; i++) {
    const char *id = ids[(i * 97 + cycle) % ids_n];
    len += (size_t)snprintf(
        body + len, cap - len,
        "%s{\"op\":\"set\",\"id\":\"%s\",\"fields\":{\"retires_at\":"
        "\"2027-%02u-%02uT00:00:00Z\"}}",
        i ? "," : "", id, 1 + cycle % 12, 1 + (unsigned)(i % 28));
  }
  (void)snprintf(body + len, cap - len, "]");
  char *r = fake_post(S.server, "/_fake/catalogue", body);
  if (r == NULL || strstr(r, "\"ok\":true") == NULL) {
    fprintf(stderr, "watch_cycle: catalogue change failed: %s\n",
            r ? r : "(no answer)");
    S.failed = 1;
  }
  free(r);
  free(body);
}

static void on_event(const anthropic_watch_event_t *ev, void *data) {
  (void)data;
  switch (ev->kind) {
  case ANTHROPIC_WATCH_ERROR:
    fprintf(stderr, "watch_cycle: error event: %s\n", ev->error->message);
    S.failed = 1;
    (void)anthropic_request_cancel(S.client, S.id);
    return;
  case ANTHROPIC_WATCH_SNAPSHOT:
    S.models = ev->count;
    return;
  case ANTHROPIC_WATCH_CYCLE:
    break;
  default:
    S.changes_seen++;
    return;
  }
  S.done++;
  S.cpu[S.done] = cpu_now() - S.t0;
  S.rss[S.done] = rss_now();
  if (ev->not_modified)
    S.pages_304++;
  if (ev->count != S.total) {
    fprintf(stderr, "watch_cycle: cycle %u listed %zu, not %zu\n", S.done,
            ev->count, S.total);
    S.failed = 1;
  }
  if (S.done >= S.cycles) {
    (void)anthropic_request_cancel(S.client, S.id);
    return;
  }
  if (S.change > 0)
    post_changes(S.done);
  S.t0 = cpu_now();
}

static void on_done(const anthropic_error_t *err, void *data) {
  (void)err;
  (void)data;
  anthropic_client_close(S.client, NULL);
}

static size_t walk_items;
static void on_walk_done(const anthropic_error_t *err, size_t items,
                         void *data);
static int on_page(const anthropic_models_page_t *page, void *data) {
  (void)page;
  (void)data;
  return 0;
}
static void start_walk(void) {
  anthropic_models_list_params_t p = ANTHROPIC_MODELS_LIST_PARAMS_INIT;
  p.limit = 1000;
  p.lifecycle = lifecycles;
  p.lifecycle_count = 3;
  if (anthropic_models_list_all(S.client, &p, 0, on_page, on_walk_done, NULL) ==
      0) {
    S.failed = 1;
    anthropic_client_close(S.client, NULL);
  }
}
static void on_walk_done(const anthropic_error_t *err, size_t items,
                         void *data) {
  (void)data;
  if (err != NULL || items != S.total) {
    fprintf(stderr, "watch_cycle: walk: %s, %zu items\n",
            err ? err->message : "ok", items);
    S.failed = 1;
  }
  walk_items = items;
  S.done++;
  S.cpu[S.done] = cpu_now() - S.t0;
  S.rss[S.done] = rss_now();
  if (S.done >= S.cycles || S.failed) {
    anthropic_client_close(S.client, NULL);
    return;
  }
  S.t0 = cpu_now();
  start_walk();
}

/* One case in this (child) process; prints its line. */
static int run_case(const fake_server_t *srv, const char *name, bool walk,
                    size_t change, const char *label) {
  S.server = srv;
  S.change = change;
  if (change > 0)
    load_ids();
  if (uv_loop_init(&S.loop) != 0)
    return 2;
  anthropic_client_options_t o = ANTHROPIC_CLIENT_OPTIONS_INIT;
  o.flags = ANTHROPIC_CLIENT_NO_ENV | ANTHROPIC_CLIENT_HTTP1;
  o.api_key = "fake-key";
  o.base_url = srv->url;
  o.max_response_bytes = 64u << 20;
  char err[256];
  if (anthropic_client_init(&S.loop, &S.client, &o, err, sizeof err) != 0) {
    fprintf(stderr, "watch_cycle: init: %s\n", err);
    return 2;
  }
  S.t0 = cpu_now();
  if (walk) {
    start_walk();
  } else {
    anthropic_watch_options_t w = ANTHROPIC_WATCH_OPTIONS_INIT;
    w.interval_ms = 1;
    w.flags = ANTHROPIC_WATCH_NO_JITTER | ANTHROPIC_WATCH_KEEP_CACHE;
    S.id = anthropic_models_watch(S.client, &w, on_event, on_done, NULL);
    if (S.id == 0) {
      fprintf(stderr, "watch_cycle: watch: %s\n",
              anthropic_client_last_error(S.client)->message);
      return 2;
    }
  }
  uv_run(&S.loop, UV_RUN_DEFAULT);
  int closed = uv_loop_close(&S.loop);
  if (closed != 0 || S.done != S.cycles)
    S.failed = 1;
  if (!walk && change > 0 && S.changes_seen < (S.cycles - 1) * change / 2)
    S.failed = 1; /* a set may repeat a date: at least half must show */
  double later[MAX_CYCLES];
  unsigned n = 0;
  for (unsigned i = 2; i <= S.done; i++)
    later[n++] = S.cpu[i];
  qsort(later, n, sizeof later[0], cmp_double);
  double med = n ? later[n / 2] : 0;
  printf("%7zu  %-22s %6u  %9.2f  %9.2f  %8.1f  %8.1f  %8.1f  %7zu%s\n",
         S.total, label, S.done, med * 1e3, S.cpu[1] * 1e3, S.rss[1],
         S.rss[S.done], peak_mib(), S.changes_seen, S.failed ? "  FAILED" : "");
  (void)name;
  return S.failed ? 1 : 0;
}

static int run_child(const fake_server_t *srv, size_t total, unsigned cycles,
                     bool walk, size_t change, const char *label) {
  (void)fflush(stdout);
  pid_t pid = fork();
  if (pid < 0)
    return 2;
  if (pid == 0) {
    memset(&S, 0, sizeof S);
    S.total = total;
    S.cycles = cycles;
    int r = run_case(srv, label, walk, change, label);
    (void)fflush(stdout);
    _exit(r);
  }
  int st = 0;
  (void)waitpid(pid, &st, 0);
  return WIFEXITED(st) ? WEXITSTATUS(st) : 1;
}

/* The models the server lists with every lifecycle. */
static size_t count_models(const fake_server_t *srv) {
  char *cat = fake_get(srv, "/_fake/catalogue");
  size_t n = 0;
  for (const char *p = cat; p && (p = strstr(p, "\"type\":\"model\"")); p++)
    n++;
  free(cat);
  return n;
}

int main(int argc, char **argv) {
  const char *list = "1000,5000,10000";
  unsigned cycles = 10;
  long change = -1;
  const char *node = getenv("NODE"), *script = getenv("FAKE_API_SERVER");
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    const char *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (strcmp(a, "--models") == 0 && v)
      list = v, i++;
    else if (strcmp(a, "--cycles") == 0 && v)
      cycles = (unsigned)strtoul(v, NULL, 10), i++;
    else if (strcmp(a, "--change") == 0 && v)
      change = strtol(v, NULL, 10), i++;
    else if (strcmp(a, "--node") == 0 && v)
      node = v, i++;
    else if (strcmp(a, "--server") == 0 && v)
      script = v, i++;
    else {
      fprintf(stderr, "usage: watch_cycle [--models N[,N...]] [--cycles K] "
                      "[--change M] [--node PATH] [--server PATH]\n");
      return 2;
    }
  }
  if (cycles < 2 || cycles > MAX_CYCLES) {
    fprintf(stderr, "watch_cycle: --cycles 2..%d\n", MAX_CYCLES);
    return 2;
  }
  printf("# models  case                   cycles  cpu/cycle  cycle 1    "
         "rss@1     rss@K     peak     events\n"
         "#                                        ms (med)   ms         "
         "MiB       MiB       MiB\n");
  int rc = 0;
  char *copy = strdup(list);
  for (char *tok = strtok(copy, ","); tok; tok = strtok(NULL, ",")) {
    for (int etag = 1; etag >= 0; etag--) {
      const char *args[] = {"--no-record", "--models", tok,
                            etag ? NULL : "--no-etag", NULL};
      fake_server_t srv;
      if (fake_server_spawn(&srv, node ? node : "node",
                            script ? script : "test/fake-api/server.js",
                            args) != 0) {
        fprintf(stderr, "watch_cycle: cannot start the fake API\n");
        return 2;
      }
      size_t total = count_models(&srv);
      size_t m = change >= 0 ? (size_t)change : total / 100;
      int r = 0;
      if (etag) {
        r |= run_child(&srv, total, cycles, true, 0, "walk (floor)");
        r |= run_child(&srv, total, cycles, false, 0, "watch, 304s");
      } else {
        r |= run_child(&srv, total, cycles, true, 0, "walk, no etag");
        r |= run_child(&srv, total, cycles, false, 0, "watch, no etag");
        r |= run_child(&srv, total, cycles, false, m, "watch, 1% churn");
      }
      (void)fake_server_stop(&srv);
      rc |= r;
    }
  }
  free(copy);
  return rc;
}
