/*
 * lifecycle.c - GET /lifecycle?alias=A[&alias=B...][&aliases=C,D]: each
 * alias resolved as /resolve resolves it (the library's resolver and its
 * cache: one batch for them all), and its model's lifecycle now
 * (anthropic_model_lifecycle() at time(NULL), within --within days):
 *
 *   {"now":"2026-12-01T00:00:00Z","within_days":90,"results":[
 *     {"alias","id","lifecycle","deprecated_at","retires_at",
 *      "days_to_retirement","risk"},
 *     {"alias","error":{"kind","status","type","message","request_id"}}]}
 *
 * in the order asked (every alias= first, then every aliases= entry). The
 * answer is a 200 when one alias at least resolved; when none did, the
 * status of the first failure, with that error as "error" too (the shape
 * of every error answer). Bad input is refused as /resolve refuses it: a
 * 400 before anything is looked up.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "server.h"

/* One request's lookups: the answer is put together as they come. */
typedef struct lc_req {
  srv_conn_t *c;
  int64_t now;
  size_t n;
  size_t answered;  /* of the n, those that resolved */
  int first_status; /* of the first failure, by index; 0: none yet */
  size_t first_index;
  bool all_cached; /* every answer came from the cache */
  bool any_stale;
  cJSON *results; /* n entries, in the order asked */
} lc_req_t;

static bool add_str(cJSON *o, const char *name, const char *v) {
  return (v != NULL ? cJSON_AddStringToObject(o, name, v)
                    : cJSON_AddNullToObject(o, name)) != NULL;
}

static bool add_time(cJSON *o, const char *name, const anthropic_time_t *t) {
  return add_str(o, name, t->state == ANTHROPIC_FIELD_SET ? t->text : NULL);
}

static cJSON *model_result(const lc_req_t *r, const char *alias,
                           const anthropic_model_info_t *model, bool stale) {
  anthropic_lifecycle_summary_t sum = ANTHROPIC_LIFECYCLE_SUMMARY_INIT;
  cJSON *o = cJSON_CreateObject();
  (void)anthropic_model_lifecycle(model, r->now, r->c->srv->o->within_days,
                                  &sum);
  bool ok =
      o != NULL && add_str(o, "alias", alias) && add_str(o, "id", model->id) &&
      add_str(o, "lifecycle", sum.state_text) &&
      add_time(o, "deprecated_at", &model->deprecated_at) &&
      add_time(o, "retires_at", &model->retires_at) &&
      (sum.retires ? cJSON_AddNumberToObject(o, "days_to_retirement",
                                             (double)sum.days_to_retirement)
                   : cJSON_AddNullToObject(o, "days_to_retirement")) &&
      add_str(o, "risk", anthropic_lifecycle_risk_name(sum.risk)) &&
      (!stale || cJSON_AddTrueToObject(o, "stale") != NULL);
  if (!ok) {
    cJSON_Delete(o);
    return NULL;
  }
  return o;
}

/* {"kind","status","type","message","request_id"}: the error shape. */
static cJSON *error_object(const anthropic_error_t *err, int status) {
  cJSON *e = cJSON_CreateObject();
  bool ok = e != NULL && add_str(e, "kind", anthropic_err_name(err->kind)) &&
            cJSON_AddNumberToObject(e, "status", status) != NULL &&
            add_str(e, "type", err->type) &&
            add_str(e, "message", err->message) &&
            add_str(e, "request_id", err->response->request_id);
  if (!ok) {
    cJSON_Delete(e);
    return NULL;
  }
  return e;
}

static cJSON *error_result(const char *alias, const anthropic_error_t *err,
                           int status) {
  cJSON *o = cJSON_CreateObject();
  cJSON *e = error_object(err, status);
  if (o == NULL || e == NULL || !add_str(o, "alias", alias)) {
    cJSON_Delete(o);
    cJSON_Delete(e);
    return NULL;
  }
  cJSON_AddItemToObject(o, "error", e);
  return o;
}

static void on_resolved(const anthropic_error_t *err,
                        const anthropic_model_info_t *model, const char *alias,
                        size_t index, void *data) {
  lc_req_t *r = data;
  srv_server_t *s = r->c->srv;
  anthropic_resolve_info_t info = ANTHROPIC_RESOLVE_INFO_INIT;
  bool known =
      s->client != NULL && anthropic_resolve_get_info(s->client, &info) == 0;
  if (known && !info.cached && !info.stale) /* from the upstream, now */
    srv_upstream_answered(s, err);
  r->all_cached = r->all_cached && known && info.cached;
  r->any_stale = r->any_stale || info.stale;
  cJSON *item;
  if (err == NULL) {
    srv_served_note(s, alias, model);
    srv_keep_upstream_id(r->c, model->response);
    item = model_result(r, alias, model, info.stale);
    r->answered++;
  } else {
    int status = srv_error_status(err);
    srv_keep_upstream_id(r->c, err->response);
    if (r->first_status == 0 || index < r->first_index) {
      r->first_status = status;
      r->first_index = index;
    }
    item = error_result(alias, err, status);
  }
  if (item == NULL || !cJSON_ReplaceItemInArray(r->results, (int)index, item))
    cJSON_Delete(item); /* out of memory: null stays in its place */
}

/* The document, or NULL when out of memory. */
static char *document(const lc_req_t *r, int status) {
  char now[32];
  time_t t = (time_t)r->now;
  struct tm tm;
  if (gmtime_r(&t, &tm) == NULL ||
      strftime(now, sizeof now, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
    return NULL;
  cJSON *root = cJSON_CreateObject();
  char *text = NULL;
  bool ok = root != NULL && add_str(root, "now", now) &&
            cJSON_AddNumberToObject(root, "within_days",
                                    r->c->srv->o->within_days) != NULL;
  if (ok && status != 200) { /* the first failure's error, on top */
    cJSON *first = cJSON_GetArrayItem(r->results, (int)r->first_index);
    cJSON *e = cJSON_Duplicate(cJSON_GetObjectItem(first, "error"), true);
    ok = e != NULL && cJSON_AddItemToObject(root, "error", e);
  }
  if (ok && cJSON_AddItemReferenceToObject(root, "results", r->results))
    text = cJSON_PrintUnformatted(root);
  cJSON_Delete(root); /* the reference only: results stay r's */
  return text;
}

static void on_done(anthropic_resolve_id_t id, void *data) {
  lc_req_t *r = data;
  srv_conn_t *c = r->c;
  (void)id;
  c->batch = 0;
  if (!srv_conn_gone(c)) {
    int status = r->answered > 0 || r->n == 0 ? 200 : r->first_status;
    char *body = document(r, status);
    c->req.cache = r->any_stale ? "stale" : r->all_cached ? "hit" : "miss";
    if (body == NULL)
      srv_answer_error(c, 503, "out_of_memory", NULL, "out of memory", NULL);
    else
      srv_conn_reply(c, status,
                     "Content-Type: application/json\r\n"
                     "Cache-Control: no-store\r\n",
                     body, strlen(body));
    cJSON_free(body);
  }
  cJSON_Delete(r->results);
  free(r);
  srv_conn_op_done(c);
}

/* One alias more, NUL-terminated in `all` at at[*n]: NULL, or why not. */
static const char *push(srv_buf_t *all, size_t *at, size_t *n, const char *p,
                        size_t len, const char *empty) {
  if (len == 0)
    return empty;
  if (*n == SRV_LIFECYCLE_ALIASES_MAX)
    return "more than 100 aliases";
  at[*n] = all->len;
  if (srv_buf_append(all, p, len) != 0 || srv_buf_append(all, "", 1) != 0)
    return "out of memory";
  (*n)++;
  return NULL;
}

/* The aliases asked, NUL-separated in `all` with their offsets in `at`:
 * each alias= is one, each aliases= a comma-separated list. Their count,
 * or -1 after answering the request 400. */
static int read_aliases(srv_conn_t *c, const char *q, size_t qlen,
                        srv_buf_t *all, size_t at[SRV_LIFECYCLE_ALIASES_MAX]) {
  srv_buf_t v = {0};
  const char *bad = NULL;
  size_t n = 0, pos = 0;
  int found;
  while (bad == NULL && (found = srv_query_next(q, qlen, &pos, "alias", &v)))
    bad = found < 0 ? "alias: bad percent-encoding"
                    : push(all, at, &n, v.data, strlen(v.data), "alias: empty");
  pos = 0;
  while (bad == NULL &&
         (found = srv_query_next(q, qlen, &pos, "aliases", &v))) {
    if (found < 0)
      bad = "aliases: bad percent-encoding";
    for (const char *p = v.data; bad == NULL; p++) {
      size_t len = strcspn(p, ",");
      bad = push(all, at, &n, p, len, "aliases: an empty entry");
      p += len;
      if (*p == '\0')
        break;
    }
  }
  srv_buf_free(&v);
  if (bad == NULL && n == 0)
    bad = "missing query parameter: alias (or aliases)";
  if (bad != NULL) {
    srv_answer_error(c, 400, "invalid_argument", "invalid_request_error", bad,
                     NULL);
    return -1;
  }
  return (int)n;
}

void srv_route_lifecycle(srv_conn_t *c, const char *query, size_t qlen) {
  srv_server_t *s = c->srv;
  srv_buf_t all = {0};
  size_t at[SRV_LIFECYCLE_ALIASES_MAX];
  const char *aliases[SRV_LIFECYCLE_ALIASES_MAX];
  int n = read_aliases(c, query, qlen, &all, at);
  if (n < 0) {
    srv_buf_free(&all);
    return;
  }
  lc_req_t *r = calloc(1, sizeof *r);
  if (r != NULL) {
    r->c = c;
    r->now = (int64_t)time(NULL);
    r->n = (size_t)n;
    r->all_cached = true;
    r->results = cJSON_CreateArray();
    for (int i = 0; r->results != NULL && i < n; i++) {
      aliases[i] = all.data + at[i];
      cJSON *null = cJSON_CreateNull();
      if (null == NULL || !cJSON_AddItemToArray(r->results, null)) {
        cJSON_Delete(null);
        cJSON_Delete(r->results);
        r->results = NULL;
      }
    }
  }
  if (r == NULL || r->results == NULL) {
    free(r);
    srv_buf_free(&all);
    srv_answer_error(c, 503, "out_of_memory", NULL, "out of memory", NULL);
    return;
  }
  anthropic_resolve_id_t id = anthropic_resolve(s->client, aliases, (size_t)n,
                                                NULL, on_resolved, on_done, r);
  srv_buf_free(&all); /* the library copied them */
  if (id == 0) {      /* refused at once: an invalid alias, or no memory */
    cJSON_Delete(r->results);
    free(r);
    srv_answer_library_error(c, anthropic_client_last_error(s->client));
    return;
  }
  c->batch = id;
  c->ops++;
}
