/* test_endpoint.c - an endpoint added from outside src/, as a new one is
 * (docs/internals.md, "Adding an endpoint"): POST /v1/messages/count_tokens
 * with a JSON body, answered {"input_tokens": N}. This file is all of it:
 * its endpoint table (parse the answer, say whether a body without
 * Content-Length is whole, deliver an error, free its state), its submit
 * function over the request machine's internal calls, and the tests that
 * the machine carries it as it carries the Models calls: the body sent and
 * resent, errors, retries, a cut body, cancel, and a GET after the POSTs
 * on the same client. */
#include "../src/client.h"
#include "fixture.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

/* ---- the endpoint ---- */

/* The caller's callback: the count (or -1 with `err` set). */
typedef void (*count_cb)(const anthropic_error_t *err,
                         const anthropic_response_t *resp, long long tokens,
                         void *data);

/* The endpoint's state, one per request: counts its own frees, so the
 * tests see the machine free it once, however the request ends. */
typedef struct count_state {
  int *freed;
} count_state_t;

static int whole_calls; /* count_whole ran: the machine asked us */

static count_cb cb_of(anth_cb_fn f) {
  return (count_cb)f;
}

static int count_body(anthropic_client_t *c, anthropic_req_t *r, long status,
                      const char *rid, char *msg, size_t msglen) {
  cJSON *root = cJSON_ParseWithLength(r->body.data, r->body.len);
  const cJSON *n = cJSON_GetObjectItemCaseSensitive(root, "input_tokens");
  if (!cJSON_IsNumber(n)) {
    anth__errf(msg, msglen, "count_tokens: no input_tokens in the answer");
    cJSON_Delete(root);
    return ANTHROPIC_EBADRESPONSE;
  }
  long long tokens = (long long)n->valuedouble;
  cJSON_Delete(root);
  anthropic_response_t resp = anth__req_response(r, status, rid);
  anth__req_detach(c, r);
  cb_of(r->cb)(NULL, &resp, tokens, r->data);
  return 0;
}

/* Its own rule, not the JSON one the Models calls use: an answer is an
 * object, so it ends with '}'. */
static bool count_whole(const char *body, size_t len, char *msg,
                        size_t msglen) {
  whole_calls++;
  while (len > 0 && (body[len - 1] == '\n' || body[len - 1] == ' '))
    len--;
  if (len > 0 && body[len - 1] == '}')
    return true;
  anth__errf(msg, msglen, "count_tokens: body cut short at %zu bytes", len);
  return false;
}

static void count_fail(anth_cb_fn cb, void *state, void *data,
                       const anthropic_error_t *err) {
  (void)state;
  cb_of(cb)(err, err->response, -1, data);
}

static void count_free(void *state) {
  count_state_t *s = state;
  (*s->freed)++;
  free(s);
}

static const anth_endpoint_t count_ep = {.body = count_body,
                                         .whole = count_whole,
                                         .fail = count_fail,
                                         .free_state = count_free,
                                         .own_state = true};

/* `method` (with `json` as its body, unless NULL) to
 * /v1/messages/count_tokens: its id, or 0 (the client's last error set). */
static anthropic_request_id_t send_count(anthropic_client_t *c,
                                         const char *method, const char *json,
                                         int *freed, count_cb cb, void *data) {
  if (!anth__req_usable(c, cb != NULL))
    return 0;
  c->scratch.len = 0;
  if (anth__buf_appends(&c->scratch, c->base_url) != 0 ||
      anth__buf_appends(&c->scratch, "/v1/messages/count_tokens") != 0) {
    anth__set_last_error(c, ANTHROPIC_ENOMEM, "out of memory");
    return 0;
  }
  anth_job_t *j = anth__job_new(c, &count_ep, NULL, data);
  if (j == NULL)
    return 0;
  count_state_t *s = malloc(sizeof *s);
  if (s == NULL) {
    anth__job_free(j);
    return 0;
  }
  s->freed = freed;
  j->own->state = s; /* own_state: the job has `own` */
  if (anth__job_method(c, j, method, "application/json", json,
                       json != NULL ? strlen(json) : 0) != 0) {
    anth__job_free(j);
    return 0;
  }
  j->cb = (anth_cb_fn)cb;
  return anth__job_submit(c, j);
}

/* POST `json` to /v1/messages/count_tokens. */
static anthropic_request_id_t count_tokens(anthropic_client_t *c,
                                           const char *json, int *freed,
                                           count_cb cb, void *data) {
  return send_count(c, "POST", json, freed, cb, data);
}

/* ---- what the callback saw ---- */

typedef struct counted {
  int calls;
  int kind;
  long status;
  long long tokens;
  int attempts;
  char type[64];
  char message[256];
  char request_id[64];
  int freed;
  int *in_call; /* set while the starting call runs */
  int ran_inside_call;
} counted_t;

static void on_count(const anthropic_error_t *err,
                     const anthropic_response_t *resp, long long tokens,
                     void *data) {
  counted_t *o = data;
  o->calls++;
  if (o->in_call != NULL && *o->in_call)
    o->ran_inside_call = 1;
  o->kind = err ? (int)err->kind : 0;
  o->status = resp ? resp->status : -1;
  o->tokens = tokens;
  o->attempts = err ? err->attempts : 0;
  snprintf(o->type, sizeof o->type, "%s", err && err->type ? err->type : "");
  snprintf(o->message, sizeof o->message, "%s", err ? err->message : "");
  snprintf(o->request_id, sizeof o->request_id, "%s",
           resp && resp->request_id ? resp->request_id : "");
}

static const char *const THREE_WORDS =
    "{\"model\":\"claude-sonnet-4-0\",\"messages\":[{\"role\":\"user\","
    "\"content\":\"one two three\"}]}";

static const char *rec_str(const cJSON *rec, const char *name) {
  const cJSON *v = cJSON_GetObjectItem(rec, name);
  return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* Every record the server has is a POST of `body` to count_tokens, with
 * x-stainless-retry-count 0, 1, ... in turn; returns how many. */
static int check_posts(const cJSON *reqs, const char *body) {
  int n = cJSON_GetArraySize(reqs);
  for (int i = 0; i < n; i++) {
    const cJSON *rec = cJSON_GetArrayItem(reqs, i);
    char count[16];
    snprintf(count, sizeof count, "%d", i);
    CHECK_EQ_STR(rec_str(rec, "method"), "POST");
    CHECK_EQ_STR(rec_str(rec, "path"), "/v1/messages/count_tokens");
    CHECK_EQ_STR(rec_str(rec, "body"), body);
    CHECK_EQ_STR(req_header(rec, "content-type"), "application/json");
    CHECK_EQ_STR(req_header(rec, "x-api-key"), "fake-key");
    CHECK(req_header(rec, "anthropic-version") != NULL);
    CHECK_EQ_STR(req_header(rec, "x-stainless-retry-count"), count);
  }
  return n;
}

/* ---- the tests ---- */

TEST(a_post_sends_its_json_body_and_its_answer_is_parsed) {
  fixture_t f;
  counted_t o = {0};
  int in_call = 1;
  o.in_call = &in_call;
  setup(&f);
  whole_calls = 0;
  CHECK(count_tokens(f.client, THREE_WORDS, &o.freed, on_count, &o) != 0);
  in_call = 0;
  teardown(&f);
  CHECK_EQ_INT(o.calls, 1);
  CHECK_EQ_INT(o.ran_inside_call, 0);
  CHECK_EQ_INT(o.kind, 0);
  CHECK_EQ_INT(o.status, 200);
  CHECK_EQ_INT(o.tokens, 3);
  CHECK(strncmp(o.request_id, "req_fake_", 9) == 0);
  CHECK_EQ_INT(o.freed, 1);
  CHECK_EQ_INT(whole_calls, 0); /* it had a Content-Length */
  cJSON *reqs = requests();
  CHECK_EQ_INT(check_posts(reqs, THREE_WORDS), 1);
  cJSON_Delete(reqs);
}

TEST(an_http_error_is_parsed_as_for_the_models_calls) {
  fixture_t f;
  counted_t o = {0};
  const char *empty = "{\"model\":\"claude-sonnet-4-0\",\"messages\":[]}";
  setup(&f);
  CHECK(count_tokens(f.client, empty, &o.freed, on_count, &o) != 0);
  teardown(&f);
  CHECK_EQ_INT(o.calls, 1);
  CHECK_EQ_INT(o.kind, ANTHROPIC_EHTTP);
  CHECK_EQ_INT(o.status, 400);
  CHECK_EQ_INT(o.tokens, -1);
  CHECK_EQ_INT(o.attempts, 1); /* a 400 is not retried */
  CHECK_EQ_STR(o.type, "invalid_request_error");
  CHECK_EQ_STR(o.message, "messages: Field required");
  CHECK(strncmp(o.request_id, "req_fake_", 9) == 0);
  CHECK_EQ_INT(o.freed, 1);
  cJSON *reqs = requests();
  CHECK_EQ_INT(check_posts(reqs, empty), 1);
  cJSON_Delete(reqs);
}

TEST(a_500_and_a_529_are_retried_with_the_body_sent_again) {
  fixture_t f;
  counted_t o = {0};
  setup(&f);
  add_faults("[{\"action\":\"respond\",\"status\":500,"
             "\"headers\":{\"retry-after-ms\":\"1\"}},"
             "{\"action\":\"respond\",\"status\":529,"
             "\"headers\":{\"retry-after-ms\":\"1\"}}]");
  CHECK(count_tokens(f.client, THREE_WORDS, &o.freed, on_count, &o) != 0);
  teardown(&f);
  CHECK_EQ_INT(o.calls, 1);
  CHECK_EQ_INT(o.kind, 0);
  CHECK_EQ_INT(o.tokens, 3);
  CHECK_EQ_INT(o.freed, 1);
  cJSON *reqs = requests();
  CHECK_EQ_INT(check_posts(reqs, THREE_WORDS), 3);
  cJSON_Delete(reqs);
}

/* A 200 with no Content-Length whose body ends early: only the endpoint
 * can tell, through its own check. */
static const char *const CUT =
    "[{\"action\":\"respond\",\"status\":200,\"body\":\"{\\\"input_tokens\\\": "
    "7\",\"content_length\":false,\"headers\":{\"retry-after-ms\":\"1\"}}]";

TEST(a_cut_body_is_caught_by_the_endpoints_own_check) {
  fixture_t f;
  counted_t o = {0};
  setup_no_retries(&f);
  add_faults(CUT);
  whole_calls = 0;
  CHECK(count_tokens(f.client, THREE_WORDS, &o.freed, on_count, &o) != 0);
  teardown(&f);
  CHECK_EQ_INT(whole_calls, 1);
  CHECK_EQ_INT(o.calls, 1);
  CHECK_EQ_INT(o.kind, ANTHROPIC_ECONNECTION);
  CHECK_EQ_STR(o.message, "count_tokens: body cut short at 18 bytes");
  CHECK_EQ_INT(o.freed, 1);
}

TEST(a_cut_body_is_retried_with_the_body_sent_again) {
  fixture_t f;
  counted_t o = {0};
  setup(&f);
  add_faults(CUT);
  whole_calls = 0;
  CHECK(count_tokens(f.client, THREE_WORDS, &o.freed, on_count, &o) != 0);
  teardown(&f);
  CHECK_EQ_INT(whole_calls, 1); /* the second answer had its length */
  CHECK_EQ_INT(o.calls, 1);
  CHECK_EQ_INT(o.kind, 0);
  CHECK_EQ_INT(o.tokens, 3);
  cJSON *reqs = requests();
  CHECK_EQ_INT(check_posts(reqs, THREE_WORDS), 2);
  cJSON_Delete(reqs);
}

/* Over HTTP/2, a stream reset with NO_ERROR after half a body that had
 * no Content-Length looks like a clean end to libcurl 7.88: the endpoint's
 * check is what catches it. A server of its own, over TLS (HTTP/2 by
 * ALPN). */
TEST(a_cut_http2_stream_is_caught_by_the_endpoints_own_check) {
  static const char *const tls[] = {"--tls", NULL};
  fake_server_t h2;
  CHECK_EQ_INT(fake_server_start_args(&h2, tls), 0);
  char *queued = fake_post(&h2, "/_fake/faults",
                           "[{\"action\":\"reset_during\","
                           "\"content_length\":false,\"rst_code\":0}]");
  int ok = queued != NULL && strstr(queued, "\"ok\":true") != NULL;
  free(queued);
  fixture_t f;
  counted_t o = {0};
  anthropic_client_options_t opts = ANTHROPIC_CLIENT_OPTIONS_INIT;
  opts.base_url = h2.url;
  opts.max_retries = 0;
  opts.ca_bundle = h2.ca_file;
  whole_calls = 0;
  if (ok) {
    setup_with(&f, &opts);
    CHECK(count_tokens(f.client, THREE_WORDS, &o.freed, on_count, &o) != 0);
    teardown(&f);
  }
  char *seen = fake_get(&h2, "/_fake/requests");
  fake_server_stop(&h2);
  CHECK(ok);
  CHECK_CONTAINS(seen, "\"http_version\":\"2.0\"");
  free(seen);
  CHECK_EQ_INT(whole_calls, 1);
  CHECK_EQ_INT(o.calls, 1);
  CHECK_EQ_INT(o.kind, ANTHROPIC_ECONNECTION);
  CHECK_EQ_STR(o.message, "count_tokens: body cut short at 9 bytes");
}

TEST(cancel_ends_a_post_in_flight_and_one_queued) {
  fixture_t f;
  counted_t first = {0}, queued = {0};
  anthropic_client_options_t opts = ANTHROPIC_CLIENT_OPTIONS_INIT;
  opts.max_requests_in_flight = 1;
  setup_with(&f, &opts);
  add_faults("[{\"action\":\"hang\"}]");
  anthropic_request_id_t a =
      count_tokens(f.client, THREE_WORDS, &first.freed, on_count, &first);
  anthropic_request_id_t b =
      count_tokens(f.client, THREE_WORDS, &queued.freed, on_count, &queued);
  CHECK(a != 0 && b != 0);
  CHECK_EQ_INT(f.client->queue_count, 1);
  CHECK_EQ_INT(anthropic_request_cancel(f.client, b), 0);
  CHECK_EQ_INT(queued.calls, 0); /* never from inside the cancel */
  /* The first is on the wire (the server holds it) before it is cut. */
  while (fake_request_count(&srv) < 1) {
    uv_run(&f.loop, UV_RUN_NOWAIT);
    uv_sleep(2);
  }
  CHECK_EQ_INT(queued.calls, 1); /* from the loop, as it waited */
  CHECK_EQ_INT(first.calls, 0);
  CHECK_EQ_INT(anthropic_request_cancel(f.client, a), 0);
  CHECK_EQ_INT(first.calls, 0); /* never from inside the cancel */
  teardown(&f);
  CHECK_EQ_INT(first.calls, 1);
  CHECK_EQ_INT(first.kind, ANTHROPIC_ECANCELLED);
  CHECK_EQ_INT(first.freed, 1);
  CHECK_EQ_INT(queued.calls, 1);
  CHECK_EQ_INT(queued.kind, ANTHROPIC_ECANCELLED);
  CHECK_EQ_INT(queued.freed, 1);
  CHECK_EQ_INT(fake_request_count(&srv), 1); /* the queued one never went */
}

/* Runs the loop until every callback is done; the one pooled request
 * (and its easy handle) served what ran. */
static void run_on_one_handle(fixture_t *f) {
  uv_run(&f->loop, UV_RUN_DEFAULT);
  CHECK_EQ_INT(f->client->pool_count, 1);
  CHECK_EQ_INT(f->client->active_peak, 1);
}

TEST(a_get_after_posts_on_the_same_client_is_a_plain_get) {
  fixture_t f;
  counted_t post1 = {0}, post2 = {0};
  outcome_t get1, get2;
  memset(&get1, 0, sizeof get1);
  memset(&get2, 0, sizeof get2);
  anthropic_client_options_t opts = ANTHROPIC_CLIENT_OPTIONS_INIT;
  opts.max_requests_in_flight = 1;
  setup_with(&f, &opts);
  CHECK(count_tokens(f.client, THREE_WORDS, &post1.freed, on_count, &post1) !=
        0);
  run_on_one_handle(&f);
  CHECK(anthropic_models_retrieve(f.client, "claude-opus-4-0", NULL, on_model,
                                  &get1) != 0);
  run_on_one_handle(&f);
  CHECK(count_tokens(f.client, THREE_WORDS, &post2.freed, on_count, &post2) !=
        0);
  run_on_one_handle(&f);
  CHECK(anthropic_models_retrieve(f.client, "claude-sonnet-4-0", NULL, on_model,
                                  &get2) != 0);
  run_on_one_handle(&f);
  teardown(&f);
  CHECK_EQ_INT(post1.tokens, 3);
  CHECK_EQ_INT(post2.tokens, 3);
  CHECK_EQ_INT(get1.calls, 1);
  CHECK_EQ_INT(get1.kind, 0);
  CHECK_EQ_STR(get1.model->id, "claude-opus-4-20250514");
  CHECK_EQ_INT(get2.calls, 1);
  CHECK_EQ_INT(get2.kind, 0);
  CHECK_EQ_STR(get2.model->id, "claude-sonnet-4-20250514");
  outcome_free(&get1);
  outcome_free(&get2);
  cJSON *reqs = requests();
  CHECK_EQ_INT(cJSON_GetArraySize(reqs), 4);
  for (int i = 0; i < 4; i++) {
    const cJSON *rec = cJSON_GetArrayItem(reqs, i);
    if (i % 2 == 0) {
      CHECK_EQ_STR(rec_str(rec, "method"), "POST");
      CHECK_EQ_STR(rec_str(rec, "body"), THREE_WORDS);
      continue;
    }
    CHECK_EQ_STR(rec_str(rec, "method"), "GET");
    CHECK(cJSON_GetObjectItem(rec, "body") == NULL);
    CHECK(req_header(rec, "content-type") == NULL);
    CHECK(req_header(rec, "content-length") == NULL);
    CHECK_EQ_STR(req_header(rec, "x-stainless-retry-count"), "0");
  }
  cJSON_Delete(reqs);
}

/* Other methods, with a body or none, on the one easy handle; the fake
 * API refuses them (405, POST only), and records what came. A POST with
 * no body sends an empty one; a GET after them all is a plain GET. */
TEST(other_methods_and_an_empty_post_then_a_plain_get) {
  fixture_t f;
  counted_t del_body = {0}, del = {0}, put = {0}, empty = {0};
  outcome_t get;
  memset(&get, 0, sizeof get);
  anthropic_client_options_t opts = ANTHROPIC_CLIENT_OPTIONS_INIT;
  opts.max_requests_in_flight = 1;
  setup_with(&f, &opts);
  CHECK(send_count(f.client, "DELETE", THREE_WORDS, &del_body.freed, on_count,
                   &del_body) != 0);
  run_on_one_handle(&f);
  CHECK(send_count(f.client, "DELETE", NULL, &del.freed, on_count, &del) != 0);
  run_on_one_handle(&f);
  CHECK(send_count(f.client, "PUT", "{}", &put.freed, on_count, &put) != 0);
  run_on_one_handle(&f);
  CHECK(send_count(f.client, "POST", NULL, &empty.freed, on_count, &empty) !=
        0);
  run_on_one_handle(&f);
  CHECK(anthropic_models_retrieve(f.client, "claude-opus-4-0", NULL, on_model,
                                  &get) != 0);
  run_on_one_handle(&f);
  teardown(&f);
  counted_t *refused[] = {&del_body, &del, &put};
  for (size_t i = 0; i < 3; i++) {
    CHECK_EQ_INT(refused[i]->calls, 1);
    CHECK_EQ_INT(refused[i]->kind, ANTHROPIC_EHTTP);
    CHECK_EQ_INT(refused[i]->status, 405);
    CHECK_EQ_INT(refused[i]->freed, 1);
  }
  CHECK_EQ_INT(empty.kind, ANTHROPIC_EHTTP);
  CHECK_EQ_INT(empty.status, 400); /* an empty body is no JSON */
  CHECK_CONTAINS(empty.message, "body: ");
  CHECK_EQ_INT(get.kind, 0);
  CHECK_EQ_STR(get.model->id, "claude-opus-4-20250514");
  outcome_free(&get);
  cJSON *reqs = requests();
  CHECK_EQ_INT(cJSON_GetArraySize(reqs), 5);
  static const struct {
    const char *method, *body, *type, *length;
  } want[] = {{"DELETE", THREE_WORDS, "application/json", "84"},
              {"DELETE", "", NULL, NULL},
              {"PUT", "{}", "application/json", "2"},
              {"POST", "", NULL, "0"},
              {"GET", NULL, NULL, NULL}};
  for (int i = 0; i < 5; i++) {
    const cJSON *rec = cJSON_GetArrayItem(reqs, i);
    CHECK_EQ_STR(rec_str(rec, "method"), want[i].method);
    CHECK_EQ_STR(rec_str(rec, "body"), want[i].body);
    CHECK_EQ_STR(req_header(rec, "content-type"), want[i].type);
    CHECK_EQ_STR(req_header(rec, "content-length"), want[i].length);
  }
  cJSON_Delete(reqs);
}

/* Each debug line goes to `lines` (one joined string). */
static void keep_line(void *data, anthropic_log_level_t level,
                      const char *line) {
  (void)level;
  char *lines = data;
  size_t n = strlen(lines);
  snprintf(lines + n, 2048 - n, "%s\n", line);
}

TEST(its_log_lines_name_the_method) {
  fixture_t f;
  counted_t o = {0};
  char lines[2048] = "";
  anthropic_client_options_t opts = ANTHROPIC_CLIENT_OPTIONS_INIT;
  opts.log_cb = keep_line;
  opts.log_data = lines;
  opts.log_level = ANTHROPIC_LOG_DEBUG;
  setup_with(&f, &opts);
  add_faults("[{\"action\":\"respond\",\"status\":529,"
             "\"headers\":{\"retry-after-ms\":\"1\"}}]");
  CHECK(count_tokens(f.client, THREE_WORDS, &o.freed, on_count, &o) != 0);
  teardown(&f);
  CHECK_EQ_INT(o.tokens, 3);
  CHECK_CONTAINS(lines, "POST http://127.0.0.1:");
  CHECK_CONTAINS(lines, "/v1/messages/count_tokens -> 529 (");
  CHECK_CONTAINS(lines, "/v1/messages/count_tokens: retrying in ");
  CHECK_CONTAINS(lines, "/v1/messages/count_tokens -> 200 (");
  CHECK(strstr(lines, "GET ") == NULL);
}

/* The library's (and cJSON's) Nth allocation fails, when armed. */
static unsigned long alloc_calls, fail_at;
static int armed, injected;

static int should_fail(void) {
  if (!armed || anth__alloc_source == ANTH_ALLOC_CURL)
    return 0;
  if (++alloc_calls == fail_at) {
    injected = 1;
    return 1;
  }
  return 0;
}
static void *t_malloc(size_t n) {
  return should_fail() ? NULL : malloc(n);
}
static void *t_realloc(void *p, size_t n) {
  return should_fail() ? NULL : realloc(p, n);
}
static void *t_calloc(size_t n, size_t m) {
  return should_fail() ? NULL : calloc(n, m);
}

/* Fail each allocation of a POST in turn, from its submit to its end:
 * the submit refuses it (out of memory said), or its callback runs once;
 * its state is freed once either way, and (LeakSanitizer at exit) nothing
 * leaks. */
TEST(every_allocation_failure_of_a_post_ends_it_cleanly) {
  int refused = 0, failed = 0;
  for (fail_at = 1;; fail_at++) {
    fixture_t f;
    counted_t o = {0};
    setup(&f);
    alloc_calls = 0;
    injected = 0;
    armed = 1;
    anthropic_request_id_t id =
        count_tokens(f.client, THREE_WORDS, &o.freed, on_count, &o);
    if (id == 0) {
      CHECK_EQ_INT(anthropic_client_last_error(f.client)->kind,
                   ANTHROPIC_ENOMEM);
      refused++;
    }
    uv_run(&f.loop, UV_RUN_DEFAULT);
    armed = 0;
    teardown(&f);
    CHECK_EQ_INT(o.calls, id != 0);
    CHECK(o.freed <= 1);
    if (id != 0) {
      CHECK_EQ_INT(o.freed, 1);
      failed += o.kind != 0;
    }
    if (!injected)
      break;
  }
  CHECK(fail_at > 5);
  CHECK(refused > 0);
  CHECK(failed > 0);
}

int main(void) {
  if (anthropic_replace_allocator(t_malloc, t_realloc, t_calloc, free) != 0 ||
      fixture_main_start() != 0)
    return 1;
  int rc = RUN(T(a_post_sends_its_json_body_and_its_answer_is_parsed),
               T(an_http_error_is_parsed_as_for_the_models_calls),
               T(a_500_and_a_529_are_retried_with_the_body_sent_again),
               T(a_cut_body_is_caught_by_the_endpoints_own_check),
               T(a_cut_body_is_retried_with_the_body_sent_again),
               T(a_cut_http2_stream_is_caught_by_the_endpoints_own_check),
               T(cancel_ends_a_post_in_flight_and_one_queued),
               T(a_get_after_posts_on_the_same_client_is_a_plain_get),
               T(other_methods_and_an_empty_post_then_a_plain_get),
               T(its_log_lines_name_the_method),
               T(every_allocation_failure_of_a_post_ends_it_cleanly));
  fake_server_stop(&srv);
  return rc;
}
