/*
 * routes.c - what the server answers: GET /resolve?alias=A through the
 * library's resolver (one batch per request: lookups of one alias are
 * shared across batches, and answers cached), GET /lifecycle?alias=A
 * (lifecycle.c: the same lookups), GET /models (models.c),
 * /metrics (its text: metrics.c), /healthz and /readyz (health.c). The
 * top of the server: conn.c reaches srv_dispatch() and srv_cancel_op()
 * through the hooks main.c gives it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server.h"

/* A model, with the cache headers of its age (from the resolver). */
static void answer_model(srv_conn_t *c, const anthropic_model_info_t *model,
                         const srv_freshness_t *f) {
  srv_keep_upstream_id(c, model->response);
  srv_answer_model(c, model, f);
}

/* ---- /resolve ---- */

static void on_resolved(const anthropic_error_t *err,
                        const anthropic_model_info_t *model, const char *alias,
                        size_t index, void *data) {
  srv_conn_t *c = data;
  anthropic_resolve_info_t info = ANTHROPIC_RESOLVE_INFO_INIT;
  (void)index;
  c->batch = 0; /* answered: nothing left to cancel */
  bool known = c->srv->client != NULL &&
               anthropic_resolve_get_info(c->srv->client, &info) == 0;
  if (known && !info.cached && !info.stale) /* from the upstream, now */
    srv_upstream_answered(c->srv, err);
  if (srv_conn_gone(c))
    return;
  srv_log(c->srv, "conn %llu: %s -> %s", (unsigned long long)c->id, alias,
          err != NULL ? anthropic_err_name(err->kind) : model->id);
  if (known)
    c->req.cache = info.stale ? "stale" : info.cached ? "hit" : "miss";
  if (info.stale && info.stale_error != NULL)
    srv_log_at(c->srv, ANTHROPIC_LOG_WARN,
               "%s: the upstream failed (%s, status %ld, request-id %s): "
               "serving the model of %llu s ago",
               alias, anthropic_err_name(info.stale_error->kind),
               info.stale_error->response->status,
               info.stale_error->response->request_id
                   ? info.stale_error->response->request_id
                   : "-",
               (unsigned long long)(info.age_ms / 1000));
  srv_freshness_t f = {.age_ms = info.age_ms, .stale = info.stale};
  if (err != NULL) {
    srv_answer_library_error(c, err);
  } else {
    srv_served_note(c->srv, alias, model);
    answer_model(c, model, &f);
  }
}

static void on_resolve_done(anthropic_resolve_id_t id, void *data) {
  (void)id;
  srv_conn_op_done(data);
}

static void route_resolve(srv_conn_t *c, const char *query, size_t qlen) {
  srv_server_t *s = c->srv;
  srv_buf_t alias = {0};
  size_t pos = 0;
  int found = srv_query_next(query, qlen, &pos, "alias", &alias);
  if (found <= 0 || alias.data[0] == '\0') {
    srv_answer_error(c, 400, "invalid_argument", "invalid_request_error",
                     found < 0 ? "alias: bad percent-encoding"
                               : "missing query parameter: alias",
                     NULL);
    srv_buf_free(&alias);
    return;
  }
  const char *aliases[1] = {alias.data};
  anthropic_resolve_id_t id = anthropic_resolve(
      s->client, aliases, 1, NULL, on_resolved, on_resolve_done, c);
  srv_buf_free(&alias);
  if (id == 0) { /* refused at once: an invalid alias, or no memory */
    srv_answer_library_error(c, anthropic_client_last_error(s->client));
    return;
  }
  c->batch = id;
  c->ops++;
}

/* ---- /metrics ---- */

static void route_metrics(srv_conn_t *c) {
  srv_buf_t b = {0};
  if (!srv_metrics_text(c->srv, &b)) {
    srv_buf_free(&b);
    srv_answer_error(c, 503, "out_of_memory", NULL, "out of memory", NULL);
    return;
  }
  srv_conn_reply(c, 200, "Content-Type: text/plain; version=0.0.4\r\n", b.data,
                 b.len);
  srv_buf_free(&b);
}

/* ---- dispatch ---- */

static bool path_is(const char *path, size_t len, const char *want) {
  return len == strlen(want) && memcmp(path, want, len) == 0;
}

void srv_dispatch(srv_conn_t *c) {
  struct http_parser_url u;
  const char *url = c->url.data;
  http_parser_url_init(&u);
  if (url == NULL || http_parser_parse_url(url, c->url.len, 0, &u) != 0 ||
      !(u.field_set & (1 << UF_PATH))) {
    srv_answer_error(c, 400, "invalid_argument", "invalid_request_error",
                     "bad request-target", NULL);
    return;
  }
  const char *path = url + u.field_data[UF_PATH].off;
  size_t plen = u.field_data[UF_PATH].len;
  const char *query = url + u.field_data[UF_QUERY].off;
  size_t qlen =
      (u.field_set & (1 << UF_QUERY)) ? u.field_data[UF_QUERY].len : 0;
  c->req.route = path_is(path, plen, "/resolve")     ? SRV_ROUTE_RESOLVE
                 : path_is(path, plen, "/models")    ? SRV_ROUTE_MODELS
                 : path_is(path, plen, "/healthz")   ? SRV_ROUTE_HEALTHZ
                 : path_is(path, plen, "/readyz")    ? SRV_ROUTE_READYZ
                 : path_is(path, plen, "/metrics")   ? SRV_ROUTE_METRICS
                 : path_is(path, plen, "/lifecycle") ? SRV_ROUTE_LIFECYCLE
                                                     : SRV_ROUTE_OTHER;
  srv_log(c->srv, "conn %llu: GET %.*s", (unsigned long long)c->id,
          (int)c->url.len, url);
  if (c->srv->stopping || c->srv->client == NULL)
    srv_answer_error(c, 503, "cancelled", NULL, "the server is stopping", NULL);
  else if (path_is(path, plen, "/resolve"))
    route_resolve(c, query, qlen);
  else if (path_is(path, plen, "/lifecycle"))
    srv_route_lifecycle(c, query, qlen);
  else if (path_is(path, plen, "/models"))
    srv_route_models(c);
  else if (path_is(path, plen, "/metrics"))
    route_metrics(c);
  else if (path_is(path, plen, "/healthz"))
    srv_route_healthz(c);
  else if (path_is(path, plen, "/readyz"))
    srv_route_readyz(c);
  else
    srv_answer_error(c, 404, "invalid_argument", "not_found_error",
                     "no such route: GET /resolve?alias=A, "
                     "/lifecycle?alias=A, /models, /healthz, /readyz or "
                     "/metrics",
                     NULL);
}

/* The client went away: a lookup or walk nobody else waits for is
 * cancelled (its callbacks still come, with ECANCELLED). */
void srv_cancel_op(srv_conn_t *c) {
  anthropic_client_t *client = c->srv->client;
  if (client == NULL)
    return;
  if (c->batch != 0)
    (void)anthropic_resolve_cancel(client, c->batch);
  c->batch = 0;
}
