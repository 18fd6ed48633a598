/* addon.c - the client on Node's own loop (N-API). Low level on purpose:
 * index.js makes the SDK-shaped API (Client, models.retrieve/list/resolve,
 * callbacks and promises, error classes) on top of these few functions.
 *
 *   create(options, dispatch, log) -> client one per env (thread)
 *   retrieve(client, id, beta, token, options, params, query) -> request id
 *                                            (a BigInt)
 *   list(client, params, beta, token, options, query) -> request id
 *   cancel(client, request id)               -> true if it was cancelled
 *   resolve(client, aliases, token, options) -> batch id
 *   watch(client, token, params, options, query) -> watch id (a BigInt,
 *                                            for cancel())
 *   watchAlias(client, watch id, alias)      one more alias watched
 *   close(client)                            dispatch(0, DONE) when closed
 *
 * `options` are a request's {timeout, maxRetries, headers}; `params` the
 * SDK's {betas, workspace_id} (list's also {after_id, before_id, limit,
 * lifecycle}); `query` extra query parameters {name: value or [values]}.
 * resolve()'s options are {concurrency, now, within}: with `now` (seconds
 * since 1970) each model comes as {json, state, risk, daysToRetirement,
 * daysToDeprecation}, its anthropic_model_lifecycle() at `now` within
 * `within` days (audit()).
 * index.js checks that no other key is there; each value's type is checked
 * here. `log` (optional) is called as log(level, line) for each line the
 * client logs.
 *
 * Results come back through the client's `dispatch(token, what, value,
 * index, requestId)`: what is RESULT (value: the JSON text as received,
 * which index.js parses: V8's JSON.parse makes the objects faster than
 * building them here), ERROR (value: {kind, status, type, message,
 * requestId, attempts}), EVENT (a watch's event: see event_value()) or
 * DONE (a resolve batch, a watch, or the close). `index` is
 * an alias's position in its resolve batch, else -1; `requestId` the
 * response's request-id (null when none).
 *
 * Built against Node's own uv.h and linked with a copy of the library
 * compiled against it: the loop is Node's, and no second libuv is loaded
 * (uv_* resolve against the node binary). */
#include <anthropic.h>
#include <inttypes.h>
#include <limits.h>
#include <node_api.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

enum { RESULT = 0, ERROR = 1, DONE = 2, EVENT = 3 };

typedef struct addon_client {
  napi_env env;
  anthropic_client_t *client; /* NULL once closed */
  /* The client's JS dispatch function, which holds its JS Client: weak
   * while nothing is pending, so that a Client dropped without close() is
   * collected (and the C client closed), strong (one count per pending
   * request, resolve batch or close) while something is. */
  napi_ref dispatch;
  napi_ref log;           /* create()'s log(level, line), or NULL */
  napi_async_context ctx; /* for napi_make_callback */
  napi_async_cleanup_hook_handle cleanup; /* the env going away */
  int closing;  /* close asked: by JS, the env's end or collection */
  int env_gone; /* the env is ending: no more JS */
  int ext_gone; /* the external was collected */
  int done;     /* closed, and its flush handle too */
  /* Results of this loop turn, [token, what, value, index, id, ...], handed
   * to JS in one call from the check phase: one call into JS per turn,
   * not per result. */
  uv_check_t flush;
  /* Started with the check: while a batch waits, the poll before the check
   * must not sleep. The library runs callbacks from its idle handler and
   * timers as well as from I/O; from those, the loop's next poll would wait
   * for the next timer (a watch's 10 minutes) before the check ran. An
   * active idle handle makes that poll return at once, as Node's own
   * setImmediate() does. */
  uv_idle_t wake;
  int handles; /* flush and wake, until both are closed */
  napi_ref batch;
  uint32_t batch_len;
  uint32_t settled; /* pending ones ended this turn: released after it */
  /* Calls ended, kept for the next requests (no malloc a request), at
   * most SPARE_MAX of them. */
  struct call *spare;
  unsigned spare_count;
} addon_client_t;

/* A request's (or resolve batch's) way back: its client and the token
 * index.js gave it. Back to its client's spares after its last callback
 * (call_free). */
typedef struct call {
  addon_client_t *ac;
  double token;
  struct call *next; /* in ac->spare */
  /* A resolve batch for audit(): each model comes with its lifecycle
   * summary at `now` (seconds) within `within` days. */
  bool lifecycle;
  int64_t now;
  unsigned within;
} call_t;

#define SPARE_MAX 256

static void call_free(call_t *call) {
  addon_client_t *ac = call->ac;
  if (ac->spare_count < SPARE_MAX) {
    call->next = ac->spare;
    ac->spare = call;
    ac->spare_count++;
  } else {
    free(call);
  }
}

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
  uv_idle_stop(&ac->wake);
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

static void on_wake(uv_idle_t *h) {
  (void)h; /* only there to keep the poll from sleeping; flush stops it */
}

/* A batch waits: flushed in this turn's check phase, reached without
 * sleeping in the poll. */
static void arm_flush(addon_client_t *ac) {
  uv_check_start(&ac->flush, on_flush);
  uv_idle_start(&ac->wake, on_wake);
}

/* Something starts that will end with an outcome for JS: the Client must
 * live (and not be collected) until then. */
static void hold(addon_client_t *ac) {
  napi_reference_ref(ac->env, ac->dispatch, NULL);
}

/* Something held has had its last outcome: released once it is flushed. */
static void settle(addon_client_t *ac) {
  ac->settled++;
  arm_flush(ac);
}

/* Add one outcome to this turn's batch (flushed in the check phase). */
static void dispatch(addon_client_t *ac, double token, int what, napi_value v,
                     int index, const char *request_id) {
  napi_env env = ac->env;
  napi_handle_scope scope;
  napi_value arr, e[5];
  if (ac->env_gone || ac->dispatch == NULL ||
      napi_open_handle_scope(env, &scope) != napi_ok)
    return;
  if (ac->batch == NULL) {
    CHECK_NAPI(napi_create_array(env, &arr));
    CHECK_NAPI(napi_create_reference(env, arr, 1, &ac->batch));
    ac->batch_len = 0;
    arm_flush(ac);
  } else {
    CHECK_NAPI(napi_get_reference_value(env, ac->batch, &arr));
  }
  CHECK_NAPI(napi_create_double(env, token, &e[0]));
  CHECK_NAPI(napi_create_int32(env, what, &e[1]));
  if (v == NULL)
    CHECK_NAPI(napi_get_null(env, &v));
  e[2] = v;
  CHECK_NAPI(napi_create_int32(env, index, &e[3]));
  if (request_id == NULL)
    CHECK_NAPI(napi_get_null(env, &e[4]));
  else
    CHECK_NAPI(
        napi_create_string_utf8(env, request_id, NAPI_AUTO_LENGTH, &e[4]));
  for (int k = 0; k < 5; k++)
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
                    const anthropic_response_t *response, int index) {
  napi_handle_scope scope;
  if (ac->env_gone || napi_open_handle_scope(ac->env, &scope) != napi_ok)
    return;
  if (err != NULL)
    dispatch(ac, token, ERROR, error_value(ac->env, err), index,
             err->response->request_id);
  else
    dispatch(ac, token, RESULT, text(ac->env, json, len), index,
             response != NULL ? response->request_id : NULL);
  napi_close_handle_scope(ac->env, scope);
}

/* A retrieve: the checked JSON text only (index.js parses it), no
 * ModelInfo built for it. */
static void on_json(const anthropic_error_t *err,
                    const anthropic_response_t *response, const char *json,
                    size_t len, void *data) {
  call_t *call = data;
  deliver(call->ac, call->token, err, json, len, response, -1);
  settle(call->ac);
  call_free(call);
}

static void on_page(const anthropic_error_t *err,
                    const anthropic_models_page_t *page, void *data) {
  call_t *call = data;
  deliver(call->ac, call->token, err, page ? page->json_text : NULL,
          page ? page->json_len : 0, page ? page->response : NULL, -1);
  settle(call->ac);
  call_free(call);
}

/* An audited model: {json, state, risk, daysToRetirement,
 * daysToDeprecation} (days null when there is no such date), from
 * anthropic_model_lifecycle(). */
static napi_value audited(napi_env env, const call_t *call,
                          const anthropic_model_info_t *model) {
  napi_value o = NULL, nul;
  anthropic_lifecycle_summary_t ls = ANTHROPIC_LIFECYCLE_SUMMARY_INIT;
  if (anthropic_model_lifecycle(model, call->now, call->within, &ls) != 0 ||
      napi_create_object(env, &o) != napi_ok ||
      napi_get_null(env, &nul) != napi_ok)
    return NULL;
  napi_set_named_property(env, o, "json",
                          text(env, model->json_text, model->json_len));
  set_str(env, o, "state", ls.state_text);
  set_str(env, o, "risk", anthropic_lifecycle_risk_name(ls.risk));
  if (ls.retires)
    set_num(env, o, "daysToRetirement", (double)ls.days_to_retirement);
  else
    napi_set_named_property(env, o, "daysToRetirement", nul);
  if (ls.deprecates)
    set_num(env, o, "daysToDeprecation", (double)ls.days_to_deprecation);
  else
    napi_set_named_property(env, o, "daysToDeprecation", nul);
  return o;
}

static void on_alias(const anthropic_error_t *err,
                     const anthropic_model_info_t *model, const char *alias,
                     size_t index, void *data) {
  call_t *call = data;
  addon_client_t *ac = call->ac;
  napi_handle_scope scope;
  (void)alias;
  if (err == NULL && call->lifecycle) {
    if (ac->env_gone || napi_open_handle_scope(ac->env, &scope) != napi_ok)
      return;
    dispatch(ac, call->token, RESULT, audited(ac->env, call, model), (int)index,
             model->response ? model->response->request_id : NULL);
    napi_close_handle_scope(ac->env, scope);
    return;
  }
  deliver(call->ac, call->token, err, model ? model->json_text : NULL,
          model ? model->json_len : 0, model ? model->response : NULL,
          (int)index);
}

static void on_batch_done(anthropic_resolve_id_t id, void *data) {
  call_t *call = data;
  (void)id;
  dispatch(call->ac, call->token, DONE, NULL, -1, NULL);
  settle(call->ac);
  call_free(call);
}

/* ---- reading JS values ----
 *
 * Each reader returns 0, or -1 with a JS exception pending that names the
 * argument: a TypeError of code ERR_INVALID_ARG_TYPE for a value of the
 * wrong type, or ERR_INVALID_ARG_VALUE for a string with a NUL in it (C
 * would cut it there: "k\0x" taken as "k"). null and undefined are "not
 * given": the default. Nothing given of the wrong type is ignored. */

static napi_valuetype type_of(napi_env env, napi_value v) {
  napi_valuetype t = napi_undefined;
  napi_typeof(env, v, &t);
  return t;
}

static bool given(napi_env env, napi_value v) {
  napi_valuetype t = v == NULL ? napi_undefined : type_of(env, v);
  return t != napi_undefined && t != napi_null;
}

/* -1, with an exception pending: N-API's own, else one saying so. */
static int napi_failed(napi_env env) {
  bool pending = false;
  napi_is_exception_pending(env, &pending);
  if (!pending)
    napi_throw_error(env, "internal", "a Node-API call failed");
  return -1;
}

static int oom(napi_env env) {
  napi_throw_error(env, "out_of_memory", "out of memory");
  return -1;
}

/* "<what> must <must>", as a TypeError of `code`. */
static int throw_type(napi_env env, const char *code, const char *what,
                      const char *must) {
  char msg[320];
  (void)snprintf(msg, sizeof msg, "%s must %s", what, must);
  napi_throw_type_error(env, code, msg);
  return -1;
}

/* Strings (and arrays of them) a call copies into; strings_free() frees
 * them all after the call. Short strings (a model id) take no malloc:
 * they are cut from `small`, on the call's stack. */
typedef struct strings {
  void **v;
  size_t n, cap;
  size_t used; /* bytes of small taken */
  char small[256];
} strings_t;

#define STRINGS_INIT                                                           \
  { .v = NULL, .n = 0, .cap = 0, .used = 0 }

static void strings_free(strings_t *s) {
  for (size_t i = 0; i < s->n; i++)
    free(s->v[i]);
  free(s->v);
  s->v = NULL;
  s->n = s->cap = s->used = 0;
}

/* Keep `p` (malloc'd) until strings_free(): `p`, or NULL (`p` freed) when
 * out of memory. */
static void *keep(strings_t *s, void *p) {
  if (p != NULL && s->n == s->cap) {
    size_t cap = s->cap ? 2 * s->cap : 16;
    void **v = realloc(s->v, cap * sizeof *v);
    if (v == NULL) {
      free(p);
      return NULL;
    }
    s->v = v;
    s->cap = cap;
  }
  if (p != NULL)
    s->v[s->n++] = p;
  return p;
}

/* `n` bytes for a string, kept until strings_free(), or NULL when out of
 * memory. */
static char *str_alloc(strings_t *s, size_t n) {
  if (n <= sizeof s->small - s->used) {
    char *p = s->small + s->used;
    s->used += n;
    return p;
  }
  return keep(s, malloc(n));
}

/* `a`, `sep` and `b` joined into one string kept in `s`; NULL when out of
 * memory. */
static char *str_join(strings_t *s, const char *a, const char *sep,
                      const char *b) {
  size_t al = strlen(a), sl = strlen(sep), bl = strlen(b);
  char *p = str_alloc(s, al + sl + bl + 1);
  if (p == NULL)
    return NULL;
  (void)snprintf(p, al + sl + bl + 1, "%s%s%s", a, sep, b); /* fits */
  return p;
}

/* An object (arrays and functions too), or NULL when not given. */
static int get_object(napi_env env, napi_value v, const char *what,
                      napi_value *out) {
  napi_valuetype t = v == NULL ? napi_undefined : type_of(env, v);
  *out = NULL;
  if (t == napi_undefined || t == napi_null)
    return 0;
  if (t != napi_object && t != napi_function)
    return throw_type(env, "ERR_INVALID_ARG_TYPE", what, "be an object");
  *out = v;
  return 0;
}

/* Property `k` of the object `o` (NULL: none), or NULL when not given. */
static int get_prop(napi_env env, napi_value o, const char *k,
                    napi_value *out) {
  *out = NULL;
  if (o == NULL)
    return 0;
  if (napi_get_named_property(env, o, k, out) != napi_ok)
    return napi_failed(env); /* a getter threw */
  if (!given(env, *out))
    *out = NULL;
  return 0;
}

/* The string `v` (which must be one), copied into `s`. */
static int str_value(napi_env env, strings_t *s, napi_value v, const char *what,
                     const char **out) {
  size_t len;
  char *p;
  *out = NULL;
  if (v == NULL || type_of(env, v) != napi_string)
    return throw_type(env, "ERR_INVALID_ARG_TYPE", what, "be a string");
  if (napi_get_value_string_utf8(env, v, NULL, 0, &len) != napi_ok)
    return napi_failed(env);
  if ((p = str_alloc(s, len + 1)) == NULL)
    return oom(env);
  if (napi_get_value_string_utf8(env, v, p, len + 1, &len) != napi_ok)
    return napi_failed(env);
  if (memchr(p, '\0', len) != NULL)
    return throw_type(env, "ERR_INVALID_ARG_VALUE", what,
                      "not contain NUL characters");
  *out = p;
  return 0;
}

/* The optional string property `k` of `o` (NULL when not given). */
static int opt_str(napi_env env, strings_t *s, napi_value o, const char *k,
                   const char **out) {
  napi_value v;
  *out = NULL;
  if (get_prop(env, o, k, &v) != 0)
    return -1;
  return v == NULL ? 0 : str_value(env, s, v, k, out);
}

/* Number.MAX_SAFE_INTEGER: the largest integer a double holds exactly. */
#define MAX_SAFE 9007199254740991.0

/* The number property `k` of `o`, when given, in *out: an integer in
 * lo..hi, else a TypeError (not a number) or a RangeError of code
 * ERR_OUT_OF_RANGE saying the range. Not given: *out as it was. */
static int opt_int(napi_env env, napi_value o, const char *k, double lo,
                   double hi, double *out) {
  napi_value v;
  double d;
  if (get_prop(env, o, k, &v) != 0)
    return -1;
  if (v == NULL)
    return 0;
  if (type_of(env, v) != napi_number)
    return throw_type(env, "ERR_INVALID_ARG_TYPE", k, "be a number");
  if (napi_get_value_double(env, v, &d) != napi_ok)
    return napi_failed(env);
  /* NaN fails the first test; in range, the cast is exact. */
  if (!(d >= lo && d <= hi) || (double)(int64_t)d != d) {
    char msg[160];
    (void)snprintf(msg, sizeof msg, "%s must be an integer in %.0f..%.0f", k,
                   lo, hi);
    napi_throw_range_error(env, "ERR_OUT_OF_RANGE", msg);
    return -1;
  }
  *out = d;
  return 0;
}

/* The options every call and the client take: timeout (ms, per attempt)
 * and maxRetries, kept as given (the library's defaults otherwise). */
static int timeout_retries(napi_env env, napi_value o, uint64_t *timeout_ms,
                           int *max_retries) {
  double t = (double)*timeout_ms, r = *max_retries;
  if (opt_int(env, o, "timeout", 1, MAX_SAFE, &t) != 0 ||
      opt_int(env, o, "maxRetries", 0, INT_MAX, &r) != 0)
    return -1;
  *timeout_ms = (uint64_t)t;
  *max_retries = (int)r;
  return 0;
}

/* The headers object `v` ({Name: value}, `what` names it) as "Name:
 * value" lines in *lines (kept in `s`), *count of them; a null or
 * undefined value is not sent. */
static int header_lines(napi_env env, strings_t *s, napi_value v,
                        const char *what, const char *const **lines,
                        size_t *count) {
  napi_value obj, names, k, hv;
  uint32_t n = 0;
  *lines = NULL;
  *count = 0;
  if (get_object(env, v, what, &obj) != 0)
    return -1;
  if (obj == NULL)
    return 0;
  if (napi_get_property_names(env, obj, &names) != napi_ok ||
      napi_get_array_length(env, names, &n) != napi_ok)
    return napi_failed(env);
  const char **out = keep(s, calloc(n ? n : 1, sizeof *out));
  if (out == NULL)
    return oom(env);
  for (uint32_t i = 0; i < n; i++) {
    const char *name, *value;
    char label[320];
    if (napi_get_element(env, names, i, &k) != napi_ok ||
        napi_get_property(env, obj, k, &hv) != napi_ok)
      return napi_failed(env);
    if (!given(env, hv))
      continue;
    if (str_value(env, s, k, what, &name) != 0) {
      napi_value exc; /* a NUL in the name: say so, with no name */
      napi_get_and_clear_last_exception(env, &exc);
      return throw_type(env, "ERR_INVALID_ARG_VALUE", what,
                        "not have a name with NUL characters");
    }
    (void)snprintf(label, sizeof label, "%s['%s']", what, name);
    if (str_value(env, s, hv, label, &value) != 0)
      return -1;
    char *line = str_join(s, name, ": ", value);
    if (line == NULL)
      return oom(env);
    out[(*count)++] = line;
  }
  *lines = out;
  return 0;
}

/* The array of strings `v` (`what` names it) in *out (kept in `s`), *count
 * of them; not given: none. */
static int str_array(napi_env env, strings_t *s, napi_value v, const char *what,
                     const char *const **out, size_t *count) {
  bool is_array = false;
  uint32_t n = 0;
  napi_value e;
  *out = NULL;
  *count = 0;
  if (!given(env, v))
    return 0;
  if (napi_is_array(env, v, &is_array) != napi_ok || !is_array)
    return throw_type(env, "ERR_INVALID_ARG_TYPE", what,
                      "be an array of strings");
  if (napi_get_array_length(env, v, &n) != napi_ok)
    return napi_failed(env);
  const char **a = keep(s, calloc(n ? n : 1, sizeof *a));
  if (a == NULL)
    return oom(env);
  for (uint32_t i = 0; i < n; i++) {
    char label[64];
    (void)snprintf(label, sizeof label, "%s[%" PRIu32 "]", what, i);
    if (napi_get_element(env, v, i, &e) != napi_ok)
      return napi_failed(env);
    if (str_value(env, s, e, label, &a[i]) != 0)
      return -1;
  }
  *out = a;
  *count = n;
  return 0;
}

/* "name=value" of the query parameter `name`, kept in `s`. */
static int query_line(napi_env env, strings_t *s, const char *name,
                      napi_value v, const char *what, const char **out) {
  napi_valuetype t = type_of(env, v);
  const char *value;
  if (t == napi_number || t == napi_boolean) {
    napi_value str;
    if (napi_coerce_to_string(env, v, &str) != napi_ok)
      return napi_failed(env);
    v = str;
  }
  if (str_value(env, s, v, what, &value) != 0)
    return -1;
  char *line = str_join(s, name, "=", value);
  if (line == NULL)
    return oom(env);
  *out = line;
  return 0;
}

/* The query object `v` ({name: string, number, boolean or an array of
 * them, sent as name[]=...}) as "name=value" entries; null and undefined
 * values are not sent. */
static int query_lines(napi_env env, strings_t *s, napi_value v,
                       const char *const **lines, size_t *count) {
  napi_value obj, names, k, qv, e;
  uint32_t n = 0, total = 0;
  *lines = NULL;
  *count = 0;
  if (get_object(env, v, "query", &obj) != 0)
    return -1;
  if (obj == NULL)
    return 0;
  if (napi_get_property_names(env, obj, &names) != napi_ok ||
      napi_get_array_length(env, names, &n) != napi_ok)
    return napi_failed(env);
  /* Room for every value: arrays counted first. */
  for (uint32_t i = 0; i < n; i++) {
    bool is_array = false;
    uint32_t len = 1;
    if (napi_get_element(env, names, i, &k) != napi_ok ||
        napi_get_property(env, obj, k, &qv) != napi_ok)
      return napi_failed(env);
    if (given(env, qv) && napi_is_array(env, qv, &is_array) == napi_ok &&
        is_array && napi_get_array_length(env, qv, &len) != napi_ok)
      return napi_failed(env);
    total += len;
  }
  const char **out = keep(s, calloc(total ? total : 1, sizeof *out));
  if (out == NULL)
    return oom(env);
  for (uint32_t i = 0; i < n; i++) {
    const char *name;
    char label[320];
    bool is_array = false;
    if (napi_get_element(env, names, i, &k) != napi_ok ||
        napi_get_property(env, obj, k, &qv) != napi_ok)
      return napi_failed(env);
    if (!given(env, qv))
      continue;
    if (str_value(env, s, k, "query", &name) != 0)
      return -1;
    (void)snprintf(label, sizeof label, "query['%s']", name);
    napi_is_array(env, qv, &is_array);
    if (!is_array) {
      if (*count >= total)
        return throw_type(env, "ERR_INVALID_ARG_VALUE", label,
                          "not change while it is read");
      if (query_line(env, s, name, qv, label, &out[*count]) != 0)
        return -1;
      (*count)++;
      continue;
    }
    uint32_t len = 0;
    char *bracket = str_join(s, name, "[]", "");
    if (bracket == NULL)
      return oom(env);
    if (napi_get_array_length(env, qv, &len) != napi_ok)
      return napi_failed(env);
    for (uint32_t j = 0; j < len; j++) {
      if (napi_get_element(env, qv, j, &e) != napi_ok)
        return napi_failed(env);
      if (*count >= total)
        return throw_type(env, "ERR_INVALID_ARG_VALUE", label,
                          "not change while it is read");
      if (query_line(env, s, bracket, e, label, &out[*count]) != 0)
        return -1;
      (*count)++;
    }
  }
  *lines = out;
  return 0;
}

/* A request's options: `v` {timeout, maxRetries, headers}, the SDK
 * params' {betas, workspace_id} of `params`, and the query object `q`.
 * *out is `ro` filled in, or NULL when none of these was given. */
static int request_options(napi_env env, strings_t *s, napi_value v,
                           napi_value params, napi_value q,
                           anthropic_request_options_t *ro,
                           const anthropic_request_options_t **out) {
  napi_value o, h, b;
  *out = NULL;
  if (get_object(env, v, "options", &o) != 0)
    return -1;
  if (o != NULL &&
      (timeout_retries(env, o, &ro->timeout_ms, &ro->max_retries) != 0 ||
       get_prop(env, o, "headers", &h) != 0 ||
       header_lines(env, s, h, "headers", &ro->headers, &ro->headers_count) !=
           0))
    return -1;
  if (get_prop(env, params, "betas", &b) != 0 ||
      str_array(env, s, b, "betas", &ro->betas, &ro->betas_count) != 0 ||
      opt_str(env, s, params, "workspace_id", &ro->workspace_id) != 0 ||
      query_lines(env, s, q, &ro->query, &ro->query_count) != 0)
    return -1;
  if (o != NULL || ro->betas_count > 0 || ro->workspace_id != NULL ||
      ro->query_count > 0)
    *out = ro;
  return 0;
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
  call_t *call = ac->spare;
  if (call != NULL) {
    ac->spare = call->next;
    ac->spare_count--;
  } else if ((call = malloc(sizeof *call)) == NULL) {
    napi_throw_error(env, "out_of_memory", "out of memory");
    return NULL;
  }
  call->ac = ac;
  call->token = 0;
  call->lifecycle = false;
  napi_get_value_double(env, token, &call->token);
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
  napi_value v = NULL;
  if (rid == 0) {
    call_free(call);
    return throw_last(env, ac->client);
  }
  hold(ac);
  /* A BigInt: an id past 2^53 (a slot reused 2^21 times) stays exact. */
  napi_create_bigint_uint64(env, rid, &v);
  return v;
}

/* ---- the calls ---- */

static napi_value js_retrieve(napi_env env, napi_callback_info info) {
  napi_value argv[7], p, r = NULL;
  strings_t s = STRINGS_INIT;
  bool beta = false;
  const char *id;
  call_t *call;
  anthropic_request_options_t ro = ANTHROPIC_REQUEST_OPTIONS_INIT;
  anthropic_models_retrieve_params_t rp = ANTHROPIC_MODELS_RETRIEVE_PARAMS_INIT;
  addon_client_t *ac = call_args(env, info, 7, argv);
  if (ac == NULL)
    return NULL;
  napi_get_value_bool(env, argv[2], &beta);
  if (str_value(env, &s, argv[1], "id", &id) == 0 &&
      get_object(env, argv[5], "params", &p) == 0 &&
      request_options(env, &s, argv[4], p, argv[6], &ro, &rp.options) == 0 &&
      (call = call_new(env, ac, argv[3])) != NULL) {
    anthropic_request_id_t rid = beta ? anthropic_beta_models_retrieve_json(
                                            ac->client, id, &rp, on_json, call)
                                      : anthropic_models_retrieve_json(
                                            ac->client, id, &rp, on_json, call);
    r = started(env, ac, call, rid);
  }
  strings_free(&s);
  return r;
}

static napi_value js_list(napi_env env, napi_callback_info info) {
  napi_value argv[6], p, lc, r = NULL;
  strings_t s = STRINGS_INIT;
  bool beta = false;
  call_t *call;
  double limit = 0; /* the server's default */
  anthropic_request_options_t ro = ANTHROPIC_REQUEST_OPTIONS_INIT;
  anthropic_models_list_params_t lp = ANTHROPIC_MODELS_LIST_PARAMS_INIT;
  addon_client_t *ac = call_args(env, info, 6, argv);
  if (ac == NULL)
    return NULL;
  napi_get_value_bool(env, argv[2], &beta);
  if (get_object(env, argv[1], "params", &p) == 0 &&
      opt_str(env, &s, p, "after_id", &lp.after_id) == 0 &&
      opt_str(env, &s, p, "before_id", &lp.before_id) == 0 &&
      opt_int(env, p, "limit", 1, 1000, &limit) == 0 &&
      get_prop(env, p, "lifecycle", &lc) == 0 &&
      str_array(env, &s, lc, "lifecycle", &lp.lifecycle, &lp.lifecycle_count) ==
          0 &&
      request_options(env, &s, argv[4], p, argv[5], &ro, &lp.options) == 0 &&
      (call = call_new(env, ac, argv[3])) != NULL) {
    lp.limit = (int)limit;
    anthropic_request_id_t rid =
        beta ? anthropic_beta_models_list(ac->client, &lp, on_page, call)
             : anthropic_models_list(ac->client, &lp, on_page, call);
    r = started(env, ac, call, rid);
  }
  strings_free(&s);
  return r;
}

/* cancel(client, id): true when the request was cancelled (it ends as
 * cancelled, from the loop), false when it had ended already. */
static napi_value js_cancel(napi_env env, napi_callback_info info) {
  napi_value argv[2], r;
  uint64_t id = 0;
  bool lossless = false;
  addon_client_t *ac = call_args(env, info, 2, argv);
  if (ac == NULL)
    return NULL;
  if (napi_get_value_bigint_uint64(env, argv[1], &id, &lossless) != napi_ok) {
    throw_type(env, "ERR_INVALID_ARG_TYPE", "id", "be a bigint");
    return NULL;
  }
  int rc = anthropic_request_cancel(ac->client, (anthropic_request_id_t)id);
  napi_get_boolean(env, rc == 0, &r);
  return r;
}

/* Every alias is read (and checked) before the batch starts: one refused
 * and nothing starts. */
static napi_value js_resolve(napi_env env, napi_callback_info info) {
  napi_value argv[4], v, r = NULL;
  strings_t s = STRINGS_INIT;
  uint32_t n = 0;
  bool is_array = false;
  addon_client_t *ac = call_args(env, info, 4, argv);
  if (ac == NULL)
    return NULL;
  if (napi_is_array(env, argv[1], &is_array) != napi_ok || !is_array ||
      napi_get_array_length(env, argv[1], &n) != napi_ok) {
    throw_type(env, "ERR_INVALID_ARG_TYPE", "aliases", "be an array");
    return NULL;
  }
  const char **aliases = keep(&s, calloc(n ? n : 1, sizeof *aliases));
  if (aliases == NULL) {
    oom(env);
    goto out;
  }
  for (uint32_t i = 0; i < n; i++) {
    char what[32];
    (void)snprintf(what, sizeof what, "aliases[%" PRIu32 "]", i);
    if (napi_get_element(env, argv[1], i, &v) != napi_ok) {
      napi_failed(env); /* a getter threw */
      goto out;
    }
    if (str_value(env, &s, v, what, &aliases[i]) != 0)
      goto out;
  }
  if (ac->closing) { /* close() from a getter of the aliases */
    napi_throw_error(env, "cancelled",
                     "the client was closed while resolve() read its "
                     "aliases");
    goto out;
  }
  anthropic_resolve_options_t o = ANTHROPIC_RESOLVE_OPTIONS_INIT;
  napi_value opts, now_v;
  double concurrency = 0; /* the library's default */
  double now = 0, within = ANTHROPIC_LIFECYCLE_WITHIN_DAYS;
  if (get_object(env, argv[3], "options", &opts) != 0 ||
      opt_int(env, opts, "concurrency", 1, UINT_MAX, &concurrency) != 0 ||
      get_prop(env, opts, "now", &now_v) != 0 ||
      opt_int(env, opts, "now", -MAX_SAFE, MAX_SAFE, &now) != 0 ||
      opt_int(env, opts, "within", 0, UINT_MAX, &within) != 0)
    goto out;
  o.concurrency = (unsigned)concurrency;
  call_t *call = call_new(env, ac, argv[2]);
  if (call == NULL)
    goto out;
  /* `now` given (seconds): audit(), each model with its summary. */
  call->lifecycle = now_v != NULL;
  call->now = (int64_t)now;
  call->within = (unsigned)within;
  anthropic_resolve_id_t bid = anthropic_resolve(ac->client, aliases, n, &o,
                                                 on_alias, on_batch_done, call);
  if (bid == 0) {
    call_free(call);
    throw_last(env, ac->client);
    goto out;
  }
  hold(ac); /* until `done` */
  r = id_value(env, bid);
out:
  strings_free(&s);
  return r;
}

/* ---- watch ----
 *
 * A watch is a call whose events come as EVENT (value: the event as a
 * plain object, models as their JSON text, which index.js parses) until
 * its DONE. It holds the Client, as any pending call, until that DONE:
 * the library's interval timer keeps the loop alive while it runs, and
 * nothing of it is left once it is cancelled. */

/* A model's JSON text: as received, else written from its fields (then
 * *owned is set, to be freed with anthropic_free()). */
static const char *model_text(const anthropic_model_info_t *m, size_t *len,
                              char **owned) {
  *owned = NULL;
  if (m->json_text != NULL) {
    *len = m->json_len;
    return m->json_text;
  }
  *owned = anthropic_model_info_json(m);
  *len = *owned != NULL ? strlen(*owned) : 0;
  return *owned;
}

/* The model as a JS string of its JSON text; null for NULL. */
static napi_value model_json(napi_env env, const anthropic_model_info_t *m) {
  napi_value v = NULL;
  size_t len;
  char *owned;
  if (m == NULL) {
    napi_get_null(env, &v);
    return v;
  }
  const char *t = model_text(m, &len, &owned);
  if (t != NULL)
    v = text(env, t, len);
  anthropic_free(owned);
  return v;
}

/* `n` models as one JS string, the JSON array "[m0,m1,...]" (null for a
 * NULL entry): one JSON.parse in index.js for a whole snapshot. NULL when
 * out of memory. */
static napi_value
models_json(napi_env env, const anthropic_model_info_t *const *m, size_t n) {
  size_t len = 2, cap = 2;
  for (size_t i = 0; i < n; i++)
    cap +=
        1 + (m[i] != NULL ? (m[i]->json_text != NULL ? m[i]->json_len : 0) : 4);
  char *buf = malloc(cap);
  if (buf == NULL)
    return NULL;
  buf[0] = '[';
  len = 1;
  for (size_t i = 0; i < n; i++) {
    size_t tl = 4;
    char *owned = NULL;
    const char *t = m[i] != NULL ? model_text(m[i], &tl, &owned) : "null";
    if (t == NULL) {
      free(buf);
      return NULL;
    }
    if (owned != NULL) { /* written, not received: make room */
      char *b = realloc(buf, cap + tl + 1);
      if (b == NULL) {
        anthropic_free(owned);
        free(buf);
        return NULL;
      }
      buf = b;
      cap += tl + 1;
    }
    if (i > 0)
      buf[len++] = ',';
    memcpy(buf + len, t, tl);
    len += tl;
    anthropic_free(owned);
  }
  buf[len++] = ']';
  napi_value v = text(env, buf, len);
  free(buf);
  return v;
}

static void set_bool(napi_env env, napi_value o, const char *k, bool b) {
  napi_value v;
  napi_get_boolean(env, b, &v);
  napi_set_named_property(env, o, k, v);
}

static void set_value(napi_env env, napi_value o, const char *k, napi_value v) {
  if (v == NULL)
    napi_get_null(env, &v);
  napi_set_named_property(env, o, k, v);
}

/* The event as {kind, cycle, model, previous, alias, models, aliases,
 * aliasModels, error, failures, nextMs, changes, notModified, count}. */
static napi_value event_value(napi_env env, const anthropic_watch_event_t *ev) {
  napi_value o = NULL, arr = NULL;
  if (napi_create_object(env, &o) != napi_ok)
    return NULL;
  set_num(env, o, "kind", (double)ev->kind);
  set_num(env, o, "cycle", (double)ev->cycle);
  set_value(env, o, "model", model_json(env, ev->model));
  set_value(env, o, "previous", model_json(env, ev->previous));
  set_str(env, o, "alias", ev->alias);
  set_value(env, o, "models",
            ev->models != NULL ? models_json(env, ev->models, ev->count)
                               : NULL);
  if (ev->aliases != NULL &&
      napi_create_array_with_length(env, ev->aliases_count, &arr) == napi_ok)
    for (size_t i = 0; i < ev->aliases_count; i++) {
      napi_value a = NULL;
      napi_create_string_utf8(env, ev->aliases[i], NAPI_AUTO_LENGTH, &a);
      napi_set_element(env, arr, (uint32_t)i, a);
    }
  set_value(env, o, "aliases", arr);
  set_value(env, o, "aliasModels",
            ev->aliases != NULL && ev->alias_models != NULL
                ? models_json(env, ev->alias_models, ev->aliases_count)
                : NULL);
  set_value(env, o, "error",
            ev->error != NULL ? error_value(env, ev->error) : NULL);
  set_num(env, o, "failures", ev->failures);
  set_num(env, o, "nextMs", (double)ev->next_ms);
  set_num(env, o, "changes", (double)ev->changes);
  set_bool(env, o, "notModified", ev->not_modified);
  set_num(env, o, "count", (double)ev->count);
  return o;
}

static void on_watch_event(const anthropic_watch_event_t *ev, void *data) {
  call_t *call = data;
  addon_client_t *ac = call->ac;
  napi_handle_scope scope;
  if (ac->env_gone || napi_open_handle_scope(ac->env, &scope) != napi_ok)
    return;
  napi_value v = event_value(ac->env, ev);
  if (v != NULL)
    dispatch(ac, call->token, EVENT, v, -1, NULL);
  napi_close_handle_scope(ac->env, scope);
}

static void on_watch_done(const anthropic_error_t *err, void *data) {
  call_t *call = data;
  (void)err; /* always cancelled */
  dispatch(call->ac, call->token, DONE, NULL, -1, NULL);
  settle(call->ac);
  call_free(call);
}

/* The optional boolean property `k` of `o`, when given, in *out. */
static int opt_bool(napi_env env, napi_value o, const char *k, bool *out) {
  napi_value v;
  if (get_prop(env, o, k, &v) != 0)
    return -1;
  if (v == NULL)
    return 0;
  if (type_of(env, v) != napi_boolean)
    return throw_type(env, "ERR_INVALID_ARG_TYPE", k, "be a boolean");
  return napi_get_value_bool(env, v, out) == napi_ok ? 0 : napi_failed(env);
}

/* watch(client, token, params, options, query) -> watch id (a BigInt).
 * params: {interval, backoff, maxBackoff (ms), maxModels, jitter, keepCache,
 * cachedAliases (booleans), aliases, lifecycle (arrays of strings), betas,
 * workspace_id}. */
static napi_value js_watch(napi_env env, napi_callback_info info) {
  napi_value argv[5], p, al, lc, r = NULL;
  strings_t s = STRINGS_INIT;
  double interval = 0, backoff = 0, max_backoff = 0, max_models = 0;
  bool jitter = true, keep_cache = false, cached_aliases = false;
  call_t *call;
  anthropic_request_options_t ro = ANTHROPIC_REQUEST_OPTIONS_INIT;
  anthropic_watch_options_t wo = ANTHROPIC_WATCH_OPTIONS_INIT;
  addon_client_t *ac = call_args(env, info, 5, argv);
  if (ac == NULL)
    return NULL;
  if (get_object(env, argv[2], "params", &p) == 0 &&
      opt_int(env, p, "interval", 1, MAX_SAFE, &interval) == 0 &&
      opt_int(env, p, "backoff", 1, MAX_SAFE, &backoff) == 0 &&
      opt_int(env, p, "maxBackoff", 1, MAX_SAFE, &max_backoff) == 0 &&
      opt_int(env, p, "maxModels", 1, MAX_SAFE, &max_models) == 0 &&
      opt_bool(env, p, "jitter", &jitter) == 0 &&
      opt_bool(env, p, "keepCache", &keep_cache) == 0 &&
      opt_bool(env, p, "cachedAliases", &cached_aliases) == 0 &&
      get_prop(env, p, "aliases", &al) == 0 &&
      str_array(env, &s, al, "aliases", &wo.aliases, &wo.aliases_count) == 0 &&
      get_prop(env, p, "lifecycle", &lc) == 0 &&
      str_array(env, &s, lc, "lifecycle", &wo.lifecycle, &wo.lifecycle_count) ==
          0 &&
      request_options(env, &s, argv[3], p, argv[4], &ro, &wo.options) == 0 &&
      (call = call_new(env, ac, argv[1])) != NULL) {
    wo.interval_ms = (uint64_t)interval;
    wo.backoff_ms = (uint64_t)backoff;
    wo.max_backoff_ms = (uint64_t)max_backoff;
    wo.max_models = (size_t)max_models;
    wo.flags = (jitter ? 0u : ANTHROPIC_WATCH_NO_JITTER) |
               (keep_cache ? ANTHROPIC_WATCH_KEEP_CACHE : 0u) |
               (cached_aliases ? ANTHROPIC_WATCH_CACHED_ALIASES : 0u);
    anthropic_request_id_t rid = anthropic_models_watch(
        ac->client, &wo, on_watch_event, on_watch_done, call);
    r = started(env, ac, call, rid);
  }
  strings_free(&s);
  return r;
}

/* watchAlias(client, watch id, alias): watched from the next cycle on. */
static napi_value js_watch_alias(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  strings_t s = STRINGS_INIT;
  uint64_t id = 0;
  bool lossless = false;
  const char *alias;
  addon_client_t *ac = call_args(env, info, 3, argv);
  if (ac == NULL)
    return NULL;
  if (napi_get_value_bigint_uint64(env, argv[1], &id, &lossless) != napi_ok) {
    throw_type(env, "ERR_INVALID_ARG_TYPE", "id", "be a bigint");
    return NULL;
  }
  if (str_value(env, &s, argv[2], "alias", &alias) == 0) {
    int rc = anthropic_models_watch_alias(ac->client,
                                          (anthropic_request_id_t)id, alias);
    if (rc != 0)
      napi_throw_error(env, anthropic_err_name(rc), anthropic_strerror(rc));
  }
  strings_free(&s);
  return NULL;
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
  while (ac->spare != NULL) {
    call_t *call = ac->spare;
    ac->spare = call->next;
    free(call);
  }
  if (!ac->env_gone)
    napi_async_destroy(ac->env, ac->ctx);
  free(ac);
}

static void on_flush_closed(uv_handle_t *h) {
  addon_client_t *ac = h->data;
  if (--ac->handles > 0)
    return;
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
      dispatch(ac, 0, DONE, NULL, -1, NULL); /* close()'s callback, last */
      settle(ac);
      flush(ac);
    }
    napi_delete_reference(ac->env, ac->dispatch);
    if (ac->log != NULL)
      napi_delete_reference(ac->env, ac->log);
  } else if (ac->batch != NULL) {
    ac->batch = NULL; /* the env's references go with it */
  }
  ac->dispatch = NULL;
  ac->log = NULL;
  uv_close((uv_handle_t *)&ac->flush, on_flush_closed);
  uv_close((uv_handle_t *)&ac->wake, on_flush_closed);
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

static const char *const LEVELS[] = {"default", "off",  "error",
                                     "warn",    "info", "debug"};

/* A line the client logs: to create()'s log(level, line), when there is
 * one and JS may run (not from a finaliser, not once the env ends). */
static void on_log(void *data, anthropic_log_level_t level, const char *line) {
  addon_client_t *ac = data;
  napi_env env = ac->env;
  napi_handle_scope scope;
  napi_value fn, recv, argv[2], result;
  if (ac->log == NULL || ac->env_gone || ac->ext_gone ||
      napi_open_handle_scope(env, &scope) != napi_ok)
    return;
  if (napi_get_reference_value(env, ac->log, &fn) == napi_ok && fn != NULL &&
      napi_get_global(env, &recv) == napi_ok &&
      napi_create_string_utf8(env, LEVELS[level], NAPI_AUTO_LENGTH, &argv[0]) ==
          napi_ok &&
      napi_create_string_utf8(env, line, NAPI_AUTO_LENGTH, &argv[1]) ==
          napi_ok) {
    /* From create() JS is on the stack; from the loop it is not. */
    napi_status st =
        ac->ctx != NULL
            ? napi_make_callback(env, ac->ctx, recv, fn, 2, argv, &result)
            : napi_call_function(env, recv, fn, 2, argv, &result);
    if (st == napi_pending_exception) {
      napi_value exc;
      if (napi_get_and_clear_last_exception(env, &exc) == napi_ok)
        napi_fatal_exception(env, exc);
    }
  }
  napi_close_handle_scope(env, scope);
}

/* The logLevel option: a level's name, in *out. */
static int log_level(napi_env env, strings_t *s, napi_value o,
                     anthropic_log_level_t *out) {
  const char *v;
  if (opt_str(env, s, o, "logLevel", &v) != 0)
    return -1;
  if (v == NULL)
    return 0;
  for (int i = ANTHROPIC_LOG_OFF; i <= ANTHROPIC_LOG_DEBUG; i++)
    if (strcmp(v, LEVELS[i]) == 0) {
      *out = (anthropic_log_level_t)i;
      return 0;
    }
  napi_throw_type_error(env, "ERR_INVALID_ARG_VALUE",
                        "logLevel must be one of 'off', 'error', 'warn', "
                        "'info', 'debug'");
  return -1;
}

static napi_value js_create(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3], ext, name;
  strings_t s = STRINGS_INIT;
  char err[256];
  uv_loop_t *loop = NULL;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < 2 || type_of(env, argv[1]) != napi_function ||
      (argc == 3 && given(env, argv[2]) &&
       type_of(env, argv[2]) != napi_function)) {
    napi_throw_type_error(env, "invalid_argument",
                          "create(options, fn, [log])");
    return NULL;
  }
  if (napi_get_uv_event_loop(env, &loop) != napi_ok) {
    napi_throw_error(env, "invalid_argument", "no event loop");
    return NULL;
  }
  napi_value o, h;
  anthropic_client_options_t co = ANTHROPIC_CLIENT_OPTIONS_INIT;
  if (get_object(env, argv[0], "options", &o) != 0 ||
      opt_str(env, &s, o, "apiKey", &co.api_key) != 0 ||
      opt_str(env, &s, o, "authToken", &co.auth_token) != 0 ||
      opt_str(env, &s, o, "baseURL", &co.base_url) != 0 ||
      opt_str(env, &s, o, "caBundle", &co.ca_bundle) != 0 ||
      log_level(env, &s, o, &co.log_level) != 0 ||
      get_prop(env, o, "defaultHeaders", &h) != 0 ||
      header_lines(env, &s, h, "defaultHeaders", &co.headers,
                   &co.headers_count) != 0) {
    strings_free(&s);
    return NULL;
  }
  double in_flight = 0; /* the library's default */
  if (timeout_retries(env, o, &co.timeout_ms, &co.max_retries) != 0 ||
      opt_int(env, o, "maxConcurrency", 1, UINT_MAX, &in_flight) != 0) {
    strings_free(&s);
    return NULL;
  }
  co.max_requests_in_flight = (unsigned)in_flight;
  addon_client_t *ac = calloc(1, sizeof *ac);
  if (ac == NULL) {
    strings_free(&s);
    napi_throw_error(env, "out_of_memory", "out of memory");
    return NULL;
  }
  ac->env = env;
  if (argc == 3 && given(env, argv[2])) {
    if (napi_create_reference(env, argv[2], 1, &ac->log) != napi_ok) {
      strings_free(&s);
      free(ac);
      return NULL;
    }
    co.log_cb = on_log;
    co.log_data = ac;
  }
  int rc = anthropic_client_init(loop, &ac->client, &co, err, sizeof err);
  strings_free(&s);
  if (rc != 0) {
    if (ac->log != NULL)
      napi_delete_reference(env, ac->log);
    free(ac);
    napi_throw_error(env, anthropic_err_name(rc), err);
    return NULL;
  }
  anthropic_client_set_data(ac->client, ac);
  uv_check_init(loop, &ac->flush); /* cannot fail */
  ac->flush.data = ac;
  uv_unref((uv_handle_t *)&ac->flush); /* it never keeps the loop alive */
  uv_idle_init(loop, &ac->wake);       /* cannot fail */
  ac->wake.data = ac;
  uv_unref((uv_handle_t *)&ac->wake);
  ac->handles = 2;
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
  } fns[] = {{"create", js_create},   {"retrieve", js_retrieve},
             {"list", js_list},       {"cancel", js_cancel},
             {"resolve", js_resolve}, {"close", js_close},
             {"watch", js_watch},     {"watchAlias", js_watch_alias}};
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
