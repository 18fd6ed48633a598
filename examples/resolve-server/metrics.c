/*
 * metrics.c - what /metrics tells, in the Prometheus text exposition
 * format (version 0.0.4): requests by route and status, their latency as
 * a histogram, the upstream's requests, retries and errors by kind (the
 * client's stats API, read at each scrape, whatever --log-level), the
 * resolver's cache (its stats API: hits, misses, lookups shared), stale
 * answers served, and what the server holds (connections, queued and held
 * bytes), the watch's cycles, changes and models by lifecycle, and the
 * risk of the aliases answered (watch.c). The text only: routes.c answers
 * /metrics with it, and conn.c counts each answer here, so this file calls
 * neither.
 */
#include <stdarg.h>
#include <stdio.h>
#include <time.h>

#include "server.h"

static const char *const route_names[SRV_ROUTES] = {
    "other", "resolve", "models", "healthz", "readyz", "metrics", "lifecycle"};

/* Upper bounds of the latency buckets, in seconds (+Inf is implicit). */
static const double buckets[SRV_BUCKETS] = {0.0005, 0.001, 0.0025, 0.005, 0.01,
                                            0.025,  0.05,  0.1,    0.25,  0.5,
                                            1,      2.5,   5,      10};

void srv_metrics_request(srv_server_t *s, srv_route_t route, int status,
                         uint64_t ns) {
  srv_metrics_t *m = &s->metrics;
  double secs = (double)ns / 1e9;
  if (status < 100 || status > 599)
    status = 599;
  m->requests[route][status]++;
  size_t b = 0;
  while (b < SRV_BUCKETS && secs > buckets[b])
    b++;
  if (b < SRV_BUCKETS)
    m->latency[route][b]++;
  m->latency_sum[route] += secs;
  m->latency_count[route]++;
}

static void add(srv_buf_t *b, bool *ok, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
static void add(srv_buf_t *b, bool *ok, const char *fmt, ...) {
  char line[512];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(line, sizeof line, fmt, ap);
  va_end(ap);
  if (n < 0 || (size_t)n >= sizeof line ||
      srv_buf_append(b, line, (size_t)n) != 0)
    *ok = false;
}

/* A metric's HELP and TYPE lines. */
static void head(srv_buf_t *b, bool *ok, const char *name, const char *type,
                 const char *help) {
  add(b, ok, "# HELP resolve_server_%s %s\n# TYPE resolve_server_%s %s\n", name,
      help, name, type);
}

static void one(srv_buf_t *b, bool *ok, const char *name, const char *type,
                const char *help, unsigned long long value) {
  head(b, ok, name, type, help);
  add(b, ok, "resolve_server_%s %llu\n", name, value);
}

static void requests(srv_buf_t *b, bool *ok, const srv_metrics_t *m) {
  head(b, ok, "requests_total", "counter", "Requests answered.");
  for (int r = 0; r < SRV_ROUTES; r++)
    for (int st = 100; st < 600; st++)
      if (m->requests[r][st] > 0)
        add(b, ok,
            "resolve_server_requests_total{route=\"%s\",status=\"%d\"} "
            "%llu\n",
            route_names[r], st, (unsigned long long)m->requests[r][st]);
  head(b, ok, "request_duration_seconds", "histogram",
       "Time from a request's first byte to its answer.");
  for (int r = 0; r < SRV_ROUTES; r++) {
    uint64_t cum = 0;
    for (int i = 0; i < SRV_BUCKETS; i++) {
      cum += m->latency[r][i];
      add(b, ok,
          "resolve_server_request_duration_seconds_bucket{route=\"%s\","
          "le=\"%g\"} %llu\n",
          route_names[r], buckets[i], (unsigned long long)cum);
    }
    add(b, ok,
        "resolve_server_request_duration_seconds_bucket{route=\"%s\","
        "le=\"+Inf\"} %llu\n"
        "resolve_server_request_duration_seconds_sum{route=\"%s\"} %.6f\n"
        "resolve_server_request_duration_seconds_count{route=\"%s\"} %llu\n",
        route_names[r], (unsigned long long)m->latency_count[r], route_names[r],
        m->latency_sum[r], route_names[r],
        (unsigned long long)m->latency_count[r]);
  }
}

/* The upstream, as the client counts it (its stats API): attempts,
 * retries, give-ups, and failed attempts by kind, 404s left out of
 * http_4xx (an alias that names no model is an answer). */
static void upstream(srv_buf_t *b, bool *ok, const srv_server_t *s) {
  anthropic_client_stats_t st = ANTHROPIC_CLIENT_STATS_INIT;
  if (s->client != NULL)
    (void)anthropic_client_get_stats(s->client, &st);
  const struct {
    const char *kind;
    uint64_t n;
  } errors[] = {{"connection", st.connection_errors},
                {"timeout", st.timeouts},
                {"http_5xx", st.http_5xx},
                {"http_429", st.http_429},
                {"http_4xx", st.http_4xx - st.http_404}};
  one(b, ok, "upstream_requests_total", "counter",
      "Upstream attempts (a retry is one more).", st.attempts);
  one(b, ok, "upstream_retries_total", "counter", "Upstream retries.",
      st.retries);
  one(b, ok, "upstream_giveups_total", "counter",
      "Upstream requests given up after their retries.", st.giveups);
  head(b, ok, "upstream_errors_total", "counter",
       "Failed upstream attempts, by kind.");
  for (size_t k = 0; k < sizeof errors / sizeof errors[0]; k++)
    add(b, ok, "resolve_server_upstream_errors_total{kind=\"%s\"} %llu\n",
        errors[k].kind, (unsigned long long)errors[k].n);
  one(b, ok, "log_dropped_total", "counter",
      "Log lines dropped: stderr took none and the log buffer was full.",
      srv_log_dropped());
  one(b, ok, "stale_answers_total", "counter",
      "Answers served stale because the upstream failed.",
      s->metrics.stale_served);
}

/* The library's resolver: its cache and its sharing of lookups. */
static void resolver(srv_buf_t *b, bool *ok, const srv_server_t *s) {
  anthropic_resolve_stats_t st = ANTHROPIC_RESOLVE_STATS_INIT;
  if (s->client == NULL || anthropic_resolve_get_stats(s->client, &st) != 0)
    return;
  one(b, ok, "resolver_lookups_total", "counter",
      "Lookups the resolver sent upstream.", st.lookups);
  one(b, ok, "resolver_cache_hits_total", "counter",
      "Aliases answered from the cache within their TTL.", st.hits);
  one(b, ok, "resolver_cache_misses_total", "counter",
      "Aliases answered otherwise (lookup, shared, stale, failed).", st.misses);
  one(b, ok, "resolver_coalesced_total", "counter",
      "Misses answered by a lookup another request started.", st.coalesced);
  one(b, ok, "resolver_stale_total", "counter",
      "Misses answered with a stale model.", st.stale);
  one(b, ok, "resolver_cache_entries", "gauge", "Entries in the cache.",
      st.entries);
}

/* What the server holds now: connections, requests, bytes. */
static void held(srv_buf_t *b, bool *ok, const srv_server_t *s) {
  size_t queued = 0, in_flight = 0;
  for (const srv_conn_t *c = s->conns; c != NULL; c = c->next) {
    queued += uv_stream_get_write_queue_size((const uv_stream_t *)&c->tcp);
    in_flight += c->busy ? 1 : 0;
  }
  one(b, ok, "connections", "gauge",
      "Connections not yet freed (open or closing).", s->nconns);
  one(b, ok, "open_connections", "gauge", "Client sockets open.", s->nopen);
  one(b, ok, "in_flight_requests", "gauge", "Requests being answered.",
      in_flight);
  one(b, ok, "write_queue_bytes", "gauge", "Answer bytes not yet sent.",
      queued);
  one(b, ok, "write_queue_peak_bytes", "gauge",
      "Most unsent bytes of one connection.", s->write_queue_peak);
  one(b, ok, "input_copied_bytes_total", "counter",
      "Pipelined input copied or moved to be kept.", s->input_copied);
  one(b, ok, "input_held_peak_bytes", "gauge",
      "Most unparsed input of one connection.", s->held_peak);
  one(b, ok, "max_connections", "gauge", "--max-connections.",
      s->o->max_connections);
  one(b, ok, "shed_total", "counter", "Idle connections closed at the cap.",
      s->shed);
  one(b, ok, "refused_total", "counter",
      "Connections answered 503 past the cap.", s->refused);
}

/* The watch (watch.c): its cycles, errors and changes by kind, when it
 * last completed a cycle, and the models it last saw by lifecycle (once
 * it has seen them). */
static void watch(srv_buf_t *b, bool *ok, const srv_server_t *s) {
  /* The change kinds, ADDED to ALIAS_MOVED. */
  static const anthropic_watch_event_kind_t changes[] = {
      ANTHROPIC_WATCH_ADDED,
      ANTHROPIC_WATCH_REMOVED,
      ANTHROPIC_WATCH_LIFECYCLE_CHANGED,
      ANTHROPIC_WATCH_DEPRECATED_AT_CHANGED,
      ANTHROPIC_WATCH_RETIRES_AT_CHANGED,
      ANTHROPIC_WATCH_ALIAS_MOVED};
  const srv_lifecycles_t *l = &s->lifecycles;
  head(b, ok, "watch_interval_seconds", "gauge",
       "--watch-interval (0: no watch).");
  add(b, ok, "resolve_server_watch_interval_seconds %.3f\n",
      (double)s->o->watch_interval_ms / 1000);
  one(b, ok, "watch_cycles_total", "counter",
      "Watch cycles completed (one whose list failed is an error only).",
      l->events[ANTHROPIC_WATCH_CYCLE]);
  one(b, ok, "watch_errors_total", "counter",
      "Watch cycles that failed (the watch tries again after a backoff).",
      l->events[ANTHROPIC_WATCH_ERROR]);
  head(b, ok, "watch_changes_total", "counter",
       "Changes the watch saw, by kind.");
  for (size_t k = 0; k < sizeof changes / sizeof changes[0]; k++)
    add(b, ok, "resolve_server_watch_changes_total{kind=\"%s\"} %llu\n",
        anthropic_watch_event_name(changes[k]),
        (unsigned long long)l->events[changes[k]]);
  if (l->last_ok > 0) {
    head(b, ok, "watch_last_success_timestamp_seconds", "gauge",
         "When the last watch cycle completed (Unix time).");
    add(b, ok, "resolve_server_watch_last_success_timestamp_seconds %lld\n",
        (long long)l->last_ok);
  }
  if (l->snapshot) {
    head(b, ok, "models", "gauge",
         "Models listed at the watch's last cycle, by the lifecycle they "
         "say.");
    for (int i = ANTHROPIC_LIFECYCLE_UNSET; i <= ANTHROPIC_LIFECYCLE_OTHER; i++)
      add(b, ok, "resolve_server_models{lifecycle=\"%s\"} %llu\n",
          anthropic_lifecycle_name((anthropic_lifecycle_t)i),
          (unsigned long long)l->models[i]);
  }
}

/* The aliases answered, as their models stand now: by risk within
 * --within days, and the fewest days to a retirement not yet past. */
static void served(srv_buf_t *b, bool *ok, const srv_server_t *s) {
  srv_served_summary_t sum;
  srv_served_summary(s, (int64_t)time(NULL), &sum);
  head(b, ok, "served_aliases", "gauge",
       "Aliases answered (the latest, as many as the cache holds), by the "
       "risk of their model now.");
  for (int r = ANTHROPIC_RISK_NONE; r <= ANTHROPIC_RISK_RETIRED; r++)
    add(b, ok, "resolve_server_served_aliases{risk=\"%s\"} %llu\n",
        anthropic_lifecycle_risk_name((anthropic_lifecycle_risk_t)r),
        (unsigned long long)sum.by_risk[r]);
  if (sum.retiring) {
    head(b, ok, "served_min_days_to_retirement", "gauge",
         "Days to the nearest retirement of a model an alias answered names "
         "(retired ones aside).");
    add(b, ok, "resolve_server_served_min_days_to_retirement %lld\n",
        (long long)sum.min_days);
  }
}

bool srv_metrics_text(const srv_server_t *s, srv_buf_t *b) {
  bool ok = true;
  requests(b, &ok, &s->metrics);
  upstream(b, &ok, s);
  resolver(b, &ok, s);
  held(b, &ok, s);
  watch(b, &ok, s);
  served(b, &ok, s);
  return ok;
}
