/*
 * models.c - GET /models: every model, all pages, one JSON array. One walk
 * at a time for the whole server: requests that come while it runs wait
 * for it (a wait list), and its answer is kept --cache-ttl-ms (and past
 * that, for --stale-if-error, to stand in for an upstream failure). The
 * answer is bounded by --max-models-bytes; past it the walk stops and the
 * waiters get a 502.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server.h"

/* 0; -1 when out of memory; 1 when the answer, with this model, its
 * comma and the closing ']', would pass --max-models-bytes. */
static int add_model(srv_server_t *s, const anthropic_model_info_t *model) {
  srv_models_t *m = &s->models;
  char *json = anthropic_model_info_json(model);
  if (json == NULL)
    return -1;
  size_t len = strlen(json), room = s->o->max_models_bytes;
  int rc = m->building.len + len + 2 > room ? 1 : 0;
  if (rc == 0 && m->count > 0)
    rc = srv_buf_append(&m->building, ",", 1);
  if (rc == 0)
    rc = srv_buf_append(&m->building, json, len);
  anthropic_free(json);
  m->count++;
  return rc;
}

/* Each page is added to the answer as it comes; only one is held. */
static int on_page(const anthropic_models_page_t *page, void *data) {
  srv_server_t *s = data;
  srv_models_t *m = &s->models;
  if (page->response->request_id != NULL)
    srv_copy_id(m->building_id, sizeof m->building_id,
                page->response->request_id);
  for (size_t i = 0; i < page->count; i++) {
    int rc = add_model(s, page->data[i]);
    if (rc != 0) {
      m->failed = rc < 0;
      m->too_large = rc > 0;
      return 1;
    }
  }
  return 0;
}

static void answer_too_large(srv_conn_t *c) {
  char message[128];
  (void)snprintf(message, sizeof message,
                 "the upstream listed more than %zu bytes of models "
                 "(--max-models-bytes)",
                 c->srv->o->max_models_bytes);
  srv_answer_error(c, 502, "too_large", NULL, message, NULL);
}

/* The kept answer, `age_ms` old. */
static void answer_kept(srv_conn_t *c, uint64_t age_ms, bool stale) {
  srv_models_t *m = &c->srv->models;
  srv_freshness_t f = {.age_ms = age_ms, .stale = stale};
  (void)snprintf(c->req.upstream_id, sizeof c->req.upstream_id, "%s",
                 m->body_id);
  srv_answer_cached(c, m->body.data, m->body.len, &f);
}

/* A failure that a stale answer may stand in for (RFC 5861): no answer,
 * a timeout, or the upstream overloaded or failing. */
static bool stale_may_hide(const anthropic_error_t *err) {
  long st = err->response->status;
  return err->kind == ANTHROPIC_ECONNECTION ||
         err->kind == ANTHROPIC_ETIMEDOUT ||
         (err->kind == ANTHROPIC_EHTTP && (st == 429 || st >= 500));
}

/* How old the kept answer is, and whether it may still be served stale. */
static bool kept_within(const srv_server_t *s, uint64_t *age_ms) {
  const srv_models_t *m = &s->models;
  if (m->body.len == 0)
    return false;
  *age_ms = uv_now(s->loop) - m->fetched_ms;
  return *age_ms <= s->o->cache_ttl_ms + s->o->stale_if_error_s * 1000;
}

/* The walk's outcome, for one waiter. */
static void answer_waiter(srv_conn_t *c, const anthropic_error_t *err) {
  srv_server_t *s = c->srv;
  srv_models_t *m = &s->models;
  uint64_t age_ms = 0;
  if (m->too_large) {
    answer_too_large(c);
  } else if (err == NULL && m->failed) {
    srv_answer_error(c, 503, "out_of_memory", NULL, "out of memory", NULL);
  } else if (err == NULL) {
    answer_kept(c, 0, false);
  } else if (stale_may_hide(err) && kept_within(s, &age_ms)) {
    c->req.cache = "stale";
    answer_kept(c, age_ms, true);
  } else {
    srv_answer_library_error(c, err);
  }
}

static void on_walk_done(const anthropic_error_t *err, size_t items,
                         void *data) {
  srv_server_t *s = data;
  srv_models_t *m = &s->models;
  srv_waitlist_t waiters;
  m->walk = 0;
  srv_upstream_answered(s, err);
  if (err == NULL && !m->failed && !m->too_large &&
      srv_buf_append(&m->building, "]", 1) == 0) {
    srv_buf_free(&m->body); /* the new answer is kept */
    m->body = m->building;
    memset(&m->building, 0, sizeof m->building);
    m->fetched_ms = uv_now(s->loop);
    memcpy(m->body_id, m->building_id, sizeof m->body_id);
  } else if (err == NULL && !m->too_large) {
    m->failed = true;
  }
  srv_log(s, "models -> %zu, %s", items,
          err != NULL ? anthropic_err_name(err->kind) : "ok");
  if (err != NULL && stale_may_hide(err) && s->waiting_models.head != NULL)
    srv_log_at(s, ANTHROPIC_LOG_WARN, "/models: the upstream failed (%s): %s",
               anthropic_err_name(err->kind), err->message);
  /* Taken out before answering: an answer may start the next request,
   * which may start the next walk. */
  srv_wait_take(&s->waiting_models, &waiters);
  for (srv_conn_t *c; (c = srv_wait_pop(&waiters)) != NULL;)
    answer_waiter(c, err);
  srv_buf_free(&m->building);
}

/* 0; -1 out of memory; 1 refused by the library (its last error). */
static int start_walk(srv_server_t *s) {
  srv_models_t *m = &s->models;
  anthropic_models_list_params_t params = ANTHROPIC_MODELS_LIST_PARAMS_INIT;
  params.limit = s->o->page_size;
  m->count = 0;
  m->failed = m->too_large = false;
  m->building_id[0] = '\0';
  if (srv_buf_append(&m->building, "[", 1) != 0)
    return -1;
  m->walk = anthropic_models_list_all(s->client, &params, 0, on_page,
                                      on_walk_done, s);
  if (m->walk == 0) {
    srv_buf_free(&m->building);
    return 1;
  }
  return 0;
}

void srv_route_models(srv_conn_t *c) {
  srv_server_t *s = c->srv;
  srv_models_t *m = &s->models;
  uint64_t age_ms;
  if (m->body.len > 0 &&
      (age_ms = uv_now(s->loop) - m->fetched_ms) < s->o->cache_ttl_ms) {
    c->req.cache = "hit";
    answer_kept(c, age_ms, false);
    return;
  }
  c->req.cache = "miss";
  int rc = m->walk == 0 ? start_walk(s) : 0;
  if (rc > 0) {
    srv_answer_library_error(c, anthropic_client_last_error(s->client));
    return;
  }
  if (rc < 0) {
    srv_answer_error(c, 503, "out_of_memory", NULL, "out of memory", NULL);
    return;
  }
  srv_wait_join(&s->waiting_models, c);
}

void srv_models_free(srv_server_t *s) {
  srv_buf_free(&s->models.body);
  srv_buf_free(&s->models.building);
}
