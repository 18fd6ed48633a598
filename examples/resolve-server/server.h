/*
 * server.h - resolve-server: a small HTTP/1.1 server on libuv that embeds
 * the client on its own loop (README "Embedding in a server").
 *
 * One loop, one client, one uv_tcp_t per connection. A connection answers
 * one request at a time, in order (pipelined requests wait in its input
 * buffer); everything the library does for it is asynchronous, so a slow
 * upstream delays only the clients that asked for the same thing.
 */
#ifndef RESOLVE_SERVER_H
#define RESOLVE_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <http_parser.h>
#include <uv.h>

#include "anthropic.h"

#define PROG "resolve-server"

/* Request limits: past them the request is refused and its connection
 * closed (a client that sends this much is broken or hostile). */
#define SRV_URL_MAX 8192                    /* request-target: 414 past it */
#define SRV_HEADERS_MAX 64                  /* header fields: 431 past it */
#define SRV_HEADER_BYTES_MAX 16384          /* names + values: 431 past it */
#define SRV_PENDING_MAX ((size_t)64 * 1024) /* pipelined bytes held */
/* Answers queued and not yet sent: past this, the connection's requests
 * wait (backpressure, conn.c). */
#define SRV_WRITE_QUEUE_MAX ((size_t)64 * 1024)
/* The default bound on a /models answer (--max-models-bytes): past it,
 * the walk stops and the answer is a 502 (an upstream listing that never
 * ends would otherwise grow it for ever). */
#define SRV_MODELS_BYTES_MAX ((size_t)1024 * 1024)
/* The resolve cache's entries at most (main.c), and so the aliases served
 * that the server keeps the lifecycle of (watch.c: about 300 bytes each
 * and the alias, so about 1.3 MiB at most). */
#define SRV_CACHE_ENTRIES 4096
/* Aliases one GET /lifecycle may ask for: past it, a 400. */
#define SRV_LIFECYCLE_ALIASES_MAX 100
/* The log (log.c): lines kept to be written once a loop turn, written at
 * once past SRV_LOG_FLUSH_BYTES, dropped (and counted) past
 * SRV_LOG_BUF_MAX kept because stderr takes none. */
#define SRV_LOG_FLUSH_BYTES ((size_t)64 * 1024)
#define SRV_LOG_BUF_MAX ((size_t)1024 * 1024)

/* What a client can make the server hold (and so the memory bound): its
 * connection (about 1 KiB), SRV_PENDING_MAX bytes of input in a buffer of
 * at most twice that (the parsed front goes once it is no smaller than the
 * rest), a request-target of up to SRV_URL_MAX, and SRV_WRITE_QUEUE_MAX
 * bytes of answers unsent plus the one answer that passed it (a /resolve
 * answer is about 1.2 KiB; a /models one at most --max-models-bytes). So
 * about 202 KiB per connection that pipelines and never reads (plus the
 * /models answer it has queued), and --max-connections + SRV_REFUSE_SLOTS
 * times that in all: 186 MiB with the default 936 connections at ulimit
 * -n 1024. The server itself keeps one /models answer and builds at most
 * one more (2 x --max-models-bytes). */

/* Descriptors: at --max-connections clients an idle one is closed for a
 * new one, or else the new one is answered 503 (with Retry-After) on one
 * of SRV_REFUSE_SLOTS more; past those, new ones wait in the backlog. The
 * default --max-connections is RLIMIT_NOFILE less the upstream's
 * connections (min(64, RLIMIT_NOFILE / 4)), SRV_LOOP_FDS for the loop's
 * own (epoll, signals, wakeups, the listener, 0-2, libcurl's resolver)
 * and SRV_REFUSE_SLOTS. */
#define SRV_REFUSE_SLOTS 8
#define SRV_LOOP_FDS 16
#define SRV_UPSTREAM_FDS_MAX 64

typedef struct srv_options {
  const char *listen;    /* as given: HOST:PORT, [V6]:PORT, :PORT, PORT */
  char listen_host[256]; /* "": every interface */
  char listen_port[8];
  const char *base_url;     /* NULL: $ANTHROPIC_BASE_URL or the default */
  const char *api_key_file; /* NULL: the key from the environment */
  uint64_t grace_ms;        /* in-flight requests' time after a signal */
  uint64_t idle_ms;         /* a connection's time to send its next request */
  uint64_t cache_ttl_ms;
  uint64_t upstream_timeout_ms;
  uint64_t stale_if_error_s; /* 0: never serve a stale answer */
  uint64_t ready_window_s;   /* /readyz: an upstream answer this recent */
  int page_size;             /* models per upstream page for /models */
  size_t max_models_bytes;   /* the largest /models answer */
  size_t max_connections;
  unsigned upstream_connections; /* the client's max_host_connections */
  anthropic_log_level_t log_level;
  bool log_json;              /* --log-format json (else text) */
  unsigned within_days;       /* /lifecycle: at risk this close to retiring */
  uint64_t watch_interval_ms; /* the watch's interval; 0: no watch */
} srv_options_t;

/* A growable byte buffer. */
typedef struct srv_buf {
  char *data;
  size_t len, cap;
} srv_buf_t;

typedef struct srv_conn srv_conn_t;
typedef struct srv_server srv_server_t;

/* What a connection calls above it: conn.c calls no file above it, and
 * reaches these through the table main.c gives the server. */
typedef struct srv_conn_hooks {
  /* A request is whole: answer it (routes.c), now or later. */
  void (*dispatch)(srv_conn_t *c);
  /* Its client went away: cancel what it asked (routes.c). */
  void (*cancel)(srv_conn_t *c);
  /* A connection was freed: the server may be done (main.c). */
  void (*freed)(srv_server_t *s);
} srv_conn_hooks_t;

/* Requests waiting for one shared upstream call (waitlist.c). */
typedef struct srv_waitlist {
  srv_conn_t *head;
} srv_waitlist_t;

/* /models (models.c): the walk in flight, and the last answer kept. */
typedef struct srv_models {
  anthropic_request_id_t walk; /* 0: none in flight */
  srv_buf_t building;          /* the JSON array so far */
  size_t count;
  bool failed;    /* out of memory while adding a page */
  bool too_large; /* the answer passed --max-models-bytes */
  char building_id[96];
  srv_buf_t body;      /* the last whole answer, or empty */
  uint64_t fetched_ms; /* uv_now() when it came */
  char body_id[96];    /* its last page's request-id */
} srv_models_t;

/* Routes, as /metrics labels them. */
typedef enum srv_route {
  SRV_ROUTE_OTHER,
  SRV_ROUTE_RESOLVE,
  SRV_ROUTE_MODELS,
  SRV_ROUTE_HEALTHZ,
  SRV_ROUTE_READYZ,
  SRV_ROUTE_METRICS,
  SRV_ROUTE_LIFECYCLE,
  SRV_ROUTES
} srv_route_t;

/* A cached model's answer, built once (caching.c): its JSON and ETag,
 * for the resolver's model at `model`, received at `received_ms` (one
 * cache entry: a refreshed entry is another model or another time). */
typedef struct srv_memo {
  const void *model; /* compared only, never followed */
  uint64_t received_ms;
  char id[128]; /* the model's id, "" for a free slot */
  char *json;
  size_t len;
  char etag[24];
} srv_memo_t;

#define SRV_MEMO_SLOTS 64

#define SRV_BUCKETS 14 /* latency histogram buckets, +Inf aside */

/* Counters for /metrics (metrics.c); the upstream's are the client's
 * (anthropic_client_get_stats), read at each scrape. */
typedef struct srv_metrics {
  uint64_t requests[SRV_ROUTES][600];        /* by route and status */
  uint64_t latency[SRV_ROUTES][SRV_BUCKETS]; /* per bucket, not summed */
  double latency_sum[SRV_ROUTES];
  uint64_t latency_count[SRV_ROUTES];
  uint64_t stale_served;
} srv_metrics_t;

/* An alias answered (watch.c): the lifecycle of the model it named, as
 * last answered or as the watch saw it since. */
typedef struct srv_served srv_served_t;
struct srv_served {
  srv_served_t *chain;         /* the next in its hash bucket */
  srv_served_t *newer, *older; /* by last answer: the oldest goes first */
  anthropic_lifecycle_t lifecycle;
  anthropic_time_t deprecated_at, retires_at; /* state and time; no text */
  char id[256];                               /* the model's id */
  char alias[];
};

#define SRV_SERVED_BUCKETS 1024
/* Watch event kinds counted: anthropic_watch_event_kind_t up to CYCLE. */
#define SRV_WATCH_KINDS 10

/* The lifecycle state (watch.c): the watch and what it said, and the
 * aliases served (at most SRV_CACHE_ENTRIES, as the resolve cache). */
typedef struct srv_lifecycles {
  anthropic_request_id_t watch; /* 0: none running */
  bool snapshot;                /* its first cycle came: `models` counts */
  uint64_t models[ANTHROPIC_LIFECYCLE_OTHER + 1]; /* by lifecycle_value */
  uint64_t events[SRV_WATCH_KINDS];               /* by kind */
  int64_t last_ok; /* time(NULL) at its last CYCLE (a whole one); 0: none */
  srv_served_t *buckets[SRV_SERVED_BUCKETS];
  srv_served_t *newest, *oldest;
  size_t served;
} srv_lifecycles_t;

/* What the aliases served say at scrape time (srv_served_summary()). */
typedef struct srv_served_summary {
  size_t count;
  size_t by_risk[ANTHROPIC_RISK_RETIRED + 1];
  bool retiring;    /* one not retired has a retirement date */
  int64_t min_days; /* the fewest days to one, when `retiring` */
} srv_served_summary_t;

/* The request being answered: what its answer and its access line say. */
typedef struct srv_req {
  uint64_t start_ns; /* uv_hrtime() at its first byte */
  char method[8];    /* "GET", "HEAD", ... */
  bool head;         /* HEAD: the answer's head only */
  srv_route_t route;
  const char *cache;    /* "hit", "miss", "stale", or NULL */
  char id[40];          /* our x-request-id */
  char upstream_id[96]; /* the upstream's request-id, or "" */
  /* If-None-Match, as sent ("" when absent or too long to keep). */
  char if_none_match[256];
  bool inm_too_long;
  char field[16]; /* the header name being read, lower case */
  size_t field_len;
} srv_req_t;

struct srv_server {
  uv_loop_t *loop;
  const srv_options_t *o;
  const srv_conn_hooks_t *hooks; /* conn.c's calls up (main.c's table) */
  anthropic_client_t *client;    /* NULL once closed */
  uv_tcp_t listener;
  uv_signal_t sigterm, sigint, sighup;
  uv_timer_t grace;
  uv_prepare_t log_flush; /* writes the log's lines once a loop turn */
  srv_conn_t *conns;      /* every connection not yet freed */
  size_t nconns;
  size_t nopen;           /* of them, those whose socket is open */
  bool accept_paused;     /* a client waits: accept it once a socket closes */
  uint64_t shed, refused; /* for /metrics */
  uint64_t next_conn_id;
  uint32_t boot_id;     /* random: our request ids differ across runs */
  uint64_t next_req_id; /* of the requests answered, in order */
  bool stopping;        /* a signal came: no new connections or requests */
  bool client_closing;  /* anthropic_client_close() called */
  /* For /metrics: the most bytes one connection had queued and not yet
   * sent, and the bytes of pipelined input copied to be kept. */
  size_t write_queue_peak;
  size_t held_peak; /* the most input one connection held unparsed */
  uint64_t input_copied;
  srv_metrics_t metrics;
  srv_lifecycles_t lifecycles;
  srv_models_t models;
  srv_memo_t memo[SRV_MEMO_SLOTS]; /* by the model's address */
  srv_waitlist_t waiting_models;   /* for the walk in flight */
  anthropic_request_id_t probe;    /* /readyz's, in flight, or 0 */
  srv_waitlist_t waiting_probe;
  uint64_t upstream_ok_ms; /* uv_now() of its last answer, 0: none yet */
  /* One read buffer for every connection: libuv fills it and calls the
   * read callback at once, which consumes it (leftovers are copied). */
  char rbuf[64 * 1024];
};

struct srv_conn {
  uv_tcp_t tcp;
  uv_timer_t idle;
  srv_server_t *srv;
  srv_conn_t *prev, *next;
  uint64_t id;
  char client[72]; /* "ADDRESS:PORT" of the peer */
  http_parser parser;
  srv_req_t req;
  /* The request being read. */
  srv_buf_t url;
  size_t header_count, header_bytes;
  bool in_field;   /* the last header callback was for a field name */
  int reject;      /* status a parser callback refused the request with */
  bool keep_alive; /* of the request being answered */
  /* Bytes received while a request is being answered (pipelining): the
   * first pending_off of them are parsed already. */
  srv_buf_t pending;
  size_t pending_off;
  bool busy;    /* a request is dispatched and not yet answered */
  bool closing; /* no more requests: the last answer is (being) written */
  bool feeding; /* inside feed(): an answer given now must not re-enter */
  bool blocked; /* answers wait for the client to read (backpressure) */
  bool reading;
  bool read_eof;    /* the client sent all it will: answer, then close */
  bool partial;     /* part of a request has come, not all */
  bool kept_alive;  /* kept open after an answer, for the next request */
  size_t discarded; /* bytes read and dropped while closing */
  int handles_open; /* tcp and idle, until their close callbacks */
  uv_shutdown_t shutdown;
  /* Library calls whose final callback has not run yet: the connection
   * is their callback data, so it outlives its socket until they end. */
  unsigned ops;
  anthropic_resolve_id_t batch; /* the lookup still to answer, or 0 */
  /* The wait list this request is on, and its neighbours there. */
  srv_waitlist_t *waiting;
  srv_conn_t *wait_prev, *wait_next;
};

/* args.c: -1 to go on, else the exit status (after --help, --version or
 * a usage error, said on stderr). */
int srv_args_parse(int argc, char **argv, srv_options_t *o);

/* log.c: srv_log() at debug, srv_log_at() at a level of its own. */
void srv_log(const srv_server_t *s, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
void srv_log_at(const srv_server_t *s, anthropic_log_level_t level,
                const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
void srv_log_upstream(const srv_server_t *s, anthropic_log_level_t level,
                      const char *line);
/* A line from `source` with `n` fields more in JSON (name and value
 * pairs, a NULL value null): {"time","level","source",fields...,"msg"}. */
void srv_log_fields(const srv_server_t *s, anthropic_log_level_t level,
                    const char *source, const char *const *fields, size_t n,
                    const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 6, 7)))
#endif
    ;
void srv_log_access(const srv_conn_t *c, int status, size_t bytes);
/* The lines kept are written once a loop turn by a handle that
 * srv_log_start() starts (unreferenced) and srv_log_stop() closes;
 * srv_log_flush() writes them now, srv_log_free() too and frees them. */
void srv_log_start(srv_server_t *s);
void srv_log_stop(srv_server_t *s);
void srv_log_flush(void);
void srv_log_free(void);
uint64_t srv_log_dropped(void); /* lines dropped: stderr took none */

/* watch.c: the aliases answered, kept (the oldest goes past
 * SRV_CACHE_ENTRIES) for /metrics; the watch, started and cancelled; what
 * is left, freed. */
void srv_served_note(srv_server_t *s, const char *alias,
                     const anthropic_model_info_t *model);
void srv_served_summary(const srv_server_t *s, int64_t now,
                        srv_served_summary_t *out);
int srv_watch_start(srv_server_t *s);
void srv_watch_stop(srv_server_t *s);
void srv_lifecycles_free(srv_server_t *s);

/* metrics.c: a request answered, counted; the text of /metrics appended
 * to `b` (false when out of memory; the caller frees `b` either way). */
void srv_metrics_request(srv_server_t *s, srv_route_t route, int status,
                         uint64_t ns);
bool srv_metrics_text(const srv_server_t *s, srv_buf_t *b);

/* conn.c */
void srv_on_connection(uv_stream_t *listener, int status);
void srv_conn_reply(srv_conn_t *c, int status, const char *headers,
                    const char *body, size_t body_len);
void srv_conn_answer(srv_conn_t *c, int status, const char *body,
                     size_t body_len);
void srv_conn_op_done(srv_conn_t *c);
bool srv_conn_gone(const srv_conn_t *c);
void srv_conn_close_idle(srv_conn_t *c);
/* An answer in the one error shape (a JSON body, conn.c). */
void srv_answer_error(srv_conn_t *c, int status, const char *kind,
                      const char *type, const char *message,
                      const char *request_id);

/* waitlist.c */
void srv_wait_join(srv_waitlist_t *l, srv_conn_t *c);
void srv_wait_leave(srv_conn_t *c);
void srv_wait_take(srv_waitlist_t *from, srv_waitlist_t *to);
srv_conn_t *srv_wait_pop(srv_waitlist_t *l);

/* caching.c: how old an answer is, and whether it stands in for an
 * upstream error (stale-if-error). */
typedef struct srv_freshness {
  uint64_t age_ms;
  bool stale;
} srv_freshness_t;
void srv_answer_cached(srv_conn_t *c, const char *body, size_t len,
                       const srv_freshness_t *f);
/* A model from the resolver: its JSON and ETag are made once per cache
 * entry and kept (srv_memo_free() frees them). */
void srv_answer_model(srv_conn_t *c, const anthropic_model_info_t *model,
                      const srv_freshness_t *f);
void srv_memo_free(srv_server_t *s);

/* health.c */
void srv_route_healthz(srv_conn_t *c);
void srv_route_readyz(srv_conn_t *c);
void srv_upstream_answered(srv_server_t *s, const anthropic_error_t *err);

/* models.c */
void srv_route_models(srv_conn_t *c);
/* lifecycle.c */
void srv_route_lifecycle(srv_conn_t *c, const char *query, size_t qlen);
void srv_models_free(srv_server_t *s);

/* routes.c: srv_dispatch() and srv_cancel_op() are conn.c's dispatch
 * and cancel hooks (main.c's table). */
void srv_dispatch(srv_conn_t *c);
void srv_cancel_op(srv_conn_t *c);

/* upstream.c: the upstream's request-id of what answers the request, to
 * pass on; a failed library call answered. */
void srv_keep_upstream_id(srv_conn_t *c, const anthropic_response_t *resp);
void srv_answer_library_error(srv_conn_t *c, const anthropic_error_t *err);
int srv_error_status(const anthropic_error_t *err); /* the answer's status */

/* buf.c */
int srv_buf_append(srv_buf_t *b, const void *data, size_t len);
void srv_buf_free(srv_buf_t *b);
int srv_percent_decode(const char *in, size_t len, srv_buf_t *out);
int srv_query_next(const char *q, size_t len, size_t *pos, const char *name,
                   srv_buf_t *out);
const char *srv_reason(int status);
void srv_copy_id(char *out, size_t len, const char *id);

/* Text put together in a fixed buffer without printf (the answers' heads
 * are on every request's path): always NUL-terminated; `full` once
 * something did not fit (what did stays). */
typedef struct srv_out {
  char *p;
  size_t len, pos;
  bool full;
} srv_out_t;
#define SRV_OUT(buf)                                                           \
  { (buf), sizeof(buf), 0, false }
void srv_out_mem(srv_out_t *o, const char *s, size_t n);
void srv_out_str(srv_out_t *o, const char *s);
void srv_out_u64(srv_out_t *o, uint64_t v);
/* `v` in decimal, written at the end of `d` (no NUL): where it starts; its
 * length in *n. */
const char *srv_u64_digits(char d[20], uint64_t v, size_t *n);

#endif
