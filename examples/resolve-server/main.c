/*
 * resolve-server - resolve model aliases over HTTP, with the client
 * embedded on the server's own libuv loop (README "Embedding in a
 * server: resolve-server").
 *
 *   resolve-server --listen ADDR [OPTION]...   (args.c; --help)
 *
 *   GET /resolve?alias=A  the model, as anthropic_model_info_json() writes
 *                         (routes.c), cached by the library's resolver
 *   GET /lifecycle?alias=A  each alias's model's lifecycle now: dates, days
 *                         to retirement, risk (lifecycle.c), through the same
 *                         resolver and cache
 *   GET /models           every model (all pages), one JSON array, up to
 *                         --max-models-bytes (1 MiB): past it a 502; one
 *                         walk shared and cached (models.c)
 *   GET /healthz, /readyz liveness, and the upstream's answering (health.c)
 *   GET /metrics          Prometheus text (metrics.c)
 *   HEAD                  on each of them
 *
 * Answers carry Cache-Control, Age and ETag (If-None-Match: 304), and are
 * served stale when the upstream fails (caching.c); one access line per
 * request (log.c). A watch (watch.c, --watch-interval, default 10m) walks
 * the list and re-resolves every cached alias once an interval, and the
 * library keeps the cache true: an alias that moves answers its new model
 * within one interval, whatever --cache-ttl-ms. Files: args.c options,
 * conn.c connections, buf.c small helpers. The key comes from the
 * environment as for any client (ANTHROPIC_API_KEY or ANTHROPIC_AUTH_TOKEN),
 * or --api-key-file. Port 0 takes a free one; once listening it prints
 * "listening http://HOST:PORT". SIGTERM or SIGINT: stop accepting and cancel
 * the watch, give requests in flight --grace-ms, then cancel them (a second
 * signal cancels at once), close the client and exit 0 with the loop closed.
 * SIGHUP is logged and ignored (the log is stderr: nothing to reopen).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "server.h"

/* A 404 is kept no longer than this, so a model that appears is found
 * soon (at most SRV_CACHE_ENTRIES aliases are cached). */
#define NOT_FOUND_TTL_MS 10000

/* The library's lines, at their own level (give-ups at warn, retries at
 * info, each attempt at debug): the client is asked for those at
 * --log-level and above. /metrics reads the client's counters instead. */
static void on_client_log(void *data, anthropic_log_level_t level,
                          const char *line) {
  srv_log_upstream(data, level, line);
}

/* The descriptors the process may open, shared out (server.h): the
 * upstream's connections, and clients at once unless --max-connections. */
static void share_descriptors(srv_options_t *o) {
  struct rlimit rl;
  uint64_t n = 1024;
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0)
    n = rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur > 1000000
            ? 1000000
            : (uint64_t)rl.rlim_cur;
  uint64_t upstream =
      n / 4 < SRV_UPSTREAM_FDS_MAX ? n / 4 : SRV_UPSTREAM_FDS_MAX;
  uint64_t kept = upstream + SRV_LOOP_FDS + SRV_REFUSE_SLOTS;
  o->upstream_connections = upstream > 0 ? (unsigned)upstream : 1;
  if (o->max_connections == 0)
    o->max_connections = n > kept ? (size_t)(n - kept) : 1;
}

/* ---- listening ---- */

static int print_listening(srv_server_t *s) {
  struct sockaddr_storage ss;
  int len = (int)sizeof ss;
  char host[64];
  int rc = uv_tcp_getsockname(&s->listener, (struct sockaddr *)&ss, &len);
  if (rc != 0)
    return rc;
  if (ss.ss_family == AF_INET6) {
    const struct sockaddr_in6 *a = (const struct sockaddr_in6 *)&ss;
    (void)uv_ip6_name(a, host, sizeof host);
    printf("listening http://[%s]:%u\n", host, (unsigned)ntohs(a->sin6_port));
  } else {
    const struct sockaddr_in *a = (const struct sockaddr_in *)&ss;
    (void)uv_ip4_name(a, host, sizeof host);
    printf("listening http://%s:%u\n", host, (unsigned)ntohs(a->sin_port));
  }
  return fflush(stdout) == 0 ? 0 : UV_EIO;
}

/* Bind the first address --listen names that can be bound (a name may
 * have several, IPv6 and IPv4; :PORT and PORT are every interface). */
static int bind_listener(srv_server_t *s) {
  uv_getaddrinfo_t req;
  struct addrinfo hints = {.ai_family = AF_UNSPEC,
                           .ai_socktype = SOCK_STREAM,
                           .ai_flags = AI_PASSIVE | AI_NUMERICSERV};
  const char *host = s->o->listen_host[0] ? s->o->listen_host : NULL;
  int rc = uv_getaddrinfo(s->loop, &req, NULL, host, s->o->listen_port,
                          &hints); /* no callback: now, before serving */
  if (rc != 0)
    return rc;
  rc = UV_EADDRNOTAVAIL;
  for (const struct addrinfo *ai = req.addrinfo; ai != NULL && rc != 0;
       ai = ai->ai_next)
    rc = uv_tcp_bind(&s->listener, ai->ai_addr, 0);
  uv_freeaddrinfo(req.addrinfo);
  return rc;
}

static int start_listening(srv_server_t *s) {
  int rc = bind_listener(s);
  if (rc == 0) /* a thousand clients may knock at once */
    rc = uv_listen((uv_stream_t *)&s->listener, 1024, srv_on_connection);
  if (rc == 0)
    rc = print_listening(s);
  if (rc != 0) {
    srv_log_flush(); /* the lines before it come first */
    (void)fprintf(stderr, PROG ": --listen %s: %s\n", s->o->listen,
                  uv_strerror(rc));
  }
  return rc;
}

/* ---- stopping ---- */

static void maybe_finish(srv_server_t *s);

static void on_client_closed(anthropic_client_t *client) {
  srv_server_t *s = anthropic_client_get_data(client);
  s->client = NULL;
  maybe_finish(s);
}

/* Requests still in flight end with ECANCELLED and are answered 503. */
static void close_client(srv_server_t *s) {
  if (s->client == NULL || s->client_closing)
    return;
  s->client_closing = true;
  anthropic_client_close(s->client, on_client_closed);
}

/* Once stopping, the last connection gone and the client closed: close
 * what is left, so that the loop ends. */
static void maybe_finish(srv_server_t *s) {
  if (!s->stopping || s->nconns > 0)
    return;
  close_client(s);
  if (s->client != NULL || uv_is_closing((uv_handle_t *)&s->grace))
    return;
  uv_close((uv_handle_t *)&s->grace, NULL);
  uv_close((uv_handle_t *)&s->sigterm, NULL);
  uv_close((uv_handle_t *)&s->sigint, NULL);
  uv_close((uv_handle_t *)&s->sighup, NULL);
  srv_log_stop(s);
}

static void on_grace_over(uv_timer_t *t) {
  srv_server_t *s = t->data;
  srv_log_at(s, ANTHROPIC_LOG_INFO, "grace over: cancelling %zu connection(s)",
             s->nconns);
  close_client(s);
}

static void begin_stop(srv_server_t *s, int signum) {
  srv_log_at(s, ANTHROPIC_LOG_INFO, "signal %d: stopping", signum);
  s->stopping = true;
  srv_watch_stop(s);
  if (!uv_is_closing((uv_handle_t *)&s->listener))
    uv_close((uv_handle_t *)&s->listener, NULL);
  for (srv_conn_t *c = s->conns; c != NULL; c = c->next)
    srv_conn_close_idle(c); /* closes are deferred: the list stays */
  (void)uv_timer_start(&s->grace, on_grace_over, s->o->grace_ms, 0);
  maybe_finish(s);
}

/* The log goes to stderr, which the service manager holds: there is no
 * file to reopen, and a SIGHUP (a closed terminal, `systemctl reload`)
 * must not end the server, as it would by default. */
static void on_sighup(uv_signal_t *h, int signum) {
  (void)signum;
  srv_log_at(h->data, ANTHROPIC_LOG_INFO,
             "SIGHUP: ignored (the log is stderr: nothing to reopen)");
}

static void on_signal(uv_signal_t *h, int signum) {
  srv_server_t *s = h->data;
  if (s->stopping) /* a second signal: no more grace */
    close_client(s);
  else
    begin_stop(s, signum);
}

/* ---- main ---- */

/* --api-key-file: the key, without trailing blanks or newlines, in `key`;
 * 0, or -1 (said on stderr). */
static int read_key_file(const char *path, char *key, size_t len) {
  FILE *f = fopen(path, "r");
  size_t n = f != NULL ? fread(key, 1, len - 1, f) : 0;
  int err = errno;
  bool bad = f == NULL || ferror(f) || !feof(f);
  if (f != NULL)
    (void)fclose(f);
  key[n] = '\0';
  while (n > 0 && (key[n - 1] == '\n' || key[n - 1] == '\r' ||
                   key[n - 1] == ' ' || key[n - 1] == '\t'))
    key[--n] = '\0';
  if (bad || n == 0) {
    (void)fprintf(stderr, PROG ": --api-key-file %s: %s\n", path,
                  f == NULL ? strerror(err)
                  : n == 0  ? "empty"
                            : "unreadable, or longer than 4 KiB");
    return -1;
  }
  return 0;
}

static int init_client(srv_server_t *s) {
  anthropic_client_options_t co = ANTHROPIC_CLIENT_OPTIONS_INIT;
  char errbuf[512] = "", key[4096];
  if (s->o->api_key_file != NULL) {
    if (read_key_file(s->o->api_key_file, key, sizeof key) != 0)
      return UV_EINVAL;
    co.api_key = key; /* the client copies it */
  }
  co.base_url = s->o->base_url;
  co.timeout_ms = s->o->upstream_timeout_ms;
  co.max_host_connections = s->o->upstream_connections;
  co.log_cb = on_client_log;
  co.log_data = s;
  co.log_level = s->o->log_level;
  int rc =
      anthropic_client_init(s->loop, &s->client, &co, errbuf, sizeof errbuf);
  if (rc != 0) {
    srv_log_flush(); /* the library's lines before it come first */
    (void)fprintf(stderr, PROG ": %s\n",
                  errbuf[0] ? errbuf : anthropic_strerror(rc));
    return rc;
  }
  anthropic_client_set_data(s->client, s);
  /* Stale-if-error keeps the last model found past its TTL: with a TTL
   * of 0 the cache holds models for errors only. */
  anthropic_resolve_cache_options_t cache =
      ANTHROPIC_RESOLVE_CACHE_OPTIONS_INIT;
  const srv_options_t *o = s->o;
  cache.ttl_ms = o->cache_ttl_ms;
  cache.not_found_ttl_ms =
      o->cache_ttl_ms < NOT_FOUND_TTL_MS ? o->cache_ttl_ms : NOT_FOUND_TTL_MS;
  cache.stale_if_error_ms = o->stale_if_error_s * 1000;
  cache.max_entries =
      o->cache_ttl_ms > 0 || o->stale_if_error_s > 0 ? SRV_CACHE_ENTRIES : 0;
  return anthropic_resolve_cache_set(s->client, &cache);
}

/* What a connection calls above it (server.h): the routes, and the
 * server's end once the last one is freed. */
static const srv_conn_hooks_t conn_hooks = {
    .dispatch = srv_dispatch, .cancel = srv_cancel_op, .freed = maybe_finish};

/* The server's own handles, first: stopping closes every one of them. */
static void init_handles(srv_server_t *s) {
  (void)uv_tcp_init(s->loop, &s->listener);
  (void)uv_timer_init(s->loop, &s->grace);
  (void)uv_signal_init(s->loop, &s->sigterm);
  (void)uv_signal_init(s->loop, &s->sigint);
  (void)uv_signal_init(s->loop, &s->sighup);
  s->listener.data = s->grace.data = s->sigterm.data = s->sigint.data = s;
  s->sighup.data = s;
  (void)uv_signal_start(&s->sighup, on_sighup, SIGHUP);
  (void)uv_signal_start(&s->sigterm, on_signal, SIGTERM);
  (void)uv_signal_start(&s->sigint, on_signal, SIGINT);
  srv_log_start(s);
}

static int serve(uv_loop_t *loop, const srv_options_t *o) {
  srv_server_t *s = calloc(1, sizeof *s);
  int rc = 1;
  if (s == NULL)
    return 1;
  s->loop = loop;
  s->o = o;
  s->hooks = &conn_hooks;
  if (uv_random(NULL, NULL, &s->boot_id, sizeof s->boot_id, 0, NULL) != 0)
    s->boot_id = (uint32_t)uv_hrtime();
  init_handles(s);
  if (init_client(s) == 0 && srv_watch_start(s) == 0 && start_listening(s) == 0)
    rc = 0;
  else /* stop as a signal would: nothing is in flight */
    begin_stop(s, 0);
  uv_run(loop, UV_RUN_DEFAULT);
  srv_log_free(); /* what the last turns logged */
  srv_models_free(s);
  srv_memo_free(s);
  srv_lifecycles_free(s);
  free(s);
  return rc;
}

/* A descriptor 0, 1 or 2 closed at start would be taken by the loop's
 * own (libuv asserts on closing one of them) or by a socket that a stray
 * write to stdout would corrupt: each closed one is /dev/null instead. */
static int reserve_std_fds(void) {
  for (int fd = 0; fd <= STDERR_FILENO; fd++) {
    if (fcntl(fd, F_GETFD) != -1 || errno != EBADF)
      continue;
    int nfd = open("/dev/null", O_RDWR); /* the lowest free: `fd` */
    if (nfd < 0)
      return -1;
    if (nfd != fd) {
      int rc = dup2(nfd, fd);
      (void)close(nfd);
      if (rc < 0)
        return -1;
    }
  }
  return 0;
}

int main(int argc, char **argv) {
  srv_options_t o = {.grace_ms = 2000,
                     .idle_ms = 60000,
                     .cache_ttl_ms = 60000,
                     .upstream_timeout_ms = 30000,
                     .stale_if_error_s = 86400,
                     .ready_window_s = 30,
                     .page_size = 1000,
                     .max_models_bytes = SRV_MODELS_BYTES_MAX,
                     .log_level = ANTHROPIC_LOG_INFO,
                     .log_json = true,
                     .within_days = ANTHROPIC_LIFECYCLE_WITHIN_DAYS,
                     .watch_interval_ms = 600000};
  uv_loop_t loop;
  if (reserve_std_fds() != 0)
    return 1;
  int rc = srv_args_parse(argc, argv, &o);
  if (rc >= 0)
    return rc;
  share_descriptors(&o);
  /* A write to a client that has gone must fail with EPIPE, not kill. */
  (void)signal(SIGPIPE, SIG_IGN);
  if ((rc = uv_loop_init(&loop)) != 0) {
    (void)fprintf(stderr, PROG ": uv_loop_init: %s\n", uv_strerror(rc));
    return 1;
  }
  rc = serve(&loop, &o);
  if (uv_loop_close(&loop) != 0) {
    (void)fprintf(stderr, PROG ": the loop did not close cleanly\n");
    return 1;
  }
  return rc;
}
