/* resolver.c - bulk alias resolution on top of anthropic_models_retrieve:
 * batches of aliases, one request per distinct alias per client (lookups
 * in flight are shared through a per-client table, waiters attached), and
 * an optional bounded cache, which may keep a model past its TTL to
 * stand in for a failed lookup (stale-if-error). Every per-alias callback
 * is delivered from the client's idle handler, never from inside a call:
 * results are copied once into a shared, reference-counted record. */
#include "client.h"

#include <string.h>

#define ANTH_RESOLVE_DEFAULT_LIMIT 64

/* ---- a small chained hash table keyed by strings ---- */
typedef struct anth_hnode {
  struct anth_hnode *hnext;
  uint64_t hash;
  char *key;
} anth_hnode_t;

typedef struct anth_htab {
  anth_hnode_t **b;
  size_t mask, count; /* mask + 1 buckets, a power of two */
} anth_htab_t;

static anth_hnode_t *htab_find(const anth_htab_t *t, const char *key,
                               uint64_t h) {
  if (t->b == NULL)
    return NULL;
  for (anth_hnode_t *n = t->b[h & t->mask]; n != NULL; n = n->hnext)
    if (n->hash == h && strcmp(n->key, key) == 0)
      return n;
  return NULL;
}

/* Grows at a load of 1; a failed growth keeps the old (longer chains). */
static int htab_insert(anth_htab_t *t, anth_hnode_t *n) {
  if (t->b == NULL || t->count > t->mask) {
    size_t nb = t->b == NULL ? 16 : (t->mask + 1) * 2;
    anth_hnode_t **b = anth__calloc(nb, sizeof(anth_hnode_t *));
    if (b == NULL && t->b == NULL)
      return ANTHROPIC_ENOMEM;
    if (b != NULL) {
      for (size_t i = 0; t->b != NULL && i <= t->mask; i++)
        while (t->b[i] != NULL) {
          anth_hnode_t *m = t->b[i];
          t->b[i] = m->hnext;
          m->hnext = b[m->hash & (nb - 1)];
          b[m->hash & (nb - 1)] = m;
        }
      anth__free(t->b);
      t->b = b;
      t->mask = nb - 1;
    }
  }
  n->hnext = t->b[n->hash & t->mask];
  t->b[n->hash & t->mask] = n;
  t->count++;
  return 0;
}

static void htab_remove(anth_htab_t *t, anth_hnode_t *n) {
  for (anth_hnode_t **p = &t->b[n->hash & t->mask]; *p; p = &(*p)->hnext)
    if (*p == n) {
      *p = n->hnext;
      t->count--;
      return;
    }
}

/* ---- one outcome, shared by every waiter and the cache ---- */
typedef struct anth_result {
  int refs; /* < 0: static, never freed */
  anthropic_errkind_t kind;
  long status;
  char *type, *message, *request_id;
  int attempts;
  const anthropic_model_info_t *model; /* on success */
  anthropic_model_info_t *owned;       /* our copy, when `model` is one */
  bool borrowed;                       /* `model` is the transfer's, not ours */
  /* Stale: the error fields say why the lookup failed, and `model` is
   * that of `base`, the cached success it stands in for. */
  bool stale;
  struct anth_result *base;
  uint64_t received; /* loop ms the API gave it; 0: it never did */
} anth_result_t;

static anth_result_t nomem_result = {.refs = -1, .kind = ANTHROPIC_ENOMEM};
static anth_result_t cancelled_result = {.refs = -1,
                                         .kind = ANTHROPIC_ECANCELLED};
static anth_result_t closed_result = {.refs = -1, .kind = ANTHROPIC_ECANCELLED};

static void result_unref(anth_result_t *r) {
  if (r == NULL || r->refs < 0 || --r->refs > 0)
    return;
  result_unref(r->base);
  anth__free(r->type);
  anth__free(r->message);
  anth__free(r->request_id);
  anthropic_model_info_free(r->owned);
  anth__free(r);
}

/* The borrowed model is about to go: whoever still holds `r` (the cache,
 * an open batch's group, a waiter due later) gets a copy. */
static void result_own(anth_result_t *r) {
  if (!r->borrowed)
    return;
  r->borrowed = false;
  if (r->refs <= 1) {
    r->model = NULL;
    return;
  }
  r->model = r->owned = anthropic_model_info_copy(r->model);
  if (r->model == NULL) {
    r->kind = ANTHROPIC_ENOMEM;
    r->message = anth__strdup("out of memory");
  }
}

static anth_result_t *result_ref(anth_result_t *r) {
  if (r->refs >= 0)
    r->refs++;
  return r;
}

/* Copy what the waiters need: the error struct lives only in its
 * callback. A model is only borrowed (`borrowed` set): on_lookup() calls
 * the waiters back while it is valid and copies it only for those who keep
 * it past then. Out of memory: the shared ENOMEM record. */
static anth_result_t *result_new(const anthropic_error_t *err,
                                 const anthropic_model_info_t *model) {
  anth_result_t *r = anth__calloc(1, sizeof *r);
  if (r == NULL)
    return &nomem_result;
  r->refs = 1;
  if (model != NULL) {
    r->model = model; /* borrowed */
    r->borrowed = true;
    return r;
  }
  r->kind = err->kind;
  r->status = err->response->status;
  r->attempts = err->attempts;
  r->message = anth__strdup(err->message);
  r->type = err->type ? anth__strdup(err->type) : NULL;
  const char *rid = err->response->request_id;
  r->request_id = rid ? anth__strdup(rid) : NULL;
  if (r->message == NULL || (err->type && r->type == NULL) ||
      (rid && r->request_id == NULL)) {
    result_unref(r);
    return &nomem_result;
  }
  return r;
}

/* ---- waiters, groups, lookups, batches, the cache ---- */
typedef enum { G_PENDING, G_ATTACHED, G_DONE } gstate_t;

typedef struct anth_lookup anth_lookup_t;
typedef struct anth_batch anth_batch_t;
typedef struct anth_group anth_group_t;

/* One alias added at one index: its callback, once due. */
typedef struct anth_waiter {
  anth_group_t *group;
  size_t index;
  struct anth_waiter *next; /* the group's waiters, or the due list */
  anth_result_t *result;    /* once due */
  bool twin;                /* its group was there before it */
  bool cached, coalesced;   /* once due: anthropic_resolve_info_t's */
} anth_waiter_t;

/* The indexes of one batch that name the same alias: one lookup serves
 * them all, and once done its result serves those added later too. */
struct anth_group {
  anth_hnode_t node; /* first: the batch's table holds &node */
  anth_batch_t *batch;
  gstate_t state;
  anth_lookup_t *lookup;            /* G_ATTACHED */
  struct anth_group *lprev, *lnext; /* the lookup's groups */
  struct anth_group *pnext;         /* the batch's pending FIFO */
  anth_waiter_t *waiters;           /* not yet due */
  anth_result_t *result;            /* G_DONE */
  bool cached;                      /* done from a cache hit */
  bool joined; /* attached to a lookup another group started */
};

struct anth_lookup {
  anth_hnode_t node; /* first: the client's table holds &node */
  anthropic_client_t *client;
  anthropic_request_id_t id;
  anth_batch_t *owner; /* counts against its limit; NULL once it left */
  anth_group_t *groups;
  bool in_table;
};

struct anth_batch {
  anthropic_resolve_id_t id;
  anthropic_client_t *client;
  anthropic_resolve_cb cb;
  anthropic_resolve_done_cb done;
  void *data;
  const anthropic_models_retrieve_params_t *params;
  size_t limit, started; /* lookups it started that are in flight */
  size_t added, delivered;
  size_t undue; /* waiters whose callback is not yet due */
  bool ended;
  anth_htab_t groups;
  anth_group_t *pend_head, *pend_tail;
  struct anth_batch *prev, *next;
};

/* Its age is its result's: the settings in force when it is read decide
 * whether it is fresh, only kept for errors, or gone. */
typedef struct anth_centry {
  anth_hnode_t node;
  anth_result_t *result;           /* a model, or a 404 */
  struct anth_centry *prev, *next; /* oldest first */
} anth_centry_t;

struct anth_resolver {
  anth_htab_t lookups, cache;
  anth_centry_t *c_head, *c_tail;
  size_t cache_max;
  uint64_t ttl_ms, not_found_ttl_ms, stale_ms;
  anthropic_resolve_stats_t stats; /* `entries` read from the table */
  const anth_waiter_t *current;    /* whose callback runs */
  const anthropic_error_t *current_err;
  anth_batch_t *batches;
  anthropic_resolve_id_t next_id;
  anth_waiter_t *due_head, *due_tail;
  size_t due_count, due_peak; /* waiters due, not yet called (tests) */
};

static anth_resolver_t *resolver_get(anthropic_client_t *c) {
  if (c->resolver == NULL)
    c->resolver = anth__calloc(1, sizeof *c->resolver);
  return c->resolver;
}

static void centry_free(anth_resolver_t *rs, anth_centry_t *e) {
  htab_remove(&rs->cache, &e->node);
  if (e->prev)
    e->prev->next = e->next;
  else
    rs->c_head = e->next;
  if (e->next)
    e->next->prev = e->prev;
  else
    rs->c_tail = e->prev;
  result_unref(e->result);
  anth__free(e->node.key);
  anth__free(e);
}

static uint64_t fresh_ms(const anth_resolver_t *rs, const anth_result_t *r) {
  return r->model ? rs->ttl_ms : rs->not_found_ttl_ms;
}

/* How long an entry is kept: a model also for the stale window. */
static uint64_t keep_ms(const anth_resolver_t *rs, const anth_result_t *r) {
  uint64_t ttl = fresh_ms(rs, r);
  if (r->model == NULL)
    return ttl;
  return rs->stale_ms > UINT64_MAX - ttl ? UINT64_MAX : ttl + rs->stale_ms;
}

static uint64_t age_ms(const anthropic_client_t *c, const anth_result_t *r) {
  uint64_t now = anth__loop_now_ms(c);
  return r->received == 0 || now < r->received ? 0 : now - r->received;
}

/* The entry for `alias`, or NULL; one past its keeping is dropped. */
static anth_centry_t *cache_find(anthropic_client_t *c, const char *alias,
                                 uint64_t h) {
  anth_resolver_t *rs = c->resolver;
  anth_centry_t *e = (anth_centry_t *)htab_find(&rs->cache, alias, h);
  if (e != NULL && age_ms(c, e->result) >= keep_ms(rs, e->result)) {
    centry_free(rs, e);
    return NULL;
  }
  return e;
}

/* A fresh cached result for `alias`, or NULL. One past its TTL but kept
 * for errors stays: its lookup may fail. */
static anth_result_t *cache_get(anthropic_client_t *c, const char *alias,
                                uint64_t h) {
  anth_centry_t *e = cache_find(c, alias, h);
  if (e == NULL || age_ms(c, e->result) >= fresh_ms(c->resolver, e->result))
    return NULL;
  return e->result;
}

/* The lookup of `alias` failed with `r`: when the API (or the way to it)
 * failed for now, and a model is kept for errors, `r` takes that model. */
static void stale_if_error(anthropic_client_t *c, const char *alias, uint64_t h,
                           anth_result_t *r) {
  bool transient =
      r->kind == ANTHROPIC_ECONNECTION || r->kind == ANTHROPIC_ETIMEDOUT ||
      (r->kind == ANTHROPIC_EHTTP && (r->status == 429 || r->status >= 500));
  if (r->refs < 0 || !transient || c->resolver->stale_ms == 0)
    return;
  anth_centry_t *e = cache_find(c, alias, h);
  if (e == NULL || e->result->model == NULL)
    return;
  r->stale = true;
  r->base = result_ref(e->result);
  r->model = e->result->model; /* owned by `base`: a copy, by now */
  r->received = e->result->received;
}

/* Keep a success for ttl_ms (and the stale window), a 404 for
 * not_found_ttl_ms; at max entries the oldest goes first. A 404 drops
 * the model kept: it is gone, never to be served stale. Any other error
 * leaves the entry. Failing to allocate just does not cache. */
static void cache_put(anthropic_client_t *c, const char *alias, uint64_t h,
                      anth_result_t *r) {
  anth_resolver_t *rs = c->resolver;
  if (r->refs < 0 || r->stale || (r->model == NULL && r->status != 404))
    return;
  anth_centry_t *old = (anth_centry_t *)htab_find(&rs->cache, alias, h);
  if (old != NULL)
    centry_free(rs, old);
  if (rs->cache_max == 0 || keep_ms(rs, r) == 0)
    return;
  while (rs->cache.count >= rs->cache_max && rs->c_head != NULL)
    centry_free(rs, rs->c_head);
  anth_centry_t *e = anth__calloc(1, sizeof *e);
  char *key = anth__strdup(alias);
  if (e == NULL || key == NULL) {
    anth__free(e);
    anth__free(key);
    return;
  }
  e->node.key = key;
  e->node.hash = h;
  if (htab_insert(&rs->cache, &e->node) != 0) {
    anth__free(e);
    anth__free(key);
    return;
  }
  e->result = result_ref(r);
  e->prev = rs->c_tail;
  if (rs->c_tail)
    rs->c_tail->next = e;
  else
    rs->c_head = e;
  rs->c_tail = e;
}

static void waiter_due(anthropic_client_t *c, anth_waiter_t *w,
                       anth_result_t *r) {
  anth_resolver_t *rs = c->resolver;
  anth_group_t *g = w->group;
  g->batch->undue--;
  w->result = result_ref(r);
  w->cached = g->cached;
  /* A cancel or a refusal answers it, not the lookup it waited for. */
  w->coalesced = !g->cached && (g->joined || w->twin) && r->refs >= 0;
  w->next = NULL;
  if (++rs->due_count > rs->due_peak)
    rs->due_peak = rs->due_count;
  if (rs->due_tail)
    rs->due_tail->next = w;
  else
    rs->due_head = w;
  rs->due_tail = w;
  anth__engine_defer(c);
}

/* The group's outcome is known: its waiters are due, and so is any index
 * added with the same alias later. A batch that takes no more aliases
 * keeps no copy: a model is several KB, and a batch may have a million. */
static void group_done(anthropic_client_t *c, anth_group_t *g,
                       anth_result_t *r) {
  g->state = G_DONE;
  g->result = g->batch->ended ? NULL : result_ref(r);
  while (g->waiters != NULL) {
    anth_waiter_t *w = g->waiters;
    g->waiters = w->next;
    waiter_due(c, w, r);
  }
}

static void lookup_attach(anth_lookup_t *l, anth_group_t *g) {
  g->state = G_ATTACHED;
  g->lookup = l;
  g->lprev = NULL;
  g->lnext = l->groups;
  if (l->groups)
    l->groups->lprev = g;
  l->groups = g;
}

static void lookup_detach(anth_group_t *g) {
  anth_lookup_t *l = g->lookup;
  if (g->lprev)
    g->lprev->lnext = g->lnext;
  else
    l->groups = g->lnext;
  if (g->lnext)
    g->lnext->lprev = g->lprev;
  g->lookup = NULL;
}

static void pump(anth_batch_t *b);

/* The retrieve of a lookup ended: share its outcome with every group,
 * and call the waiters back now, from this callback (so from the loop),
 * while the model is valid: no copy unless someone keeps it. */
static void on_lookup(const anthropic_error_t *err,
                      const anthropic_model_info_t *model, void *data) {
  anth_lookup_t *l = data;
  anthropic_client_t *c = l->client;
  anth_resolver_t *rs = c->resolver;
  anth_result_t *r = NULL;
  if (l->in_table)
    htab_remove(&rs->lookups, &l->node);
  anth_batch_t *owner = l->owner;
  if (owner != NULL)
    owner->started--;
  if (l->groups != NULL) {
    r = result_new(err, model);
    if (r->refs >= 0)
      r->received = anth__loop_now_ms(c);
    if (model == NULL)
      stale_if_error(c, l->node.key, l->node.hash, r);
    cache_put(c, l->node.key, l->node.hash, r);
    while (l->groups != NULL) {
      anth_group_t *g = l->groups;
      lookup_detach(g);
      group_done(c, g, r);
    }
  }
  anth__free(l->node.key);
  anth__free(l);
  if (owner != NULL)
    pump(owner); /* before any callback: `done` may free its batch */
  if (r != NULL) {
    anth__resolve_run_due(c);
    result_own(r);
    result_unref(r);
  }
}

/* The error of a call that refused to start a lookup, for its group. */
static anth_result_t *start_error(anthropic_client_t *c) {
  if (c->closing)
    return &closed_result;
  return result_new(anthropic_client_last_error(c), NULL);
}

/* Start a lookup for group `g` of `b`; when that fails, `g` is done with
 * the reason. */
static void lookup_start(anth_batch_t *b, anth_group_t *g) {
  anthropic_client_t *c = b->client;
  anth_resolver_t *rs = c->resolver;
  anth_lookup_t *l = anth__calloc(1, sizeof *l);
  char *key = anth__strdup(g->node.key);
  if (l == NULL || key == NULL || c->closing) {
    anth__free(l);
    anth__free(key);
    group_done(c, g, c->closing ? &closed_result : &nomem_result);
    return;
  }
  l->node.key = key;
  l->node.hash = g->node.hash;
  l->client = c;
  l->id = anthropic_models_retrieve(c, key, b->params, on_lookup, l);
  if (l->id == 0) {
    anth_result_t *r = start_error(c);
    group_done(c, g, r);
    result_unref(r);
    anth__free(key);
    anth__free(l);
    return;
  }
  if (htab_insert(&rs->lookups, &l->node) != 0) {
    /* Out of memory: a lookup nobody can find could not be cancelled
     * with its batch. Its callback frees it. */
    (void)anthropic_request_cancel(c, l->id);
    group_done(c, g, &nomem_result);
    return;
  }
  l->in_table = true;
  l->owner = b;
  b->started++;
  rs->stats.lookups++;
  lookup_attach(l, g);
}

/* Attach each pending group to a lookup in flight or the cache, or start
 * a lookup while the batch is under its limit. Never calls back. */
static void pump(anth_batch_t *b) {
  anthropic_client_t *c = b->client;
  anth_resolver_t *rs = c->resolver;
  while (b->pend_head != NULL) {
    anth_group_t *g = b->pend_head;
    const char *alias = g->node.key;
    uint64_t h = g->node.hash;
    anth_lookup_t *l = (anth_lookup_t *)htab_find(&rs->lookups, alias, h);
    anth_result_t *hit = l ? NULL : cache_get(c, alias, h);
    if (l == NULL && hit == NULL && b->started >= b->limit)
      return;
    b->pend_head = g->pnext;
    if (b->pend_head == NULL)
      b->pend_tail = NULL;
    g->joined = l != NULL;
    g->cached = hit != NULL;
    if (l != NULL)
      lookup_attach(l, g);
    else if (hit != NULL)
      group_done(c, g, hit);
    else
      lookup_start(b, g);
  }
}

static anth_batch_t *batch_find(anthropic_client_t *c,
                                anthropic_resolve_id_t id) {
  if (c == NULL || c->resolver == NULL || anth__in_alloc)
    return NULL;
  for (anth_batch_t *b = c->resolver->batches; b != NULL; b = b->next)
    if (b->id == id)
      return b;
  return NULL;
}

/* Every waiter of `b` not yet due becomes due with `r`; a lookup left
 * with no group is cancelled. */
static void batch_cancel(anth_batch_t *b, anth_result_t *r) {
  anthropic_client_t *c = b->client;
  b->ended = true;
  for (size_t i = 0; b->groups.b != NULL && i <= b->groups.mask; i++)
    for (anth_hnode_t *n = b->groups.b[i]; n != NULL; n = n->hnext) {
      anth_group_t *g = (anth_group_t *)n;
      anth_lookup_t *l = g->lookup;
      if (g->state == G_DONE)
        continue;
      if (g->state == G_ATTACHED) {
        lookup_detach(g);
        if (l->owner == b) {
          l->owner = NULL;
          b->started--;
        }
        if (l->groups == NULL) {
          htab_remove(&c->resolver->lookups, &l->node);
          l->in_table = false;
          (void)anthropic_request_cancel(c, l->id); /* its callback frees it */
        }
      }
      group_done(c, g, r);
    }
  b->pend_head = b->pend_tail = NULL;
}

static void batch_free(anth_batch_t *b) {
  for (size_t i = 0; b->groups.b != NULL && i <= b->groups.mask; i++)
    while (b->groups.b[i] != NULL) {
      anth_group_t *g = (anth_group_t *)b->groups.b[i];
      b->groups.b[i] = g->node.hnext;
      result_unref(g->result);
      anth__free(g->node.key);
      anth__free(g);
    }
  anth__free(b->groups.b);
  anth__free(b);
}

/* ---- the client's hooks ---- */
bool anth__resolve_pending(const anthropic_client_t *c) {
  const anth_resolver_t *rs = c->resolver;
  if (rs == NULL)
    return false;
  if (rs->due_head != NULL)
    return true;
  for (const anth_batch_t *b = rs->batches; b != NULL; b = b->next)
    if (b->ended && b->delivered == b->added)
      return true;
  return false;
}

static void batch_complete_all(anth_resolver_t *rs) {
  anth_batch_t *b = rs->batches;
  while (b != NULL) {
    if (!(b->ended && b->delivered == b->added)) {
      b = b->next;
      continue;
    }
    if (b->prev)
      b->prev->next = b->next;
    else
      rs->batches = b->next;
    if (b->next)
      b->next->prev = b->prev;
    anthropic_resolve_done_cb done = b->done;
    anthropic_resolve_id_t id = b->id;
    void *data = b->data;
    batch_free(b);
    if (done)
      done(id, data);
    b = rs->batches; /* the callback may have changed the list */
  }
}

void anth__resolve_run_due(anthropic_client_t *c) {
  anth_resolver_t *rs = c->resolver;
  if (rs == NULL)
    return;
  anth_waiter_t *w = rs->due_head;
  rs->due_head = rs->due_tail = NULL;
  rs->due_count = 0;
  while (w != NULL) {
    anth_waiter_t *next = w->next;
    anth_result_t *r = w->result;
    anth_batch_t *b = w->group->batch;
    anthropic_response_t resp = {r->status, r->request_id, -1, -1, NULL};
    anthropic_error_t err = {r->kind, r->type,
                             r->message            ? r->message
                             : r == &closed_result ? "client closed"
                             : r == &cancelled_result
                                 ? "resolve cancelled"
                                 : anthropic_strerror(r->kind),
                             r->attempts, &resp};
    b->delivered++;
    if (b->cb != NULL) { /* NULL: a call that failed, whose batch never ran */
      rs->stats.hits += w->cached;
      rs->stats.misses += !w->cached;
      rs->stats.coalesced += w->coalesced;
      rs->stats.stale += r->stale;
      const anth_waiter_t *outer = rs->current;
      const anthropic_error_t *outer_err = rs->current_err;
      rs->current = w;
      rs->current_err = &err;
      b->cb(r->model ? NULL : &err, r->model, w->group->node.key, w->index,
            b->data);
      rs->current = outer;
      rs->current_err = outer_err;
    }
    result_unref(r);
    anth__free(w);
    w = next;
  }
  batch_complete_all(rs);
}

void anth__resolve_close(anthropic_client_t *c) {
  anth_resolver_t *rs = c->resolver;
  if (rs == NULL)
    return;
  for (anth_batch_t *b = rs->batches; b != NULL; b = b->next)
    batch_cancel(b, &closed_result);
}

void anth__resolve_free(anthropic_client_t *c) {
  anth_resolver_t *rs = c->resolver;
  if (rs == NULL)
    return;
  while (rs->c_head != NULL)
    centry_free(rs, rs->c_head);
  anth__free(rs->cache.b);
  anth__free(rs->lookups.b);
  anth__free(rs);
  c->resolver = NULL;
}

void anth__resolve_cache_put(anthropic_client_t *c, const char *alias,
                             const anthropic_model_info_t *model) {
  anth_resolver_t *rs = c->resolver;
  if (rs == NULL || rs->cache_max == 0 || model == NULL)
    return;
  anth_result_t *r = anth__calloc(1, sizeof *r);
  if (r == NULL)
    return;
  r->refs = 1;
  r->model = r->owned = anthropic_model_info_copy(model);
  r->received = anth__loop_now_ms(c);
  if (r->model != NULL)
    cache_put(c, alias, anth__str_hash(alias), r);
  result_unref(r);
}

void anth__resolve_cache_drop(anthropic_client_t *c, const char *alias) {
  anth_resolver_t *rs = c->resolver;
  if (rs == NULL)
    return;
  anth_centry_t *e =
      (anth_centry_t *)htab_find(&rs->cache, alias, anth__str_hash(alias));
  if (e != NULL)
    centry_free(rs, e);
}

void anth__resolve_cache_scan(anthropic_client_t *c, anth_cache_fn fn,
                              void *ctx, bool drop) {
  anth_resolver_t *rs = c->resolver;
  if (rs == NULL)
    return;
  anth_centry_t *e = rs->c_head;
  while (e != NULL) {
    anth_centry_t *next = e->next;
    if (fn(ctx, e->node.key, e->result->model) && drop)
      centry_free(rs, e);
    e = next;
  }
}

size_t anth__resolve_due_peak(const anthropic_client_t *c) {
  return c->resolver != NULL ? c->resolver->due_peak : 0;
}

size_t anth__resolve_results_held(const anthropic_client_t *c) {
  size_t n = 0;
  if (c->resolver == NULL)
    return 0;
  for (const anth_batch_t *b = c->resolver->batches; b != NULL; b = b->next)
    for (size_t i = 0; b->groups.b != NULL && i <= b->groups.mask; i++)
      for (const anth_hnode_t *h = b->groups.b[i]; h != NULL; h = h->hnext)
        n += ((const anth_group_t *)h)->result != NULL;
  return n;
}

/* ---- the public calls ---- */
int anthropic_resolve_cache_set(anthropic_client_t *c,
                                const anthropic_resolve_cache_options_t *opts) {
  if (c == NULL || c->closing || anth__in_alloc)
    return ANTHROPIC_EINVAL;
  anthropic_resolve_cache_options_t o = ANTHROPIC_RESOLVE_CACHE_OPTIONS_INIT;
  char msg[ANTH_ERRMSG_MAX] = "";
  if (opts != NULL && anth__opts_take(&o, sizeof o, opts, "cache options", msg,
                                      sizeof msg) != 0) {
    anth__set_last_error(c, ANTHROPIC_EINVAL, msg);
    return ANTHROPIC_EINVAL;
  }
  anth_resolver_t *rs = resolver_get(c);
  if (rs == NULL)
    return ANTHROPIC_ENOMEM;
  rs->cache_max = o.max_entries;
  rs->ttl_ms = o.ttl_ms;
  rs->not_found_ttl_ms = o.not_found_ttl_ms;
  rs->stale_ms = o.stale_if_error_ms;
  while (rs->cache.count > o.max_entries && rs->c_head != NULL)
    centry_free(rs, rs->c_head);
  return 0;
}

int anthropic_resolve_cache(anthropic_client_t *c, size_t max_entries,
                            uint64_t ttl_ms, uint64_t not_found_ttl_ms) {
  anthropic_resolve_cache_options_t o = ANTHROPIC_RESOLVE_CACHE_OPTIONS_INIT;
  o.max_entries = max_entries;
  o.ttl_ms = ttl_ms;
  o.not_found_ttl_ms = not_found_ttl_ms;
  return anthropic_resolve_cache_set(c, &o);
}

int anthropic_resolve_get_info(const anthropic_client_t *c,
                               anthropic_resolve_info_t *info) {
  if (c == NULL || info == NULL || c->resolver == NULL ||
      c->resolver->current == NULL)
    return ANTHROPIC_EINVAL;
  const anth_waiter_t *w = c->resolver->current;
  const anth_result_t *r = w->result;
  anthropic_resolve_info_t in = ANTHROPIC_RESOLVE_INFO_INIT;
  in.cached = w->cached;
  in.coalesced = w->coalesced;
  in.stale = r->stale;
  in.age_ms = age_ms(c, r);
  in.stale_error = r->stale ? c->resolver->current_err : NULL;
  return anth__opts_give(info, &in, sizeof in);
}

int anthropic_resolve_get_stats(const anthropic_client_t *c,
                                anthropic_resolve_stats_t *stats) {
  if (c == NULL || stats == NULL)
    return ANTHROPIC_EINVAL;
  anthropic_resolve_stats_t st = ANTHROPIC_RESOLVE_STATS_INIT;
  if (c->resolver != NULL) {
    st = c->resolver->stats;
    st.size = sizeof st;
    st.entries = c->resolver->cache.count;
  }
  return anth__opts_give(stats, &st, sizeof st);
}

anthropic_resolve_id_t anthropic_resolve_start(
    anthropic_client_t *c, const anthropic_resolve_options_t *opts,
    anthropic_resolve_cb cb, anthropic_resolve_done_cb done, void *data) {
  if (c == NULL || !anth__req_usable(c, cb != NULL && done != NULL))
    return 0;
  anthropic_resolve_options_t o = ANTHROPIC_RESOLVE_OPTIONS_INIT;
  char msg[ANTH_ERRMSG_MAX] = "";
  if (opts != NULL &&
      anth__opts_take(&o, sizeof o, opts, "options", msg, sizeof msg) != 0) {
    anth__set_last_error(c, ANTHROPIC_EINVAL, msg);
    return 0;
  }
  anth_resolver_t *rs = resolver_get(c);
  anth_batch_t *b = rs ? anth__calloc(1, sizeof *b) : NULL;
  if (b == NULL) {
    anth__set_last_error(c, ANTHROPIC_ENOMEM, "out of memory");
    return 0;
  }
  b->id = ++rs->next_id;
  b->client = c;
  b->cb = cb;
  b->done = done;
  b->data = data;
  b->limit = ANTH_RESOLVE_DEFAULT_LIMIT;
  if (o.concurrency > 0)
    b->limit = o.concurrency;
  b->params = o.params;
  b->next = rs->batches;
  if (rs->batches)
    rs->batches->prev = b;
  rs->batches = b;
  return b->id;
}

int anthropic_resolve_add(anthropic_client_t *c, anthropic_resolve_id_t id,
                          const char *alias) {
  anth_batch_t *b = batch_find(c, id);
  if (b == NULL || b->ended || c->closing || alias == NULL)
    return ANTHROPIC_EINVAL;
  char msg[ANTH_ERRMSG_MAX];
  if (anth__model_id_check(alias, msg, sizeof msg) != 0) {
    anth__set_last_error(c, ANTHROPIC_EINVAL, msg);
    return ANTHROPIC_EINVAL;
  }
  uint64_t h = anth__str_hash(alias);
  anth_group_t *g = (anth_group_t *)htab_find(&b->groups, alias, h);
  bool twin = g != NULL;
  anth_waiter_t *w = anth__calloc(1, sizeof *w);
  if (g == NULL && w != NULL) {
    g = anth__calloc(1, sizeof *g);
    char *key = anth__strdup(alias);
    if (g != NULL && key != NULL) {
      g->node.key = key;
      g->node.hash = h;
    }
    if (g == NULL || key == NULL || htab_insert(&b->groups, &g->node) != 0) {
      anth__free(g);
      anth__free(key);
      g = NULL;
    } else {
      g->batch = b;
      g->state = G_PENDING;
      if (b->pend_tail)
        b->pend_tail->pnext = g;
      else
        b->pend_head = g;
      b->pend_tail = g;
    }
  }
  if (w == NULL || g == NULL) {
    anth__free(w);
    anth__set_last_error(c, ANTHROPIC_ENOMEM, "out of memory");
    return ANTHROPIC_ENOMEM;
  }
  w->twin = twin;
  w->group = g;
  w->index = b->added++;
  b->undue++;
  if (g->state == G_DONE) {
    waiter_due(c, w, g->result); /* a twin already has its answer */
    return 0;
  }
  w->next = g->waiters;
  g->waiters = w;
  pump(b);
  return 0;
}

int anthropic_resolve_end(anthropic_client_t *c, anthropic_resolve_id_t id) {
  anth_batch_t *b = batch_find(c, id);
  if (b == NULL || b->ended)
    return ANTHROPIC_EINVAL;
  b->ended = true;
  /* No twin can come now: the answers kept for them can go. */
  for (size_t i = 0; b->groups.b != NULL && i <= b->groups.mask; i++)
    for (anth_hnode_t *n = b->groups.b[i]; n != NULL; n = n->hnext) {
      anth_group_t *g = (anth_group_t *)n;
      result_unref(g->result);
      g->result = NULL;
    }
  if (b->delivered == b->added)
    anth__engine_defer(c); /* `done` runs from the loop */
  return 0;
}

int anthropic_resolve_cancel(anthropic_client_t *c, anthropic_resolve_id_t id) {
  anth_batch_t *b = batch_find(c, id);
  if (b == NULL)
    return ANTHROPIC_EINVAL;
  if (b->ended && b->undue == 0)
    return ANTHROPIC_EINVAL; /* every callback is already due */
  batch_cancel(b, &cancelled_result);
  anth__engine_defer(c);
  return 0;
}

anthropic_resolve_id_t
anthropic_resolve(anthropic_client_t *c, const char *const *aliases, size_t n,
                  const anthropic_resolve_options_t *opts,
                  anthropic_resolve_cb cb, anthropic_resolve_done_cb done,
                  void *data) {
  char msg[ANTH_ERRMSG_MAX];
  if (c == NULL || (n > 0 && aliases == NULL))
    return 0;
  for (size_t i = 0; i < n; i++)
    if (aliases[i] == NULL ||
        anth__model_id_check(aliases[i], msg, sizeof msg) != 0) {
      anth__set_last_error(c, ANTHROPIC_EINVAL,
                           aliases[i] ? msg : "alias: NULL");
      return 0;
    }
  anthropic_resolve_id_t id = anthropic_resolve_start(c, opts, cb, done, data);
  if (id == 0)
    return 0;
  for (size_t i = 0; i < n; i++)
    if (anthropic_resolve_add(c, id, aliases[i]) != 0) {
      /* Out of memory: those added end as cancelled; none ran yet. */
      anth__set_last_error(c, ANTHROPIC_ENOMEM, "out of memory");
      anth_batch_t *b = batch_find(c, id);
      batch_cancel(b, &cancelled_result);
      b->cb = NULL;
      b->done = NULL;
      anth__engine_defer(c); /* frees it from the loop, silently */
      return 0;
    }
  (void)anthropic_resolve_end(c, id);
  return id;
}
