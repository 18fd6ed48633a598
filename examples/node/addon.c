/* addon.c - the client on Node's own loop (N-API). Low level on purpose:
 * index.js makes the SDK-shaped API (Client, models.retrieve/list/resolve,
 * callbacks and promises, error classes) on top of these few functions.
 *
 *   create(options, dispatch) -> client      one per env (thread)
 *   retrieve(client, id, beta, token, options) -> request id (a number)
 *   list(client, params, beta, token, options) -> request id
 *   resolve(client, aliases, token, options) -> batch id
 *   close(client)                            dispatch(0, DONE) when closed
 *
 * Results come back through the client's `dispatch(token, what, value,
 * index)`: what is RESULT (value: the JSON text as received, which
 * index.js parses: V8's JSON.parse makes the objects faster than building
 * them here), ERROR (value: {kind, status, type, message, requestId,
 * attempts}) or DONE (a resolve batch, or the close). `index` is an
 * alias's position in its resolve batch, else -1.
 *
 * Built against Node's own uv.h and linked with a copy of the library
 * compiled against it: the loop is Node's, and no second libuv is loaded
 * (uv_* resolve against the node binary). */
#include <anthropic.h>
#include <node_api.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

enum { RESULT = 0, ERROR = 1, DONE = 2 };

typedef struct addon_client {
  napi_env env;
  anthropic_client_t *client; /* NULL once closed */
  /* The client's JS dispatch function, which holds its JS Client: weak
   * while nothing is pending, so that a Client dropped without close() is
   * collected (and the C client closed), strong (one count per pending
   * request, resolve batch or close) while something is. */
  napi_ref dispatch;
  napi_async_context ctx;                 /* for napi_make_callback */
  napi_async_cleanup_hook_handle cleanup; /* the env going away */
  int closing;  /* close asked (by JS or by the env's end) */
  int env_gone; /* the env is ending: no more JS */
  int ext_gone; /* the external was collected */
  int done;     /* closed, and its flush handle too */
  /* Results of this loop turn, [token, what, value, index, ...], handed
   * to JS in one call from the check phase: one call into JS per turn,
   * not per result. */
  uv_check_t flush;
  napi_ref batch;
  uint32_t batch_len;
  uint32_t settled; /* pending ones ended this turn: released after it */
} addon_client_t;

/* A request's (or resolve batch's) way back: its client and the token
 * index.js gave it. Freed after its last callback. */
typedef struct call {
  addon_client_t *ac;
  double token;
} call_t;

/* ---- calling JS ---- */

#define CHECK_NAPI(call)                                                       \
  do {                                                                         \
    if ((call) != napi_ok)                                                     \
      goto fail;                                                               \
  } while (0)

/* Hand this turn's results to JS: dispatch(batch), with an async context,
 * so that promises settle and microtasks run after it as after any I/O
 * callback. An exception thrown there is Node's: it goes to
 * 'uncaughtException' (this C code returns to the library normally, which
 * stays whole). */
static void flush(addon_client_t *ac) {
  napi_env env = ac->env;
  napi_handle_scope scope;
  uint32_t settled = ac->settled;
  uv_check_stop(&ac->flush);
  ac->settled = 0;
  if (ac->env_gone || ac->dispatch == NULL ||
      napi_open_handle_scope(env, &scope) != napi_ok)
    return;
  napi_value fn = NULL, recv, arr, result;
  if (ac->batch != NULL) {
    int ok = napi_get_reference_value(env, ac->batch, &arr) == napi_ok &&
             napi_get_reference_value(env, ac->dispatch, &fn) == napi_ok &&
             fn != NULL && napi_get_global(env, &recv) == napi_ok;
    napi_delete_reference(env, ac->batch);
    ac->batch = NULL;
    if (ok && napi_make_callback(env, ac->ctx, recv, fn, 1, &arr, &result) ==
                  napi_pending_exception) {
      napi_value exc;
      if (napi_get_and_clear_last_exception(env, &exc) == napi_ok)
        napi_fatal_exception(env, exc);
    }
  }
  /* Delivered: what ended no longer holds the Client. */
  while (settled-- > 0)
    napi_reference_unref(env, ac->dispatch, NULL);
  napi_close_handle_scope(env, scope);
}

static void on_flush(uv_check_t *h) {
  flush((addon_client_t *)h->data);
}

/* Something starts that will end with an outcome for JS: the Client must
 * live (and not be collected) until then. */
static void hold(addon_client_t *ac) {
  napi_reference_ref(ac->env, ac->dispatch, NULL);
}

/* Something held has had its last outcome: released once it is flushed. */
static void settle(addon_client_t *ac) {
  ac->settled++;
  uv_check_start(&ac->flush, on_flush);
}

/* Add one outcome to this turn's batch (flushed in the check phase). */
static void dispatch(addon_client_t *ac, double token, int what, napi_value v,
                     int index) {
  napi_env env = ac->env;
  napi_handle_scope scope;
  napi_value arr, e[4];
  if (ac->env_gone || ac->dispatch == NULL ||
      napi_open_handle_scope(env, &scope) != napi_ok)
    return;
  if (ac->batch == NULL) {
    CHECK_NAPI(napi_create_array(env, &arr));
    CHECK_NAPI(napi_create_reference(env, arr, 1, &ac->batch));
    ac->batch_len = 0;
    uv_check_start(&ac->flush, on_flush);
  } else {
    CHECK_NAPI(napi_get_reference_value(env, ac->batch, &arr));
  }
  CHECK_NAPI(napi_create_double(env, token, &e[0]));
  CHECK_NAPI(napi_create_int32(env, what, &e[1]));
  if (v == NULL)
    CHECK_NAPI(napi_get_null(env, &v));
  e[2] = v;
  CHECK_NAPI(napi_create_int32(env, index, &e[3]));
  for (int k = 0; k < 4; k++)
    CHECK_NAPI(napi_set_element(env, arr, ac->batch_len++, e[k]));
fail:
  napi_close_handle_scope(env, scope);
}

static napi_value text(napi_env env, const char *s, size_t n) {
  napi_value v = NULL;
  napi_create_string_utf8(env, s, n, &v);
  return v;
}

static void set_str(napi_env env, napi_value o, const char *k, const char *s) {
  napi_value v;
  if (s == NULL)
    napi_get_null(env, &v);
  else
    napi_create_string_utf8(env, s, NAPI_AUTO_LENGTH, &v);
  napi_set_named_property(env, o, k, v);
}

static void set_num(napi_env env, napi_value o, const char *k, double d) {
  napi_value v;
  napi_create_double(env, d, &v);
  napi_set_named_property(env, o, k, v);
}

/* The error as a plain object; index.js makes the Error of its class. */
static napi_value error_value(napi_env env, const anthropic_error_t *err) {
  napi_value o = NULL;
  if (napi_create_object(env, &o) != napi_ok)
    return NULL;
  set_str(env, o, "kind", anthropic_err_name(err->kind));
  set_num(env, o, "status", (double)err->response->status);
  set_str(env, o, "type", err->type);
  set_str(env, o, "message", err->message);
  set_str(env, o, "requestId", err->response->request_id);
  set_num(env, o, "attempts", err->attempts);
  return o;
}

/* One result or error of a request, from the loop. */
static void deliver(addon_client_t *ac, double token,
                    const anthropic_error_t *err, const char *json, size_t len,
                    int index) {
  napi_handle_scope scope;
  if (ac->env_gone || napi_open_handle_scope(ac->env, &scope) != napi_ok)
    return;
  if (err != NULL)
    dispatch(ac, token, ERROR, error_value(ac->env, err), index);
  else
    dispatch(ac, token, RESULT, text(ac->env, json, len), index);
  napi_close_handle_scope(ac->env, scope);
}

static void on_model(const anthropic_error_t *err,
                     const anthropic_model_info_t *model, void *data) {
  call_t *call = data;
  deliver(call->ac, call->token, err, model ? model->json_text : NULL,
          model ? model->json_len : 0, -1);
  settle(call->ac);
  free(call);
}

static void on_page(const anthropic_error_t *err,
                    const anthropic_models_page_t *page, void *data) {
  call_t *call = data;
  deliver(call->ac, call->token, err, page ? page->json_text : NULL,
          page ? page->json_len : 0, -1);
  settle(call->ac);
  free(call);
}

static void on_alias(const anthropic_error_t *err,
                     const anthropic_model_info_t *model, const char *alias,
                     size_t index, void *data) {
  call_t *call = data;
  (void)alias;
  deliver(call->ac, call->token, err, model ? model->json_text : NULL,
          model ? model->json_len : 0, (int)index);
}

static void on_batch_done(anthropic_resolve_id_t id, void *data) {
  call_t *call = data;
  (void)id;
  dispatch(call->ac, call->token, DONE, NULL, -1);
  settle(call->ac);
  free(call);
}

/* ---- reading JS values ---- */

static napi_valuetype type_of(napi_env env, napi_value v) {
  napi_valuetype t = napi_undefined;
  napi_typeof(env, v, &t);
  return t;
}

/* A property of `o` (an object, or undefined/null: none), or NULL. */
static napi_value prop(napi_env env, napi_value o, const char *k) {
  napi_value v;
  bool has = false;
  napi_valuetype t = type_of(env, o);
  if (t != napi_object && t != napi_function)
    return NULL;
  if (napi_has_named_property(env, o, k, &has) != napi_ok || !has ||
      napi_get_named_property(env, o, k, &v) != napi_ok)
    return NULL;
  t = type_of(env, v);
  return t == napi_undefined || t == napi_null ? NULL : v;
}

/* Strings the call copies into; freed with strings_free(). */
typedef struct strings {
  char *v[64];
  size_t n;
} strings_t;

static void strings_free(strings_t *s) {
  for (size_t i = 0; i < s->n; i++)
    free(s->v[i]);
  s->n = 0;
}

static const char *str(napi_env env, strings_t *s, napi_value v) {
  size_t len;
  if (v == NULL || s->n == sizeof s->v / sizeof s->v[0] ||
      napi_get_value_string_utf8(env, v, NULL, 0, &len) != napi_ok)
    return NULL;
  char *p = malloc(len + 1);
  if (p == NULL ||
      napi_get_value_string_utf8(env, v, p, len + 1, &len) != napi_ok) {
    free(p);
    return NULL;
  }
  return s->v[s->n++] = p;
}

static int64_t num(napi_env env, napi_value v, int64_t dflt) {
  int64_t n;
  if (v == NULL || napi_get_value_int64(env, v, &n) != napi_ok)
    return dflt;
  return n;
}

/* String(v), as JS converts it, copied into `s`. */
static const char *js_string(napi_env env, strings_t *s, napi_value v) {
  napi_value sv;
  return napi_coerce_to_string(env, v, &sv) == napi_ok ? str(env, s, sv) : NULL;
}

/* {Name: value} as "Name: value" lines (at most 16). */
static size_t header_lines(napi_env env, strings_t *s, napi_value obj,
                           const char **out) {
  napi_value names, k, v;
  uint32_t n = 0;
  size_t count = 0;
  if (obj == NULL || napi_get_property_names(env, obj, &names) != napi_ok ||
      napi_get_array_length(env, names, &n) != napi_ok)
    return 0;
  for (uint32_t i = 0; i < n && count < 16; i++) {
    const char *name, *value;
    if (napi_get_element(env, names, i, &k) != napi_ok ||
        napi_get_property(env, obj, k, &v) != napi_ok ||
        (name = js_string(env, s, k)) == NULL ||
        (value = js_string(env, s, v)) == NULL)
      continue;
    size_t nl = strlen(name), vl = strlen(value);
    char *line = malloc(nl + vl + 3);
    if (line == NULL || s->n == sizeof s->v / sizeof s->v[0]) {
      free(line);
      break;
    }
    memcpy(line, name, nl);
    memcpy(line + nl, ": ", 2);
    memcpy(line + nl + 2, value, vl + 1);
    out[count++] = s->v[s->n++] = line;
  }
  return count;
}

/* Per-request options: { timeout, maxRetries, headers }. */
static const anthropic_request_options_t *
request_options(napi_env env, strings_t *s, napi_value o,
                anthropic_request_options_t *ro, const char **lines) {
  if (o == NULL || type_of(env, o) != napi_object)
    return NULL;
  ro->timeout_ms = (uint64_t)num(env, prop(env, o, "timeout"), 0);
  ro->max_retries = (int)num(env, prop(env, o, "maxRetries"), -1);
  ro->headers_count = header_lines(env, s, prop(env, o, "headers"), lines);
  ro->headers = lines;
  return ro;
}

static napi_value throw_last(napi_env env, const anthropic_client_t *c) {
  const anthropic_error_t *e = anthropic_client_last_error(c);
  napi_throw_error(env, anthropic_err_name(e->kind), e->message);
  return NULL;
}

static addon_client_t *client_arg(napi_env env, napi_value v) {
  addon_client_t *ac = NULL;
  if (napi_get_value_external(env, v, (void **)&ac) != napi_ok || ac == NULL ||
      ac->client == NULL || ac->closing) {
    napi_throw_error(env, "invalid_argument", "the client is closed");
    return NULL;
  }
  return ac;
}

static call_t *call_new(napi_env env, addon_client_t *ac, napi_value token) {
  call_t *call = malloc(sizeof *call);
  if (call == NULL) {
    napi_throw_error(env, "out_of_memory", "out of memory");
    return NULL;
  }
  call->ac = ac;
  call->token = (double)num(env, token, 0);
  return call;
}

static napi_value id_value(napi_env env, uint64_t id) {
  napi_value v;
  napi_create_double(env, (double)id, &v);
  return v;
}

/* The call's `n` arguments, of which the first is the client: the client,
 * or NULL with a JS exception pending. */
static addon_client_t *call_args(napi_env env, napi_callback_info info,
                                 size_t n, napi_value *argv) {
  size_t argc = n;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc != n) {
    napi_throw_type_error(env, "invalid_argument", "wrong number of arguments");
    return NULL;
  }
  return client_arg(env, argv[0]);
}

/* What a call that started request `rid` (0: it did not) returns: its id,
 * or the client's last error thrown, with `call` freed. */
static napi_value started(napi_env env, addon_client_t *ac, call_t *call,
                          uint64_t rid) {
  if (rid == 0) {
    free(call);
    return throw_last(env, ac->client);
  }
  hold(ac);
  return id_value(env, rid);
}

/* ---- the calls ---- */

static napi_value js_retrieve(napi_env env, napi_callback_info info) {
  napi_value argv[5];
  strings_t s = {{0}, 0};
  const char *lines[16];
  bool beta = false;
  anthropic_request_options_t ro = ANTHROPIC_REQUEST_OPTIONS_INIT;
  anthropic_models_retrieve_params_t rp = ANTHROPIC_MODELS_RETRIEVE_PARAMS_INIT;
  addon_client_t *ac = call_args(env, info, 5, argv);
  if (ac == NULL)
    return NULL;
  const char *id = str(env, &s, argv[1]);
  napi_get_value_bool(env, argv[2], &beta);
  rp.options = request_options(env, &s, argv[4], &ro, lines);
  call_t *call = id != NULL ? call_new(env, ac, argv[3]) : NULL;
  if (call == NULL) {
    strings_free(&s);
    if (id == NULL)
      napi_throw_type_error(env, "invalid_argument", "id must be a string");
    return NULL;
  }
  anthropic_request_id_t rid =
      beta ? anthropic_beta_models_retrieve(ac->client, id, &rp, on_model, call)
           : anthropic_models_retrieve(ac->client, id, &rp, on_model, call);
  strings_free(&s);
  return started(env, ac, call, rid);
}

static napi_value js_list(napi_env env, napi_callback_info info) {
  napi_value argv[5];
  strings_t s = {{0}, 0};
  const char *lines[16];
  bool beta = false;
  anthropic_request_options_t ro = ANTHROPIC_REQUEST_OPTIONS_INIT;
  anthropic_models_list_params_t lp = ANTHROPIC_MODELS_LIST_PARAMS_INIT;
  addon_client_t *ac = call_args(env, info, 5, argv);
  if (ac == NULL)
    return NULL;
  lp.after_id = str(env, &s, prop(env, argv[1], "after_id"));
  lp.before_id = str(env, &s, prop(env, argv[1], "before_id"));
  lp.limit = (int)num(env, prop(env, argv[1], "limit"), 0);
  napi_get_value_bool(env, argv[2], &beta);
  lp.options = request_options(env, &s, argv[4], &ro, lines);
  call_t *call = call_new(env, ac, argv[3]);
  if (call == NULL) {
    strings_free(&s);
    return NULL;
  }
  anthropic_request_id_t rid =
      beta ? anthropic_beta_models_list(ac->client, &lp, on_page, call)
           : anthropic_models_list(ac->client, &lp, on_page, call);
  strings_free(&s);
  return started(env, ac, call, rid);
}

static napi_value js_resolve(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  uint32_t n = 0;
  addon_client_t *ac = call_args(env, info, 4, argv);
  if (ac == NULL)
    return NULL;
  if (napi_get_array_length(env, argv[1], &n) != napi_ok) {
    napi_throw_type_error(env, "invalid_argument", "aliases must be an array");
    return NULL;
  }
  call_t *call = call_new(env, ac, argv[2]);
  anthropic_resolve_options_t o = ANTHROPIC_RESOLVE_OPTIONS_INIT;
  o.concurrency = (unsigned)num(env, prop(env, argv[3], "concurrency"), 0);
  anthropic_resolve_id_t bid =
      call ? anthropic_resolve_start(ac->client, &o, on_alias, on_batch_done,
                                     call)
           : 0;
  if (bid == 0) {
    free(call);
    return call ? throw_last(env, ac->client) : NULL;
  }
  /* From here `done` will run: every failure is an alias's own error. */
  hold(ac);
  for (uint32_t i = 0; i < n; i++) {
    napi_value v;
    strings_t s = {{0}, 0};
    const char *alias = napi_get_element(env, argv[1], i, &v) == napi_ok &&
                                type_of(env, v) == napi_string
                            ? str(env, &s, v)
                            : NULL;
    if (alias == NULL || anthropic_resolve_add(ac->client, bid, alias) != 0) {
      /* No index taken: this batch cannot keep its order. Cancel it. */
      strings_free(&s);
      if (ac->closing) { /* close() from a getter of the aliases */
        napi_throw_error(env, "cancelled",
                         "the client was closed while resolve() read its "
                         "aliases");
        return NULL;
      }
      napi_throw_type_error(
          env, "invalid_argument",
          alias == NULL ? "aliases must be strings"
                        : anthropic_client_last_error(ac->client)->message);
      anthropic_resolve_cancel(ac->client, bid);
      return NULL;
    }
    strings_free(&s);
  }
  anthropic_resolve_end(ac->client, bid);
  return id_value(env, bid);
}

/* ---- the client's life ----
 *
 * JS holds the client through an external; the client holds its dispatch
 * function (and so its JS Client object) with a reference that is strong
 * only while something is pending (a request, a resolve batch, a close).
 * It is closed by close(), by the env's end, or when its JS Client is
 * collected (the external's finaliser: nothing was pending, nothing is
 * delivered). The struct is freed when both the close has finished and
 * the external has been collected. */

static void free_client(addon_client_t *ac) {
  if (!ac->env_gone)
    napi_async_destroy(ac->env, ac->ctx);
  free(ac);
}

static void on_flush_closed(uv_handle_t *h) {
  addon_client_t *ac = h->data;
  if (ac->cleanup != NULL) { /* Node may end the env now */
    napi_remove_async_cleanup_hook(ac->cleanup);
    ac->cleanup = NULL;
  }
  ac->done = 1;
  if (ac->ext_gone)
    free_client(ac);
}

static void on_closed(anthropic_client_t *c) {
  addon_client_t *ac = anthropic_client_get_data(c);
  ac->client = NULL;
  if (!ac->env_gone) {
    if (!ac->ext_gone) {
      dispatch(ac, 0, DONE, NULL, -1); /* close()'s callback, last */
      settle(ac);
      flush(ac);
    }
    napi_delete_reference(ac->env, ac->dispatch);
  } else if (ac->batch != NULL) {
    ac->batch = NULL; /* the env's references go with it */
  }
  ac->dispatch = NULL;
  uv_close((uv_handle_t *)&ac->flush, on_flush_closed);
}

/* The env is ending (the process, or a worker): close the client on its
 * loop, which Node runs until the hook is removed. No JS runs any more:
 * what is cancelled is not delivered. */
static void on_env_cleanup(napi_async_cleanup_hook_handle h, void *arg) {
  addon_client_t *ac = arg;
  (void)h;
  ac->env_gone = 1;
  if (!ac->closing) {
    ac->closing = 1;
    anthropic_client_close(ac->client, on_closed);
  }
}

/* The JS Client was collected: nothing was pending (that holds it), so
 * nothing is left to deliver. Close the C client; no JS from here (this
 * runs as a finaliser), only libuv handles closed. */
static void on_external_gc(napi_env env, void *data, void *hint) {
  addon_client_t *ac = data;
  (void)env;
  (void)hint;
  ac->ext_gone = 1;
  if (ac->done) {
    free_client(ac);
  } else if (!ac->closing) {
    ac->closing = 1;
    anthropic_client_close(ac->client, on_closed);
  }
}

static napi_value js_create(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2], ext, name;
  strings_t s = {{0}, 0};
  const char *lines[16];
  char err[256];
  uv_loop_t *loop = NULL;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc != 2 || type_of(env, argv[1]) != napi_function) {
    napi_throw_type_error(env, "invalid_argument", "create(options, fn)");
    return NULL;
  }
  if (napi_get_uv_event_loop(env, &loop) != napi_ok) {
    napi_throw_error(env, "invalid_argument", "no event loop");
    return NULL;
  }
  napi_value o = argv[0];
  anthropic_client_options_t co = ANTHROPIC_CLIENT_OPTIONS_INIT;
  co.api_key = str(env, &s, prop(env, o, "apiKey"));
  co.auth_token = str(env, &s, prop(env, o, "authToken"));
  co.base_url = str(env, &s, prop(env, o, "baseURL"));
  co.ca_bundle = str(env, &s, prop(env, o, "caBundle"));
  co.max_retries = (int)num(env, prop(env, o, "maxRetries"), -1);
  co.timeout_ms = (uint64_t)num(env, prop(env, o, "timeout"), 0);
  co.max_requests_in_flight =
      (unsigned)num(env, prop(env, o, "maxConcurrency"), 0);
  co.headers_count =
      header_lines(env, &s, prop(env, o, "defaultHeaders"), lines);
  co.headers = lines;
  addon_client_t *ac = calloc(1, sizeof *ac);
  if (ac == NULL) {
    strings_free(&s);
    napi_throw_error(env, "out_of_memory", "out of memory");
    return NULL;
  }
  ac->env = env;
  int rc = anthropic_client_init(loop, &ac->client, &co, err, sizeof err);
  strings_free(&s);
  if (rc != 0) {
    free(ac);
    napi_throw_error(env, anthropic_err_name(rc), err);
    return NULL;
  }
  anthropic_client_set_data(ac->client, ac);
  uv_check_init(loop, &ac->flush); /* cannot fail */
  ac->flush.data = ac;
  uv_unref((uv_handle_t *)&ac->flush); /* it never keeps the loop alive */
  napi_create_string_utf8(env, "anthropic", NAPI_AUTO_LENGTH, &name);
  if (napi_create_reference(env, argv[1], 0, &ac->dispatch) != napi_ok ||
      napi_async_init(env, NULL, name, &ac->ctx) != napi_ok ||
      napi_create_external(env, ac, on_external_gc, NULL, &ext) != napi_ok ||
      napi_add_async_cleanup_hook(env, on_env_cleanup, ac, &ac->cleanup) !=
          napi_ok) {
    napi_throw_error(env, "out_of_memory", "out of memory");
    return NULL;
  }
  return ext;
}

static napi_value js_close(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  addon_client_t *ac = call_args(env, info, 1, argv);
  if (ac == NULL)
    return NULL;
  ac->closing = 1;
  hold(ac); /* until close()'s callback */
  anthropic_client_close(ac->client, on_closed);
  return NULL;
}

NAPI_MODULE_INIT(/* napi_env env, napi_value exports */) {
  static const struct {
    const char *name;
    napi_callback fn;
  } fns[] = {{"create", js_create},
             {"retrieve", js_retrieve},
             {"list", js_list},
             {"resolve", js_resolve},
             {"close", js_close}};
  for (size_t i = 0; i < sizeof fns / sizeof fns[0]; i++) {
    napi_value f;
    if (napi_create_function(env, fns[i].name, NAPI_AUTO_LENGTH, fns[i].fn,
                             NULL, &f) != napi_ok ||
        napi_set_named_property(env, exports, fns[i].name, f) != napi_ok)
      return NULL;
  }
  napi_value v;
  napi_create_string_utf8(env, anthropic_version(), NAPI_AUTO_LENGTH, &v);
  napi_set_named_property(env, exports, "version", v);
  return exports;
}
