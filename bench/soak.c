/* soak.c - a long run of the client against the fake Models API with random
 * faults, checking the library's contract and that nothing grows.
 *
 *   soak [--requests N] [--in-flight K] [--fault-rate P] [--seed S]
 *        [--node PATH] [--server PATH/server.js]
 *
 * Starts `node server.js --fault-rate P --no-record` (paths from --node /
 * --server, else $NODE / $FAKE_API_SERVER, else "node" and
 * test/fake-api/server.js), makes one client on its own loop (max_retries 3,
 * every other option its default) and issues N requests keeping K in flight:
 * ~89% retrieves of known ids and aliases, ~1% retrieves of unknown ids
 * (404), ~10% list pages of 20. Each callback marks the request's slot (a
 * slot completed twice aborts), checks the result against the catalogue and
 * starts the next request.
 *
 * Exit status 1 when: a slot never completed, a request failed
 * synchronously, a callback ran from inside the call that started it, a
 * result was wrong, an error kind other than http/connection came back, fds
 * at the end exceed fds after the first 10,000 completions by more than 16,
 * RSS grew more than 20% between the 20% mark and the end, fds after
 * anthropic_client_close() are not back to those before the client, or
 * uv_loop_close() failed. 2 on a usage or setup error.
 */
#include <anthropic.h>
#include <uv.h>

#include "../test/fake_server.h"

#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

/* ------------------------------------------------------------------ */
/* The request mix                                                     */
/* ------------------------------------------------------------------ */

/* Known ids (test/fake-api/catalogue.js), retired and odd ones included. */
static const char *const known_ids[] = {
    "claude-opus-5-20260415",        "claude-sonnet-5-20260402",
    "claude-haiku-5-20260320",       "claude-mythos-preview-20260310",
    "claude-kurodo-ja-20260110",     "claude-opus-4-6-20260205",
    "claude-sonnet-4-6-ru-20260130", "claude-sonnet-4-5-20250929",
    "claude-opus-4-1-20250805",      "claude-sonnet-4-20250514",
    "claude-3-7-sonnet-20250219",    "claude-3-5-sonnet-20240620",
    "claude-3-haiku-20240307",       "claude-2-0-20230711",
    "claude-release-unknown",
};
#define N_KNOWN (sizeof known_ids / sizeof known_ids[0])

static const char *const alias_pairs[][2] = {
    {"claude-sonnet-4-0", "claude-sonnet-4-20250514"},
    {"claude-opus-4-0", "claude-opus-4-20250514"},
    {"claude-opus-4-1", "claude-opus-4-1-20250805"},
    {"claude-sonnet-4-5", "claude-sonnet-4-5-20250929"},
    {"claude-haiku-4-5", "claude-haiku-4-5-20251001"},
    {"claude-opus-4-5", "claude-opus-4-5-20251101"},
    {"claude-3-5-haiku-latest", "claude-3-5-haiku-20241022"},
    {"claude-3-7-sonnet-latest", "claude-3-7-sonnet-20250219"},
    {"claude-3-opus-latest", "claude-3-opus-20240229"},
    {"claude-3-5-sonnet-latest", "claude-3-5-sonnet-20241022"},
    {"claude-opus-5", "claude-opus-5-20260415"},
    {"claude-sonnet-5", "claude-sonnet-5-20260402"},
    {"claude-haiku-5", "claude-haiku-5-20260320"},
};
#define N_ALIASES (sizeof alias_pairs / sizeof alias_pairs[0])

static const char *const unknown_ids[] = {
    "claude-does-not-exist", "claude-opus-9",  "claude-sonnet-4-20990101",
    "no such model",         "claude-ünknown",
};
#define N_UNKNOWN (sizeof unknown_ids / sizeof unknown_ids[0])

/* List cursors: none, or after one of these (any catalogue id is a cursor). */
static const char *const cursors[] = {
    NULL,
    "claude-opus-4-7-20260301",
    "claude-sonnet-4-5-20250929",
    "claude-3-opus-20240229",
};
#define N_CURSORS (sizeof cursors / sizeof cursors[0])

enum op { OP_BY_ID, OP_BY_ALIAS, OP_UNKNOWN, OP_LIST, OP__COUNT };
static const char *const op_names[] = {"retrieve by id", "retrieve by alias",
                                       "retrieve unknown", "list page"};

static uint64_t mix64(uint64_t x) { /* splitmix64's finaliser */
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

/* What request i is: fixed by i, so runs are comparable. */
static enum op op_of(size_t i, unsigned *which) {
  uint64_t h = mix64(i);
  unsigned r = (unsigned)(h % 1000);
  *which = (unsigned)(h >> 32);
  if (r < 10)
    return OP_UNKNOWN; /* 1% */
  if (r < 110)
    return OP_LIST; /* 10% */
  return r < 555 ? OP_BY_ID : OP_BY_ALIAS;
}

/* ------------------------------------------------------------------ */
/* State                                                               */
/* ------------------------------------------------------------------ */

/* Under AddressSanitizer freed memory sits in a quarantine (256 MiB by
 * default) before it is reused, so RSS climbs whatever the library does: the
 * RSS limit is reported but not enforced there. */
#if defined(__SANITIZE_ADDRESS__)
#define SOAK_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SOAK_ASAN 1
#endif
#endif
#ifndef SOAK_ASAN
#define SOAK_ASAN 0
#endif

#define SAMPLE_EVERY 10000
#define MAX_STATUS 600

#define SOAK_RSS_JUDGE 50000 /* fewer requests: RSS growth only reported */

typedef struct sample {
  size_t done;
  int fds;
  long rss_kib;
  double secs;
} sample_t;

static struct {
  size_t n, k;
  double fault_rate;
  long seed;
  uv_loop_t loop;
  anthropic_client_t *client;
  unsigned char *slot; /* 0: open, 1: completed */
  size_t next, completed;
  bool in_call; /* inside anthropic_models_*() */
  bool closed;  /* the client's close callback ran */
  uint64_t t0, t_first, t_last;
  /* outcomes */
  size_t ok[OP__COUNT], issued[OP__COUNT];
  size_t expected_404;
  size_t http[MAX_STATUS];
  size_t kinds[16]; /* by -kind, for errors other than the 404s */
  size_t sync_fail, reentrant, wrong, unexpected_kind;
  size_t attempts_hist[8]; /* error attempts, 1..7+ */
  size_t log_lines, log_errors;
  /* flatness */
  sample_t *samples;
  size_t n_samples, cap_samples;
  sample_t mark20, end;
  bool have_mark20;
  int fds_before_client, fds_after_close;
  /* watchdog */
  uv_timer_t watchdog;
  size_t watchdog_seen;
  int stalled_secs;
} S;

static int count_fds(void) {
  DIR *d = opendir("/proc/self/fd");
  if (d == NULL)
    return -1;
  int n = 0;
  struct dirent *e;
  while ((e = readdir(d)) != NULL)
    if (e->d_name[0] != '.')
      n++;
  closedir(d);
  return n - 1; /* the directory's own descriptor */
}

/* What each open descriptor is, for the report when some were left open. */
#define MAX_FD_SNAP 64
typedef struct fd_snap {
  int n;
  int fd[MAX_FD_SNAP];
  char what[MAX_FD_SNAP][96];
} fd_snap_t;

static void snap_fds(fd_snap_t *snap) {
  DIR *d = opendir("/proc/self/fd");
  struct dirent *e;
  snap->n = 0;
  if (d == NULL)
    return;
  while ((e = readdir(d)) != NULL && snap->n < MAX_FD_SNAP) {
    char path[300];
    if (e->d_name[0] == '.' || atoi(e->d_name) == dirfd(d))
      continue;
    snprintf(path, sizeof path, "/proc/self/fd/%s", e->d_name);
    ssize_t len = readlink(path, snap->what[snap->n], 95);
    snap->what[snap->n][len < 0 ? 0 : len] = '\0';
    snap->fd[snap->n++] = atoi(e->d_name);
  }
  closedir(d);
}

static void print_new_fds(const fd_snap_t *before, const fd_snap_t *after) {
  for (int i = 0; i < after->n; i++) {
    bool old = false;
    for (int j = 0; j < before->n && !old; j++)
      old = before->fd[j] == after->fd[i] &&
            strcmp(before->what[j], after->what[i]) == 0;
    if (!old)
      printf("    left open: fd %d -> %s\n", after->fd[i], after->what[i]);
  }
}

static long rss_kib(void) {
  FILE *f = fopen("/proc/self/statm", "r");
  long size = 0, resident = -1;
  if (f == NULL)
    return -1;
  if (fscanf(f, "%ld %ld", &size, &resident) != 2)
    resident = -1;
  fclose(f);
  return resident < 0 ? -1 : resident * (sysconf(_SC_PAGESIZE) / 1024);
}

static sample_t take_sample(void) {
  sample_t s = {S.completed, count_fds(), rss_kib(),
                (double)(uv_hrtime() - S.t_first) / 1e9};
  return s;
}

static void print_sample(const sample_t *s, const char *note) {
  printf("%10zu %6d %10ld %9.1f  %s\n", s->done, s->fds, s->rss_kib, s->secs,
         note);
  fflush(stdout);
}

static void add_sample(const char *note) {
  if (S.n_samples == S.cap_samples) {
    S.cap_samples = S.cap_samples ? 2 * S.cap_samples : 32;
    S.samples = realloc(S.samples, S.cap_samples * sizeof *S.samples);
    if (S.samples == NULL)
      abort();
  }
  S.samples[S.n_samples] = take_sample();
  print_sample(&S.samples[S.n_samples], note);
  S.n_samples++;
}

/* ------------------------------------------------------------------ */
/* Requests                                                            */
/* ------------------------------------------------------------------ */

static void start_some(void);

static void on_close(anthropic_client_t *client) {
  (void)client;
  S.closed = true;
}

static void slot_done(size_t i) {
  if (i >= S.n) {
    fprintf(stderr, "soak: callback with a bad slot %zu\n", i);
    abort();
  }
  if (S.slot[i] != 0) {
    fprintf(stderr, "soak: request %zu completed twice\n", i);
    abort();
  }
  S.slot[i] = 1;
  S.completed++;
  S.t_last = uv_hrtime();
  if (S.completed == S.n / 5) {
    S.mark20 = take_sample();
    S.have_mark20 = true;
  }
  if (S.completed % SAMPLE_EVERY == 0 || S.completed == S.n)
    add_sample(S.completed == S.n / 5 ? "(20% mark)" : "");
  else if (S.completed == S.n / 5)
    print_sample(&S.mark20, "(20% mark)");
  if (S.completed == S.n) {
    S.end = S.samples[S.n_samples - 1];
    /* Everything is back: close from inside the callback (allowed). */
    anthropic_client_close(S.client, on_close);
  }
}

/* An error that is not the expected 404 of an unknown id. */
static void count_error(const anthropic_error_t *err) {
  int a = err->attempts < 7 ? err->attempts : 7;
  S.attempts_hist[a < 0 ? 0 : a]++;
  int k = -(int)err->kind;
  if (k >= 0 && k < 16)
    S.kinds[k]++;
  if (err->kind == ANTHROPIC_EHTTP) {
    if (err->response->status >= 0 && err->response->status < MAX_STATUS)
      S.http[err->response->status]++;
    /* Retries exhausted on a retryable status is fine; anything else was
     * not one of the injected faults. */
    if (!(err->response->status == 429 || err->response->status >= 500)) {
      S.wrong++;
      fprintf(stderr, "soak: unexpected HTTP %ld: %s\n", err->response->status,
              err->message);
    }
  } else if (err->kind != ANTHROPIC_ECONNECTION) {
    S.unexpected_kind++;
    if (S.unexpected_kind <= 10)
      fprintf(stderr, "soak: unexpected error %s: %s (attempts %d)\n",
              anthropic_err_name(err->kind), err->message, err->attempts);
  }
}

static void check_reentry(size_t i) {
  if (S.in_call) {
    S.reentrant++;
    fprintf(stderr, "soak: request %zu: callback ran inside the call\n", i);
  }
}

static void on_model(const anthropic_error_t *err,
                     const anthropic_model_info_t *model, void *data) {
  size_t i = (size_t)(uintptr_t)data;
  unsigned which;
  enum op op = op_of(i, &which);
  check_reentry(i);
  if ((err == NULL) == (model == NULL)) {
    S.wrong++;
    fprintf(stderr, "soak: request %zu: err and result both %s\n", i,
            err ? "set" : "NULL");
  } else if (model != NULL) {
    const char *want = op == OP_BY_ID      ? known_ids[which % N_KNOWN]
                       : op == OP_BY_ALIAS ? alias_pairs[which % N_ALIASES][1]
                                           : NULL;
    if (want == NULL || strcmp(model->id, want) != 0 ||
        model->response == NULL || model->response->status != 200) {
      S.wrong++;
      fprintf(stderr, "soak: request %zu (%s): got model %s, want %s\n", i,
              op_names[op], model->id, want ? want : "a 404");
    } else {
      S.ok[op]++;
    }
  } else if (op == OP_UNKNOWN && err->kind == ANTHROPIC_EHTTP &&
             err->response->status == 404) {
    if (err->type == NULL || strcmp(err->type, "not_found_error") != 0) {
      S.wrong++;
      fprintf(stderr, "soak: request %zu: 404 without not_found_error\n", i);
    }
    S.expected_404++;
  } else {
    count_error(err);
  }
  slot_done(i);
  start_some();
}

static void on_page(const anthropic_error_t *err,
                    const anthropic_models_page_t *page, void *data) {
  size_t i = (size_t)(uintptr_t)data;
  unsigned which;
  (void)op_of(i, &which);
  check_reentry(i);
  if ((err == NULL) == (page == NULL)) {
    S.wrong++;
    fprintf(stderr, "soak: request %zu: err and result both %s\n", i,
            err ? "set" : "NULL");
  } else if (page != NULL) {
    /* No cursor: the newest 20, more to come. After a cursor: up to 20
     * of the models after it, the last page when fewer. */
    const char *cursor = cursors[which % N_CURSORS];
    bool good = page->count >= 1 && page->count <= 20 && page->data != NULL &&
                page->first_id != NULL && page->last_id != NULL &&
                strcmp(page->first_id, page->data[0]->id) == 0 &&
                strcmp(page->last_id, page->data[page->count - 1]->id) == 0 &&
                page->has_more == (page->count == 20) &&
                page->response != NULL && page->response->status == 200;
    if (good && cursor == NULL)
      good = page->count == 20;
    if (good && cursor != NULL)
      good = strcmp(page->data[0]->id, cursor) != 0;
    if (!good) {
      S.wrong++;
      if (S.wrong <= 10)
        fprintf(stderr, "soak: request %zu: bad page (%zu items)\n", i,
                page->count);
    } else {
      S.ok[OP_LIST]++;
    }
  } else {
    count_error(err);
  }
  slot_done(i);
  start_some();
}

/* Start requests until K are in flight or none are left. */
static void start_some(void) {
  while (S.next < S.n && S.next - S.completed < S.k) {
    size_t i = S.next++;
    unsigned which;
    enum op op = op_of(i, &which);
    void *data = (void *)(uintptr_t)i;
    anthropic_request_id_t req;
    S.issued[op]++;
    S.in_call = true;
    if (op == OP_LIST) {
      anthropic_models_list_params_t p = ANTHROPIC_MODELS_LIST_PARAMS_INIT;
      p.limit = 20;
      p.after_id = cursors[which % N_CURSORS];
      req = anthropic_models_list(S.client, &p, on_page, data);
    } else {
      const char *id = op == OP_BY_ID      ? known_ids[which % N_KNOWN]
                       : op == OP_BY_ALIAS ? alias_pairs[which % N_ALIASES][0]
                                           : unknown_ids[which % N_UNKNOWN];
      req = anthropic_models_retrieve(S.client, id, NULL, on_model, data);
    }
    S.in_call = false;
    if (req == 0) {
      /* The callback will never run: the slot ends here. */
      S.sync_fail++;
      fprintf(stderr, "soak: request %zu failed synchronously: %s\n", i,
              anthropic_client_last_error(S.client)->message);
      slot_done(i);
      if (S.closed || S.completed == S.n)
        return;
    }
  }
}

static void on_log(void *data, anthropic_log_level_t level, const char *line) {
  (void)data;
  if (level != ANTHROPIC_LOG_DEBUG || strstr(line, " -> ") == NULL)
    return; /* only the attempt lines */
  S.log_lines++;
  if (strstr(line, "-> error:") != NULL)
    S.log_errors++;
}

static void on_watchdog(uv_timer_t *t) {
  (void)t;
  if (S.completed != S.watchdog_seen) {
    S.watchdog_seen = S.completed;
    S.stalled_secs = 0;
    return;
  }
  if (++S.stalled_secs < 120)
    return;
  size_t open = 0, first = S.n;
  for (size_t i = 0; i < S.next; i++)
    if (!S.slot[i]) {
      if (first == S.n)
        first = i;
      open++;
    }
  fprintf(stderr,
          "soak: no progress for 120 s: %zu of %zu completed, %zu started, "
          "%zu open (first: request %zu)\n",
          S.completed, S.n, S.next, open, first);
  exit(1);
}

/* ------------------------------------------------------------------ */
/* The fake server                                                     */
/* ------------------------------------------------------------------ */

/* ------------------------------------------------------------------ */
/* Main                                                                */
/* ------------------------------------------------------------------ */

static void usage(void) {
  fprintf(stderr, "usage: soak [--requests N] [--in-flight K] [--fault-rate P] "
                  "[--seed S] [--node PATH] [--server PATH]\n");
  exit(2);
}

static size_t parse_size(const char *s) {
  char *end;
  errno = 0;
  unsigned long long v = strtoull(s, &end, 10);
  if (errno != 0 || *end != '\0' || v == 0 || s[0] == '-')
    usage();
  return (size_t)v;
}

int main(int argc, char **argv) {
  const char *node = getenv("NODE");
  const char *script = getenv("FAKE_API_SERVER");
  S.n = 100000;
  S.k = 500;
  S.fault_rate = 0.05;
  S.seed = -1;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (i + 1 >= argc)
      usage();
    const char *v = argv[++i];
    if (strcmp(a, "--requests") == 0)
      S.n = parse_size(v);
    else if (strcmp(a, "--in-flight") == 0)
      S.k = parse_size(v);
    else if (strcmp(a, "--fault-rate") == 0) {
      char *end;
      S.fault_rate = strtod(v, &end);
      if (*end != '\0' || !(S.fault_rate >= 0 && S.fault_rate <= 1))
        usage();
    } else if (strcmp(a, "--seed") == 0)
      S.seed = (long)parse_size(v);
    else if (strcmp(a, "--node") == 0)
      node = v;
    else if (strcmp(a, "--server") == 0)
      script = v;
    else
      usage();
  }
  if (node == NULL)
    node = "node";
  if (script == NULL)
    script = "test/fake-api/server.js";

  S.t0 = uv_hrtime();
  S.slot = calloc(S.n, 1);
  if (S.slot == NULL)
    return 2;
  curl_global_init(CURL_GLOBAL_DEFAULT); /* for the blocking stats call */

  fake_server_t srv;
  char rate[32], seed[32];
  snprintf(rate, sizeof rate, "%g", S.fault_rate);
  snprintf(seed, sizeof seed, "%ld", S.seed);
  const char *args[] = {"--fault-rate", rate,
                        "--no-record",  S.seed >= 0 ? "--seed" : NULL,
                        seed,           NULL};
  if (fake_server_spawn(&srv, node, script, args) != 0) {
    fake_server_stop(&srv);
    return 2;
  }
  printf("soak: %zu requests, %zu in flight, fault rate %g, server %s\n", S.n,
         S.k, S.fault_rate, srv.url);

  /* libuv opens a process-wide pipe (its signal lock) at the first
   * uv_loop_init() and keeps it: open it now, so that it is not taken for a
   * descriptor the client left open. */
  uv_loop_t warm;
  if (uv_loop_init(&warm) != 0 || uv_loop_close(&warm) != 0)
    return 2;
  fd_snap_t snap_before, snap_after;
  snap_fds(&snap_before);
  S.fds_before_client = count_fds(); /* before the loop, after the server */
  if (uv_loop_init(&S.loop) != 0)
    return 2;
  anthropic_client_options_t o = ANTHROPIC_CLIENT_OPTIONS_INIT;
  char errbuf[256];
  o.flags = ANTHROPIC_CLIENT_NO_ENV;
  o.api_key = "fake-key";
  o.base_url = srv.url;
  o.max_retries = 3;
  o.log_cb = on_log;
  if (anthropic_client_init(&S.loop, &S.client, &o, errbuf, sizeof errbuf) !=
      0) {
    fprintf(stderr, "soak: client: %s\n", errbuf);
    fake_server_stop(&srv);
    return 2;
  }
  uv_timer_init(&S.loop, &S.watchdog);
  uv_timer_start(&S.watchdog, on_watchdog, 1000, 1000);
  uv_unref((uv_handle_t *)&S.watchdog);

  printf("%10s %6s %10s %9s\n", "completed", "fds", "rss_kib", "secs");
  S.t_first = uv_hrtime();
  start_some();
  uv_run(&S.loop, UV_RUN_DEFAULT);
  uv_close((uv_handle_t *)&S.watchdog, NULL);
  uv_run(&S.loop, UV_RUN_DEFAULT);
  int loop_rc = uv_loop_close(&S.loop);
  S.fds_after_close = count_fds();
  snap_fds(&snap_after);

  /* Exactly once. */
  size_t never = 0;
  for (size_t i = 0; i < S.n; i++)
    if (S.slot[i] != 1) {
      if (never < 10)
        fprintf(stderr, "soak: request %zu never completed\n", i);
      never++;
    }

  double req_secs = (double)(S.t_last - S.t_first) / 1e9;
  char *stats = fake_get(&srv, "/_fake/stats");
  int srv_status = fake_server_stop(&srv);
  double total_secs = (double)(uv_hrtime() - S.t0) / 1e9;

  /* Outcomes. */
  size_t ok_all = 0, issued_all = 0, err_all = 0;
  printf("\noutcomes\n");
  for (int op = 0; op < OP__COUNT; op++) {
    ok_all += S.ok[op];
    issued_all += S.issued[op];
    printf("  %-18s issued %7zu  ok %7zu\n", op_names[op], S.issued[op],
           S.ok[op]);
  }
  printf("  ok                 %zu\n", ok_all);
  printf("  expected 404       %zu\n", S.expected_404);
  for (int st = 0; st < MAX_STATUS; st++)
    if (S.http[st]) {
      printf("  http %3d           %zu (retries exhausted)\n", st, S.http[st]);
      err_all += S.http[st];
    }
  for (int k = 1; k < 16; k++)
    if (S.kinds[k] && k != -ANTHROPIC_EHTTP) {
      printf("  %-18s %zu%s\n", anthropic_err_name(-k), S.kinds[k],
             k == -ANTHROPIC_ECONNECTION ? " (retries exhausted)" : "");
      err_all += S.kinds[k];
    }
  printf("  sync failures      %zu\n", S.sync_fail);
  printf("  wrong results      %zu\n", S.wrong);
  printf("  reentrant cbs      %zu\n", S.reentrant);
  size_t exhausted = 0;
  for (int a = 0; a < 8; a++)
    exhausted += S.attempts_hist[a];
  printf("  error attempts     %s", exhausted ? "" : "(no errors)");
  for (int a = 0; a < 8; a++)
    if (S.attempts_hist[a])
      printf(" %d%s:%zu", a, a == 7 ? "+" : "", S.attempts_hist[a]);
  printf("\n  attempts logged    %zu (%zu network errors)\n", S.log_lines,
         S.log_errors);

  /* Server. */
  long srv_requests = -1, srv_faults = -1;
  printf("\nserver /_fake/stats: %s\n", stats ? stats : "(unavailable)");
  cJSON *sj = stats ? cJSON_Parse(stats) : NULL;
  if (sj != NULL) {
    cJSON *r = cJSON_GetObjectItemCaseSensitive(sj, "requests");
    cJSON *f = cJSON_GetObjectItemCaseSensitive(sj, "faults");
    srv_requests = cJSON_IsNumber(r) ? (long)r->valuedouble : -1;
    srv_faults = cJSON_IsNumber(f) ? (long)f->valuedouble : -1;
    cJSON *by = cJSON_GetObjectItemCaseSensitive(sj, "by_action");
    const cJSON *it;
    cJSON_ArrayForEach(it, by) {
      printf("  %-14s %ld\n", it->string, (long)it->valuedouble);
    }
  }
  cJSON_Delete(sj);
  free(stats);
  printf("  server exit: %s %d\n", WIFEXITED(srv_status) ? "status" : "signal",
         WIFEXITED(srv_status) ? WEXITSTATUS(srv_status)
                               : WTERMSIG(srv_status));

  /* Flatness. */
  int fd_first = -1, fd_max = -1;
  long rss_first = -1, rss_max = -1;
  for (size_t i = 0; i < S.n_samples; i++) {
    if (S.samples[i].fds > fd_max)
      fd_max = S.samples[i].fds;
    if (S.samples[i].rss_kib > rss_max)
      rss_max = S.samples[i].rss_kib;
  }
  if (S.n_samples > 0) {
    fd_first = S.samples[0].fds;
    rss_first = S.samples[0].rss_kib;
  }
  bool fds_ok = S.n_samples > 0 && S.end.fds <= fd_first + 16;
  bool rss_ok = S.have_mark20 && S.n_samples > 0 &&
                (double)S.end.rss_kib <= 1.2 * (double)S.mark20.rss_kib;
  bool close_fds_ok = S.fds_after_close == S.fds_before_client;
  printf("\nflatness (sampled every %d completions)\n", SAMPLE_EVERY);
  printf("  fds: first %d, last %d, max %d (limit first + 16)  %s\n", fd_first,
         S.end.fds, fd_max, fds_ok ? "ok" : "FAIL");
  printf("  rss: first %ld KiB, 20%% mark %ld KiB, last %ld KiB, max %ld KiB "
         "(limit 20%% mark + 20%%: %+.1f%%)  %s\n",
         rss_first, S.mark20.rss_kib, S.end.rss_kib, rss_max,
         S.mark20.rss_kib > 0
             ? 100.0 * ((double)S.end.rss_kib / (double)S.mark20.rss_kib - 1)
             : 0.0,
         rss_ok                 ? "ok"
         : SOAK_ASAN            ? "over, not enforced under ASan"
         : S.n < SOAK_RSS_JUDGE ? "over, not enforced on a short run"
                                : "FAIL");
  /* The request pool and its buffers grow to the working set during the
   * first few tens of thousands of requests: a short run cannot tell that
   * from a leak. */
  if (SOAK_ASAN || S.n < SOAK_RSS_JUDGE)
    rss_ok = true;
  printf("  fds before the loop and client %d, after both closed %d  %s\n",
         S.fds_before_client, S.fds_after_close, close_fds_ok ? "ok" : "FAIL");
  if (!close_fds_ok)
    print_new_fds(&snap_before, &snap_after);
  printf("  client close callback %s, uv_loop_close() = %d  %s\n",
         S.closed ? "ran" : "DID NOT RUN", loop_rc,
         S.closed && loop_rc == 0 ? "ok" : "FAIL");

  bool pass = never == 0 && S.sync_fail == 0 && S.reentrant == 0 &&
              S.wrong == 0 && S.unexpected_kind == 0 && fds_ok && rss_ok &&
              close_fds_ok && S.closed && loop_rc == 0 && issued_all == S.n &&
              S.completed == S.n;
  printf("\nsoak %s: %zu requests, %zu in flight, %.1f s of requests "
         "(%.0f req/s), %.1f s in all; ok %zu, 404 %zu, errors %zu; "
         "%ld server requests, %ld faults; fds %d..%d, rss %ld..%ld KiB\n",
         pass ? "PASS" : "FAIL", S.n, S.k, req_secs,
         req_secs > 0 ? (double)S.n / req_secs : 0.0, total_secs, ok_all,
         S.expected_404, err_all, srv_requests, srv_faults, fd_first, fd_max,
         rss_first, rss_max);
  if (never)
    printf("  %zu requests never completed\n", never);
  free(S.samples);
  free(S.slot);
  curl_global_cleanup();
  return pass ? 0 : 1;
}
