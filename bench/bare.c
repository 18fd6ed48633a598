/* bare.c - the floor: what libuv and libcurl's multi-socket interface cost
 * on their own, with nothing of ours on top. bench/peers.sh measures every
 * client against it.
 *
 *   bare --base-url URL [--concurrency N] [--http2] [--cacert FILE]
 *        [--max-host-connections N] [--maxconnects N] [--streams N]
 *        [--buffer-size B] < ids
 *
 * Reads one model id a line from stdin and GETs BASE/v1/models/ID for each,
 * N at a time (default 64), with the headers our client sends
 * (x-api-key from ANTHROPIC_API_KEY, anthropic-version). What it does is
 * the least a libuv + libcurl driver can do:
 *   - N easy handles made once and reused (the next URL set on the handle
 *     that just finished: its connection and TLS session kept);
 *   - one uv_poll_t per socket, kept while the socket lives: started only
 *     when the events libcurl asks for change (each uv_poll_start is an
 *     epoll_ctl DEL and ADD in libuv 1.44), left started when libcurl
 *     removes the socket between transfers (stopped only if an event comes
 *     then), freed when libcurl closes it (CURLOPT_CLOSESOCKETFUNCTION);
 *   - bodies thrown away unread; a transfer counts when libcurl says it
 *     ended with CURLE_OK and status 200;
 *   - finished transfers read after every call into libcurl (a socket
 *     action can finish transfers without asking for anything more: over
 *     loopback a reused connection answers within the call, and a loop
 *     that looks only between polls then waits for an event that never
 *     comes), and a timeout of 0 run from a uv_idle_t on the next turn,
 *     never from inside libcurl's callback (as src/engine.c does).
 * The last four are for measuring libcurl's knobs (bench/RESULTS.md):
 * CURLMOPT_MAX_HOST_CONNECTIONS (default: N), CURLMOPT_MAXCONNECTS
 * (default: libcurl's), CURLMOPT_MAX_CONCURRENT_STREAMS (default over
 * HTTP/2: N when above 100, as the library does) and CURLOPT_BUFFERSIZE
 * (default: libcurl's 16 KiB; the library sets 4 KiB).
 * Prints "requests N ok K failed F" on stderr; exit status 1 when any
 * failed, 2 on a usage or setup error. */
#include <curl/curl.h>
#include <uv.h>

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct watcher {
  uv_poll_t poll;
  curl_socket_t fd;
  int events;   /* what the poll is started with; 0: stopped */
  bool idle;    /* libcurl removed it (a kept-alive connection between
                   transfers): still started, stopped at its first event */
  bool closing; /* libcurl closed the socket: freed on the loop's next
                   turn (libcurl may still name it in a CURL_POLL_REMOVE) */
} watcher_t;

static struct {
  uv_loop_t loop;
  uv_timer_t timer;
  uv_idle_t idle; /* runs libcurl's timeouts of 0, on the next turn */
  bool timeout_now;
  CURLM *multi;
  watcher_t **by_fd; /* kept watchers, by descriptor */
  size_t by_fd_len;
  const char *base;
  char **ids;
  size_t n, next, ok, failed;
  size_t url_cap;
  char *urls; /* one URL buffer per easy handle, url_cap bytes each */
} B;

static void die(const char *what) {
  fprintf(stderr, "bare: %s\n", what);
  exit(2);
}

static size_t discard(char *p, size_t size, size_t n, void *data) {
  (void)p;
  (void)data;
  return size * n;
}

static void drain(void);

static void on_poll(uv_poll_t *h, int status, int events) {
  watcher_t *w = h->data;
  if (w->idle) { /* not libcurl's now: nothing to tell it */
    uv_poll_stop(&w->poll);
    w->events = 0;
    return;
  }
  int flags = 0;
  if (status < 0)
    flags = CURL_CSELECT_ERR;
  else {
    if (events & (UV_READABLE | UV_DISCONNECT))
      flags |= CURL_CSELECT_IN;
    if (events & UV_WRITABLE)
      flags |= CURL_CSELECT_OUT;
  }
  if (status < 0)
    w->events = 0; /* libuv stopped the poll */
  int running;
  curl_multi_socket_action(B.multi, w->fd, flags, &running);
  drain();
}

static watcher_t *watcher_for(curl_socket_t fd) {
  if ((size_t)fd >= B.by_fd_len) {
    size_t len = (size_t)fd * 2 + 16;
    watcher_t **grown = realloc(B.by_fd, len * sizeof *grown);
    if (grown == NULL)
      die("out of memory");
    memset(grown + B.by_fd_len, 0, (len - B.by_fd_len) * sizeof *grown);
    B.by_fd = grown;
    B.by_fd_len = len;
  }
  watcher_t *w = B.by_fd[fd];
  if (w == NULL) {
    w = calloc(1, sizeof *w);
    if (w == NULL || uv_poll_init_socket(&B.loop, &w->poll, fd) != 0)
      die("cannot watch a socket");
    w->fd = fd;
    w->poll.data = w;
    B.by_fd[fd] = w;
  }
  return w;
}

static int on_socket(CURL *e, curl_socket_t fd, int what, void *clientp,
                     void *socketp) {
  (void)e;
  (void)clientp;
  watcher_t *w = socketp;
  if (what == CURL_POLL_REMOVE) {
    /* By socketp, not by fd: libcurl may say it after the socket's close,
     * when the number can name another socket already. */
    if (w != NULL && !w->closing)
      w->idle = true; /* kept started: the next transfer likely wants IN */
    return 0;
  }
  if (w == NULL) { /* new, or a kept connection libcurl forgot at REMOVE */
    w = watcher_for(fd);
    curl_multi_assign(B.multi, fd, w);
  }
  w->idle = false;
  int events = 0;
  if (what == CURL_POLL_IN || what == CURL_POLL_INOUT)
    events |= UV_READABLE;
  if (what == CURL_POLL_OUT || what == CURL_POLL_INOUT)
    events |= UV_WRITABLE;
  if (events == w->events)
    return 0; /* unchanged: no epoll_ctl */
  uv_poll_start(&w->poll, events, on_poll);
  w->events = events;
  return 0;
}

static void free_watcher(uv_handle_t *h) {
  free(h->data);
}

static int on_close_socket(void *clientp, curl_socket_t fd) {
  (void)clientp;
  if ((size_t)fd < B.by_fd_len && B.by_fd[fd] != NULL) {
    B.by_fd[fd]->closing = true;
    uv_close((uv_handle_t *)&B.by_fd[fd]->poll, free_watcher);
    B.by_fd[fd] = NULL;
  }
  return close(fd);
}

static void on_timer(uv_timer_t *t) {
  (void)t;
  int running;
  curl_multi_socket_action(B.multi, CURL_SOCKET_TIMEOUT, 0, &running);
  drain();
}

static void on_idle(uv_idle_t *h) {
  if (B.timeout_now) {
    B.timeout_now = false;
    on_timer(&B.timer);
  }
  if (!B.timeout_now) /* libcurl wants no more now */
    uv_idle_stop(h);
}

static void run_timeouts_soon(void) {
  B.timeout_now = true;
  uv_idle_start(&B.idle, on_idle);
}

static int on_timeout(CURLM *m, long ms, void *clientp) {
  (void)m;
  (void)clientp;
  B.timeout_now = false;
  if (ms <= 0)
    uv_timer_stop(&B.timer);
  if (ms == 0)
    run_timeouts_soon();
  else if (ms > 0)
    uv_timer_start(&B.timer, on_timer, (uint64_t)ms, 0);
  return 0;
}

/* Give the easy handle (slot `i`) the next id, or leave it idle. */
static bool start_next(CURL *e, size_t i) {
  if (B.next == B.n)
    return false;
  char *url = B.urls + i * B.url_cap;
  snprintf(url, B.url_cap, "%s/v1/models/%s", B.base, B.ids[B.next++]);
  curl_easy_setopt(e, CURLOPT_URL, url);
  if (curl_multi_add_handle(B.multi, e) != CURLM_OK)
    die("curl_multi_add_handle failed");
  return true;
}

static void drain(void) {
  CURLMsg *msg;
  int left;
  bool started = false;
  while ((msg = curl_multi_info_read(B.multi, &left)) != NULL) {
    if (msg->msg != CURLMSG_DONE)
      continue;
    CURL *e = msg->easy_handle;
    long status = 0;
    curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
    if (msg->data.result == CURLE_OK && status == 200)
      B.ok++;
    else
      B.failed++;
    void *slot = NULL;
    curl_easy_getinfo(e, CURLINFO_PRIVATE, &slot);
    curl_multi_remove_handle(B.multi, e);
    if (start_next(e, (size_t)(uintptr_t)slot))
      started = true;
    else
      curl_easy_cleanup(e);
  }
  /* libcurl 7.88 skips its timer callback when the earliest expiry is the
   * one it last reported, which a transfer added now can hit: a request
   * could then wait in libcurl until an unrelated event. Run its timeouts
   * on the next turn (no system call). */
  if (started)
    run_timeouts_soon();
  if (B.ok + B.failed == B.n) /* kept watchers would keep it running */
    uv_stop(&B.loop);
}

static void read_ids(void) {
  size_t cap = 1024, longest = 0;
  B.ids = malloc(cap * sizeof *B.ids);
  char *line = NULL;
  size_t len = 0;
  ssize_t got;
  while (B.ids != NULL && (got = getline(&line, &len, stdin)) > 0) {
    while (got > 0 && (line[got - 1] == '\n' || line[got - 1] == '\r'))
      line[--got] = '\0';
    if (got == 0)
      continue;
    if (B.n == cap) {
      cap *= 2;
      char **grown = realloc(B.ids, cap * sizeof *grown);
      if (grown == NULL)
        die("out of memory");
      B.ids = grown;
    }
    if ((B.ids[B.n++] = strdup(line)) == NULL)
      die("out of memory");
    if ((size_t)got > longest)
      longest = (size_t)got;
  }
  free(line);
  if (B.ids == NULL)
    die("out of memory");
  B.url_cap = strlen(B.base) + sizeof "/v1/models/" + longest;
}

int main(int argc, char **argv) {
  size_t conc = 64;
  long max_host = -1, maxconnects = -1, buffer_size = -1, streams = -1;
  bool h2 = false;
  const char *cacert = NULL;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--base-url") == 0 && i + 1 < argc)
      B.base = argv[++i];
    else if (strcmp(argv[i], "--concurrency") == 0 && i + 1 < argc)
      conc = strtoul(argv[++i], NULL, 10);
    else if (strcmp(argv[i], "--cacert") == 0 && i + 1 < argc)
      cacert = argv[++i];
    else if (strcmp(argv[i], "--max-host-connections") == 0 && i + 1 < argc)
      max_host = strtol(argv[++i], NULL, 10);
    else if (strcmp(argv[i], "--maxconnects") == 0 && i + 1 < argc)
      maxconnects = strtol(argv[++i], NULL, 10);
    else if (strcmp(argv[i], "--streams") == 0 && i + 1 < argc)
      streams = strtol(argv[++i], NULL, 10);
    else if (strcmp(argv[i], "--buffer-size") == 0 && i + 1 < argc)
      buffer_size = strtol(argv[++i], NULL, 10);
    else if (strcmp(argv[i], "--http2") == 0)
      h2 = true;
    else
      die("usage: bare --base-url URL [--concurrency N] [--http2] "
          "[--cacert FILE] [--max-host-connections N] [--maxconnects N] "
          "[--streams N] [--buffer-size B] < ids");
  }
  if (B.base == NULL || conc == 0)
    die("--base-url is required, --concurrency at least 1");
  const char *key = getenv("ANTHROPIC_API_KEY");
  char key_line[512];
  snprintf(key_line, sizeof key_line, "x-api-key: %s", key ? key : "");
  read_ids();
  if (conc > B.n)
    conc = B.n;
  if ((B.urls = malloc(conc * B.url_cap + 1)) == NULL)
    die("out of memory");

  if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK ||
      uv_loop_init(&B.loop) != 0 || (B.multi = curl_multi_init()) == NULL)
    die("cannot start libuv or libcurl");
  uv_timer_init(&B.loop, &B.timer);
  uv_idle_init(&B.loop, &B.idle);
  curl_multi_setopt(B.multi, CURLMOPT_SOCKETFUNCTION, on_socket);
  curl_multi_setopt(B.multi, CURLMOPT_TIMERFUNCTION, on_timeout);
  curl_multi_setopt(B.multi, CURLMOPT_MAX_HOST_CONNECTIONS,
                    max_host >= 0 ? max_host : (long)conc);
  if (maxconnects >= 0)
    curl_multi_setopt(B.multi, CURLMOPT_MAXCONNECTS, maxconnects);
  /* libcurl 7.88 takes a new HTTP/2 connection to carry 100 streams until
   * the server's SETTINGS are in: past 100 at once it opens more (ten
   * TLS connections for 1,000: 3.6x the memory and twice the CPU,
   * bench/RESULTS.md). The library sets 1,000; so does the floor. */
  if (streams < 0 && h2 && conc > 100)
    streams = (long)conc;
  if (streams > 0)
    curl_multi_setopt(B.multi, CURLMOPT_MAX_CONCURRENT_STREAMS, streams);
  curl_multi_setopt(B.multi, CURLMOPT_PIPELINING,
                    h2 ? CURLPIPE_MULTIPLEX : CURLPIPE_NOTHING);
  struct curl_slist *headers = curl_slist_append(NULL, key_line);
  headers = curl_slist_append(headers, "anthropic-version: 2023-06-01");
  if (headers == NULL)
    die("out of memory");
  for (size_t i = 0; i < conc; i++) {
    CURL *e = curl_easy_init();
    if (e == NULL)
      die("curl_easy_init failed");
    curl_easy_setopt(e, CURLOPT_PRIVATE, (void *)(uintptr_t)i);
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, discard);
    curl_easy_setopt(e, CURLOPT_CLOSESOCKETFUNCTION, on_close_socket);
    curl_easy_setopt(e, CURLOPT_HTTP_VERSION,
                     h2 ? CURL_HTTP_VERSION_2TLS : CURL_HTTP_VERSION_1_1);
    curl_easy_setopt(e, CURLOPT_PIPEWAIT, h2 ? 1L : 0L);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    if (buffer_size > 0)
      curl_easy_setopt(e, CURLOPT_BUFFERSIZE, buffer_size);
    if (cacert != NULL)
      curl_easy_setopt(e, CURLOPT_CAINFO, cacert);
    if (!start_next(e, i))
      curl_easy_cleanup(e);
  }
  if (B.n > 0)
    uv_run(&B.loop, UV_RUN_DEFAULT);

  curl_multi_cleanup(B.multi); /* closes the kept connections */
  uv_close((uv_handle_t *)&B.timer, NULL);
  uv_close((uv_handle_t *)&B.idle, NULL);
  for (size_t fd = 0; fd < B.by_fd_len; fd++)
    if (B.by_fd[fd] != NULL)
      uv_close((uv_handle_t *)&B.by_fd[fd]->poll, free_watcher);
  uv_run(&B.loop, UV_RUN_DEFAULT);
  int closed = uv_loop_close(&B.loop);
  curl_slist_free_all(headers);
  curl_global_cleanup();
  for (size_t i = 0; i < B.n; i++)
    free(B.ids[i]);
  free(B.ids);
  free(B.urls);
  free(B.by_fd);
  fprintf(stderr, "requests %zu ok %zu failed %zu\n", B.n, B.ok, B.failed);
  return B.failed > 0 || closed != 0 ? 1 : 0;
}
