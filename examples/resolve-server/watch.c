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
  while (*p != e)
    p = &(*p)->chain;
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

void srv_lifecycles_free(srv_server_t *s) {
  srv_lifecycles_t *l = &s->lifecycles;
  while (l->oldest != NULL)
    drop(l, l->oldest);
}
