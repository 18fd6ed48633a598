/* engine.c - the glue between libuv and curl's multi interface, in the
 * socket-action style: curl says which sockets and what timeout it wants,
 * libuv watches them, and we hand the events back to curl.
 *
 * Rules kept here (each is a known trap of this pairing):
 *  - curl is never called from inside one of its own callbacks, except
 *    curl_multi_assign() from the socket callback, which curl documents as
 *    allowed. A zero timeout runs from the idle handle, on the next loop
 *    turn: a zero uv timer started from a timer callback runs again in the
 *    same timers phase (libuv 1.44), and curl asks for one after each
 *    transfer it starts, so a busy client would never let the loop reach
 *    its poll or idle phase (other handles' I/O, deferred callbacks).
 *  - A poll error (EBADF or the like on a reset peer) is given to curl as
 *    the events it asked for, not as CURL_CSELECT_ERR: curl then meets the
 *    error in its own read or write, and can resend a request that a reused
 *    connection lost (a keep-alive timeout racing the request), where
 *    CURL_CSELECT_ERR would fail the transfer. libuv stops a poll handle
 *    after an error, so it is started again if curl still wants the socket.
 *  - curl 7.88 says CURL_POLL_REMOVE after every transfer on a kept-alive
 *    connection and asks for the socket again when the next transfer
 *    reuses it (whichever idle connection curl picks). So at
 *    CURL_POLL_REMOVE the watcher is only marked idle (and unref'd: it must
 *    not keep the loop alive) and left watching: a kept-alive connection is
 *    silent, and if the peer closes it or sends anything, the watcher is
 *    stopped at that first event and curl finds out when it next tries the
 *    connection. It is closed only when curl closes the socket, through
 *    CURLOPT_CLOSESOCKETFUNCTION, before the descriptor is closed (and
 *    may be reused), or at CURL_POLL_REMOVE if curl closed it already
 *    (see socket_cb). One watcher a connection, not one a request.
 *  - Finished transfers are drained after every socket action and timer.
 *  - Every call on the multi handle is checked: one that fails ends every
 *    transfer in flight (see check_multi).
 */
#include "client.h"

#include <stddef.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define container_of(ptr, type, member)                                        \
  ((type *)((char *)(ptr)-offsetof(type, member)))

void anth__handle_closed(anthropic_client_t *c) {
  if (--c->open_handles == 0 && c->torn_down) {
    anth__free(c->sock_by_fd);
    c->sock_by_fd = NULL;
    c->hooks->closed(c);
  }
}

/* ---- timers and clocks, for the layers above ---- */

static void on_timer_fired(uv_timer_t *h) {
  anth_timer_t *t = (anth_timer_t *)h;
  t->cb(t);
}

static void on_timer_handle_closed(uv_handle_t *h) {
  anth_timer_t *t = (anth_timer_t *)h;
  anthropic_client_t *c = t->client;
  t->closed(t);
  anth__handle_closed(c);
}

void anth__timer_init(anthropic_client_t *c, anth_timer_t *t) {
  uv_timer_init(c->loop, &t->uv); /* cannot fail on Unix */
  t->client = c;
  c->open_handles++;
}

void anth__timer_start(anth_timer_t *t, uint64_t ms, anth_timer_cb cb) {
  const anthropic_client_t *c = t->client;
  t->cb = cb;
  if (c->timer_hook != NULL)
    ms = c->timer_hook(c->timer_hook_data, t, ms);
  uv_timer_start(&t->uv, on_timer_fired, ms, 0);
}

void anth__timer_stop(anth_timer_t *t) {
  uv_timer_stop(&t->uv);
}

void anth__timer_close(anth_timer_t *t, anth_timer_cb closed) {
  t->closed = closed;
  uv_close((uv_handle_t *)&t->uv, on_timer_handle_closed);
}

uint64_t anth__clock_ns(void) {
  return uv_hrtime();
}

uint64_t anth__loop_now_ms(const anthropic_client_t *c) {
  return uv_now(c->loop);
}

int64_t anth__unix_now_ms(void) {
  uv_timeval64_t tv;
  if (uv_gettimeofday(&tv) != 0)
    return 0;
  return tv.tv_sec * 1000 + tv.tv_usec / 1000;
}

/* ---- sockets ---- */

static void on_sock_closed(uv_handle_t *h) {
  anth_sock_t *s = container_of(h, anth_sock_t, poll);
  anthropic_client_t *c = s->client;
  anth__free(s);
  anth__handle_closed(c);
}

static void on_timer_closed(uv_handle_t *h) {
  anth__handle_closed(container_of(h, anthropic_client_t, timer));
}

static void on_idle_closed(uv_handle_t *h) {
  anth__handle_closed(container_of(h, anthropic_client_t, idle));
}

static anth_sock_t *sock_find(const anthropic_client_t *c, curl_socket_t fd) {
  return fd >= 0 && (size_t)fd < c->sock_by_fd_len ? c->sock_by_fd[fd] : NULL;
}

/* Index `s` by its descriptor; the table grows to the largest one seen. */
static int sock_index(anthropic_client_t *c, anth_sock_t *s) {
  size_t fd = (size_t)s->fd;
  if (fd >= c->sock_by_fd_len) {
    size_t n = c->sock_by_fd_len ? c->sock_by_fd_len : 64;
    while (n <= fd)
      n *= 2;
    anth_sock_t **t = anth__realloc(c->sock_by_fd, n * sizeof(anth_sock_t *));
    if (t == NULL)
      return ANTHROPIC_ENOMEM;
    memset(t + c->sock_by_fd_len, 0,
           (n - c->sock_by_fd_len) * sizeof(anth_sock_t *));
    c->sock_by_fd = t;
    c->sock_by_fd_len = n;
  }
  c->sock_by_fd[fd] = s;
  return 0;
}

/* Whether the socket `s` watches is closed: its number names nothing, or
 * another descriptor (opened since, by another thread). */
static bool sock_gone(const anth_sock_t *s) {
  struct stat st;
  s->client->sock_checks++;
  return fstat(s->fd, &st) != 0 || (uint64_t)st.st_dev != s->dev ||
         (uint64_t)st.st_ino != s->ino;
}

/* Watch the events curl asked for (s->events), unless the watcher already
 * watches just those: libuv 1.44 makes every uv_poll_start() an epoll DEL
 * and ADD, even when the events did not change, and curl asks for the
 * same ones again and again (a kept-alive connection's next transfer
 * after CURL_POLL_REMOVE, an HTTP/2 socket's every stream). An idle
 * watcher that was not stopped still watches what it was started with. */
static void on_poll(uv_poll_t *h, int status, int events);

static int sock_watch(anth_sock_t *s) {
  if (s->watching == s->events && uv_is_active((uv_handle_t *)&s->poll))
    return 0;
  s->client->poll_starts++;
  int rc = uv_poll_start(&s->poll, s->events, on_poll);
  s->watching = rc == 0 ? s->events : 0;
  return rc;
}

/* The watcher is no longer idle: curl took it back, or it stopped. */
static void sock_wake(anth_sock_t *s) {
  if (!s->idle)
    return;
  s->idle = false;
  uv_ref((uv_handle_t *)&s->poll);
}

static void sock_close(anthropic_client_t *c, anth_sock_t *s) {
  if (s->closing)
    return;
  sock_wake(s);
  s->closing = 1;
  s->events = 0;
  if (sock_find(c, s->fd) == s)
    c->sock_by_fd[s->fd] = NULL;
  if (s->prev)
    s->prev->next = s->next;
  else
    c->socks = s->next;
  if (s->next)
    s->next->prev = s->prev;
  uv_poll_stop(&s->poll);
  uv_close((uv_handle_t *)&s->poll, on_sock_closed);
}

/* curl refused a call on its multi handle. libcurl 7.88 reports an
 * allocation that fails inside curl_multi_socket_action() (its table of
 * sockets, say, just after a connect()) as the call's CURLMcode and not as
 * a transfer's result: the transfer it was moving then waits for a socket
 * nobody watches, until its timeout. Which transfers were involved is not
 * known, so every one in flight is ended, from the loop, before the
 * finished ones are drained (those are then reported as they finished). */
static void check_multi(anthropic_client_t *c, CURLMcode code) {
  if (code != CURLM_OK && !c->torn_down)
    c->hooks->multi_failed(c, code);
}

static void drain(anthropic_client_t *c) {
  CURLMsg *m;
  int left;
  while ((m = curl_multi_info_read(c->multi, &left)) != NULL) {
    if (m->msg != CURLMSG_DONE)
      continue;
    /* Copy out: the message is gone once curl is called again. */
    CURL *easy = m->easy_handle;
    CURLcode code = m->data.result;
    anthropic_req_t *r = NULL;
    curl_easy_getinfo(easy, CURLINFO_PRIVATE, (char **)&r);
    if (r != NULL)
      c->hooks->done(r, code);
  }
}

static void on_poll(uv_poll_t *h, int status, int events) {
  anth_sock_t *s = container_of(h, anth_sock_t, poll);
  anthropic_client_t *c = s->client;
  int flags = 0;
  int running;
  if (s->idle) {
    /* No transfer owns the socket: the peer closed or sent what nobody
     * asked for. curl finds out when it next tries the connection. */
    uv_poll_stop(&s->poll);
    sock_wake(s);
    return;
  }
  if (status < 0)
    events = s->events; /* curl reads or writes, and meets the error */
  if (events & (UV_READABLE | UV_DISCONNECT))
    flags |= CURL_CSELECT_IN;
  if (events & UV_WRITABLE)
    flags |= CURL_CSELECT_OUT;
  CURLMcode mc = curl_multi_socket_action(c->multi, s->fd, flags, &running);
  check_multi(c, mc);
  /* `s` stays valid until its close callback, which runs later. */
  if (status < 0 && !s->closing && s->events != 0)
    (void)sock_watch(s); /* libuv stopped it: started again unless curl did */
  drain(c);
}

static void on_timer(uv_timer_t *t) {
  anthropic_client_t *c = container_of(t, anthropic_client_t, timer);
  int running;
  check_multi(
      c, curl_multi_socket_action(c->multi, CURL_SOCKET_TIMEOUT, 0, &running));
  drain(c);
}

/* A socket curl needs cannot be watched (out of memory). Returning -1
 * would mark the whole multi handle dead (every transfer of the client
 * would stall), so the transfer that asked is ended instead, from the
 * loop; curl then drops its connection. */
static int watch_failed(const anthropic_client_t *c, CURL *easy) {
  anthropic_req_t *r = NULL;
  if (easy != NULL)
    curl_easy_getinfo(easy, CURLINFO_PRIVATE, (char **)&r);
  if (r != NULL)
    c->hooks->watch_failed(r);
  return 0;
}

/* curl closes a socket (every one it opened, whichever easy handle or
 * the multi handle closes the connection): its watcher goes first, so
 * that libuv never watches a descriptor number that is reused. */
int anth__engine_closesocket(void *clientp, curl_socket_t fd) {
  anthropic_client_t *c = clientp;
  anth_sock_t *s = sock_find(c, fd);
  if (s != NULL)
    sock_close(c, s);
  return close(fd);
}

static int socket_cb(CURL *easy, curl_socket_t fd, int what, void *userp,
                     void *socketp) {
  anthropic_client_t *c = userp;
  anth_sock_t *s = socketp;
  if (c->torn_down)
    return 0;
  if (what == CURL_POLL_REMOVE) {
    /* libcurl 7.88 to 8.1 close a socket that never connected (a transfer
     * cancelled or failed while connecting) without
     * CURLOPT_CLOSESOCKETFUNCTION, and only then say CURL_POLL_REMOVE.
     * Its watcher goes now: libuv would give it the events of the next
     * descriptor with its number, and refuse the caller a handle on it.
     * A socket that connected (curl asked to read it: it asks only to
     * write while connecting) is closed through the callback, so only one
     * that never did is checked: not an fstat per transfer. */
    if (s != NULL && !s->closing && !s->connected && sock_gone(s)) {
      sock_close(c, s);
      return 0;
    }
    /* curl forgets socketp itself; the watcher waits for the next
     * transfer on this socket, or for the socket's close. */
    if (s != NULL && !s->closing && !s->idle) {
      s->idle = true;
      s->events = 0;
      uv_unref((uv_handle_t *)&s->poll);
    }
    return 0;
  }
  if (s == NULL && (s = sock_find(c, fd)) != NULL) {
    sock_wake(s); /* a kept-alive connection's next transfer */
    if (curl_multi_assign(c->multi, fd, s) != CURLM_OK)
      return watch_failed(c, easy);
  } else if (s == NULL) {
    s = anth__calloc(1, sizeof *s);
    if (s == NULL)
      return watch_failed(c, easy);
    s->client = c;
    s->fd = fd;
    struct stat st;
    if (fstat(fd, &st) == 0) {
      s->dev = (uint64_t)st.st_dev;
      s->ino = (uint64_t)st.st_ino;
    }
    if (sock_index(c, s) != 0) {
      anth__free(s);
      return watch_failed(c, easy);
    }
    if (uv_poll_init_socket(c->loop, &s->poll, fd) != 0) {
      c->sock_by_fd[fd] = NULL;
      anth__free(s);
      return watch_failed(c, easy);
    }
    s->next = c->socks;
    if (c->socks)
      c->socks->prev = s;
    c->socks = s;
    c->open_handles++;
    /* Only fails for a socket curl does not know, which it just named:
     * the transfer ends, and curl's close of the socket closes `s`. */
    if (curl_multi_assign(c->multi, fd, s) != CURLM_OK)
      return watch_failed(c, easy);
  }
  sock_wake(s);
  if (what & CURL_POLL_IN)
    s->connected = true;
  s->events = ((what & CURL_POLL_IN) ? UV_READABLE : 0) |
              ((what & CURL_POLL_OUT) ? UV_WRITABLE : 0);
  if (sock_watch(s) != 0)
    return watch_failed(c, easy);
  return 0;
}

static int timer_cb(CURLM *multi, long timeout_ms, void *userp) {
  (void)multi;
  anthropic_client_t *c = userp;
  if (c->torn_down)
    return 0;
  c->timeout_now = timeout_ms == 0;
  if (timeout_ms <= 0) {
    uv_timer_stop(&c->timer);
    if (timeout_ms == 0) /* never act from inside curl's callback */
      anth__engine_defer(c);
  } else {
    uv_timer_start(&c->timer, on_timer, (uint64_t)timeout_ms, 0);
  }
  return 0;
}

static void on_idle(uv_idle_t *h) {
  anthropic_client_t *c = container_of(h, anthropic_client_t, idle);
  if (c->timeout_now && !c->torn_down) {
    int running;
    c->timeout_now = false;
    check_multi(c, curl_multi_socket_action(c->multi, CURL_SOCKET_TIMEOUT, 0,
                                            &running));
    drain(c);
  }
  if (c->hooks->idle(c) || c->timeout_now)
    return; /* curl or a callback wants more: next turn */
  uv_idle_stop(&c->idle);
  if (!c->torn_down)
    c->hooks->quiet(c);
}

void anth__engine_defer(anthropic_client_t *c) {
  uv_idle_start(&c->idle, on_idle);
}

int anth__engine_init(anthropic_client_t *c, const anth_engine_hooks_t *hooks,
                      unsigned max_host_connections,
                      unsigned max_streams_per_connection) {
  c->hooks = hooks;
  c->multi = curl_multi_init();
  if (c->multi == NULL)
    return ANTHROPIC_ENOMEM;
  long conns = (long)max_host_connections;
  /* curl opens another connection once one carries this many streams, or
   * the server's SETTINGS_MAX_CONCURRENT_STREAMS if that is lower. */
  long streams = (long)max_streams_per_connection;
  if (curl_multi_setopt(c->multi, CURLMOPT_SOCKETFUNCTION, socket_cb) ||
      curl_multi_setopt(c->multi, CURLMOPT_SOCKETDATA, c) ||
      curl_multi_setopt(c->multi, CURLMOPT_TIMERFUNCTION, timer_cb) ||
      curl_multi_setopt(c->multi, CURLMOPT_TIMERDATA, c) ||
      curl_multi_setopt(c->multi, CURLMOPT_MAX_HOST_CONNECTIONS, conns) ||
      curl_multi_setopt(c->multi, CURLMOPT_MAXCONNECTS, conns) ||
      curl_multi_setopt(c->multi, CURLMOPT_MAX_CONCURRENT_STREAMS, streams) ||
      curl_multi_setopt(c->multi, CURLMOPT_PIPELINING,
                        (long)CURLPIPE_MULTIPLEX)) {
    curl_multi_cleanup(c->multi);
    c->multi = NULL;
    return ANTHROPIC_ENOMEM;
  }
  /* Cannot fail on Unix: they only fill in the structs. */
  uv_timer_init(c->loop, &c->timer);
  uv_idle_init(c->loop, &c->idle);
  c->open_handles = 2;
  return 0;
}

/* Everything has finished and every callback has run: release curl, then
 * close our handles; the last close callback frees the client. */
void anth__engine_teardown(anthropic_client_t *c) {
  c->torn_down = true; /* from here curl's callbacks are ignored */
  uv_timer_stop(&c->timer);
  while (c->socks != NULL)
    sock_close(c, c->socks); /* before curl closes the descriptors */
  curl_multi_cleanup(c->multi);
  c->multi = NULL;
  c->hooks->teardown(c);
  uv_close((uv_handle_t *)&c->timer, on_timer_closed);
  uv_close((uv_handle_t *)&c->idle, on_idle_closed);
}
