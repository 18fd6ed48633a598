/* request.c - one request from start to callback: the pooled easy handle,
 * body and header capture, turning what came back into a result or an
 * error, and the retrieve/list calls themselves. */
#include "client.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#define ANTH_POOL_MAX 1024
#define ANTH_KEEP_BODY_CAP                                                     \
  ((size_t)64 * 1024) /* larger buffers are not pooled */

/* ---- capture ---- */

static size_t on_body(char *ptr, size_t size, size_t nmemb, void *ud) {
  anthropic_req_t *r = ud;
  size_t n = size * nmemb;
  if (n > r->client->max_body - r->body.len) {
    r->too_large = true; /* stop now, without buffering the rest */
    return 0;
  }
  if (anth__buf_append(&r->body, ptr, n) != 0) {
    r->nomem = true;
    return 0;
  }
  return n;
}

static size_t on_header(char *ptr, size_t size, size_t nmemb, void *ud) {
  anthropic_req_t *r = ud;
  size_t n = size * nmemb;
  static const char rid[] = "request-id:";
  if (n >= 5 && memcmp(ptr, "HTTP/", 5) == 0) {
    r->request_id.len = 0; /* a new response (after 1xx) */
  } else if (n > sizeof rid - 1 && strncasecmp(ptr, rid, sizeof rid - 1) == 0) {
    size_t b = sizeof rid - 1, e = n;
    while (b < e && (ptr[b] == ' ' || ptr[b] == '\t'))
      b++;
    while (e > b && (ptr[e - 1] == '\r' || ptr[e - 1] == '\n' ||
                     ptr[e - 1] == ' ' || ptr[e - 1] == '\t'))
      e--;
    r->request_id.len = 0;
    if (anth__buf_append(&r->request_id, ptr + b, e - b) != 0) {
      r->nomem = true;
      return 0;
    }
  }
  return n;
}

/* ---- pool ---- */

static void req_destroy(anthropic_req_t *r) {
  if (r->easy != NULL)
    curl_easy_cleanup(r->easy);
  anth__buf_free(&r->body);
  anth__buf_free(&r->request_id);
  anth__free(r);
}

static int easy_setup(anthropic_client_t *c, anthropic_req_t *r) {
  CURL *e = r->easy;
  CURLcode rc = CURLE_OK;
#define SET(opt, val)                                                          \
  if (rc == CURLE_OK)                                                          \
  rc = curl_easy_setopt(e, opt, val)
  SET(CURLOPT_PRIVATE, (void *)r);
  SET(CURLOPT_NOSIGNAL, 1L); /* no sigaction() calls per request */
  SET(CURLOPT_WRITEFUNCTION, on_body);
  SET(CURLOPT_WRITEDATA, (void *)r);
  SET(CURLOPT_HEADERFUNCTION, on_header);
  SET(CURLOPT_HEADERDATA, (void *)r);
  SET(CURLOPT_ERRORBUFFER, r->curl_err);
  SET(CURLOPT_HTTPHEADER, c->headers);
  SET(CURLOPT_PROTOCOLS_STR, "http,https");
  SET(CURLOPT_PIPEWAIT, 1L); /* prefer waiting to multiplex on HTTP/2 */
  SET(CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)c->max_body);
  SET(CURLOPT_TIMEOUT_MS, 600000L);
  SET(CURLOPT_CONNECTTIMEOUT_MS, 5000L);
  if (c->ca_bundle != NULL)
    SET(CURLOPT_CAINFO, c->ca_bundle);
#undef SET
  return rc == CURLE_OK ? 0 : ANTHROPIC_ENOMEM;
}

static anthropic_req_t *req_get(anthropic_client_t *c) {
  anthropic_req_t *r = c->pool;
  if (r != NULL) {
    c->pool = r->next;
    c->pool_count--;
  } else {
    r = anth__calloc(1, sizeof *r);
    if (r == NULL)
      return NULL;
    r->client = c;
    r->easy = curl_easy_init();
    if (r->easy == NULL || easy_setup(c, r) != 0) {
      req_destroy(r);
      return NULL;
    }
  }
  r->prev = r->next = r->qnext = NULL;
  r->body.len = 0;
  r->request_id.len = 0;
  r->too_large = r->nomem = false;
  r->attempts = 0;
  r->curl_err[0] = '\0';
  return r;
}

static void req_put(anthropic_client_t *c, anthropic_req_t *r) {
  r->state = REQ_IDLE;
  r->cb.model = NULL;
  r->data = NULL;
  if (c->pool_count >= ANTH_POOL_MAX) {
    req_destroy(r);
    return;
  }
  if (r->body.cap > ANTH_KEEP_BODY_CAP)
    anth__buf_free(&r->body);
  r->next = c->pool;
  c->pool = r;
  c->pool_count++;
}

void anth__req_pool_free(anthropic_client_t *c) {
  while (c->pool != NULL) {
    anthropic_req_t *r = c->pool;
    c->pool = r->next;
    req_destroy(r);
  }
  c->pool_count = 0;
}

static void active_unlink(anthropic_client_t *c, anthropic_req_t *r) {
  if (r->prev)
    r->prev->next = r->next;
  else
    c->active = r->next;
  if (r->next)
    r->next->prev = r->prev;
  r->prev = r->next = NULL;
  c->active_count--;
}

/* ---- delivering results ---- */

static void deliver_error(anthropic_req_t *r, anthropic_errkind_t kind,
                          long status, const char *type, const char *message,
                          const char *request_id) {
  anthropic_response_t resp = {status, request_id};
  anthropic_error_t err = {kind,       status,      type, message,
                           request_id, r->attempts, &resp};
  if (err.message == NULL)
    err.message = anthropic_strerror(kind);
  r->state = REQ_CALLBACK;
  if (r->kind == REQ_RETRIEVE)
    r->cb.model(&err, NULL, r->data);
  else
    r->cb.page(&err, NULL, r->data);
}

static void log_attempt(anthropic_client_t *c, anthropic_req_t *r,
                        CURLcode code, long status) {
  if (c->log_cb == NULL)
    return;
  char *url = NULL;
  char line[512];
  double ms = (double)(uv_hrtime() - r->started_ns) / 1e6;
  curl_easy_getinfo(r->easy, CURLINFO_EFFECTIVE_URL, &url);
  if (code != CURLE_OK)
    anth__errf(line, sizeof line, "GET %s -> error: %s (%.1f ms)",
               url ? url : "?",
               r->curl_err[0] ? r->curl_err : curl_easy_strerror(code), ms);
  else
    anth__errf(line, sizeof line, "GET %s -> %ld (%.1f ms) request-id=%s",
               url ? url : "?", status, ms,
               r->request_id.len ? r->request_id.data : "-");
  c->log_cb(c->log_data, line);
}

static void finish_http_error(anthropic_req_t *r, long status,
                              const char *request_id) {
  cJSON *root = NULL;
  const char *type, *message, *body_rid;
  char msg[ANTH_ERRMSG_MAX];
  (void)anth__parse_error_body(r->body.data, r->body.len, &root, &type,
                               &message, &body_rid);
  if (message == NULL) {
    /* HTML from a proxy, or nothing at all: the status still says it. */
    anth__errf(msg, sizeof msg, "HTTP %ld %s", status,
               anth__http_reason(status));
    message = msg;
  }
  deliver_error(r, ANTHROPIC_EHTTP, status, type, message,
                request_id ? request_id : body_rid);
  cJSON_Delete(root);
}

static void finish_success(anthropic_req_t *r, long status,
                           const char *request_id) {
  char msg[ANTH_ERRMSG_MAX];
  cJSON *root = NULL;
  anthropic_response_t resp = {status, request_id};
  int rc;
  if (r->kind == REQ_RETRIEVE) {
    anthropic_model_info_t model;
    rc = anth__parse_model(r->body.data, r->body.len, &root, &model, msg,
                           sizeof msg);
    if (rc == 0) {
      model.response = &resp;
      r->state = REQ_CALLBACK;
      r->cb.model(NULL, &model, r->data);
    }
  } else {
    anthropic_models_page_t page;
    anthropic_model_info_t *items = NULL;
    rc = anth__parse_page(r->body.data, r->body.len, &root, &page, &items, msg,
                          sizeof msg);
    if (rc == 0) {
      page.response = &resp;
      r->state = REQ_CALLBACK;
      r->cb.page(NULL, &page, r->data);
      anth__free(items);
    }
  }
  cJSON_Delete(root);
  if (rc != 0)
    deliver_error(r, (anthropic_errkind_t)rc, status, NULL, msg, request_id);
}

/* A transfer curl reports done. Called from the engine's drain loop, never
 * from inside a curl callback. */
void anth__req_done(anthropic_req_t *r, CURLcode code) {
  anthropic_client_t *c = r->client;
  long status = 0;
  curl_off_t expected = -1;
  char msg[ANTH_ERRMSG_MAX];

  curl_multi_remove_handle(c->multi, r->easy);
  active_unlink(c, r);
  r->attempts++;
  curl_easy_getinfo(r->easy, CURLINFO_RESPONSE_CODE, &status);
  curl_easy_getinfo(r->easy, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &expected);
  log_attempt(c, r, code, status);
  const char *rid = r->request_id.len ? r->request_id.data : NULL;

  if (r->too_large || code == CURLE_FILESIZE_EXCEEDED) {
    anth__errf(msg, sizeof msg, "response body exceeds the %zu-byte limit",
               c->max_body);
    deliver_error(r, ANTHROPIC_ETOOLARGE, status, NULL, msg, rid);
  } else if (r->nomem) {
    deliver_error(r, ANTHROPIC_ENOMEM, status, NULL, NULL, rid);
  } else if (code != CURLE_OK) {
    deliver_error(r, anth__errkind_from_curl(code), status, NULL,
                  r->curl_err[0] ? r->curl_err : curl_easy_strerror(code), rid);
  } else if (expected >= 0 && (curl_off_t)r->body.len != expected) {
    /* curl 7.88 can report an aborted HTTP/2 stream as complete: never
     * trust a body shorter (or longer) than its Content-Length. */
    anth__errf(msg, sizeof msg,
               "response body incomplete: %zu of %" CURL_FORMAT_CURL_OFF_T
               " bytes",
               r->body.len, expected);
    deliver_error(r, ANTHROPIC_ECONNECTION, status, NULL, msg, rid);
  } else if (status >= 200 && status < 300) {
    finish_success(r, status, rid);
  } else {
    finish_http_error(r, status, rid);
  }
  req_put(c, r);
}

/* Requests that ended without a transfer result (cancelled, closed): their
 * callbacks run here, from the loop. Only the ones queued before this turn
 * run now, so a callback that queues more cannot keep us here. */
void anth__req_run_deferred(anthropic_client_t *c) {
  anthropic_req_t *r = c->deferred_head;
  c->deferred_head = c->deferred_tail = NULL;
  while (r != NULL) {
    anthropic_req_t *next = r->qnext;
    r->qnext = NULL;
    deliver_error(r, r->deferred_kind, 0, NULL, r->deferred_msg, NULL);
    req_put(c, r);
    r = next;
  }
}

static void defer(anthropic_req_t *r, anthropic_errkind_t kind,
                  const char *msg) {
  anthropic_client_t *c = r->client;
  r->state = REQ_DEFERRED;
  r->deferred_kind = kind;
  r->deferred_msg = msg;
  r->qnext = NULL;
  if (c->deferred_tail)
    c->deferred_tail->qnext = r;
  else
    c->deferred_head = r;
  c->deferred_tail = r;
  anth__engine_defer(c);
}

static void cancel(anthropic_req_t *r, const char *why) {
  curl_multi_remove_handle(r->client->multi, r->easy);
  active_unlink(r->client, r);
  defer(r, ANTHROPIC_ECANCELLED, why);
}

void anthropic_req_cancel(anthropic_req_t *r) {
  if (r == NULL || r->state != REQ_ACTIVE)
    return; /* finished, or its callback is already due */
  cancel(r, "request cancelled");
}

void anth__req_cancel_all(anthropic_client_t *c, const char *why) {
  while (c->active != NULL)
    cancel(c->active, why);
}

/* ---- starting requests ---- */

static anthropic_req_t *start(anthropic_client_t *c, req_kind_t kind,
                              void *data) {
  anthropic_req_t *r = req_get(c);
  if (r == NULL) {
    anth__set_last_error(c, ANTHROPIC_ENOMEM, "out of memory");
    return NULL;
  }
  if (curl_easy_setopt(r->easy, CURLOPT_URL, c->scratch.data) != CURLE_OK) {
    req_put(c, r);
    anth__set_last_error(c, ANTHROPIC_ENOMEM, "out of memory");
    return NULL;
  }
  r->kind = kind;
  r->data = data;
  r->started_ns = uv_hrtime();
  if (curl_multi_add_handle(c->multi, r->easy) != CURLM_OK) {
    req_put(c, r);
    anth__set_last_error(c, ANTHROPIC_ENOMEM, "could not add the transfer");
    return NULL;
  }
  r->state = REQ_ACTIVE;
  r->next = c->active;
  if (c->active)
    c->active->prev = r;
  c->active = r;
  c->active_count++;
  anth__set_last_error(c, ANTHROPIC_OK, "");
  return r;
}

static int usable(anthropic_client_t *c, bool has_cb) {
  if (c->closing) {
    anth__set_last_error(c, ANTHROPIC_EINVAL, "the client is closing");
    return 0;
  }
  if (!has_cb) {
    anth__set_last_error(c, ANTHROPIC_EINVAL, "callback is NULL");
    return 0;
  }
  return 1;
}

anthropic_req_t *
anthropic_models_retrieve(anthropic_client_t *c, const char *model_id,
                          const anthropic_models_retrieve_params_t *params,
                          anthropic_model_cb cb, void *data) {
  char msg[ANTH_ERRMSG_MAX];
  if (c == NULL || !usable(c, cb != NULL))
    return NULL;
  if (params != NULL && params->reserved != 0) {
    anth__set_last_error(c, ANTHROPIC_EINVAL, "params.reserved must be 0");
    return NULL;
  }
  int rc =
      anth__url_retrieve(&c->scratch, c->base_url, model_id, msg, sizeof msg);
  if (rc != 0) {
    anth__set_last_error(c, (anthropic_errkind_t)rc, msg);
    return NULL;
  }
  anthropic_req_t *r = start(c, REQ_RETRIEVE, data);
  if (r != NULL)
    r->cb.model = cb; /* runs from the loop, never before we return */
  return r;
}

anthropic_req_t *
anthropic_models_list(anthropic_client_t *c,
                      const anthropic_models_list_params_t *params,
                      anthropic_page_cb cb, void *data) {
  char msg[ANTH_ERRMSG_MAX];
  if (c == NULL || !usable(c, cb != NULL))
    return NULL;
  int rc = anth__url_list(&c->scratch, c->base_url, params, msg, sizeof msg);
  if (rc != 0) {
    anth__set_last_error(c, (anthropic_errkind_t)rc, msg);
    return NULL;
  }
  anthropic_req_t *r = start(c, REQ_LIST, data);
  if (r != NULL)
    r->cb.page = cb;
  return r;
}
