/* watch.c - anthropic_models_watch: every interval, walk the whole list
 * (each page asked conditionally when it had an ETag) and resolve the
 * aliases watched, compare with the last state seen and call back with
 * what changed. A watch is one id of the client's table (an anth_ext_t):
 * its page fetches and alias lookups are requests of their own, which it
 * starts and cancels. Memory is the last state (one copy of each model
 * listed, the pages that hold them, each alias's model) and, while a
 * cycle runs, the next one. */
#include "client.h"

#include <stddef.h>
#include <string.h>

#define WATCH_DEFAULT_INTERVAL_MS 600000u
#define WATCH_DEFAULT_BACKOFF_MS 1000u
#define WATCH_LOOKUPS 16 /* alias lookups in flight at once */
#define WATCH_PAGE_LIMIT 1000
/* An ETag longer than this is not kept (nor sent back): servers' are
 * tens of bytes, and a page's is held for as long as the state. */
#define WATCH_ETAG_MAX 512
#define WATCH_DEFAULT_MAX_MODELS 100000u

/* ---- a model kept: shared by the state, its pages and the next state
 * (an unchanged page, 304, hands the same ones over) ---- */
typedef struct wm {
  int refs;
  anthropic_model_info_t *info;
} wm_t;

static void wm_unref(wm_t *m) {
  if (m != NULL && --m->refs == 0) {
    anthropic_model_info_free(m->info);
    anth__free(m);
  }
}

/* ---- a table of pointers by string key (open addressing, at most half
 * full): the key is read from the value by `key` ---- */
typedef struct wtab {
  void **slots;
  size_t cap, used;
  const char *(*key)(const void *v);
} wtab_t;

static void *wtab_find(const wtab_t *t, const char *key) {
  if (t->cap == 0 || key == NULL)
    return NULL;
  for (size_t i = anth__str_hash(key) & (t->cap - 1);;
       i = (i + 1) & (t->cap - 1)) {
    void *v = t->slots[i];
    if (v == NULL)
      return NULL;
    if (strcmp(t->key(v), key) == 0)
      return v;
  }
}

static void wtab_put(wtab_t *t, void *v) {
  size_t i = anth__str_hash(t->key(v)) & (t->cap - 1);
  while (t->slots[i] != NULL)
    i = (i + 1) & (t->cap - 1);
  t->slots[i] = v;
  t->used++;
}

/* Add `v` unless its key is there: 0, 1 (there already), or ENOMEM. */
static int wtab_add(wtab_t *t, void *v) {
  if (wtab_find(t, t->key(v)) != NULL)
    return 1;
  if ((t->used + 1) * 2 > t->cap) {
    size_t cap = t->cap ? t->cap * 2 : 16;
    wtab_t n = {anth__calloc(cap, sizeof(void *)), cap, 0, t->key};
    if (n.slots == NULL)
      return ANTHROPIC_ENOMEM;
    for (size_t i = 0; i < t->cap; i++)
      if (t->slots[i] != NULL)
        wtab_put(&n, t->slots[i]);
    anth__free(t->slots);
    *t = n;
  }
  wtab_put(t, v);
  return 0;
}

static void wtab_free(wtab_t *t) {
  anth__free(t->slots);
  t->slots = NULL;
  t->cap = t->used = 0;
}

static const char *wm_key(const void *v) {
  return ((const wm_t *)v)->info->id;
}

/* ---- a page as the last cycle saw it ---- */
typedef struct wpage {
  char *cursor; /* the after_id it was asked with; "" for the first */
  char *etag;   /* NULL: none (asked unconditionally next time) */
  char *next;   /* the cursor after it; NULL: the last page */
  wm_t **items; /* a reference each */
  size_t count;
} wpage_t;

static const char *wpage_key(const void *v) {
  return ((const wpage_t *)v)->cursor;
}

static void wpage_free(wpage_t *p) {
  if (p == NULL)
    return;
  for (size_t i = 0; i < p->count; i++)
    wm_unref(p->items[i]);
  anth__free(p->items);
  anth__free(p->cursor);
  anth__free(p->etag);
  anth__free(p->next);
  anth__free(p);
}

/* ---- one state: the models (list order, and by id) and the pages ---- */
typedef struct wstate {
  wm_t **order; /* a reference each; newest first, as listed */
  size_t count, cap;
  wtab_t by_id; /* the same, by id (no reference) */
  wpage_t **pages;
  size_t npages, pages_cap;
  wtab_t by_cursor; /* the same pages, by cursor */
} wstate_t;

static void wstate_free(wstate_t *s) {
  for (size_t i = 0; i < s->count; i++)
    wm_unref(s->order[i]);
  for (size_t i = 0; i < s->npages; i++)
    wpage_free(s->pages[i]);
  anth__free(s->order);
  anth__free(s->pages);
  wtab_free(&s->by_id);
  wtab_free(&s->by_cursor);
  memset(s, 0, sizeof *s);
  s->by_id.key = wm_key;
  s->by_cursor.key = wpage_key;
}

static void wstate_init(wstate_t *s) {
  memset(s, 0, sizeof *s);
  s->by_id.key = wm_key;
  s->by_cursor.key = wpage_key;
}

/* Grow an array of pointers to hold one more: 0 or ENOMEM. */
static int grow(void *arr, size_t n, size_t *cap) {
  void ***a = arr;
  if (n < *cap)
    return 0;
  size_t nc = *cap ? *cap * 2 : 16;
  void **g = anth__realloc(*a, nc * sizeof(void *));
  if (g == NULL)
    return ANTHROPIC_ENOMEM;
  *a = g;
  *cap = nc;
  return 0;
}

/* Model `m` listed this cycle (a duplicate id is listed once). */
static int wstate_add_model(wstate_t *s, wm_t *m) {
  if (wtab_find(&s->by_id, m->info->id) != NULL)
    return 0;
  if (grow(&s->order, s->count, &s->cap) != 0 ||
      wtab_add(&s->by_id, m) == ANTHROPIC_ENOMEM)
    return ANTHROPIC_ENOMEM;
  m->refs++;
  s->order[s->count++] = m;
  return 0;
}

/* ---- aliases ---- */
typedef struct walias {
  char *name;
  anthropic_model_info_t *model; /* the state's answer; NULL: 404 */
  char *etag;                    /* model's ETag, for If-None-Match; or NULL */
  bool known;                    /* the state has an answer */
  /* This cycle's: `unchanged`, a 304 (got, fresh NULL: model stands). */
  bool in_cycle, asked, got, unchanged;
  char *fresh_etag; /* fresh's ETag */
  /* Named by the caller (options, anthropic_models_watch_alias()), else
   * watched only while the resolve cache holds it (CACHED_ALIASES);
   * `seen`: in the cache at this cycle's scan. */
  bool named, seen;
  anthropic_model_info_t *fresh; /* NULL with got: 404 */
} walias_t;

static const char *walias_key(const void *v) {
  return ((const walias_t *)v)->name;
}

typedef struct anth_watch watch_t;

/* One alias lookup in flight: its callback's data. */
typedef struct wlookup {
  watch_t *w;
  walias_t *alias;
  anthropic_request_id_t id;
  struct wlookup *prev, *next;
} wlookup_t;

typedef enum { W_IDLE, W_LIST, W_ALIASES } wphase_t;

struct anth_watch {
  anth_timer_t timer; /* first: the cycle's timer is its own uv handle */
  anth_ext_t ext;
  anthropic_client_t *client;
  anthropic_request_id_t id;
  struct anth_watch *prev, *next; /* the client's watches */
  anthropic_watch_cb cb;
  anthropic_watch_done_cb done;
  void *data;

  /* Options, copied. */
  uint64_t interval_ms, backoff_ms, max_backoff_ms;
  size_t max_models; /* a cycle's list past it fails */
  char **lifecycle;
  size_t lifecycle_count;
  char **ro_headers, **ro_query, **ro_betas, *ro_workspace;
  anthropic_request_options_t ropts;

  /* The last state, and the aliases watched. */
  wstate_t st;
  walias_t **aliases;
  size_t naliases, aliases_cap;
  wtab_t alias_by_name;

  /* The cycle under way. */
  uint64_t cycle;
  wstate_t nx;
  size_t nx_items; /* models on the cycle's pages so far */
  anth_pager_t pager;
  char *cursor; /* the page asked for ("" first) */
  anthropic_request_id_t page_req;
  size_t next_alias;
  wlookup_t *lookups;
  /* The cycle's first failure. */
  long err_status;
  char *err_type, *err_message, *err_rid, *err_alias;
  uint64_t rng;

  unsigned flags;
  wphase_t phase;
  unsigned failures;
  int pending; /* requests whose callback has not come */
  anthropic_errkind_t err_kind;
  int err_attempts;
  bool has_ropts;
  bool have_snapshot;
  bool all_304;
  bool failed;
  bool alias_failed; /* an alias's lookup failed: that alias only */
  bool cancelled;    /* no event from now on */
  bool due;          /* `done` waits for the loop */
};

/* ---- events ---- */

/* Call back with `ev` (unless cancelled): false once the watch is
 * cancelled (from the callback too). */
static bool emit(watch_t *w, anthropic_watch_event_t *ev) {
  if (w->cancelled)
    return false;
  ev->cycle = w->cycle;
  w->cb(ev, w->data);
  return !w->cancelled;
}

static double unit_random(watch_t *w) {
  uint64_t x = w->rng; /* xorshift64 */
  x ^= x << 13;
  x ^= x >> 7;
  x ^= x << 17;
  w->rng = x;
  return (double)(x >> 11) / 9007199254740992.0;
}

/* `ms` moved by up to 10% either way, unless NO_JITTER. */
static uint64_t jitter(watch_t *w, uint64_t ms) {
  if (w->flags & ANTHROPIC_WATCH_NO_JITTER || ms < 10)
    return ms;
  double f = 0.9 + 0.2 * unit_random(w);
  double v = (double)ms * f;
  return v >= 1.8e19 ? UINT64_MAX : (uint64_t)v;
}

static uint64_t backoff(watch_t *w) {
  uint64_t b = w->backoff_ms, cap = w->max_backoff_ms;
  for (unsigned i = 1; i < w->failures && b < cap; i++)
    b = b > UINT64_MAX / 2 ? UINT64_MAX : b * 2;
  return jitter(w, b < cap ? b : cap);
}

/* ---- the cycle ---- */
static void cycle_end(watch_t *w);
static void start_page(watch_t *w);
static void on_cycle_timer(anth_timer_t *t);

/* The cycle's first failure, kept for its ERROR event. */
/* The cycle's first failure is kept for its ERROR event. An alias's
 * lookup (`alias` set, while the aliases are looked up) fails that alias
 * only: it keeps the model it named, and the cycle goes on. Anything else
 * fails the cycle. */
static void fail_with(watch_t *w, const anthropic_error_t *err,
                      const char *alias) {
  bool first = !w->failed && !w->alias_failed;
  if (alias != NULL && w->phase == W_ALIASES)
    w->alias_failed = true;
  else
    w->failed = true;
  if (!first)
    return;
  w->err_kind = err->kind;
  w->err_status = err->response ? err->response->status : 0;
  w->err_attempts = err->attempts;
  w->err_message = err->message ? anth__strdup(err->message) : NULL;
  w->err_type = err->type ? anth__strdup(err->type) : NULL;
  w->err_rid = err->response && err->response->request_id
                   ? anth__strdup(err->response->request_id)
                   : NULL;
  w->err_alias = alias ? anth__strdup(alias) : NULL;
}

static void fail_kind(watch_t *w, anthropic_errkind_t kind, const char *msg,
                      const char *alias) {
  anthropic_response_t resp = {0, NULL, -1, -1, NULL};
  anthropic_error_t err = {kind, NULL, msg, 0, &resp};
  fail_with(w, &err, alias);
}

static void error_clear(watch_t *w) {
  w->failed = w->alias_failed = false;
  anth__free(w->err_type);
  anth__free(w->err_message);
  anth__free(w->err_rid);
  anth__free(w->err_alias);
  w->err_type = w->err_message = w->err_rid = w->err_alias = NULL;
}

/* The request behind a callback has ended: when the watch was cancelled
 * and nothing is left in flight, its `done` is due. */
static void maybe_due(watch_t *w) {
  if (w->cancelled && w->pending == 0 && !w->due) {
    w->due = true;
    anth__engine_defer(w->client);
  }
}

static anthropic_models_list_params_t list_params(const watch_t *w,
                                                  const char *cursor) {
  anthropic_models_list_params_t p = ANTHROPIC_MODELS_LIST_PARAMS_INIT;
  p.after_id = cursor != NULL && cursor[0] != '\0' ? cursor : NULL;
  p.limit = WATCH_PAGE_LIMIT;
  p.lifecycle = (const char *const *)w->lifecycle;
  p.lifecycle_count = w->lifecycle_count;
  p.options = w->has_ropts ? &w->ropts : NULL;
  return p;
}

static void start_lookups(watch_t *w);

/* The list is done: the aliases next (from the cache's too). */
static bool scan_cached(void *ctx, const char *key,
                        const anthropic_model_info_t *model);

static int alias_add(watch_t *w, const char *name, bool named) {
  walias_t *a = wtab_find(&w->alias_by_name, name);
  if (a != NULL) {
    a->named |= named;
    a->seen = true;
    return 0;
  }
  a = anth__calloc(1, sizeof *a);
  if (a == NULL || (a->name = anth__strdup(name)) == NULL ||
      grow(&w->aliases, w->naliases, &w->aliases_cap) != 0) {
    if (a != NULL)
      anth__free(a->name);
    anth__free(a);
    return ANTHROPIC_ENOMEM;
  }
  int rc = wtab_add(&w->alias_by_name, a);
  if (rc != 0) {
    anth__free(a->name);
    anth__free(a);
    return rc == 1 ? 0 : ANTHROPIC_ENOMEM;
  }
  /* An alias added while the lookups run is looked up in this cycle. */
  a->in_cycle = w->phase == W_ALIASES;
  a->named = named;
  a->seen = true;
  w->aliases[w->naliases++] = a;
  return 0;
}

/* This cycle's answer of `a`, forgotten. */
static void walias_reset(walias_t *a) {
  a->in_cycle = a->asked = a->got = a->unchanged = false;
  anthropic_model_info_free(a->fresh);
  a->fresh = NULL;
  anth__free(a->fresh_etag);
  a->fresh_etag = NULL;
}

static void walias_free(walias_t *a) {
  walias_reset(a);
  anth__free(a->name);
  anthropic_model_info_free(a->model);
  anth__free(a->etag);
  anth__free(a);
}

/* The aliases the cache held at the last scan and holds no more are not
 * watched any more: one pass, and the table built again when any went
 * (out of memory: none goes, and the cycle fails). */
static void drop_uncached(watch_t *w) {
  size_t kept = 0;
  for (size_t i = 0; i < w->naliases; i++)
    kept += w->aliases[i]->named || w->aliases[i]->seen;
  if (kept == w->naliases)
    return;
  wtab_t t = {NULL, 0, 0, walias_key};
  for (size_t i = 0; i < w->naliases; i++) {
    walias_t *a = w->aliases[i];
    if ((a->named || a->seen) && wtab_add(&t, a) == ANTHROPIC_ENOMEM) {
      wtab_free(&t);
      fail_kind(w, ANTHROPIC_ENOMEM, "out of memory", NULL);
      return;
    }
  }
  wtab_free(&w->alias_by_name);
  w->alias_by_name = t;
  kept = 0;
  for (size_t i = 0; i < w->naliases; i++) {
    walias_t *a = w->aliases[i];
    if (a->named || a->seen)
      w->aliases[kept++] = a;
    else
      walias_free(a);
  }
  w->naliases = kept;
}

static void list_done(watch_t *w) {
  w->phase = W_ALIASES;
  if (w->flags & ANTHROPIC_WATCH_CACHED_ALIASES) {
    for (size_t i = 0; i < w->naliases; i++)
      w->aliases[i]->seen = false;
    anth__resolve_cache_scan(w->client, scan_cached, w, false);
    if (!w->failed)
      drop_uncached(w);
  }
  for (size_t i = 0; i < w->naliases; i++) {
    walias_reset(w->aliases[i]);
    w->aliases[i]->in_cycle = true;
  }
  w->next_alias = 0;
  start_lookups(w);
  if (w->pending == 0)
    cycle_end(w);
}

static bool scan_cached(void *ctx, const char *key,
                        const anthropic_model_info_t *model) {
  watch_t *w = ctx;
  if (model != NULL && strcmp(model->id, key) != 0 &&
      alias_add(w, key, false) != 0)
    fail_kind(w, ANTHROPIC_ENOMEM, "out of memory", key);
  return false;
}

/* A page (or a 304 for it) came for w->cursor. */
static int take_page(watch_t *w, const anthropic_models_page_t *page,
                     const char *etag, const char **next) {
  wpage_t *p = anth__calloc(1, sizeof *p);
  if (p == NULL)
    return ANTHROPIC_ENOMEM;
  if (etag != NULL && strlen(etag) > WATCH_ETAG_MAX)
    etag = NULL;
  p->cursor = anth__strdup(w->cursor);
  if (p->cursor == NULL ||
      (etag != NULL && (p->etag = anth__strdup(etag)) == NULL) ||
      grow(&w->nx.pages, w->nx.npages, &w->nx.pages_cap) != 0) {
    wpage_free(p);
    return ANTHROPIC_ENOMEM;
  }
  w->nx.pages[w->nx.npages++] = p; /* the state frees it from here */
  if (wtab_add(&w->nx.by_cursor, p) == ANTHROPIC_ENOMEM)
    return ANTHROPIC_ENOMEM;
  if (page == NULL) { /* 304: the page as it was */
    const wpage_t *old = wtab_find(&w->st.by_cursor, w->cursor);
    if (old == NULL)
      return ANTHROPIC_EBADRESPONSE;
    if (p->etag == NULL && old->etag != NULL &&
        (p->etag = anth__strdup(old->etag)) == NULL)
      return ANTHROPIC_ENOMEM;
    if (old->next != NULL && (p->next = anth__strdup(old->next)) == NULL)
      return ANTHROPIC_ENOMEM;
    if (old->count > 0 &&
        (p->items = anth__calloc(old->count, sizeof(wm_t *))) == NULL)
      return ANTHROPIC_ENOMEM;
    for (size_t i = 0; i < old->count; i++) {
      p->items[p->count++] = old->items[i];
      old->items[i]->refs++;
    }
    *next = p->next;
    return 0;
  }
  w->all_304 = false;
  const char *cursor = anth__pager_next(page, false);
  if (cursor != NULL && (p->next = anth__strdup(cursor)) == NULL)
    return ANTHROPIC_ENOMEM;
  if (page->count > 0 &&
      (p->items = anth__calloc(page->count, sizeof(wm_t *))) == NULL)
    return ANTHROPIC_ENOMEM;
  for (size_t i = 0; i < page->count; i++) {
    /* A model whose JSON is byte for byte the one kept is the one kept:
     * no copy, and the next state shares it (a page of a server without
     * ETags, or a page that moved, costs a compare, not a copy). */
    const anthropic_model_info_t *in = page->data[i];
    wm_t *m = wtab_find(&w->st.by_id, in->id);
    if (m != NULL && m->info->json_len == in->json_len &&
        memcmp(m->info->json_text, in->json_text, in->json_len) == 0) {
      m->refs++;
      p->items[p->count++] = m;
      continue;
    }
    m = anth__calloc(1, sizeof *m);
    if (m == NULL)
      return ANTHROPIC_ENOMEM;
    m->refs = 1;
    if ((m->info = anthropic_model_info_copy(page->data[i])) == NULL) {
      anth__free(m);
      return ANTHROPIC_ENOMEM;
    }
    p->items[p->count++] = m;
  }
  *next = p->next;
  return 0;
}

static void on_page(const anthropic_error_t *err,
                    const anthropic_models_page_t *page, const char *etag,
                    void *data) {
  watch_t *w = data;
  w->pending--;
  w->page_req = 0;
  if (w->cancelled) {
    maybe_due(w);
    return;
  }
  if (err != NULL) {
    fail_with(w, err, NULL);
    cycle_end(w);
    return;
  }
  const char *next = NULL;
  int rc = take_page(w, page, etag, &next);
  if (rc == 0 &&
      (w->nx_items += w->nx.pages[w->nx.npages - 1]->count) > w->max_models) {
    char msg[96];
    (void)snprintf(msg, sizeof msg,
                   "the list has more than %zu models (max_models)",
                   w->max_models);
    fail_kind(w, ANTHROPIC_EBADRESPONSE, msg, NULL);
    cycle_end(w);
    return;
  }
  if (rc == 0 && next != NULL) {
    if (anth__pager_seen(&w->pager, next)) {
      fail_kind(w, ANTHROPIC_EBADRESPONSE,
                "the list's pages go round in a circle", NULL);
      cycle_end(w);
      return;
    }
    rc = anth__pager_follow(&w->pager, next);
    if (rc == ANTH_PAGER_LIMIT) {
      fail_kind(w, ANTHROPIC_EBADRESPONSE,
                "the list reached ANTHROPIC_WALK_MAX_PAGES pages", NULL);
      cycle_end(w);
      return;
    }
  }
  if (rc != 0) {
    fail_kind(w, (anthropic_errkind_t)rc,
              rc == ANTHROPIC_ENOMEM ? "out of memory"
                                     : "a 304 for a page never asked",
              NULL);
    cycle_end(w);
    return;
  }
  if (next == NULL) {
    list_done(w);
    return;
  }
  char *cur = anth__strdup(next);
  if (cur == NULL) {
    fail_kind(w, ANTHROPIC_ENOMEM, "out of memory", NULL);
    cycle_end(w);
    return;
  }
  anth__free(w->cursor);
  w->cursor = cur;
  start_page(w);
}

/* Ask for the page at w->cursor (with its ETag when it had one). */
static void start_page(watch_t *w) {
  anthropic_client_t *c = w->client;
  const wpage_t *old = wtab_find(&w->st.by_cursor, w->cursor);
  anthropic_models_list_params_t p = list_params(w, w->cursor);
  w->page_req = anth__models_page(c, &p, (w->flags & ANTHROPIC_WATCH_BETA) != 0,
                                  old != NULL ? old->etag : NULL, on_page, w);
  if (w->page_req == 0) {
    fail_with(w, anthropic_client_last_error(c), NULL);
    cycle_end(w);
    return;
  }
  w->pending++;
}

static void lookup_unlink(watch_t *w, wlookup_t *l) {
  if (l->prev)
    l->prev->next = l->next;
  else
    w->lookups = l->next;
  if (l->next)
    l->next->prev = l->prev;
}

static void on_alias(const anthropic_error_t *err,
                     const anthropic_model_info_t *model, const char *etag,
                     void *data) {
  wlookup_t *l = data;
  watch_t *w = l->w;
  walias_t *a = l->alias;
  lookup_unlink(w, l);
  anth__free(l);
  w->pending--;
  if (w->cancelled) {
    maybe_due(w);
    return;
  }
  if (err == NULL && model == NULL) { /* 304: the model it named stands */
    if (a->known && a->model != NULL)
      a->got = a->unchanged = true;
    else
      fail_kind(w, ANTHROPIC_EBADRESPONSE, "a 304 for a model never asked",
                a->name);
  } else if (model != NULL) {
    a->fresh = anthropic_model_info_copy(model);
    a->got = a->fresh != NULL;
    if (a->fresh == NULL)
      fail_kind(w, ANTHROPIC_ENOMEM, "out of memory", a->name);
    else if (etag != NULL && strlen(etag) <= WATCH_ETAG_MAX)
      a->fresh_etag = anth__strdup(etag); /* none: asked in full next time */
  } else if (err->kind == ANTHROPIC_EHTTP && err->response != NULL &&
             err->response->status == 404) {
    a->got = true; /* it does not resolve: an answer, not an error */
  } else {
    fail_with(w, err, a->name);
  }
  start_lookups(w);
  if (w->pending == 0 && !w->cancelled)
    cycle_end(w);
}

/* Start lookups up to the limit (none once the cycle failed). */
static void start_lookups(watch_t *w) {
  anthropic_client_t *c = w->client;
  anthropic_models_retrieve_params_t rp = ANTHROPIC_MODELS_RETRIEVE_PARAMS_INIT;
  rp.options = w->has_ropts ? &w->ropts : NULL;
  while (!w->failed && !w->cancelled && w->pending < WATCH_LOOKUPS &&
         w->next_alias < w->naliases) {
    walias_t *a = w->aliases[w->next_alias++];
    if (!a->in_cycle || a->asked)
      continue;
    a->asked = true;
    wlookup_t *l = anth__calloc(1, sizeof *l);
    if (l == NULL) {
      fail_kind(w, ANTHROPIC_ENOMEM, "out of memory", a->name);
      return;
    }
    l->w = w;
    l->alias = a;
    /* Conditional on the model it named, when it named one. */
    const char *etag = a->known && a->model != NULL ? a->etag : NULL;
    l->id = anth__models_retrieve_cond(c, a->name, &rp,
                                       (w->flags & ANTHROPIC_WATCH_BETA) != 0,
                                       etag, on_alias, l);
    if (l->id == 0) {
      anth__free(l);
      fail_with(w, anthropic_client_last_error(c), a->name);
      return;
    }
    l->next = w->lookups;
    if (w->lookups)
      w->lookups->prev = l;
    w->lookups = l;
    w->pending++;
  }
}

/* ---- comparing ---- */

static bool str_same(const anthropic_opt_str_t *a,
                     const anthropic_opt_str_t *b) {
  if (a->state != b->state)
    return false;
  if (a->value == NULL || b->value == NULL)
    return a->value == b->value;
  return strcmp(a->value, b->value) == 0;
}

static bool time_same(const anthropic_time_t *a, const anthropic_time_t *b) {
  if (a->state != b->state)
    return false;
  return a->state != ANTHROPIC_FIELD_SET ||
         (a->unix_seconds == b->unix_seconds &&
          a->nanoseconds == b->nanoseconds);
}

static bool ids_same(const anthropic_model_info_t *a,
                     const anthropic_model_info_t *b) {
  if (a == NULL || b == NULL)
    return a == b;
  return strcmp(a->id, b->id) == 0;
}

/* The cache kept true (unless KEEP_CACHE): entries of a model that changed
 * or is gone dropped, each fresh alias answer in, each 404 out. */
typedef struct cache_ctx {
  wtab_t gone; /* wm_t of the old state that changed or went */
} cache_ctx_t;

static bool cache_stale(void *ctx, const char *key,
                        const anthropic_model_info_t *model) {
  const cache_ctx_t *x = ctx;
  return wtab_find(&x->gone, key) != NULL ||
         (model != NULL && wtab_find(&x->gone, model->id) != NULL);
}

static void cache_update(watch_t *w, cache_ctx_t *x) {
  anthropic_client_t *c = w->client;
  if (w->flags & ANTHROPIC_WATCH_KEEP_CACHE)
    return;
  if (x->gone.used > 0)
    anth__resolve_cache_scan(c, cache_stale, x, true);
  for (size_t i = 0; i < w->naliases; i++) {
    const walias_t *a = w->aliases[i];
    if (!a->in_cycle || !a->got)
      continue;
    const anthropic_model_info_t *m = a->unchanged ? a->model : a->fresh;
    if (m != NULL)
      anth__resolve_cache_put(c, a->name, m);
    else
      anth__resolve_cache_drop(c, a->name);
  }
}

/* The models of the old state that changed (in any field: a model whose
 * JSON is unchanged is the one kept, take_page()) or went, by id. */
static int gone_models(watch_t *w, cache_ctx_t *x) {
  for (size_t i = 0; i < w->st.count; i++) {
    wm_t *o = w->st.order[i];
    bool changed = wtab_find(&w->nx.by_id, o->info->id) != o;
    if (changed && wtab_add(&x->gone, o) == ANTHROPIC_ENOMEM)
      return ANTHROPIC_ENOMEM;
  }
  return 0;
}

/* The cycle's models, in list order and by id, from its pages (a
 * duplicate id is listed once): 0 or ENOMEM. */
static int nx_build(watch_t *w) {
  for (size_t i = 0; i < w->nx.npages; i++)
    for (size_t k = 0; k < w->nx.pages[i]->count; k++)
      if (wstate_add_model(&w->nx, w->nx.pages[i]->items[k]) != 0)
        return ANTHROPIC_ENOMEM;
  return 0;
}

/* Every page came back 304, in the order of the last state's: the list is
 * the last state's, model for model, and nothing of it is looked at. The
 * common cycle costs its requests, not a pass over the models. */
static bool list_unchanged(const watch_t *w) {
  return w->have_snapshot && w->all_304 && w->nx.npages > 0 &&
         w->nx.npages == w->st.npages;
}

static size_t diff_aliases(watch_t *w);

/* The change events of a successful cycle; their count. */
static size_t diff(watch_t *w) {
  size_t changes = 0;
  for (size_t i = 0; i < w->nx.count && !w->cancelled; i++) {
    const wm_t *n = w->nx.order[i];
    const wm_t *o = wtab_find(&w->st.by_id, n->info->id);
    anthropic_watch_event_t ev = {0};
    ev.model = n->info;
    if (o == NULL) {
      ev.kind = ANTHROPIC_WATCH_ADDED;
      changes++;
      emit(w, &ev);
      continue;
    }
    if (o == n)
      continue;
    ev.previous = o->info;
    if (!str_same(&n->info->lifecycle, &o->info->lifecycle)) {
      ev.kind = ANTHROPIC_WATCH_LIFECYCLE_CHANGED;
      changes++;
      if (!emit(w, &ev))
        break;
    }
    if (!time_same(&n->info->deprecated_at, &o->info->deprecated_at)) {
      ev.kind = ANTHROPIC_WATCH_DEPRECATED_AT_CHANGED;
      changes++;
      if (!emit(w, &ev))
        break;
    }
    if (!time_same(&n->info->retires_at, &o->info->retires_at)) {
      ev.kind = ANTHROPIC_WATCH_RETIRES_AT_CHANGED;
      changes++;
      if (!emit(w, &ev))
        break;
    }
  }
  for (size_t i = 0; i < w->st.count && !w->cancelled; i++) {
    const wm_t *o = w->st.order[i];
    if (wtab_find(&w->nx.by_id, o->info->id) != NULL)
      continue;
    anthropic_watch_event_t ev = {0};
    ev.kind = ANTHROPIC_WATCH_REMOVED;
    ev.previous = o->info;
    changes++;
    emit(w, &ev);
  }
  return changes + diff_aliases(w);
}

static size_t diff_aliases(watch_t *w) {
  size_t changes = 0;
  for (size_t i = 0; i < w->naliases && !w->cancelled; i++) {
    const walias_t *a = w->aliases[i];
    if (!a->in_cycle || !a->got || a->unchanged ||
        (a->known && ids_same(a->model, a->fresh)))
      continue;
    anthropic_watch_event_t ev = {0};
    ev.kind = ANTHROPIC_WATCH_ALIAS_MOVED;
    ev.alias = a->name;
    ev.model = a->fresh;
    ev.previous = a->known ? a->model : NULL;
    changes++;
    emit(w, &ev);
  }
  return changes;
}

static void snapshot(watch_t *w, const anthropic_model_info_t **models,
                     const char **names, const anthropic_model_info_t **am,
                     size_t na) {
  anthropic_watch_event_t ev = {0};
  ev.kind = ANTHROPIC_WATCH_SNAPSHOT;
  for (size_t i = 0; i < w->nx.count; i++)
    models[i] = w->nx.order[i]->info;
  ev.models = models;
  ev.count = w->nx.count;
  ev.aliases = names;
  ev.alias_models = am;
  ev.aliases_count = na;
  emit(w, &ev);
}

/* The state becomes the cycle's (its list too, unless `same`: then the
 * last one stands, and the cycle's pages, the same, go). */
static void adopt(watch_t *w, bool same) {
  if (!same) {
    wstate_free(&w->st);
    w->st = w->nx;
    wstate_init(&w->nx);
  }
  for (size_t i = 0; i < w->naliases; i++) {
    walias_t *a = w->aliases[i];
    if (!a->in_cycle || !a->got || a->unchanged)
      continue;
    anthropic_model_info_free(a->model);
    anth__free(a->etag);
    a->model = a->fresh;
    a->etag = a->fresh_etag;
    a->fresh = NULL;
    a->fresh_etag = NULL;
    a->known = true;
  }
  w->have_snapshot = true;
}

static void cycle_clear(watch_t *w) {
  wstate_free(&w->nx);
  anth__pager_free(&w->pager);
  anth__free(w->cursor);
  w->cursor = NULL;
  for (size_t i = 0; i < w->naliases; i++)
    walias_reset(w->aliases[i]);
  w->phase = W_IDLE;
}

static void schedule(watch_t *w, uint64_t ms) {
  if (!w->cancelled)
    anth__timer_start(&w->timer, ms, on_cycle_timer);
}

/* The ERROR event of the failure kept, `next` ms before the next cycle. */
static void emit_error(watch_t *w, uint64_t next) {
  anthropic_response_t resp = {w->err_status, w->err_rid, -1, -1, NULL};
  anthropic_error_t err = {w->err_kind, w->err_type,
                           w->err_message ? w->err_message
                                          : anthropic_strerror(w->err_kind),
                           w->err_attempts, &resp};
  anthropic_watch_event_t ev = {0};
  ev.kind = ANTHROPIC_WATCH_ERROR;
  ev.error = &err;
  ev.alias = w->err_alias;
  ev.failures = w->failures;
  ev.next_ms = next;
  emit(w, &ev);
}

static void report_error(watch_t *w) {
  w->failures++;
  uint64_t next = backoff(w);
  cycle_clear(w);
  emit_error(w, next);
  error_clear(w);
  schedule(w, next);
}

/* Every request of the cycle has called back: compare, call back, and
 * set the timer for the next one. */
static void cycle_end(watch_t *w) {
  if (w->pending > 0)
    return;          /* a failure waits for the lookups still in flight */
  w->phase = W_IDLE; /* an alias added from an event waits for the next */
  if (w->failed) {
    report_error(w);
    return;
  }
  /* What may fail is done before any event: then it is an ERROR. */
  cache_ctx_t x = {{NULL, 0, 0, wm_key}};
  const anthropic_model_info_t **models = NULL, **am = NULL;
  const char **names = NULL;
  size_t na = 0;
  bool same = list_unchanged(w);
  bool ok = same || (nx_build(w) == 0 && gone_models(w, &x) == 0);
  if (ok && !w->have_snapshot) {
    models = anth__calloc(w->nx.count + 1, sizeof(anthropic_model_info_t *));
    names = anth__calloc(w->naliases + 1, sizeof *names);
    am = anth__calloc(w->naliases + 1, sizeof(anthropic_model_info_t *));
    ok = models != NULL && names != NULL && am != NULL;
    for (size_t i = 0; ok && i < w->naliases; i++)
      if (w->aliases[i]->in_cycle && w->aliases[i]->got) {
        names[na] = w->aliases[i]->name;
        am[na++] = w->aliases[i]->fresh;
      }
  }
  if (!ok) {
    wtab_free(&x.gone);
    anth__free(models);
    anth__free((void *)names);
    anth__free(am);
    fail_kind(w, ANTHROPIC_ENOMEM, "out of memory", NULL);
    report_error(w);
    return;
  }
  cache_update(w, &x);
  wtab_free(&x.gone);
  size_t changes = 0;
  bool not_modified = w->all_304 && w->nx.npages > 0;
  size_t count = same ? w->st.count : w->nx.count;
  if (!w->have_snapshot)
    snapshot(w, models, names, am, na);
  else
    changes = same ? diff_aliases(w) : diff(w);
  anth__free(models);
  anth__free((void *)names);
  anth__free(am);
  adopt(w, same);
  cycle_clear(w);
  uint64_t next;
  if (w->alias_failed) { /* after the changes, before the CYCLE */
    w->failures++;
    next = backoff(w);
    emit_error(w, next);
    error_clear(w);
  } else {
    w->failures = 0;
    next = jitter(w, w->interval_ms);
  }
  anthropic_watch_event_t ev = {0};
  ev.kind = ANTHROPIC_WATCH_CYCLE;
  ev.count = count;
  ev.changes = changes;
  ev.not_modified = not_modified;
  ev.next_ms = next;
  emit(w, &ev);
  schedule(w, next);
}

static void on_cycle_timer(anth_timer_t *t) {
  watch_t *w = (watch_t *)t; /* the timer is the first member */
  if (w->cancelled)
    return;
  w->cycle++;
  w->phase = W_LIST;
  w->all_304 = true;
  w->nx_items = 0;
  wstate_init(&w->nx);
  w->cursor = anth__strdup("");
  if (w->cursor == NULL) {
    fail_kind(w, ANTHROPIC_ENOMEM, "out of memory", NULL);
    cycle_end(w);
    return;
  }
  start_page(w);
}

/* ---- cancel, close, the end ---- */

static int watch_cancel(anthropic_client_t *c, anth_ext_t *x) {
  watch_t *w = (watch_t *)((char *)x - offsetof(watch_t, ext));
  if (w->cancelled)
    return ANTHROPIC_EINVAL;
  w->cancelled = true;
  anth__timer_stop(&w->timer);
  if (w->page_req != 0)
    (void)anthropic_request_cancel(c, w->page_req);
  for (wlookup_t *l = w->lookups; l != NULL; l = l->next)
    (void)anthropic_request_cancel(c, l->id);
  maybe_due(w);
  return 0;
}

static void on_watch_closed(anth_timer_t *t) {
  anth__free(t); /* the timer is the first member */
}

static void watch_free(watch_t *w) {
  cycle_clear(w);
  error_clear(w);
  wstate_free(&w->st);
  for (size_t i = 0; i < w->naliases; i++)
    walias_free(w->aliases[i]);
  anth__free(w->aliases);
  wtab_free(&w->alias_by_name);
  for (size_t i = 0; i < w->lifecycle_count; i++)
    anth__free(w->lifecycle[i]);
  anth__free(w->lifecycle);
  for (size_t i = 0; w->ro_headers && i < w->ropts.headers_count; i++)
    anth__free(w->ro_headers[i]);
  for (size_t i = 0; w->ro_query && i < w->ropts.query_count; i++)
    anth__free(w->ro_query[i]);
  for (size_t i = 0; w->ro_betas && i < w->ropts.betas_count; i++)
    anth__free(w->ro_betas[i]);
  anth__free(w->ro_headers);
  anth__free(w->ro_query);
  anth__free(w->ro_betas);
  anth__free(w->ro_workspace);
  anth__timer_close(&w->timer, on_watch_closed);
}

static void watch_unlink(anthropic_client_t *c, watch_t *w) {
  if (w->prev)
    w->prev->next = w->next;
  else
    c->watches = w->next;
  if (w->next)
    w->next->prev = w->prev;
}

void anth__watch_run_due(anthropic_client_t *c) {
  for (;;) {
    watch_t *w = c->watches;
    while (w != NULL && !w->due)
      w = w->next;
    if (w == NULL)
      return;
    watch_unlink(c, w);
    anth__ext_close(c, w->id);
    anthropic_response_t resp = {0, NULL, -1, -1, NULL};
    anthropic_error_t err = {ANTHROPIC_ECANCELLED, NULL,
                             c->closing ? "client closed" : "watch cancelled",
                             0, &resp};
    anthropic_watch_done_cb done = w->done;
    void *data = w->data;
    watch_free(w);
    if (done != NULL)
      done(&err, data);
  }
}

bool anth__watch_pending(const anthropic_client_t *c) {
  for (const watch_t *w = c->watches; w != NULL; w = w->next)
    if (w->due)
      return true;
  return false;
}

void anth__watch_close(anthropic_client_t *c) {
  for (watch_t *w = c->watches; w != NULL; w = w->next)
    (void)watch_cancel(c, &w->ext);
}

/* ---- the calls ---- */

static char **strv_dup(const char *const *v, size_t n, bool *ok) {
  if (n == 0 || v == NULL)
    return NULL;
  char **out = anth__calloc(n, sizeof *out);
  if (out == NULL) {
    *ok = false;
    return NULL;
  }
  for (size_t i = 0; i < n; i++)
    if (v[i] == NULL || (out[i] = anth__strdup(v[i])) == NULL)
      *ok = false;
  return out;
}

/* The caller's options, copied into the watch: 0, or an error kind with
 * the client's last error set. */
static int take_opts(anthropic_client_t *c, watch_t *w,
                     const anthropic_watch_options_t *o) {
  char msg[ANTH_ERRMSG_MAX] = "";
  bool ok = true;
  w->interval_ms = o->interval_ms ? o->interval_ms : WATCH_DEFAULT_INTERVAL_MS;
  w->backoff_ms = o->backoff_ms ? o->backoff_ms : WATCH_DEFAULT_BACKOFF_MS;
  /* The longest delay after failures, even below the first backoff: a
   * watch every 300 ms retries every 300 ms, not every second. */
  w->max_backoff_ms = o->max_backoff_ms ? o->max_backoff_ms : w->interval_ms;
  w->max_models = o->max_models ? o->max_models : WATCH_DEFAULT_MAX_MODELS;
  w->flags = o->flags;
  if ((o->aliases_count > 0 && o->aliases == NULL) ||
      (o->lifecycle_count > 0 && o->lifecycle == NULL)) {
    anth__set_last_error(c, ANTHROPIC_EINVAL,
                         "aliases or lifecycle: NULL with a count");
    return ANTHROPIC_EINVAL;
  }
  for (size_t i = 0; i < o->aliases_count; i++)
    if (o->aliases[i] == NULL ||
        anth__model_id_check(o->aliases[i], msg, sizeof msg) != 0) {
      anth__set_last_error(c, ANTHROPIC_EINVAL,
                           o->aliases[i] ? msg : "alias: NULL");
      return ANTHROPIC_EINVAL;
    }
  if (o->options != NULL) {
    if (anth__opts_take(&w->ropts, sizeof w->ropts, o->options, "options", msg,
                        sizeof msg) != 0) {
      anth__set_last_error(c, ANTHROPIC_EINVAL, msg);
      return ANTHROPIC_EINVAL;
    }
    w->has_ropts = true;
    anthropic_request_options_t *r = &w->ropts;
    w->ro_headers = strv_dup(r->headers, r->headers_count, &ok);
    w->ro_query = strv_dup(r->query, r->query_count, &ok);
    w->ro_betas = strv_dup(r->betas, r->betas_count, &ok);
    if (r->workspace_id != NULL &&
        (w->ro_workspace = anth__strdup(r->workspace_id)) == NULL)
      ok = false;
    r->headers = (const char *const *)w->ro_headers;
    r->query = (const char *const *)w->ro_query;
    r->betas = (const char *const *)w->ro_betas;
    r->workspace_id = w->ro_workspace;
    if (!w->ro_headers)
      r->headers_count = 0;
    if (!w->ro_query)
      r->query_count = 0;
    if (!w->ro_betas)
      r->betas_count = 0;
  }
  if (o->lifecycle_count > 0) {
    w->lifecycle = strv_dup(o->lifecycle, o->lifecycle_count, &ok);
    w->lifecycle_count = w->lifecycle ? o->lifecycle_count : 0;
  } else {
    static const char *const all[] = {"active", "deprecated", "retired"};
    w->lifecycle = strv_dup(all, 3, &ok);
    w->lifecycle_count = w->lifecycle ? 3 : 0;
  }
  if (!ok) {
    anth__set_last_error(c, ANTHROPIC_ENOMEM, "out of memory");
    return ANTHROPIC_ENOMEM;
  }
  /* Every request the watch makes checked now, as list and retrieve
   * would check it: the first page's URL and the request's headers. */
  anth_buf_t tail = {NULL, 0, 0};
  anthropic_models_list_params_t p = list_params(w, NULL);
  int rc = anth__url_list_first(&c->scratch, &tail, c->base_url, &p,
                                (w->flags & ANTHROPIC_WATCH_BETA) != 0, msg,
                                sizeof msg);
  anth__buf_free(&tail);
  if (rc == 0 && w->has_ropts) {
    anth_job_t *j = anth__job_new(c, &(anth_endpoint_t){0}, &w->ropts, NULL);
    if (j == NULL)
      return anthropic_client_last_error(c)->kind;
    anth__job_free(j);
  }
  if (rc != 0) {
    anth__set_last_error(c, (anthropic_errkind_t)rc,
                         rc == ANTHROPIC_ENOMEM ? "out of memory" : msg);
    return rc;
  }
  for (size_t i = 0; i < o->aliases_count; i++)
    if (alias_add(w, o->aliases[i], true) != 0) {
      anth__set_last_error(c, ANTHROPIC_ENOMEM, "out of memory");
      return ANTHROPIC_ENOMEM;
    }
  return 0;
}

anthropic_request_id_t anthropic_models_watch(
    anthropic_client_t *client, const anthropic_watch_options_t *opts,
    anthropic_watch_cb cb, anthropic_watch_done_cb done, void *data) {
  anthropic_client_t *c = client;
  if (c == NULL || !anth__req_usable(c, cb != NULL))
    return 0;
  anthropic_watch_options_t o = ANTHROPIC_WATCH_OPTIONS_INIT;
  char msg[ANTH_ERRMSG_MAX] = "";
  if (opts != NULL &&
      anth__opts_take(&o, sizeof o, opts, "options", msg, sizeof msg) != 0) {
    anth__set_last_error(c, ANTHROPIC_EINVAL, msg);
    return 0;
  }
  watch_t *w = anth__calloc(1, sizeof *w);
  if (w == NULL) {
    anth__set_last_error(c, ANTHROPIC_ENOMEM, "out of memory");
    return 0;
  }
  anth__timer_init(c, &w->timer);
  w->ext.cancel = watch_cancel;
  w->client = c;
  w->cb = cb;
  w->done = done;
  w->data = data;
  wstate_init(&w->st);
  wstate_init(&w->nx);
  w->alias_by_name.key = walias_key;
  w->rng = anth__clock_ns() ^ (uint64_t)(uintptr_t)w ^ 0x9e3779b97f4a7c15ull;
  if (w->rng == 0)
    w->rng = 1;
  if (take_opts(c, w, &o) != 0 || (w->id = anth__ext_open(c, &w->ext)) == 0) {
    watch_free(w);
    return 0;
  }
  w->next = c->watches;
  if (c->watches)
    c->watches->prev = w;
  c->watches = w;
  anth__set_last_error(c, ANTHROPIC_OK, "");
  anth__timer_start(&w->timer, 0, on_cycle_timer); /* from the loop */
  return w->id;
}

int anthropic_models_watch_alias(anthropic_client_t *client,
                                 anthropic_request_id_t id, const char *alias) {
  anthropic_client_t *c = client;
  if (c == NULL || anth__in_alloc)
    return ANTHROPIC_EINVAL;
  anth_ext_t *x = anth__ext_get(c, id);
  if (x == NULL || x->cancel != watch_cancel) {
    anth__set_last_error(c, ANTHROPIC_EINVAL, "no such watch");
    return ANTHROPIC_EINVAL;
  }
  watch_t *w = (watch_t *)((char *)x - offsetof(watch_t, ext));
  char msg[ANTH_ERRMSG_MAX] = "";
  if (w->cancelled || alias == NULL ||
      anth__model_id_check(alias, msg, sizeof msg) != 0) {
    anth__set_last_error(c, ANTHROPIC_EINVAL,
                         w->cancelled    ? "the watch is cancelled"
                         : alias == NULL ? "alias: NULL"
                                         : msg);
    return ANTHROPIC_EINVAL;
  }
  if (alias_add(w, alias, true) != 0) {
    anth__set_last_error(c, ANTHROPIC_ENOMEM, "out of memory");
    return ANTHROPIC_ENOMEM;
  }
  if (w->phase == W_ALIASES)
    start_lookups(w);
  return 0;
}

const char *anthropic_watch_event_name(anthropic_watch_event_kind_t kind) {
  switch (kind) {
  case ANTHROPIC_WATCH_SNAPSHOT:
    return "snapshot";
  case ANTHROPIC_WATCH_ADDED:
    return "added";
  case ANTHROPIC_WATCH_REMOVED:
    return "removed";
  case ANTHROPIC_WATCH_LIFECYCLE_CHANGED:
    return "lifecycle_changed";
  case ANTHROPIC_WATCH_DEPRECATED_AT_CHANGED:
    return "deprecated_at_changed";
  case ANTHROPIC_WATCH_RETIRES_AT_CHANGED:
    return "retires_at_changed";
  case ANTHROPIC_WATCH_ALIAS_MOVED:
    return "alias_moved";
  case ANTHROPIC_WATCH_ERROR:
    return "error";
  case ANTHROPIC_WATCH_CYCLE:
    return "cycle";
  }
  return "unknown";
}
