/*
 * health.c - GET /healthz (liveness: the process answers) and GET /readyz
 * (readiness: the upstream answered within --ready-window seconds, or
 * else a probe, one page of one model, succeeds now; a window of 0
 * probes every time). One probe at a
 * time: requests that come while it runs wait for it.
 */
#include <stdio.h>
#include <string.h>

#include "server.h"

#define NO_STORE "Content-Type: application/json\r\nCache-Control: no-store\r\n"

void srv_route_healthz(srv_conn_t *c) {
  static const char body[] = "{\"status\":\"ok\"}";
  srv_conn_reply(c, 200, NO_STORE, body, sizeof body - 1);
}

static void answer_ready(srv_conn_t *c) {
  char body[128];
  uint64_t ago = uv_now(c->srv->loop) - c->srv->upstream_ok_ms;
  int n = snprintf(body, sizeof body,
                   "{\"ready\":true,\"upstream_answered_ms_ago\":%llu}",
                   (unsigned long long)ago);
  srv_conn_reply(c, 200, NO_STORE, body, (size_t)n);
}

/* 503, with why the probe failed. */
static void answer_not_ready(srv_conn_t *c, const anthropic_error_t *err) {
  char body[768], id[96];
  const char *rid = err->response->request_id;
  if (rid != NULL) {
    srv_copy_id(id, sizeof id, rid);
    rid = id;
  }
  int n = snprintf(body, sizeof body,
                   "{\"ready\":false,\"error\":{\"kind\":\"%s\","
                   "\"status\":%ld,\"request_id\":%s%s%s}}",
                   anthropic_err_name(err->kind), err->response->status,
                   rid ? "\"" : "", rid ? rid : "null", rid ? "\"" : "");
  if (n < 0 || (size_t)n >= sizeof body)
    n = snprintf(body, sizeof body, "{\"ready\":false}");
  srv_conn_reply(c, 503, NO_STORE "Retry-After: 1\r\n", body, (size_t)n);
}

/* An upstream call ended with `err` (NULL: a result). A result or a 404
 * (no such model) is the upstream answering: /readyz trusts it for
 * --ready-window seconds. */
void srv_upstream_answered(srv_server_t *s, const anthropic_error_t *err) {
  if (err == NULL ||
      (err->kind == ANTHROPIC_EHTTP && err->response->status == 404))
    s->upstream_ok_ms = uv_now(s->loop);
}

static void on_probe(const anthropic_error_t *err,
                     const anthropic_models_page_t *page, void *data) {
  srv_server_t *s = data;
  srv_waitlist_t waiters;
  (void)page;
  s->probe = 0;
  srv_upstream_answered(s, err);
  if (err != NULL)
    srv_log_at(s, ANTHROPIC_LOG_WARN, "/readyz: the upstream failed: %s: %s",
               anthropic_err_name(err->kind), err->message);
  srv_wait_take(&s->waiting_probe, &waiters);
  for (srv_conn_t *c; (c = srv_wait_pop(&waiters)) != NULL;)
    if (err == NULL)
      answer_ready(c);
    else
      answer_not_ready(c, err);
}

void srv_route_readyz(srv_conn_t *c) {
  srv_server_t *s = c->srv;
  uint64_t window = s->o->ready_window_s * 1000;
  if (window > 0 && s->upstream_ok_ms != 0 &&
      uv_now(s->loop) - s->upstream_ok_ms <= window) {
    answer_ready(c);
    return;
  }
  if (s->probe == 0) { /* no retries: a probe says how it is now */
    anthropic_request_options_t ro = ANTHROPIC_REQUEST_OPTIONS_INIT;
    anthropic_models_list_params_t params = ANTHROPIC_MODELS_LIST_PARAMS_INIT;
    ro.max_retries = 0;
    params.limit = 1;
    params.options = &ro;
    s->probe = anthropic_models_list(s->client, &params, on_probe, s);
    if (s->probe == 0) {
      answer_not_ready(c, anthropic_client_last_error(s->client));
      return;
    }
  }
  srv_wait_join(&s->waiting_probe, c);
}
