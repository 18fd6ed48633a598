/*
 * upstream.c - what the upstream said, passed on in an answer: its
 * request-id (Request-Id), and a failed library call as an error answer
 * (conn.c's shape) with the upstream's status, or a gateway's.
 */
#include "server.h"

/* The status of an answer to a failed library call: the upstream's error
 * status when there was one; otherwise what a gateway says. */
int srv_error_status(const anthropic_error_t *err) {
  long upstream = err->response->status;
  if (upstream >= 400 && upstream <= 599)
    return (int)upstream;
  switch (err->kind) {
  case ANTHROPIC_EINVAL:
    return 400;
  case ANTHROPIC_ETIMEDOUT:
    return 504;
  case ANTHROPIC_ECANCELLED: /* only the server's shutdown cancels */
  case ANTHROPIC_ENOMEM:
    return 503;
  default:
    return 502;
  }
}

/* The upstream's request-id of what answers this request, to pass on. */
void srv_keep_upstream_id(srv_conn_t *c, const anthropic_response_t *resp) {
  if (resp != NULL && resp->request_id != NULL)
    srv_copy_id(c->req.upstream_id, sizeof c->req.upstream_id,
                resp->request_id);
}

void srv_answer_library_error(srv_conn_t *c, const anthropic_error_t *err) {
  srv_keep_upstream_id(c, err->response);
  srv_answer_error(c, srv_error_status(err), anthropic_err_name(err->kind),
                   err->type, err->message, err->response->request_id);
}
