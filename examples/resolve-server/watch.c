/*
 * watch.c - the lifecycle state /metrics reads: the aliases the server
 * answered, with the lifecycle of the model each named, and the library's
 * watch (anthropic_models_watch()) that keeps both the resolve cache and
 * that state true. The watch, started with ANTHROPIC_WATCH_CACHED_ALIASES,
 * re-resolves every alias the cache holds once an interval and the
 * library updates or drops the cache entries itself: so a long --cache-ttl-ms
 * is safe, an alias that moved answers its new model within an interval.
 * Each change is a log line at info (an error at warn), counted by kind,
 * and applied to the models counted by lifecycle and the aliases kept.
 *
 * The aliases kept are at most SRV_CACHE_ENTRIES (the cache's own bound:
 * the oldest answered goes first), in a hash table with a list by last
 * answer; a change to a model is O(aliases kept), a scrape too.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "server.h"

/* ---- the aliases served ---- */

static size_t bucket_of(const char *alias) {
  uint32_t h = 2166136261u; /* FNV-1a */
  for (const unsigned char *p = (const unsigned char *)alias; *p != '\0'; p++)
    h = (h ^ *p) * 16777619u;
  return h % SRV_SERVED_BUCKETS;
}

static srv_served_t *find(const srv_lifecycles_t *l, const char *alias) {
  srv_served_t *e = l->buckets[bucket_of(alias)];
  while (e != NULL && strcmp(e->alias, alias) != 0)
    e = e->chain;
  return e;
}

static void unlink_order(srv_lifecycles_t *l, srv_served_t *e) {
  if (e->newer != NULL)
    e->newer->older = e->older;
  else
    l->newest = e->older;
  if (e->older != NULL)
    e->older->newer = e->newer;
  else
    l->oldest = e->newer;
  e->newer = e->older = NULL;
}

static void link_newest(srv_lifecycles_t *l, srv_served_t *e) {
  e->older = l->newest;
  if (l->newest != NULL)
    l->newest->newer = e;
  l->newest = e;
  if (l->oldest == NULL)
    l->oldest = e;
}

static void drop(srv_lifecycles_t *l, srv_served_t *e) {
  srv_served_t **p = &l->buckets[bucket_of(e->alias)];
  while (*p != NULL && *p != e)
    p = &(*p)->chain;
  if (*p == NULL)
    return; /* not kept: cannot be */
  *p = e->chain;
  unlink_order(l, e);
  l->served--;
  free(e);
}

/* Keep what the lifecycle needs of `model` (its times' text is not). */
static void take(srv_served_t *e, const anthropic_model_info_t *model) {
  size_t n = strlen(model->id);
  if (n >= sizeof e->id)
    n = sizeof e->id - 1; /* an id this long is compared cut short */
  memcpy(e->id, model->id, n);
  e->id[n] = '\0';
  e->lifecycle = model->lifecycle_value;
  e->deprecated_at = model->deprecated_at;
  e->retires_at = model->retires_at;
  e->deprecated_at.text = e->retires_at.text = NULL;
}

void srv_served_note(srv_server_t *s, const char *alias,
                     const anthropic_model_info_t *model) {
  srv_lifecycles_t *l = &s->lifecycles;
  srv_served_t *e = find(l, alias);
  if (e != NULL) {
    unlink_order(l, e);
  } else {
    size_t len = strlen(alias);
    if (l->served >= SRV_CACHE_ENTRIES)
      drop(l, l->oldest);
    e = calloc(1, sizeof *e + len + 1);
    if (e == NULL)
      return; /* not counted: a gauge a little short */
    memcpy(e->alias, alias, len + 1);
    size_t b = bucket_of(alias);
    e->chain = l->buckets[b];
    l->buckets[b] = e;
    l->served++;
  }
  link_newest(l, e);
  take(e, model);
}

void srv_served_summary(const srv_server_t *s, int64_t now,
                        srv_served_summary_t *out) {
  memset(out, 0, sizeof *out);
  for (const srv_served_t *e = s->lifecycles.newest; e != NULL; e = e->older) {
    /* The fields anthropic_model_lifecycle() reads, of the model kept. */
    anthropic_model_info_t m;
    anthropic_lifecycle_summary_t sum = ANTHROPIC_LIFECYCLE_SUMMARY_INIT;
    memset(&m, 0, sizeof m);
    m.id = e->id;
    m.lifecycle_value = e->lifecycle;
    m.deprecated_at = e->deprecated_at;
    m.retires_at = e->retires_at;
    if (anthropic_model_lifecycle(&m, now, s->o->within_days, &sum) != 0)
      continue;
    out->count++;
    out->by_risk[sum.risk]++;
    if (sum.retires && sum.risk != ANTHROPIC_RISK_RETIRED &&
        (!out->retiring || sum.days_to_retirement < out->min_days)) {
      out->retiring = true;
      out->min_days = sum.days_to_retirement;
    }
  }
}

static bool same_id(const srv_served_t *e, const char *id) {
  return strncmp(e->id, id, sizeof e->id - 1) == 0;
}

/* Every alias kept that names `id`: the model as it is now, or dropped
 * (NULL: gone from the list). */
static void served_model_changed(srv_lifecycles_t *l, const char *id,
                                 const anthropic_model_info_t *model) {
  srv_served_t *e = l->newest;
  while (e != NULL) {
    srv_served_t *older = e->older;
    if (same_id(e, id)) {
      if (model != NULL)
        take(e, model);
      else
        drop(l, e);
    }
    e = older;
  }
}

/* An alias the watch resolved: kept (if it was) with its model now, or
 * dropped when it no longer resolves. */
static void served_alias_moved(srv_lifecycles_t *l, const char *alias,
                               const anthropic_model_info_t *model) {
  srv_served_t *e = find(l, alias);
  if (e == NULL)
    return;
  if (model != NULL)
    take(e, model);
  else
    drop(l, e);
}

/* ---- the watch ---- */

static const char *text_of(const anthropic_time_t *t) {
  return t->state == ANTHROPIC_FIELD_SET ? t->text : "none";
}

static const char *lifecycle_of(const anthropic_model_info_t *m) {
  return m->lifecycle.state == ANTHROPIC_FIELD_SET ? m->lifecycle.value
                                                   : "unset";
}

static size_t slot(anthropic_lifecycle_t v) {
  return v <= ANTHROPIC_LIFECYCLE_OTHER ? (size_t)v
                                        : (size_t)ANTHROPIC_LIFECYCLE_OTHER;
}

static void count_model(srv_lifecycles_t *l, const anthropic_model_info_t *m,
                        int delta) {
  uint64_t *n = &l->models[slot(m->lifecycle_value)];
  if (delta > 0)
    (*n)++;
  else if (*n > 0)
    (*n)--;
}

/* "what: subject: from -> to", with its event, subject (an "id", or an
 * "alias"), from and to as fields. */
static void log_change(const srv_server_t *s, const char *event,
                       const char *key, const char *subject, const char *from,
                       const char *to, const char *what) {
  const char *const fields[] = {"event", event, key,  subject,
                                "from",  from,  "to", to};
  srv_log_fields(s, ANTHROPIC_LOG_INFO, "watch", fields, 4, "%s: %s: %s -> %s",
                 what, subject, from != NULL ? from : "none",
                 to != NULL ? to : "none");
}

static void on_lifecycle_changed(srv_server_t *s,
                                 const anthropic_watch_event_t *ev) {
  const char *to = lifecycle_of(ev->model);
  const char *what =
      ev->model->lifecycle_value == ANTHROPIC_LIFECYCLE_DEPRECATED
          ? "model deprecated"
      : ev->model->lifecycle_value == ANTHROPIC_LIFECYCLE_RETIRED
          ? "model retired"
          : "model lifecycle changed";
  count_model(&s->lifecycles, ev->previous, -1);
  count_model(&s->lifecycles, ev->model, +1);
  log_change(s, "lifecycle_changed", "id", ev->model->id,
             lifecycle_of(ev->previous), to, what);
}

static void on_snapshot(srv_server_t *s, const anthropic_watch_event_t *ev) {
  srv_lifecycles_t *l = &s->lifecycles;
  const char *const fields[] = {"event", "snapshot"};
  memset(l->models, 0, sizeof l->models);
  for (size_t i = 0; i < ev->count; i++)
    count_model(l, ev->models[i], +1);
  for (size_t i = 0; i < ev->aliases_count; i++)
    served_alias_moved(l, ev->aliases[i], ev->alias_models[i]);
  l->snapshot = true;
  srv_log_fields(s, ANTHROPIC_LOG_INFO, "watch", fields, 1,
                 "watching %zu models and %zu aliases", ev->count,
                 ev->aliases_count);
}

static void on_error(srv_server_t *s, const anthropic_watch_event_t *ev) {
  const anthropic_error_t *err = ev->error;
  char status[24];
  const char *const fields[] = {"event",      "error",
                                "alias",      ev->alias,
                                "kind",       anthropic_err_name(err->kind),
                                "request_id", err->response->request_id};
  (void)snprintf(status, sizeof status, "%ld", err->response->status);
  srv_log_fields(s, ANTHROPIC_LOG_WARN, "watch", fields, 4,
                 "watch cycle %llu failed%s%s (%u in a row): %s, status %s: "
                 "%s; next try in %llu ms",
                 (unsigned long long)ev->cycle, ev->alias ? " for " : "",
                 ev->alias ? ev->alias : "", ev->failures,
                 anthropic_err_name(err->kind), status,
                 err->message ? err->message : "-",
                 (unsigned long long)ev->next_ms);
}

static void on_event(const anthropic_watch_event_t *ev, void *data) {
  srv_server_t *s = data;
  srv_lifecycles_t *l = &s->lifecycles;
  const anthropic_model_info_t *m = ev->model, *prev = ev->previous;
  if (ev->kind == ANTHROPIC_WATCH_ALIAS_MOVED && prev == NULL) {
    /* Not a move: an alias newly cached, resolved by the watch from now
     * on (or found to name nothing any more: 404). Not counted. */
    served_alias_moved(l, ev->alias, m);
    srv_log(s, "watch: alias watched: %s -> %s", ev->alias,
            m != NULL ? m->id : "not found");
    return;
  }
  if ((unsigned)ev->kind < SRV_WATCH_KINDS)
    l->events[ev->kind]++;
  switch (ev->kind) {
  case ANTHROPIC_WATCH_SNAPSHOT:
    on_snapshot(s, ev);
    break;
  case ANTHROPIC_WATCH_ADDED:
    count_model(l, m, +1);
    log_change(s, "added", "id", m->id, NULL, lifecycle_of(m), "model added");
    break;
  case ANTHROPIC_WATCH_REMOVED:
    count_model(l, prev, -1);
    served_model_changed(l, prev->id, NULL);
    log_change(s, "removed", "id", prev->id, lifecycle_of(prev), NULL,
               "model removed");
    break;
  case ANTHROPIC_WATCH_LIFECYCLE_CHANGED:
    served_model_changed(l, m->id, m);
    on_lifecycle_changed(s, ev);
    break;
  case ANTHROPIC_WATCH_DEPRECATED_AT_CHANGED:
    served_model_changed(l, m->id, m);
    log_change(s, "deprecated_at_changed", "id", m->id,
               text_of(&prev->deprecated_at), text_of(&m->deprecated_at),
               "model deprecation date changed");
    break;
  case ANTHROPIC_WATCH_RETIRES_AT_CHANGED:
    served_model_changed(l, m->id, m);
    log_change(s, "retires_at_changed", "id", m->id, text_of(&prev->retires_at),
               text_of(&m->retires_at), "model retirement date changed");
    break;
  case ANTHROPIC_WATCH_ALIAS_MOVED:
    served_alias_moved(l, ev->alias, m);
    log_change(s, "alias_moved", "alias", ev->alias, prev->id,
               m != NULL ? m->id : NULL,
               m != NULL ? "alias moved" : "alias gone (404)");
    break;
  case ANTHROPIC_WATCH_ERROR:
    on_error(s, ev);
    break;
  case ANTHROPIC_WATCH_CYCLE:
    /* the list is fresh: also after an alias's ERROR (a failed list is an
     * ERROR only) */
    l->last_ok = (int64_t)time(NULL);
    srv_log(s, "watch cycle %llu: %zu change(s), %zu models%s",
            (unsigned long long)ev->cycle, ev->changes, ev->count,
            ev->not_modified ? ", not modified" : "");
    break;
  default: /* a kind newer than this server */
    break;
  }
}

static void on_watch_done(const anthropic_error_t *err, void *data) {
  srv_server_t *s = data;
  s->lifecycles.watch = 0;
  srv_log(s, "watch ended: %s", anthropic_err_name(err->kind));
}

int srv_watch_start(srv_server_t *s) {
  anthropic_watch_options_t o = ANTHROPIC_WATCH_OPTIONS_INIT;
  if (s->o->watch_interval_ms == 0)
    return 0;
  o.interval_ms = s->o->watch_interval_ms;
  o.flags = ANTHROPIC_WATCH_CACHED_ALIASES;
  s->lifecycles.watch =
      anthropic_models_watch(s->client, &o, on_event, on_watch_done, s);
  if (s->lifecycles.watch == 0) {
    const anthropic_error_t *err = anthropic_client_last_error(s->client);
    srv_log_flush(); /* the lines before it come first */
    (void)fprintf(stderr, PROG ": the watch: %s\n",
                  err != NULL && err->message != NULL ? err->message
                                                      : "could not start");
    return -1;
  }
  return 0;
}

/* Shutdown: no cycle more (its done comes from the loop). */
void srv_watch_stop(srv_server_t *s) {
  if (s->client != NULL && s->lifecycles.watch != 0)
    (void)anthropic_request_cancel(s->client, s->lifecycles.watch);
}

void srv_lifecycles_free(srv_server_t *s) {
  srv_lifecycles_t *l = &s->lifecycles;
  for (srv_served_t *e = l->newest, *older; e != NULL; e = older) {
    older = e->older;
    free(e);
  }
  memset(l->buckets, 0, sizeof l->buckets);
  l->newest = l->oldest = NULL;
  l->served = 0;
}
