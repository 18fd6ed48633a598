/* models.c - the Models API calls: retrieve, list, their beta variants,
 * auto-pagination (a walk: one request that asks for its next page on
 * itself) and manual stepping. Requests themselves live in request.c. */
#include "client.h"

#include <string.h>

/* ---- the endpoints: how the request machine reaches each call ---- */

/* A walk's own state, from its job to its end: allocated for a walk only
 * (the endpoint's state, freed by walk_free). */
typedef struct walk {
  anthropic_each_page_cb each; /* one call per page */
  anth_buf_t query;            /* the query without its cursor */
  anth_pager_t pager;          /* the cursors followed, the pages */
  size_t items, max;           /* delivered so far; the cap (0: none) */
  bool backward;               /* before_id: toward the first page */
} walk_t;

static void walk_free(void *state) {
  walk_t *w = state;
  anth__buf_free(&w->query);
  anth__pager_free(&w->pager);
  anth__free(w);
}

/* The callbacks, back to the types they were given as (anth_cb_fn). */
static anthropic_model_cb model_cb(anth_cb_fn f) {
  return (anthropic_model_cb)f;
}
static anthropic_page_cb page_cb(anth_cb_fn f) {
  return (anthropic_page_cb)f;
}
static anthropic_json_cb json_cb(anth_cb_fn f) {
  return (anthropic_json_cb)f;
}
static anth_cond_page_cb cond_cb(anth_cb_fn f) {
  return (anth_cond_page_cb)f;
}
static anth_cond_model_cb cond_model_cb(anth_cb_fn f) {
  return (anth_cond_model_cb)f;
}
static anthropic_walk_done_cb done_cb(anth_cb_fn f) {
  return (anthropic_walk_done_cb)f;
}

static void model_fail(anth_cb_fn cb, void *state, void *data,
                       const anthropic_error_t *err) {
  (void)state;
  model_cb(cb)(err, NULL, data);
}

static void page_fail(anth_cb_fn cb, void *state, void *data,
                      const anthropic_error_t *err) {
  (void)state;
  page_cb(cb)(err, NULL, data);
}

static void json_fail(anth_cb_fn cb, void *state, void *data,
                      const anthropic_error_t *err) {
  (void)state;
  json_cb(cb)(err, NULL, NULL, 0, data);
}

static void walk_fail(anth_cb_fn cb, void *state, void *data,
                      const anthropic_error_t *err) {
  const walk_t *w = state;
  done_cb(cb)(err, w->items, data);
}

/* Parse a model's body and hand the model over: to a retrieve's callback,
 * or, `cond`, to a conditional retrieve's with its ETag. */
static int give_model(anthropic_client_t *c, anthropic_req_t *r, long status,
                      const char *rid, bool cond, const char *etag, char *msg,
                      size_t msglen) {
  char *arena = NULL; /* the strings of the result */
  anth_model_t model;
  int rc =
      anth__parse_model(r->body.data, r->body.len, &arena, &model, msg, msglen);
  if (rc == 0) {
    anthropic_response_t resp = anth__req_response(r, status, rid);
    model.info.response = &resp;
    anth__req_detach(c, r);
    if (cond)
      cond_model_cb(r->cb)(NULL, &model.info, etag, r->data);
    else
      model_cb(r->cb)(NULL, &model.info, r->data);
  }
  anth__free(arena);
  return rc;
}

static int model_body(anthropic_client_t *c, anthropic_req_t *r, long status,
                      const char *rid, char *msg, size_t msglen) {
  return give_model(c, r, status, rid, false, NULL, msg, msglen);
}

/* The checks of model_body's parse, up to the body's shape; no ModelInfo
 * built. */
static int json_body(anthropic_client_t *c, anthropic_req_t *r, long status,
                     const char *rid, char *msg, size_t msglen) {
  const char *text;
  size_t len;
  int rc = anth__parse_model_json(r->body.data, r->body.len, &text, &len, msg,
                                  msglen);
  if (rc == 0) {
    anthropic_response_t resp = anth__req_response(r, status, rid);
    anth__req_detach(c, r);
    json_cb(r->cb)(NULL, &resp, text, len, r->data);
  }
  return rc;
}

/* Parse a page's body and hand the page over: to a list's callback, or,
 * `cond`, to a conditional page's with its ETag. */
static int give_page(anthropic_client_t *c, anthropic_req_t *r, long status,
                     const char *rid, bool cond, const char *etag, char *msg,
                     size_t msglen) {
  char *arena = NULL;
  anthropic_models_page_t page;
  void *items = NULL;
  int rc = anth__parse_page(r->body.data, r->body.len, &arena, &page, &items,
                            msg, msglen);
  if (rc == 0) {
    anthropic_response_t resp = anth__req_response(r, status, rid);
    page.response = &resp;
    anth__req_detach(c, r);
    if (cond)
      cond_cb(r->cb)(NULL, &page, etag, r->data);
    else
      page_cb(r->cb)(NULL, &page, r->data);
  }
  anth__free(items);
  anth__free(arena);
  return rc;
}

static int page_body(anthropic_client_t *c, anthropic_req_t *r, long status,
                     const char *rid, char *msg, size_t msglen) {
  return give_page(c, r, status, rid, false, NULL, msg, msglen);
}

/* A page of a walk arrived whole: hand it to `each`, then ask for the next
 * one on the same request, or end the walk. One page is held at a time. */
static int walk_body(anthropic_client_t *c, anthropic_req_t *r, long status,
                     const char *rid, char *msg, size_t msglen) {
  walk_t *w = r->ep_state;
  char *arena = NULL; /* the strings of the page */
  anthropic_models_page_t page;
  void *items = NULL;
  int rc = anth__parse_page(r->body.data, r->body.len, &arena, &page, &items,
                            msg, msglen);
  if (rc != 0)
    return rc;
  const char *own = anth__pager_cursor(&page, w->backward);
  if (anth__pager_seen(&w->pager, own)) {
    /* The server came back to a page the walk has been through (A -> B ->
     * A, or the same cursor again): following it would go round forever,
     * handing the same items over each time. */
    anth__errf(msg, msglen,
               "%s: the walk came back to %s=%s, which it followed before: "
               "the server's pages go round in a circle",
               w->backward ? "first_id" : "last_id",
               w->backward ? "before_id" : "after_id", own);
    anth__free(items);
    anth__free(arena);
    return ANTHROPIC_EBADRESPONSE;
  }
  anthropic_response_t resp = anth__req_response(r, status, rid);
  page.response = &resp;
  if (w->max > 0 && page.count > w->max - w->items) {
    /* Trim to the cap, keeping the items next to where the walk came from,
     * with cursors that describe what is kept. */
    size_t keep = w->max - w->items;
    if (w->backward)
      page.data += page.count - keep;
    page.count = keep;
    page.first_id = page.data[0]->id;
    page.last_id = page.data[keep - 1]->id;
    page.has_more = true;
  }
  r->state = REQ_EACH;
  int stop = w->each(&page, r->data);
  w->items += page.count;
  const char *cursor = anth__pager_next(&page, w->backward);
  bool more = !stop && !r->cancel_asked && !c->closing && cursor != NULL &&
              (w->max == 0 || w->items < w->max);
  rc = 0;
  int followed = more ? anth__pager_follow(&w->pager, cursor) : 0;
  if (more && followed == ANTH_PAGER_LIMIT) {
    anth__errf(msg, msglen,
               "the walk reached %d pages (ANTHROPIC_WALK_MAX_PAGES) and the "
               "server still has more: its cursors never end",
               ANTHROPIC_WALK_MAX_PAGES);
    anth__req_fail(c, r, ANTHROPIC_EBADRESPONSE, status, msg, rid);
    rc = ANTH_EP_TAKEN;
  } else if (more) {
    r->attempts = 0;
    if (followed == 0 &&
        anth__url_list_page(&c->scratch, c->base_url,
                            w->backward ? "before_id" : "after_id", cursor,
                            &w->query) == 0 &&
        curl_easy_setopt(r->easy, CURLOPT_URL, c->scratch.data) == CURLE_OK &&
        anth__req_attempt(c, r) == 0) {
      rc = ANTH_EP_TAKEN;
    } else {
      anth__req_fail(c, r, ANTHROPIC_ENOMEM, 0,
                     "out of memory asking for a page", NULL);
      rc = ANTH_EP_TAKEN;
    }
  } else if (r->cancel_asked || (c->closing && !stop)) {
    anth__req_fail(c, r, ANTHROPIC_ECANCELLED, 0,
                   c->closing ? "client closed" : "request cancelled", NULL);
    rc = ANTH_EP_TAKEN;
  }
  anth__free(items);
  anth__free(arena);
  if (rc == 0) { /* the walk ended well */
    anth__req_detach(c, r);
    done_cb(r->cb)(NULL, w->items, r->data);
  }
  return rc;
}

static void cond_fail(anth_cb_fn cb, void *state, void *data,
                      const anthropic_error_t *err) {
  (void)state;
  cond_cb(cb)(err, NULL, NULL, data);
}

/* A page asked conditionally: a 304 is handed over as no page. */
static int cond_body(anthropic_client_t *c, anthropic_req_t *r, long status,
                     const char *rid, char *msg, size_t msglen) {
  const char *etag = anth__req_header(r, "etag");
  if (status == 304) {
    anth__req_detach(c, r);
    cond_cb(r->cb)(NULL, NULL, etag, r->data);
    return 0;
  }
  return give_page(c, r, status, rid, true, etag, msg, msglen);
}

static const anth_endpoint_t cond_page_ep = {.body = cond_body,
                                             .whole = anth__json_body_whole,
                                             .fail = cond_fail,
                                             .not_modified = true};

static void cond_model_fail(anth_cb_fn cb, void *state, void *data,
                            const anthropic_error_t *err) {
  (void)state;
  cond_model_cb(cb)(err, NULL, NULL, data);
}

/* A model asked conditionally: a 304 is handed over as no model. */
static int cond_model_body(anthropic_client_t *c, anthropic_req_t *r,
                           long status, const char *rid, char *msg,
                           size_t msglen) {
  const char *etag = anth__req_header(r, "etag");
  if (status == 304) {
    anth__req_detach(c, r);
    cond_model_cb(r->cb)(NULL, NULL, etag, r->data);
    return 0;
  }
  return give_model(c, r, status, rid, true, etag, msg, msglen);
}

static const anth_endpoint_t cond_model_ep = {.body = cond_model_body,
                                              .whole = anth__json_body_whole,
                                              .fail = cond_model_fail,
                                              .not_modified = true};

static const anth_endpoint_t retrieve_ep = {
    .body = model_body, .whole = anth__json_body_whole, .fail = model_fail};
static const anth_endpoint_t retrieve_json_ep = {
    .body = json_body, .whole = anth__json_body_whole, .fail = json_fail};
static const anth_endpoint_t list_ep = {
    .body = page_body, .whole = anth__json_body_whole, .fail = page_fail};
static const anth_endpoint_t walk_ep = {.body = walk_body,
                                        .whole = anth__json_body_whole,
                                        .fail = walk_fail,
                                        .free_state = walk_free,
                                        .own_state = true};

/* ---- the calls ---- */

/* The caller's struct `src`, read by its size into `dst`; false (the last
 * error set) when it cannot be. */
static bool take(anthropic_client_t *c, void *dst, size_t n, const void *src,
                 const char *what) {
  char msg[ANTH_ERRMSG_MAX] = "";
  if (anth__opts_take(dst, n, src, what, msg, sizeof msg) == 0)
    return true;
  anth__set_last_error(c, ANTHROPIC_EINVAL, msg);
  return false;
}

/* A request's options, read into *own; *o then points to it (NULL stays
 * NULL: the client's settings). */
static bool take_options(anthropic_client_t *c,
                         const anthropic_request_options_t **o,
                         anthropic_request_options_t *own) {
  if (*o == NULL)
    return true;
  if (!take(c, own, sizeof *own, *o, "options"))
    return false;
  *o = own;
  return true;
}

/* The list params, and their options, read into *p and *own. */
static bool take_list_params(anthropic_client_t *c,
                             const anthropic_models_list_params_t *params,
                             anthropic_models_list_params_t *p,
                             anthropic_request_options_t *own) {
  static const anthropic_models_list_params_t defaults =
      ANTHROPIC_MODELS_LIST_PARAMS_INIT;
  *p = defaults;
  return (params == NULL || take(c, p, sizeof *p, params, "params")) &&
         take_options(c, &p->options, own);
}

/* A retrieve through `ep`; `cb` (non-NULL when `have_cb`) is set on the
 * job by the caller. */
static anth_job_t *
retrieve_job(anthropic_client_t *c, const anth_endpoint_t *ep,
             const char *model_id, bool beta,
             const anthropic_models_retrieve_params_t *params, bool have_cb,
             void *data) {
  char msg[ANTH_ERRMSG_MAX] = "";
  anthropic_models_retrieve_params_t p = ANTHROPIC_MODELS_RETRIEVE_PARAMS_INIT;
  anthropic_request_options_t own;
  if (c == NULL || !anth__req_usable(c, have_cb) ||
      (params != NULL && !take(c, &p, sizeof p, params, "params")))
    return NULL;
  const anthropic_request_options_t *o = p.options;
  if (!take_options(c, &o, &own))
    return NULL;
  int rc = anth__url_retrieve(&c->scratch, c->base_url, model_id, beta, o, msg,
                              sizeof msg);
  if (rc != 0) {
    anth__set_last_error(c, (anthropic_errkind_t)rc, msg);
    return NULL;
  }
  return anth__job_new(c, ep, o, data);
}

static anthropic_request_id_t
retrieve(anthropic_client_t *c, const char *model_id, bool beta,
         const anthropic_models_retrieve_params_t *params,
         anthropic_model_cb cb, void *data) {
  anth_job_t *j =
      retrieve_job(c, &retrieve_ep, model_id, beta, params, cb != NULL, data);
  if (j == NULL)
    return 0;
  j->cb = (anth_cb_fn)cb; /* runs from the loop, never before we return */
  return anth__job_submit(c, j);
}

static anthropic_request_id_t
retrieve_json(anthropic_client_t *c, const char *model_id, bool beta,
              const anthropic_models_retrieve_params_t *params,
              anthropic_json_cb cb, void *data) {
  anth_job_t *j = retrieve_job(c, &retrieve_json_ep, model_id, beta, params,
                               cb != NULL, data);
  if (j == NULL)
    return 0;
  j->cb = (anth_cb_fn)cb; /* runs from the loop, never before we return */
  return anth__job_submit(c, j);
}

/* Validate the list parameters and put the first page's URL in scratch;
 * the query without its cursor goes to `tail`. */
static int list_url(anthropic_client_t *c,
                    const anthropic_models_list_params_t *p, bool beta,
                    anth_buf_t *tail) {
  char msg[ANTH_ERRMSG_MAX] = "";
  int rc = anth__url_list_first(&c->scratch, tail, c->base_url, p, beta, msg,
                                sizeof msg);
  if (rc != 0)
    anth__set_last_error(c, (anthropic_errkind_t)rc, msg);
  return rc;
}

static anthropic_request_id_t list(anthropic_client_t *c,
                                   const anthropic_models_list_params_t *user,
                                   bool beta, anthropic_page_cb cb,
                                   void *data) {
  anthropic_models_list_params_t p;
  anthropic_request_options_t own;
  const anthropic_models_list_params_t *params = &p;
  anth_buf_t tail = {NULL, 0, 0};
  if (c == NULL || !anth__req_usable(c, cb != NULL) ||
      !take_list_params(c, user, &p, &own))
    return 0;
  anthropic_request_id_t id = 0;
  anth_job_t *j = NULL;
  if (list_url(c, params, beta, &tail) == 0 &&
      (j = anth__job_new(c, &list_ep, params->options, data)) != NULL) {
    j->cb = (anth_cb_fn)cb;
    id = anth__job_submit(c, j);
  }
  anth__buf_free(&tail);
  return id;
}

/* Send `j` with If-None-Match: `etag` (none when NULL or not a header
 * value), calling back `cb`: its id, or 0 (the job freed, the client's
 * last error set). */
static anthropic_request_id_t submit_cond(anthropic_client_t *c, anth_job_t *j,
                                          const char *etag, anth_cb_fn cb) {
  anth_buf_t line = {NULL, 0, 0};
  if (etag != NULL && anth__header_value_ok(etag) &&
      (anth__buf_appendf(&line, "If-None-Match: %s", etag) != 0 ||
       anth__job_header(c, j, line.data) != 0)) {
    anth__buf_free(&line);
    anth__set_last_error(c, ANTHROPIC_ENOMEM, "out of memory");
    anth__job_free(j);
    return 0;
  }
  anth__buf_free(&line);
  j->cb = cb;
  return anth__job_submit(c, j);
}

anthropic_request_id_t
anth__models_page(anthropic_client_t *c,
                  const anthropic_models_list_params_t *params, bool beta,
                  const char *etag, anth_cond_page_cb cb, void *data) {
  anth_buf_t tail = {NULL, 0, 0};
  anthropic_request_id_t id = 0;
  anth_job_t *j = NULL;
  if (!anth__req_usable(c, cb != NULL))
    return 0;
  if (list_url(c, params, beta, &tail) == 0 &&
      (j = anth__job_new(c, &cond_page_ep, params->options, data)) != NULL)
    id = submit_cond(c, j, etag, (anth_cb_fn)cb);
  anth__buf_free(&tail);
  return id;
}

anthropic_request_id_t
anth__models_retrieve_cond(anthropic_client_t *c, const char *model_id,
                           const anthropic_models_retrieve_params_t *params,
                           bool beta, const char *etag, anth_cond_model_cb cb,
                           void *data) {
  anth_job_t *j =
      retrieve_job(c, &cond_model_ep, model_id, beta, params, cb != NULL, data);
  return j != NULL ? submit_cond(c, j, etag, (anth_cb_fn)cb) : 0;
}

/* A walk is one request from its first page to `done`: it asks for each
 * next page on itself, keeping its place in flight (no trip through the
 * queue between pages). */
static anthropic_request_id_t walk(anthropic_client_t *c,
                                   const anthropic_models_list_params_t *user,
                                   bool beta, size_t max_items,
                                   anthropic_each_page_cb each,
                                   anthropic_walk_done_cb done, void *data) {
  anthropic_models_list_params_t p;
  anthropic_request_options_t own;
  const anthropic_models_list_params_t *params = &p;
  anth_buf_t tail = {NULL, 0, 0};
  if (c == NULL || !anth__req_usable(c, each != NULL && done != NULL) ||
      !take_list_params(c, user, &p, &own))
    return 0;
  if (list_url(c, params, beta, &tail) != 0) {
    anth__buf_free(&tail);
    return 0;
  }
  anth_job_t *j = anth__job_new(c, &walk_ep, params->options, data);
  walk_t *w = j != NULL ? anth__calloc(1, sizeof *w) : NULL;
  if (w == NULL) {
    if (j != NULL)
      anth__set_last_error(c, ANTHROPIC_ENOMEM, "out of memory");
    anth__job_free(j);
    anth__buf_free(&tail);
    return 0;
  }
  j->cb = (anth_cb_fn)done;
  w->each = each;
  w->query = tail; /* the request keeps it for the next pages */
  w->backward = params->before_id != NULL;
  w->max = max_items;
  j->own->state = w; /* a walk's job always has `own` */
  return anth__job_submit(c, j);
}

anthropic_request_id_t
anthropic_models_retrieve(anthropic_client_t *c, const char *model_id,
                          const anthropic_models_retrieve_params_t *params,
                          anthropic_model_cb cb, void *data) {
  return retrieve(c, model_id, false, params, cb, data);
}

anthropic_request_id_t
anthropic_beta_models_retrieve(anthropic_client_t *c, const char *model_id,
                               const anthropic_models_retrieve_params_t *params,
                               anthropic_model_cb cb, void *data) {
  return retrieve(c, model_id, true, params, cb, data);
}

anthropic_request_id_t
anthropic_models_retrieve_json(anthropic_client_t *c, const char *model_id,
                               const anthropic_models_retrieve_params_t *params,
                               anthropic_json_cb cb, void *data) {
  return retrieve_json(c, model_id, false, params, cb, data);
}

anthropic_request_id_t anthropic_beta_models_retrieve_json(
    anthropic_client_t *c, const char *model_id,
    const anthropic_models_retrieve_params_t *params, anthropic_json_cb cb,
    void *data) {
  return retrieve_json(c, model_id, true, params, cb, data);
}

anthropic_request_id_t
anthropic_models_list(anthropic_client_t *c,
                      const anthropic_models_list_params_t *params,
                      anthropic_page_cb cb, void *data) {
  return list(c, params, false, cb, data);
}

anthropic_request_id_t
anthropic_beta_models_list(anthropic_client_t *c,
                           const anthropic_models_list_params_t *params,
                           anthropic_page_cb cb, void *data) {
  return list(c, params, true, cb, data);
}

anthropic_request_id_t
anthropic_models_list_all(anthropic_client_t *c,
                          const anthropic_models_list_params_t *params,
                          size_t max_items, anthropic_each_page_cb each,
                          anthropic_walk_done_cb done, void *data) {
  return walk(c, params, false, max_items, each, done, data);
}

anthropic_request_id_t
anthropic_beta_models_list_all(anthropic_client_t *c,
                               const anthropic_models_list_params_t *params,
                               size_t max_items, anthropic_each_page_cb each,
                               anthropic_walk_done_cb done, void *data) {
  return walk(c, params, true, max_items, each, done, data);
}

bool anthropic_models_page_next(const anthropic_models_page_t *page,
                                const anthropic_models_list_params_t *params,
                                anthropic_models_list_params_t *next) {
  anthropic_models_list_params_t p = ANTHROPIC_MODELS_LIST_PARAMS_INIT;
  if (page == NULL || next == NULL || next->size < sizeof next->size ||
      (params != NULL &&
       anth__opts_take(&p, sizeof p, params, "params", NULL, 0) != 0))
    return false;
  bool backward = p.before_id != NULL;
  const char *cursor = anth__pager_next(page, backward);
  if (cursor == NULL)
    return false;
  p.size = next->size;
  p.after_id = backward ? NULL : cursor;
  p.before_id = backward ? cursor : NULL;
  /* Only what the caller's struct holds: it may be older than ours. */
  memcpy(next, &p, next->size < sizeof p ? next->size : sizeof p);
  return true;
}
