/* client.h - the client and request structs, shared by client.c,
 * request.c and engine.c. Not installed. */
#ifndef ANTHROPIC_CLIENT_H
#define ANTHROPIC_CLIENT_H

#include "internal.h"

#include <curl/curl.h>
#include <uv.h>

/* One watched socket: one uv_poll_t per socket, not per request. */
typedef struct anth_sock {
  uv_poll_t poll;
  anthropic_client_t *client;
  curl_socket_t fd;
  int events;   /* UV_READABLE | UV_WRITABLE that curl asked for */
  int watching; /* the events the poll was last started with */
  int closing;  /* uv_close() called; memory lives until its callback */
  /* curl said CURL_POLL_REMOVE (a kept-alive connection between
   * transfers): the watcher is kept for the socket's next transfer, and
   * stopped at the first event that comes while it is idle. */
  bool idle;
  /* curl asked to read it, so it connected: curl closes such a socket
   * through CURLOPT_CLOSESOCKETFUNCTION, and its identity need not be
   * checked at CURL_POLL_REMOVE. */
  bool connected;
  /* The socket's identity (fstat), to tell when curl has closed one that
   * never connected without CURLOPT_CLOSESOCKETFUNCTION: then its number
   * may name another. */
  uint64_t dev, ino;
  struct anth_sock *prev, *next;
} anth_sock_t;

typedef enum req_state {
  REQ_IDLE,     /* in the pool */
  REQ_ACTIVE,   /* in the curl multi handle */
  REQ_WAITING,  /* between attempts: its retry timer runs */
  REQ_ENDING,   /* an attempt ended; its log line runs before what's next */
  REQ_EACH,     /* still in flight, a callback of its endpoint runs (a
                   walk's `each`): a cancel now takes effect on return */
  REQ_DEFERRED, /* finished, its callback waits for the loop */
  REQ_CALLBACK  /* its final callback is running */
} req_state_t;

/* The caller's callback, whatever its type: its endpoint casts it back
 * to the type it was given as (the request machine never calls it). */
typedef void (*anth_cb_fn)(void);

typedef struct anthropic_req anthropic_req_t;
typedef struct anthropic_client anthropic_client_t;

/* A one-shot timer on the client's loop (engine.c runs it). */
typedef struct anth_timer anth_timer_t;
typedef void (*anth_timer_cb)(anth_timer_t *t);
struct anth_timer {
  uv_timer_t uv; /* first: a timer is its own uv handle */
  anthropic_client_t *client;
  anth_timer_cb cb, closed;
};

/* What the request machine (request.c) knows of an API call: it reaches
 * the call only through this table, so a new endpoint is a new file with
 * its own table (models.c has the Models API's four; test/test_endpoint.c
 * adds one from outside src/). */
typedef struct anth_endpoint {
  /* A 2xx answer arrived whole (in r->body): parse it and hand it over.
   * Before calling the caller's final callback, call anth__req_detach().
   * Returns 0 when the request is over (its result handed over),
   * ANTH_EP_TAKEN when the endpoint took the request on (it went out again
   * for a walk's next page, or was failed with anth__req_fail), or an
   * error kind (< 0) with `msg` set, which fails the request. */
  int (*body)(anthropic_client_t *c, anthropic_req_t *r, long status,
              const char *rid, char *msg, size_t msglen);
  /* A 2xx body that came without a Content-Length, so nothing but its
   * endpoint can tell whether it arrived whole (libcurl 7.88 takes an
   * HTTP/2 stream reset with NO_ERROR before END_STREAM for a clean end):
   * false, with `msg` set, when it was cut short; the attempt then fails
   * as a connection error (and is retried). NULL: any body is whole.
   * anth__json_body_whole is the check for JSON answers. */
  bool (*whole)(const char *body, size_t len, char *msg, size_t msglen);
  /* Hand `err` to the caller's callback `cb`; `state`: the endpoint's own
   * (NULL when it keeps none). */
  void (*fail)(anth_cb_fn cb, void *state, void *data,
               const anthropic_error_t *err);
  /* Free the endpoint's state (NULL: it never keeps any). The request
   * machine calls it once the request is over, or when its job is freed
   * unstarted. */
  void (*free_state)(void *state);
  /* The request keeps state of its own (a walk's): j->own always set, for
   * the caller to put its state in (j->own->state). */
  bool own_state;
  /* A 304 Not Modified (the answer to a conditional request) is handed to
   * `body` with status 304 (and an empty body), as a 2xx is; otherwise it
   * fails the request as any other status. */
  bool not_modified;
} anth_endpoint_t;

#define ANTH_EP_TAKEN 1

#define ANTH_NO_SLOT UINT32_MAX
/* next_free of a live entry that names an anth_ext_t (its `ext`). */
#define ANTH_SLOT_EXT (UINT32_MAX - 1)

/* A request handed to curl: the heavy part (easy handle, timer, buffers),
 * pooled. Not a public type any more: callers hold ids. */

struct anthropic_req {
  anth_timer_t timer; /* first: the watchdog, or the wait before a retry */
  /* Pointers and 8-byte fields first, then the 4-byte ones, then the
   * flags: no padding between them (664 bytes on x86-64). */
  anthropic_client_t *client;
  CURL *easy; /* kept with the request when it goes back to the pool */
  const anth_endpoint_t *ep;
  void *ep_state; /* the endpoint's own (ep->free_state), or NULL */
  anth_cb_fn cb;  /* the caller's, as its endpoint knows it */
  void *data;
  anth_buf_t body;
  struct curl_slist *retry_header; /* this attempt's retry count, or NULL */
  struct curl_slist *own_headers;  /* per-request list, or NULL */
  /* The method ("POST", "DELETE", ...), or NULL: a GET. `send`: its body,
   * sent again by each attempt (send.data NULL: no body). */
  const char *method;
  anth_buf_t send;
  unsigned long alloc_failures; /* anth__alloc_failures as the attempt began */
  /* The rate-limit counts as request.c's on_header read them (r->hdr
   * says whether it did). */
  int64_t rl_limit, rl_remaining;
  long timeout_ms; /* per attempt, resolved at start */
  uint64_t started_ns;
  const char *deferred_msg;
  struct anthropic_req *prev, *next; /* active list, or pool list */
  struct anthropic_req *qnext;       /* deferred queue */
  req_state_t state;
  int attempts;    /* attempts with an outcome so far */
  int sends;       /* times curl sent this attempt (more: it resent) */
  int max_retries; /* resolved at start */
  anthropic_errkind_t deferred_kind;
  uint32_t slot; /* its id's slot, or ANTH_NO_SLOT */
  /* The result the engine ends the transfer with (its socket could not be
   * watched, or the multi handle failed), from a zero timer. */
  CURLcode engine_code;
  bool too_large; /* the write callback refused the body */
  bool nomem;     /* the write callback could not grow the buffer */
  /* The attempt got a response: its headers are read from libcurl
   * (curl_easy_header) until the handle's next transfer. */
  bool has_response;
  /* The easy handle's options say another method than GET, or a body (a
   * pooled handle keeps them): they are set back before the next
   * request. */
  bool easy_custom;
  /* anthropic_req_cancel() (or the client's close) from a callback of
   * this request that runs before its outcome is decided: the log line of
   * an attempt, or an endpoint's callback while it is in flight (a walk's
   * `each`). It ends as cancelled instead of going on. */
  bool cancel_asked;
  uint8_t hdr; /* request.c's HDR_*: what the response's headers had */
  char curl_err[CURL_ERROR_SIZE];
};

/* What a request has of its own beyond its URL and callback: its
 * endpoint's state, its own header list, and retries or timeouts other
 * than the client's. Most requests have none of these and hold no such
 * block. */
typedef struct anth_job_own {
  void *state;                    /* the endpoint's (ep->free_state), or NULL */
  struct curl_slist *own_headers; /* per-request list, or NULL */
  const char *method;             /* as in anthropic_req_t */
  anth_buf_t send;
  int max_retries;
  long timeout_ms, connect_timeout_ms;
} anth_job_own_t;

/* A request waiting for its turn in the client's queue: only what it needs
 * to start later, no easy handle and no uv handle (64 bytes and its path
 * on x86-64: a million of them queued at once are what most of that
 * costs). When it starts, a pooled anthropic_req_t takes its settings
 * over and the job is freed. */
typedef struct anth_job {
  struct anth_job *prev, *next; /* the queue, or the deferred list */
  anth_cb_fn cb;
  void *data;
  anth_job_own_t *own; /* NULL: the client's settings, no state */
  const char *deferred_msg;
  const anth_endpoint_t *ep;
  uint32_t slot;
  anthropic_errkind_t deferred_kind;
  bool due; /* ended before it started: its callback waits for the loop */
  /* While queued: the URL past the client's base URL ("/v1/models/..."),
   * so the base is not kept once a request. Empty otherwise. */
  char path[];
} anth_job_t;

/* An id that names no request of the machine but something a layer above
 * runs on its own (a watch: many requests over time, one id): the machine
 * only hands the cancel of its id over. `cancel` returns what
 * anthropic_request_cancel() does (0, or EINVAL when it is ending already);
 * it must not call back the caller from inside. */
typedef struct anth_ext anth_ext_t;
struct anth_ext {
  int (*cancel)(anthropic_client_t *c, anth_ext_t *x);
};

/* One entry of the id table: an id is (gen << 32) | index, and names a
 * live request only while the entry's gen matches. 24 bytes: every
 * request waiting in the queue holds one. */
typedef struct anth_slot {
  uint32_t gen; /* never 0; bumped each time the entry is freed */
  /* Free: the free list, ANTH_NO_SLOT at its end. Live: ANTH_SLOT_EXT
   * when the entry names an ext, else ANTH_NO_SLOT. */
  uint32_t next_free;
  anthropic_req_t *req; /* handed to curl */
  union {
    anth_job_t *job; /* queued, or ended before it started */
    anth_ext_t *ext; /* a layer above's (anth__ext_open): see next_free */
  };
} anth_slot_t;

/* What the engine reports, and its only way up: it knows no layer above
 * it. client.c wires these to the request machine and the resolver. */
typedef struct anth_engine_hooks {
  /* curl finished the transfer of `r` (never called from inside curl). */
  void (*done)(anthropic_req_t *r, CURLcode code);
  /* A socket of `r`'s transfer cannot be watched: end it, from the loop
   * (this one is called from inside curl's socket callback). */
  void (*watch_failed)(anthropic_req_t *r);
  /* A call on curl's multi handle failed with `code`: end every transfer
   * in flight, from the loop (not from inside this call). */
  void (*multi_failed)(anthropic_client_t *c, CURLMcode code);
  /* Once per loop turn while anything is due: run the callbacks due.
   * True when more are due on the next turn. */
  bool (*idle)(anthropic_client_t *c);
  /* Nothing was due this turn (the client may be done closing). */
  void (*quiet)(anthropic_client_t *c);
  /* curl's multi handle is gone: release what the layers above keep. */
  void (*teardown)(anthropic_client_t *c);
  /* The last handle has closed: free the client. */
  void (*closed)(anthropic_client_t *c);
} anth_engine_hooks_t;

struct anthropic_client {
  uv_loop_t *loop;
  const anth_engine_hooks_t *hooks;
  CURLM *multi;
  CURLSH *share;    /* TLS sessions, shared by every easy handle (or NULL) */
  uv_timer_t timer; /* curl's timeout */
  bool timeout_now; /* curl asked for a zero timeout: the idle runs it */
  uv_idle_t idle;   /* runs deferred callbacks and the close */
  void *data;

  char *base_url; /* normalised: no trailing slash */
  char *ca_bundle;
  char *proxy;    /* CURLOPT_PROXY ("" : none): the option's, or the
                     environment's as the client was made */
  char *no_proxy; /* CURLOPT_NOPROXY: the environment's when the proxy is
                     too, else NULL ("") */
  struct curl_slist *headers;      /* first node: x-stainless-retry-count */
  struct curl_slist *headers_base; /* the rest, built once */
  anth_line_t *header_lines;       /* the same lines (a request's own list
                                      starts from them) */
  size_t max_body;
  long http_version; /* CURL_HTTP_VERSION_* */
  /* Whether a new connection says at once if it multiplexes (HTTP/2 over
   * TLS by ALPN, or prior knowledge): only then do requests wait for it. */
  bool multiplex_known_early;
  bool insecure; /* ANTHROPIC_CLIENT_INSECURE_SKIP_TLS_VERIFY */
  int max_retries;
  long timeout_ms, connect_timeout_ms;
  uint64_t retry_after_cap_ms;
  uint64_t rng;            /* xorshift state for backoff jitter */
  anthropic_log_cb log_cb; /* NULL: stderr */
  void *log_data;
  anthropic_log_level_t log_level; /* lines at or above it go out */

  anthropic_req_t *active; /* doubly linked */
  size_t active_count;     /* capped at max_in_flight */
  size_t active_peak;      /* the most active_count reached (tests) */
  /* Tests: uv_poll_start calls, and fstat checks of a socket's identity
   * (engine.c). */
  unsigned long poll_starts, sock_checks;
  unsigned long header_lookups; /* Tests: curl_easy_header calls */
  size_t max_in_flight;
  anth_job_t *queue_head, *queue_tail; /* FIFO of waiting requests */
  size_t queue_count;
  anth_job_t *jobs_due_head, *jobs_due_tail; /* ended before starting */
  anth_slot_t *slots;
  uint32_t slot_count, slot_cap, slot_free;
  anthropic_req_t *pool; /* idle requests, easy handles kept */
  size_t pool_count;
  anthropic_req_t *deferred_head, *deferred_tail;
  anth_sock_t *socks;
  anth_sock_t **sock_by_fd; /* curl forgets socketp at CURL_POLL_REMOVE */
  size_t sock_by_fd_len;
  anth_buf_t scratch;   /* URL of the request being started */
  anth_buf_t queue_url; /* URL of a queued request as it starts */

  /* Counted by request.c as it decides; the gauges (in_flight, queued)
   * are read from active_count and queue_count. */
  anthropic_client_stats_t stats;

  anthropic_error_t last_error;
  anthropic_response_t last_response;
  char last_msg[ANTH_ERRMSG_MAX];

  struct anth_resolver *resolver; /* resolver.c; NULL until first used */
  struct anth_watch *watches;     /* watch.c: the watches running */

  bool closing;   /* anthropic_client_close() was called */
  bool torn_down; /* curl is gone; waiting for handles to close */
  int open_handles;
  anthropic_close_cb close_cb;

  /* Tests only: the library never sets it. Every delay the layers above
   * start a timer with (a retry's wait, the watchdog) passes through it;
   * the timer runs the delay it returns. A test records the delay the
   * library decided, asserts it, and need not wait it out. NULL: as
   * decided. `data` is the test's. */
  uint64_t (*timer_hook)(void *data, anth_timer_t *t, uint64_t ms);
  void *timer_hook_data;
};

/* The layers, from the bottom: engine.c (the only file that calls libuv;
 * curl's multi handle and our watchers), request.c (the request machine:
 * ids, queue, attempts, retries, outcomes), the endpoints (models.c: the
 * Models API's tables and calls; a new API call is a file of its own, see
 * docs/internals.md), resolver.c (batches over models.c), client.c (init
 * and close, wiring the engine's hooks). A file calls only files below it.
 * scripts/layers.py finds them by convention (a file that includes this
 * header is transport; one that defines an anth_endpoint_t, an endpoint)
 * and checks the calls: no cycle, and no endpoint known below it. */

/* engine.c */
int anth__engine_init(anthropic_client_t *c, const anth_engine_hooks_t *hooks,
                      unsigned max_host_connections,
                      unsigned max_streams_per_connection);
void anth__engine_defer(anthropic_client_t *c);
void anth__engine_teardown(anthropic_client_t *c);
/* CURLOPT_CLOSESOCKETFUNCTION of every easy handle (data: the client):
 * closes the socket's watcher, then the socket. */
int anth__engine_closesocket(void *clientp, curl_socket_t fd);
/* A handle of the client finished closing; the last one frees it. */
void anth__handle_closed(anthropic_client_t *c);
/* Timers: init cannot fail; each one open keeps the client's memory
 * until anth__timer_close() calls `closed`. */
void anth__timer_init(anthropic_client_t *c, anth_timer_t *t);
void anth__timer_start(anth_timer_t *t, uint64_t ms, anth_timer_cb cb);
void anth__timer_stop(anth_timer_t *t);
void anth__timer_close(anth_timer_t *t, anth_timer_cb closed);
/* Clocks: monotonic ns; the loop's cached ms; the wall clock's ms since
 * 1970 (0 if unknown). */
uint64_t anth__clock_ns(void);
uint64_t anth__loop_now_ms(const anthropic_client_t *c);
int64_t anth__unix_now_ms(void);

/* request.c */
/* Check the client can take a request; sets the last error if not. */
bool anth__req_usable(anthropic_client_t *c, bool has_cb);
/* A request to `ep` with its options resolved and its own header list
 * built (in j->own, which an endpoint with own_state always has); NULL
 * (and the client's last error set) on failure. The caller fills in the
 * callback (and its endpoint's state, in j->own->state), then submits
 * it. */
anth_job_t *anth__job_new(anthropic_client_t *c, const anth_endpoint_t *ep,
                          const anthropic_request_options_t *options,
                          void *data);
void anth__job_free(anth_job_t *j);
/* Make the job a `method` request (not "GET"; a string that outlives the
 * job, e.g. a literal) with `len` bytes of `body` (copied) and the header
 * line "content-type: <content_type>" after the request's others, or
 * with no body when `body` is NULL (then content_type is unused; a POST
 * then sends an empty one, with no Content-Type): 0, or
 * ANTHROPIC_ENOMEM with the client's last error set (the job stays whole,
 * for anth__job_free). */
int anth__job_method(anthropic_client_t *c, anth_job_t *j, const char *method,
                     const char *content_type, const char *body, size_t len);
/* Start the job (URL in c->scratch, which starts with c->base_url) now,
 * or queue it when max_in_flight requests are in flight. Its id, or 0 (the
 * job freed, the client's last error set). */
anthropic_request_id_t anth__job_submit(anthropic_client_t *c, anth_job_t *j);
/* Add the header line `line` ("Name: value", checked by the caller) to
 * the job's own list, after the request's others: 0, or ANTHROPIC_ENOMEM
 * with the client's last error set (the job stays whole). */
int anth__job_header(anthropic_client_t *c, anth_job_t *j, const char *line);
/* A header of the response the request's attempt got (an endpoint's body
 * reads it), valid until its next attempt; NULL when absent. */
const char *anth__req_header(const anthropic_req_t *r, const char *name);
/* An id for `x` (see anth_ext_t), counted as a request started: 0 (the
 * client's last error set) when out of memory. */
anthropic_request_id_t anth__ext_open(anthropic_client_t *c, anth_ext_t *x);
/* `x`'s id is over (counted as a request finished, cancelled): it names
 * nothing from now on. */
void anth__ext_close(anthropic_client_t *c, anthropic_request_id_t id);
/* What a live ext id names, or NULL. */
anth_ext_t *anth__ext_get(const anthropic_client_t *c,
                          anthropic_request_id_t id);
/* Send the request's current URL again (a retry, or a walk's next page). */
int anth__req_attempt(anthropic_client_t *c, anthropic_req_t *r);
/* Leave the in-flight list for good with an error (an HTTP one's body is
 * read for the API's type and message): deliver it and recycle. */
void anth__req_fail(anthropic_client_t *c, anthropic_req_t *r,
                    anthropic_errkind_t kind, long status, const char *msg,
                    const char *rid);
/* The endpoint is about to call the caller's final callback with a
 * result: the request leaves the in-flight list (its callback may start
 * requests that take its place). */
void anth__req_detach(anthropic_client_t *c, anthropic_req_t *r);
anthropic_response_t anth__req_response(const anthropic_req_t *r, long status,
                                        const char *request_id);
void anth__req_done(anthropic_req_t *r, CURLcode code);
void anth__req_run_deferred(anthropic_client_t *c);
/* Whether callbacks wait for the loop (deferred requests or jobs). */
bool anth__req_deferred_pending(const anthropic_client_t *c);
void anth__req_cancel_all(anthropic_client_t *c, const char *why);
/* The engine could not watch a socket of this request: end it (as out of
 * memory) on the next loop turn. Safe from inside a curl callback. */
void anth__req_watch_failed(anthropic_req_t *r);
void anth__req_multi_failed(anthropic_client_t *c, CURLMcode code);
void anth__req_pool_free(anthropic_client_t *c);
/* libcurl's list of the lines; NULL when out of memory (or no lines). */
struct curl_slist *anth__lines_to_slist(const anth_line_t *l);
/* The error kind of a transfer's CURLcode. */
anthropic_errkind_t anth__errkind_from_curl(CURLcode code);

/* models.c */
/* One page of the list (params: the library's struct, read already; its
 * options too), asked with If-None-Match: `etag` unless NULL. `cb` gets
 * the page and its ETag (NULL: none), or, for a 304, page NULL (err NULL)
 * and the 304's ETag. 0 (the client's last error set) on bad params or no
 * memory. */
typedef void (*anth_cond_page_cb)(const anthropic_error_t *err,
                                  const anthropic_models_page_t *page,
                                  const char *etag, void *data);
anthropic_request_id_t
anth__models_page(anthropic_client_t *c,
                  const anthropic_models_list_params_t *params, bool beta,
                  const char *etag, anth_cond_page_cb cb, void *data);
/* One model by id or alias, asked with If-None-Match: `etag` unless NULL.
 * `cb` gets the model and its ETag (NULL: none), or, for a 304, model NULL
 * (err NULL) and the 304's ETag. 0 (the client's last error set) on a bad
 * id or no memory. */
typedef void (*anth_cond_model_cb)(const anthropic_error_t *err,
                                   const anthropic_model_info_t *model,
                                   const char *etag, void *data);
anthropic_request_id_t
anth__models_retrieve_cond(anthropic_client_t *c, const char *model_id,
                           const anthropic_models_retrieve_params_t *params,
                           bool beta, const char *etag, anth_cond_model_cb cb,
                           void *data);

/* resolver.c */
typedef struct anth_resolver anth_resolver_t;
/* Deliver the per-alias callbacks due, then the completions due. */
void anth__resolve_run_due(anthropic_client_t *c);
bool anth__resolve_pending(const anthropic_client_t *c);
/* The client is closing: every batch ends as cancelled. */
void anth__resolve_close(anthropic_client_t *c);
void anth__resolve_free(anthropic_client_t *c);
/* The cache, for a watch (each a no-op while the cache is off or was
 * never set). `model` is copied in as a fresh answer for `alias`,
 * replacing its entry. */
void anth__resolve_cache_put(anthropic_client_t *c, const char *alias,
                             const anthropic_model_info_t *model);
void anth__resolve_cache_drop(anthropic_client_t *c, const char *alias);
/* One pass over the entries: `fn` is called with each key and its model
 * (NULL for a 404 kept); with `drop`, an entry it returns true for is
 * dropped. */
typedef bool (*anth_cache_fn)(void *ctx, const char *key,
                              const anthropic_model_info_t *model);
void anth__resolve_cache_scan(anthropic_client_t *c, anth_cache_fn fn,
                              void *ctx, bool drop);
/* Tests: the answers batches still hold for twins yet to come. */
size_t anth__resolve_results_held(const anthropic_client_t *c);
/* Tests: the most waiters ever due at once, before their callbacks ran. */
size_t anth__resolve_due_peak(const anthropic_client_t *c);

/* watch.c */
/* Run the `done` of each watch that ended (from the loop). */
void anth__watch_run_due(anthropic_client_t *c);
bool anth__watch_pending(const anthropic_client_t *c);
/* The client is closing: every watch ends (cancelled). */
void anth__watch_close(anthropic_client_t *c);

/* A log line at `level`, when the client's level lets it through. The
 * caller keeps secrets out (anth__redact_url, anth__redact_header); this
 * keeps out bytes a terminal would act on. */
void anth__log(anthropic_client_t *c, anthropic_log_level_t level,
               const char *fmt, ...) __attribute__((format(printf, 3, 4)));
bool anth__log_on(const anthropic_client_t *c, anthropic_log_level_t level);

/* The reason the last call on the client failed (or "" after success). */
void anth__set_last_error(anthropic_client_t *c, anthropic_errkind_t kind,
                          const char *msg);

#endif
