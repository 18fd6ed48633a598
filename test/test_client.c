/* test_client.c - the client against the fake Models API: one behaviour a
 * test. Every test ends with the loop closed cleanly. */
#include "fixture.h"

#include <stdint.h>
#include <time.h>

/* ------------------------------------------------------------------ */

TEST(retrieve_by_id_returns_the_model_with_every_field) {
  fixture_t f;
  outcome_t o = {0};
  setup(&f);
  retrieve_to_the_end(&f, "claude-sonnet-4-20250514", &o);
  CHECK_EQ_INT(o.calls, 1);
  CHECK_EQ_INT(o.kind, 0);
  CHECK_EQ_INT(o.status, 200);
  CHECK_CONTAINS(o.request_id, "req_fake_");
  const anthropic_model_info_t *m = o.model;
  CHECK(m != NULL);
  CHECK_EQ_STR(m->id, "claude-sonnet-4-20250514");
  CHECK_EQ_STR(m->type, "model");
  CHECK(m->display_name != NULL && *m->display_name);
  CHECK_EQ_INT(m->created_at.state, ANTHROPIC_FIELD_SET);
  CHECK(m->created_at.unix_seconds > 1700000000);
  /* Compare with the server's own copy of the model. */
  cJSON *cat = catalogue();
  const cJSON *it, *want = NULL;
  cJSON_ArrayForEach(it, cJSON_GetObjectItem(cat, "models")) {
    if (strcmp(cJSON_GetObjectItem(it, "id")->valuestring, m->id) == 0)
      want = it;
  }
  CHECK(want != NULL);
  CHECK_EQ_STR(m->display_name,
               cJSON_GetObjectItem(want, "display_name")->valuestring);
  CHECK_EQ_STR(m->created_at.text,
               cJSON_GetObjectItem(want, "created_at")->valuestring);
  const cJSON *mt = cJSON_GetObjectItem(want, "max_tokens");
  if (cJSON_IsNumber(mt))
    CHECK_EQ_INT(m->max_tokens.value, (int64_t)mt->valuedouble);
  cJSON *got = cJSON_ParseWithLength(m->json_text, m->json_len);
  CHECK(cJSON_Compare(got, want, 1));
  cJSON_Delete(got);
  cJSON_Delete(cat);
  outcome_free(&o);
}

TEST(retrieve_by_alias_resolves_to_the_canonical_id) {
  fixture_t f;
  outcome_t o = {0};
  setup(&f);
  retrieve_to_the_end(&f, "claude-sonnet-4-0", &o);
  CHECK_EQ_INT(o.kind, 0);
  CHECK_EQ_STR(o.model->id, "claude-sonnet-4-20250514");
  outcome_free(&o);
}

TEST(callback_never_runs_inside_the_call_that_started_it) {
  fixture_t f;
  int in_call = 0;
  outcome_t o = {0};
  o.in_call = &in_call;
  setup(&f);
  in_call = 1;
  CHECK(anthropic_models_retrieve(f.client, "claude-opus-4-1", NULL, on_model,
                                  &o) != 0);
  in_call = 0;
  CHECK_EQ_INT(o.calls, 0);
  teardown(&f);
  CHECK_EQ_INT(o.calls, 1);
  CHECK_EQ_INT(o.ran_inside_call, 0);
  outcome_free(&o);
}

/* A retrieve with these credentials (NULL: the fixture's key) sends
 * header `sent` with `value`, and not header `not_sent`. */
typedef struct credential_case {
  const char *name;
  const char *api_key, *auth_token;
  const char *sent, *value, *not_sent;
} credential_case_t;

static const credential_case_t credentials[] = {
    {"auth_token_is_sent_as_a_bearer_token", "", "fake-token", "authorization",
     "Bearer fake-token", "x-api-key"},
    /* As the SDKs do: with both a key and a token, one credential goes out,
     * the key (sending both told the server two identities at once). */
    {"with_a_key_and_a_token_only_the_key_is_sent", NULL, "fake-token",
     "x-api-key", "fake-key", "authorization"},
};

static void check_credential(const credential_case_t *c) {
  fixture_t f;
  outcome_t o = {0};
  anthropic_client_options_t opts = ANTHROPIC_CLIENT_OPTIONS_INIT;
  opts.api_key = c->api_key;
  opts.auth_token = c->auth_token;
  setup_with(&f, &opts);
  retrieve_to_the_end(&f, "claude-sonnet-4-0", &o);
  CHECK_EQ_INT(o.kind, 0);
  cJSON *reqs = requests();
  CHECK_EQ_STR(req_header(cJSON_GetArrayItem(reqs, 0), c->sent), c->value);
  CHECK(req_header(cJSON_GetArrayItem(reqs, 0), c->not_sent) == NULL);
  cJSON_Delete(reqs);
  outcome_free(&o);
}
TABLE_TEST(credentials, check_credential)

/* As the SDKs do: no credential at all fails at init, rather than sending
 * requests that can only get 401. A credential among the custom headers
 * counts. */
TEST(no_credential_at_all_fails_at_init) {
  uv_loop_t loop;
  anthropic_client_t *c = (anthropic_client_t *)&loop;
  char err[256] = "";
  anthropic_client_options_t o = ANTHROPIC_CLIENT_OPTIONS_INIT;
  CHECK_EQ_INT(uv_loop_init(&loop), 0);
  o.flags = ANTHROPIC_CLIENT_NO_ENV;
  o.base_url = srv.url;
  CHECK_EQ_INT(anthropic_client_init(&loop, &c, &o, err, sizeof err),
               ANTHROPIC_EINVAL);
  CHECK(c == NULL);
  CHECK_CONTAINS(err, "api_key");
  o.api_key = "";
  o.auth_token = "";
  CHECK_EQ_INT(anthropic_client_init(&loop, &c, &o, err, sizeof err),
               ANTHROPIC_EINVAL);
  const char *hdr[] = {"X-Api-Key: from-a-header"};
  o.headers = hdr;
  o.headers_count = 1;
  CHECK_EQ_INT(anthropic_client_init(&loop, &c, &o, err, sizeof err), 0);
  anthropic_client_close(c, NULL);
  uv_run(&loop, UV_RUN_DEFAULT);
  test_loop_finish(&loop);
}

TEST(list_returns_the_first_page_with_cursors) {
  fixture_t f;
  outcome_t o = {0};
  setup(&f);
  CHECK(anthropic_models_list(f.client, NULL, on_page, &o) != 0);
  teardown(&f);
  CHECK_EQ_INT(o.kind, 0);
  const anthropic_models_page_t *p = o.page;
  CHECK_EQ_INT(p->count, 20);
  CHECK(p->has_more);
  CHECK_EQ_STR(p->first_id, p->data[0]->id);
  CHECK_EQ_STR(p->last_id, p->data[19]->id);
  for (size_t i = 1; i < p->count; i++)
    CHECK(p->data[i - 1]->created_at.unix_seconds >
          p->data[i]->created_at.unix_seconds);
  outcome_free(&o);
}

/* Walk the list by hand with after_id: every listed model once, in the
 * server's order, one request per page. */
TEST(list_pages_forward_visit_each_model_once_in_order) {
  fixture_t f;
  setup(&f);
  cJSON *cat = catalogue();
  const cJSON *it;
  const char *want[128];
  size_t nwant = 0;
  cJSON_ArrayForEach(it, cJSON_GetObjectItem(cat, "models")) {
    const cJSON *lc = cJSON_GetObjectItem(it, "lifecycle");
    if (!cJSON_IsString(lc) || strcmp(lc->valuestring, "retired") != 0)
      want[nwant++] = cJSON_GetObjectItem(it, "id")->valuestring;
  }
  char *cursor = NULL;
  size_t seen = 0;
  int pages = 0;
  for (;;) {
    outcome_t o = {0};
    anthropic_models_list_params_t p = {
        .size = sizeof(anthropic_models_list_params_t),
        .after_id = cursor,
        .before_id = NULL,
        .limit = 7};
    CHECK(anthropic_models_list(f.client, &p, on_page, &o) != 0);
    uv_run(&f.loop, UV_RUN_DEFAULT);
    pages++;
    CHECK_EQ_INT(o.kind, 0);
    for (size_t i = 0; i < o.page->count; i++) {
      CHECK(seen < nwant);
      CHECK_EQ_STR(o.page->data[i]->id, want[seen]);
      seen++;
    }
    free(cursor);
    cursor = o.page->last_id ? strdup(o.page->last_id) : NULL;
    int more = o.page->has_more;
    outcome_free(&o);
    if (!more || cursor == NULL)
      break;
  }
  free(cursor);
  CHECK_EQ_INT(seen, nwant);
  CHECK_EQ_INT(pages, (int)((nwant + 6) / 7));
  CHECK_EQ_INT(fake_request_count(&srv), pages);
  cJSON_Delete(cat);
  teardown(&f);
}

TEST(list_sends_limit_and_cursors_in_the_query) {
  fixture_t f;
  outcome_t a = {0}, b = {0};
  setup(&f);
  anthropic_models_list_params_t pa = {
      .size = sizeof(anthropic_models_list_params_t),
      .after_id = "claude-sonnet-4-20250514",
      .before_id = NULL,
      .limit = 3};
  anthropic_models_list_params_t pb = {
      .size = sizeof(anthropic_models_list_params_t),
      .after_id = NULL,
      .before_id = "claude-sonnet-4-20250514",
      .limit = 2};
  CHECK(anthropic_models_list(f.client, &pa, on_page, &a) != 0);
  uv_run(&f.loop, UV_RUN_DEFAULT);
  CHECK(anthropic_models_list(f.client, &pb, on_page, &b) != 0);
  teardown(&f);
  CHECK_EQ_INT(a.kind, 0);
  CHECK_EQ_INT(b.kind, 0);
  CHECK_EQ_INT(a.page->count, 3);
  CHECK_EQ_INT(b.page->count, 2);
  cJSON *reqs = requests();
  CHECK_EQ_INT(cJSON_GetArraySize(reqs), 2);
  const cJSON *q0 = cJSON_GetObjectItem(cJSON_GetArrayItem(reqs, 0), "query");
  CHECK_EQ_STR(
      cJSON_GetArrayItem(cJSON_GetObjectItem(q0, "after_id"), 0)->valuestring,
      "claude-sonnet-4-20250514");
  CHECK_EQ_STR(
      cJSON_GetArrayItem(cJSON_GetObjectItem(q0, "limit"), 0)->valuestring,
      "3");
  const cJSON *q1 = cJSON_GetObjectItem(cJSON_GetArrayItem(reqs, 1), "query");
  CHECK(cJSON_GetObjectItem(q1, "before_id") != NULL);
  cJSON_Delete(reqs);
  outcome_free(&a);
  outcome_free(&b);
}

TEST(every_request_carries_the_documented_headers) {
  fixture_t f;
  outcome_t o = {0};
  anthropic_client_options_t opts = ANTHROPIC_CLIENT_OPTIONS_INIT;
  const char *extra[] = {"X-Team: blue", "anthropic-version: 2026-10-21"};
  opts.headers = extra;
  opts.headers_count = 2;
  setup_with(&f, &opts);
  retrieve_to_the_end(&f, "claude-opus-4-1", &o);
  cJSON *reqs = requests();
  const cJSON *r = cJSON_GetArrayItem(reqs, 0);
  CHECK_EQ_STR(req_header(r, "x-api-key"), "fake-key");
  CHECK_EQ_STR(req_header(r, "anthropic-version"), "2026-10-21");
  CHECK_EQ_STR(req_header(r, "accept"), "application/json");
  CHECK_EQ_STR(req_header(r, "user-agent"),
               "anthropic-c/" ANTHROPIC_VERSION_STRING);
  CHECK_EQ_STR(req_header(r, "x-stainless-retry-count"), "0");
  CHECK_EQ_STR(req_header(r, "x-team"), "blue");
  cJSON_Delete(reqs);
  outcome_free(&o);
}

TEST(environment_supplies_key_base_url_and_custom_headers) {
  uv_loop_t loop;
  anthropic_client_t *c;
  outcome_t o = {0};
  char err[256];
  fake_reset(&srv);
  setenv("ANTHROPIC_API_KEY", "fake-key", 1);
  setenv("ANTHROPIC_BASE_URL", srv.url, 1);
  setenv("ANTHROPIC_CUSTOM_HEADERS", "X-One: 1\nX-Two: two words", 1);
  CHECK_EQ_INT(uv_loop_init(&loop), 0);
  int rc = anthropic_client_init(&loop, &c, NULL, err, sizeof err);
  unsetenv("ANTHROPIC_API_KEY");
  unsetenv("ANTHROPIC_BASE_URL");
  unsetenv("ANTHROPIC_CUSTOM_HEADERS");
  CHECK_EQ_INT(rc, 0);
  CHECK(anthropic_models_retrieve(c, "claude-opus-4-1", NULL, on_model, &o));
  uv_run(&loop, UV_RUN_DEFAULT);
  anthropic_client_close(c, NULL);
  test_loop_finish(&loop);
  CHECK_EQ_INT(o.kind, 0);
  cJSON *reqs = requests();
  const cJSON *r = cJSON_GetArrayItem(reqs, 0);
  CHECK_EQ_STR(req_header(r, "x-one"), "1");
  CHECK_EQ_STR(req_header(r, "x-two"), "two words");
  cJSON_Delete(reqs);
  outcome_free(&o);
}

TEST(bad_environment_fails_init_with_a_clear_message) {
  uv_loop_t loop;
  anthropic_client_t *c = (anthropic_client_t *)&loop;
  char err[256];
  CHECK_EQ_INT(uv_loop_init(&loop), 0);
  setenv("ANTHROPIC_BASE_URL", "ftp://example.com", 1);
  CHECK_EQ_INT(anthropic_client_init(&loop, &c, NULL, err, sizeof err),
               ANTHROPIC_EINVAL);
  CHECK(c == NULL);
  CHECK_CONTAINS(err, "ANTHROPIC_BASE_URL");
  unsetenv("ANTHROPIC_BASE_URL");
  setenv("ANTHROPIC_API_KEY", "key\r\nx-evil: 1", 1);
  CHECK_EQ_INT(anthropic_client_init(&loop, &c, NULL, err, sizeof err),
               ANTHROPIC_EINVAL);
  CHECK_CONTAINS(err, "x-api-key");
  unsetenv("ANTHROPIC_API_KEY");
  setenv("ANTHROPIC_CUSTOM_HEADERS", "Good: 1\nno colon here", 1);
  CHECK_EQ_INT(anthropic_client_init(&loop, &c, NULL, err, sizeof err),
               ANTHROPIC_EINVAL);
  CHECK_CONTAINS(err, "ANTHROPIC_CUSTOM_HEADERS line 2");
  unsetenv("ANTHROPIC_CUSTOM_HEADERS");
  anthropic_client_options_t o = ANTHROPIC_CLIENT_OPTIONS_INIT;
  o.flags = ANTHROPIC_CLIENT_NO_ENV;
  o.ca_bundle = "/nonexistent/ca.pem";
  CHECK_EQ_INT(anthropic_client_init(&loop, &c, &o, err, sizeof err),
               ANTHROPIC_EINVAL);
  CHECK_CONTAINS(err, "ca_bundle");
  test_loop_finish(&loop);
}

TEST(invalid_model_ids_are_refused_without_a_request) {
  fixture_t f;
  outcome_t o = {0};
  setup(&f);
  const char *bad[] = {"", ".", "..", "a\nb", "tab\there", "del\x7f"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    CHECK(anthropic_models_retrieve(f.client, bad[i], NULL, on_model, &o) == 0);
    const anthropic_error_t *e = anthropic_client_last_error(f.client);
    CHECK_EQ_INT(e->kind, ANTHROPIC_EINVAL);
    CHECK(e->message[0] != '\0');
  }
  CHECK(anthropic_models_retrieve(f.client, NULL, NULL, on_model, &o) == 0);
  CHECK(anthropic_models_retrieve(f.client, "x", NULL, NULL, &o) == 0);
  anthropic_models_list_params_t both = {
      .size = sizeof(anthropic_models_list_params_t),
      .after_id = "a",
      .before_id = "b",
      .limit = 0};
  anthropic_models_list_params_t big = {
      .size = sizeof(anthropic_models_list_params_t),
      .after_id = NULL,
      .before_id = NULL,
      .limit = 1001};
  CHECK(anthropic_models_list(f.client, &both, on_page, &o) == 0);
  CHECK(anthropic_models_list(f.client, &big, on_page, &o) == 0);
  CHECK_CONTAINS(anthropic_client_last_error(f.client)->message, "limit");
  teardown(&f);
  CHECK_EQ_INT(o.calls, 0);
  CHECK_EQ_INT(fake_request_count(&srv), 0);
}

TEST(ids_with_reserved_characters_travel_as_one_path_segment) {
  fixture_t f;
  outcome_t o = {0};
  setup(&f);
  retrieve_to_the_end(&f, "../v1/models?x=1#y", &o);
  CHECK_EQ_INT(o.status, 404);
  cJSON *reqs = requests();
  const cJSON *path = cJSON_GetObjectItem(cJSON_GetArrayItem(reqs, 0), "path");
  CHECK_EQ_STR(path->valuestring, "/v1/models/..%2Fv1%2Fmodels%3Fx%3D1%23y");
  cJSON_Delete(reqs);
}

typedef struct many {
  int done, ok;
  const char *want;
} many_t;

static void on_many(const anthropic_error_t *err,
                    const anthropic_model_info_t *m, void *data) {
  many_t *s = data;
  s->done++;
  if (err == NULL && strcmp(m->id, s->want) == 0)
    s->ok++;
}

TEST(a_thousand_retrieves_in_flight_through_one_client) {
  fixture_t f;
  many_t s = {0, 0, "claude-sonnet-4-20250514"};
  setup(&f);
  for (int i = 0; i < 1000; i++)
    CHECK(anthropic_models_retrieve(f.client, "claude-sonnet-4-0", NULL,
                                    on_many, &s) != 0);
  teardown(&f);
  CHECK_EQ_INT(s.done, 1000);
  CHECK_EQ_INT(s.ok, 1000);
  CHECK_EQ_INT(fake_request_count(&srv), 1000);
}

TEST(cancel_ends_one_request_and_leaves_the_others) {
  fixture_t f;
  outcome_t a = {0}, b = {0};
  setup(&f);
  anthropic_request_id_t ra = anthropic_models_retrieve(
      f.client, "claude-opus-4-1", NULL, on_model, &a);
  CHECK(anthropic_models_retrieve(f.client, "claude-opus-4-0", NULL, on_model,
                                  &b) != 0);
  CHECK_EQ_INT(anthropic_request_cancel(f.client, ra), 0);
  /* Twice: still one callback, and the second says it had nothing to do. */
  CHECK_EQ_INT(anthropic_request_cancel(f.client, ra), ANTHROPIC_EINVAL);
  CHECK_EQ_INT(a.calls, 0); /* never from inside cancel */
  teardown(&f);
  CHECK_EQ_INT(a.calls, 1);
  CHECK_EQ_INT(a.kind, ANTHROPIC_ECANCELLED);
  CHECK_EQ_INT(b.calls, 1);
  CHECK_EQ_INT(b.kind, 0);
  outcome_free(&b);
}

TEST(cancel_of_a_hanging_request_ends_it) {
  fixture_t f;
  outcome_t a = {0};
  setup(&f);
  add_faults("[{\"action\":\"hang\"}]");
  anthropic_request_id_t r = anthropic_models_retrieve(
      f.client, "claude-opus-4-1", NULL, on_model, &a);
  /* Let it reach the server, then cancel mid-request. */
  run_until_requests(&f, 1);
  CHECK_EQ_INT(anthropic_request_cancel(f.client, r), 0);
  teardown(&f);
  CHECK_EQ_INT(a.calls, 1);
  CHECK_EQ_INT(a.kind, ANTHROPIC_ECANCELLED);
}

/* Over cleartext HTTP/1.1 nothing says whether a connection could be
 * multiplexed until its first answer arrives, so a request that waits to
 * multiplex (CURLOPT_PIPEWAIT) waits for whatever the first request does.
 * One slow or hanging request must never hold back the others. */
TEST(a_hanging_request_does_not_hold_back_the_next_over_http1) {
  fixture_t f;
  outcome_t a = {0}, b = {0};
  setup(&f);
  add_faults("[{\"action\":\"hang\",\"match\":\"claude-opus-4-1\"}]");
  anthropic_request_id_t r = anthropic_models_retrieve(
      f.client, "claude-opus-4-1", NULL, on_model, &a);
  CHECK(r != 0);
  /* Bounded: if it is held back, it ends as a timeout, not a hung test. */
  anthropic_request_options_t ro = ANTHROPIC_REQUEST_OPTIONS_INIT;
  ro.timeout_ms = 3000;
  ro.max_retries = 0;
  anthropic_models_retrieve_params_t rp = {
      sizeof(anthropic_models_retrieve_params_t), &ro};
  CHECK(anthropic_models_retrieve(f.client, "claude-sonnet-4-0", &rp, on_model,
                                  &b) != 0);
  for (int i = 0; i < 100000 && b.calls == 0; i++)
    uv_run(&f.loop, UV_RUN_ONCE);
  CHECK_EQ_INT(anthropic_request_cancel(f.client, r), 0);
  teardown(&f);
  CHECK_EQ_INT(b.calls, 1);
  CHECK_EQ_INT(b.kind, 0);
  CHECK_EQ_INT(a.calls, 1);
  CHECK_EQ_INT(a.kind, ANTHROPIC_ECANCELLED);
  outcome_free(&b);
}

typedef struct closer {
  anthropic_client_t *client;
  int calls, cancelled, ok;
} closer_t;

static void on_close_from_cb(const anthropic_error_t *err,
                             const anthropic_model_info_t *m, void *data) {
  (void)m;
  closer_t *s = data;
  s->calls++;
  if (err == NULL)
    s->ok++;
  else if (err->kind == ANTHROPIC_ECANCELLED)
    s->cancelled++;
  anthropic_client_close(s->client, on_closed); /* only the first counts */
}

/* The poll handles on the loop that are not closing: how many, and the
 * last one seen. */
typedef struct polls {
  int count;
  const uv_handle_t *last;
} polls_t;

static void count_poll(uv_handle_t *h, void *arg) {
  polls_t *p = arg;
  if (h->type == UV_POLL && !uv_is_closing(h)) {
    p->count++;
    p->last = h;
  }
}

/* curl says CURL_POLL_REMOVE after every transfer on a kept-alive
 * connection; the socket's watcher stays (not watching, not keeping the
 * loop alive) and serves the next transfer on it, instead of a new poll
 * handle per request. The loop still ends by itself in between. */
TEST(a_kept_alive_connection_keeps_its_watcher_between_requests) {
  fixture_t f;
  anthropic_client_options_t o = ANTHROPIC_CLIENT_OPTIONS_INIT;
  polls_t first = {0, NULL}, again = {0, NULL};
  o.flags = ANTHROPIC_CLIENT_HTTP1;
  o.max_host_connections = 1;
  setup_with(&f, &o);
  for (int i = 0; i < 3; i++) {
    outcome_t out = {0};
    polls_t *p = i == 0 ? &first : &again;
    CHECK(anthropic_models_retrieve(f.client, "claude-sonnet-4-0", NULL,
                                    on_model, &out) != 0);
    uv_run(&f.loop, UV_RUN_DEFAULT); /* returns: nothing keeps it alive */
    CHECK_EQ_INT(out.calls, 1);
    CHECK_EQ_INT(out.kind, 0);
    outcome_free(&out);
    memset(p, 0, sizeof *p);
    uv_walk(&f.loop, count_poll, p);
    CHECK_EQ_INT(p->count, 1);
  }
  CHECK(again.last == first.last);
  CHECK_EQ_INT(fake_request_count(&srv), 3);
  teardown(&f);
}

TEST(close_from_inside_a_callback_cancels_the_rest) {
  fixture_t f;
  setup(&f);
  closer_t s = {f.client, 0, 0, 0};
  for (int i = 0; i < 50; i++)
    CHECK(anthropic_models_retrieve(f.client, "claude-opus-4-1", NULL,
                                    on_close_from_cb, &s) != 0);
  test_loop_finish(&f.loop);
  CHECK_EQ_INT(s.calls, 50);
  CHECK(s.ok >= 1);
  CHECK_EQ_INT(s.ok + s.cancelled, 50);
  CHECK_EQ_INT(f.closed, 1);
}

TEST(close_with_requests_in_flight_runs_each_callback_once) {
  fixture_t f;
  many_t s = {0, 0, "x"};
  outcome_t o = {0};
  setup(&f);
  /* The list gets no answer: it is in flight when the client closes. */
  add_faults("[{\"action\":\"hang\",\"match\":\"limit=7\"}]");
  for (int i = 0; i < 100; i++)
    CHECK(anthropic_models_retrieve(f.client, "claude-opus-4-1", NULL, on_many,
                                    &s) != 0);
  anthropic_models_list_params_t p = {
      .size = sizeof(anthropic_models_list_params_t), .limit = 7};
  CHECK(anthropic_models_list(f.client, &p, on_page, &o) != 0);
  uv_run(&f.loop, UV_RUN_NOWAIT); /* some may be on the wire, or done */
  int done_before = s.done;
  anthropic_client_close(f.client, on_closed);
  CHECK(anthropic_models_retrieve(f.client, "claude-opus-4-1", NULL, on_model,
                                  &o) == 0);
  CHECK_EQ_INT(anthropic_client_last_error(f.client)->kind, ANTHROPIC_EINVAL);
  CHECK_EQ_INT(s.done, done_before); /* no callback inside close */
  test_loop_finish(&f.loop);
  CHECK_EQ_INT(s.done, 100);
  CHECK_EQ_INT(o.calls, 1);
  CHECK_EQ_INT(o.kind, ANTHROPIC_ECANCELLED);
  CHECK_EQ_INT(f.closed, 1);
}

typedef struct pair {
  anthropic_client_t *client;
  anthropic_request_id_t other;
  int calls;
} pair_t;

static void on_cancel_other(const anthropic_error_t *err,
                            const anthropic_model_info_t *m, void *data) {
  (void)err;
  (void)m;
  pair_t *p = data;
  p->calls++;
  /* EINVAL, harmlessly, if it already finished */
  (void)anthropic_request_cancel(p->client, p->other);
}

typedef struct self_cancel {
  anthropic_client_t *client;
  anthropic_request_id_t self;
  int calls, ok, refused;
} self_cancel_t;

static void on_cancel_self(const anthropic_error_t *err,
                           const anthropic_model_info_t *m, void *data) {
  self_cancel_t *sc = data;
  sc->calls++;
  sc->ok += err == NULL && m != NULL;
  /* Completed: nothing to cancel. */
  sc->refused +=
      anthropic_request_cancel(sc->client, sc->self) == ANTHROPIC_EINVAL;
  sc->refused +=
      anthropic_request_cancel(sc->client, sc->self) == ANTHROPIC_EINVAL;
}

TEST(cancel_of_a_completed_request_inside_its_callback_is_a_no_op) {
  fixture_t f;
  self_cancel_t sc = {NULL, 0, 0, 0, 0};
  setup(&f);
  sc.client = f.client;
  sc.self = anthropic_models_retrieve(f.client, "claude-opus-4-1", NULL,
                                      on_cancel_self, &sc);
  CHECK(sc.self != 0);
  teardown(&f);
  CHECK_EQ_INT(sc.calls, 1);
  CHECK_EQ_INT(sc.ok, 1);
  CHECK_EQ_INT(sc.refused, 2);
}

TEST(cancel_from_inside_another_callback_is_safe) {
  fixture_t f;
  outcome_t b = {0};
  pair_t p = {NULL, 0, 0};
  setup(&f);
  p.client = f.client;
  CHECK(anthropic_models_retrieve(f.client, "claude-opus-4-1", NULL,
                                  on_cancel_other, &p) != 0);
  add_faults(
      "[{\"action\":\"delay\",\"delay_ms\":300,\"match\":\"opus-4-0\"}]");
  p.other = anthropic_models_retrieve(f.client, "claude-opus-4-0", NULL,
                                      on_model, &b);
  teardown(&f);
  CHECK_EQ_INT(p.calls, 1);
  CHECK_EQ_INT(b.calls, 1);
  CHECK_EQ_INT(b.kind, ANTHROPIC_ECANCELLED);
}

/* Without Content-Length libcurl 7.88 has nothing to check the cap
 * against up front: the library's own count of the body stops it. */
TEST(a_body_over_the_cap_without_content_length_is_too_large) {
  fixture_t f;
  outcome_t o = {0};
  anthropic_client_options_t opts = ANTHROPIC_CLIENT_OPTIONS_INIT;
  opts.max_response_bytes = 4096;
  opts.max_retries = 0;
  setup_with(&f, &opts);
  add_faults("[{\"action\":\"huge\",\"bytes\":1000000,"
             "\"content_length\":false}]");
  retrieve_to_the_end(&f, "claude-opus-4-1", &o);
  CHECK_EQ_INT(o.kind, ANTHROPIC_ETOOLARGE);
  CHECK_CONTAINS(o.message, "4096");
  cJSON *reqs = requests();
  CHECK(req_header(cJSON_GetArrayItem(reqs, 0), "x-api-key") != NULL);
  cJSON_Delete(reqs);
}

TEST(a_cap_larger_than_curl_takes_means_no_cap) {
  /* SIZE_MAX once made every request fail as out of memory: curl refused
   * it as a negative file size limit. */
  const size_t caps[] = {SIZE_MAX, SIZE_MAX - 1, (size_t)INT64_MAX + 1,
                         (size_t)INT64_MAX};
  for (size_t i = 0; i < sizeof caps / sizeof caps[0]; i++) {
    fixture_t f;
    outcome_t o = {0};
    anthropic_client_options_t opts = ANTHROPIC_CLIENT_OPTIONS_INIT;
    opts.max_response_bytes = caps[i];
    setup_with(&f, &opts);
    add_faults("[{\"action\":\"huge\",\"bytes\":1000000}]");
    CHECK(anthropic_models_retrieve(f.client, "claude-opus-4-1", NULL, on_model,
                                    &o) != 0);
    teardown(&f);
    if (o.kind != 0)
      FAILF("cap %zu: %s", caps[i], o.message);
    CHECK(o.model != NULL);
    outcome_free(&o);
  }
}

TEST(wrong_types_are_a_bad_response_naming_the_field) {
  fixture_t f;
  outcome_t o = {0}, p = {0};
  setup(&f);
  add_faults("[{\"action\":\"wrong_types\",\"times\":2}]");
  CHECK(anthropic_models_retrieve(f.client, "claude-opus-4-1", NULL, on_model,
                                  &o) != 0);
  CHECK(anthropic_models_list(f.client, NULL, on_page, &p) != 0);
  teardown(&f);
  CHECK_EQ_INT(o.kind, ANTHROPIC_EBADRESPONSE);
  CHECK_CONTAINS(o.message, "id");
  CHECK_EQ_INT(o.status, 200);
  CHECK_EQ_INT(p.kind, ANTHROPIC_EBADRESPONSE);
  CHECK_CONTAINS(p.message, "data[0].");
}

/* ---- one request that fails: the error it ends with ---- */

#define ANY_STATUS (-1)
#define OPUS "claude-opus-4-1"

/* One request on a client with these options (0 or NULL: the fixture's),
 * against the fake API with `faults` set, and the error it ends with: the
 * fields not left at "any" (ANY_STATUS, NULL, 0) are checked. A `message`
 * of "" checks only that there is one. */
typedef struct failure_case {
  const char *name;
  const char *api_key, *base_url;
  size_t max_response_bytes;
  bool no_retries;
  const char *faults;
  const char *retrieve; /* this id, or NULL: the first page of the list */
  int calls;
  int kind;
  long status;
  const char *type, *message;
  bool request_id; /* one of the fake API's */
  int attempts;
} failure_case_t;

static const failure_case_t failures[] = {
    {.name = "unknown_model_is_a_404_with_the_api_error_fields",
     .retrieve = "no-such-model",
     .calls = 1,
     .kind = ANTHROPIC_EHTTP,
     .status = 404,
     .type = "not_found_error",
     .message = "no-such-model",
     .request_id = true,
     .attempts = 1},
    {.name = "wrong_api_key_is_a_401_authentication_error",
     .api_key = "wrong-key",
     .retrieve = "claude-sonnet-4-0",
     .kind = ANTHROPIC_EHTTP,
     .status = 401,
     .type = "authentication_error"},
    {.name = "a_400_answer_is_an_invalid_request_error",
     .faults = "[{\"status\":400}]",
     .kind = ANTHROPIC_EHTTP,
     .status = 400,
     .type = "invalid_request_error"},
    {.name = "an_html_error_page_still_gives_the_status",
     .no_retries = true,
     .faults = "[{\"action\":\"html\",\"status\":502}]",
     .retrieve = OPUS,
     .kind = ANTHROPIC_EHTTP,
     .status = 502,
     .type = "",
     .message = "HTTP 502",
     .request_id = true},
    {.name = "an_empty_error_body_still_gives_the_status",
     .no_retries = true,
     .faults = "[{\"action\":\"empty\",\"status\":503}]",
     .retrieve = OPUS,
     .kind = ANTHROPIC_EHTTP,
     .status = 503,
     .message = "HTTP 503"},
    {.name = "connection_refused_is_a_connection_error",
     .base_url = "http://127.0.0.1:1",
     .no_retries = true,
     .retrieve = OPUS,
     .kind = ANTHROPIC_ECONNECTION,
     .status = 0,
     .message = ""},
    {.name = "a_body_over_the_cap_is_too_large",
     .max_response_bytes = 4096,
     .faults = "[{\"action\":\"huge\",\"bytes\":1000000}]",
     .retrieve = OPUS,
     .kind = ANTHROPIC_ETOOLARGE,
     .status = ANY_STATUS,
     .message = "4096"},
    {.name = "a_truncated_body_is_a_connection_error_not_a_result",
     .no_retries = true,
     .faults = "[{\"action\":\"truncate\"}]",
     .calls = 1,
     .kind = ANTHROPIC_ECONNECTION,
     .status = ANY_STATUS},
    {.name = "a_reset_before_the_answer_is_a_connection_error",
     .no_retries = true,
     .faults = "[{\"action\":\"reset_before\"}]",
     .retrieve = OPUS,
     .calls = 1,
     .kind = ANTHROPIC_ECONNECTION,
     .status = 0},
    {.name = "a_reset_during_the_body_is_a_connection_error",
     .no_retries = true,
     .faults = "[{\"action\":\"reset_during\"}]",
     .calls = 1,
     .kind = ANTHROPIC_ECONNECTION,
     .status = ANY_STATUS},
    {.name = "invalid_json_is_a_bad_response",
     .faults = "[{\"action\":\"invalid_json\"}]",
     .retrieve = OPUS,
     .kind = ANTHROPIC_EBADRESPONSE,
     .status = ANY_STATUS,
     .message = "JSON"},
};

static void check_failure(const failure_case_t *c) {
  fixture_t f;
  outcome_t o = {0};
  anthropic_client_options_t opts = ANTHROPIC_CLIENT_OPTIONS_INIT;
  opts.api_key = c->api_key;
  opts.base_url = c->base_url;
  opts.max_response_bytes = c->max_response_bytes;
  if (c->no_retries)
    opts.max_retries = 0;
  setup_with(&f, &opts);
  if (c->faults != NULL)
    add_faults(c->faults);
  if (c->retrieve != NULL)
    CHECK(anthropic_models_retrieve(f.client, c->retrieve, NULL, on_model,
                                    &o) != 0);
  else
    CHECK(anthropic_models_list(f.client, NULL, on_page, &o) != 0);
  teardown(&f);
  if (c->calls != 0)
    CHECK_EQ_INT(o.calls, c->calls);
  CHECK_EQ_INT(o.kind, c->kind);
  if (c->status != ANY_STATUS)
    CHECK_EQ_INT(o.status, c->status);
  if (c->type != NULL)
    CHECK_EQ_STR(o.type, c->type);
  if (c->message != NULL && c->message[0] != '\0')
    CHECK_CONTAINS(o.message, c->message);
  else if (c->message != NULL)
    CHECK(o.message[0] != '\0');
  if (c->request_id)
    CHECK_CONTAINS(o.request_id, "req_fake_");
  if (c->attempts != 0)
    CHECK_EQ_INT(o.attempts, c->attempts);
  CHECK(o.model == NULL && o.page == NULL);
  outcome_free(&o);
}
TABLE_TEST(failures, check_failure)

/* ---- retrieve_json: the body's bytes, no ModelInfo ---- */

typedef struct json_outcome {
  outcome_t o; /* calls, and the error's fields */
  char *json;  /* a copy of what the callback was handed */
  size_t len;
} json_outcome_t;

static void on_json(const anthropic_error_t *err,
                    const anthropic_response_t *response, const char *json,
                    size_t len, void *data) {
  json_outcome_t *j = data;
  outcome_t *o = &j->o;
  o->calls++;
  if (o->in_call && *o->in_call)
    o->ran_inside_call = 1;
  if ((err == NULL) == (json == NULL) || (err == NULL) == (response == NULL) ||
      (err != NULL && len != 0)) {
    o->kind = 1001; /* either the error, or the response and the text */
    return;
  }
  if (err != NULL) {
    o->kind = err->kind;
    o->status = err->response->status;
    o->attempts = err->attempts;
    snprintf(o->type, sizeof o->type, "%s", err->type ? err->type : "");
    snprintf(o->message, sizeof o->message, "%s", err->message);
    return;
  }
  o->kind = 0;
  o->status = response->status;
  snprintf(o->request_id, sizeof o->request_id, "%s",
           response->request_id ? response->request_id : "");
  j->json = malloc(len + 1);
  CHECK(j->json != NULL);
  memcpy(j->json, json, len);
  j->json[len] = '\0';
  j->len = len;
}

TEST(retrieve_json_hands_over_the_bytes_of_model_json_text) {
  fixture_t f;
  outcome_t o = {0};
  json_outcome_t j = {{0}, NULL, 0}, b = {{0}, NULL, 0};
  int in_call = 0;
  j.o.in_call = &in_call;
  setup(&f);
  CHECK(anthropic_models_retrieve(f.client, "claude-sonnet-4-0", NULL, on_model,
                                  &o) != 0);
  in_call = 1;
  CHECK(anthropic_models_retrieve_json(f.client, "claude-sonnet-4-0", NULL,
                                       on_json, &j) != 0);
  in_call = 0;
  CHECK(anthropic_beta_models_retrieve_json(f.client, "claude-sonnet-4-0", NULL,
                                            on_json, &b) != 0);
  CHECK_EQ_INT(j.o.calls, 0);
  teardown(&f);
  CHECK_EQ_INT(o.kind, 0);
  CHECK_EQ_INT(j.o.calls, 1);
  CHECK_EQ_INT(j.o.ran_inside_call, 0);
  CHECK_EQ_INT(j.o.kind, 0);
  CHECK_EQ_INT(j.o.status, 200);
  CHECK_CONTAINS(j.o.request_id, "req_fake_");
  CHECK_EQ_INT((int)j.len, (int)o.model->json_len);
  CHECK(memcmp(j.json, o.model->json_text, j.len) == 0);
  CHECK_EQ_INT(b.o.calls, 1);
  CHECK_EQ_INT(b.o.kind, 0);
  CHECK_EQ_INT((int)b.len, (int)o.model->json_len);
  cJSON *reqs = requests();
  int beta = 0;
  const cJSON *it;
  cJSON_ArrayForEach(it, reqs) {
    if (cJSON_GetObjectItem(cJSON_GetObjectItem(it, "query"), "beta") != NULL)
      beta++;
  }
  cJSON_Delete(reqs);
  CHECK_EQ_INT(beta, 1);
  free(j.json);
  free(b.json);
  outcome_free(&o);
}

TEST(retrieve_json_refuses_a_bad_body_as_retrieve_does) {
  fixture_t f;
  json_outcome_t nul = {{0}, NULL, 0}, notobj = {{0}, NULL, 0},
                 noid = {{0}, NULL, 0}, junk = {{0}, NULL, 0};
  setup(&f);
  add_faults("[{\"action\":\"respond\",\"status\":200,\"match\":\"m-nul\","
             "\"body\":\"{\\\"id\\\":\\\"a\\\\u0000b\\\"}\"},"
             "{\"action\":\"respond\",\"status\":200,\"match\":\"m-arr\","
             "\"body\":\"[{\\\"id\\\":\\\"a\\\"}]\"},"
             "{\"action\":\"respond\",\"status\":200,\"match\":\"m-noid\","
             "\"body\":\"{\\\"type\\\":\\\"model\\\"}\"},"
             "{\"action\":\"invalid_json\",\"match\":\"m-junk\"}]");
  CHECK(anthropic_models_retrieve_json(f.client, "m-nul", NULL, on_json,
                                       &nul) != 0);
  CHECK(anthropic_models_retrieve_json(f.client, "m-arr", NULL, on_json,
                                       &notobj) != 0);
  CHECK(anthropic_models_retrieve_json(f.client, "m-noid", NULL, on_json,
                                       &noid) != 0);
  CHECK(anthropic_models_retrieve_json(f.client, "m-junk", NULL, on_json,
                                       &junk) != 0);
  teardown(&f);
  CHECK_EQ_INT(nul.o.calls, 1);
  CHECK_EQ_INT(nul.o.kind, ANTHROPIC_EBADRESPONSE);
  CHECK_EQ_INT(nul.o.status, 200);
  CHECK_CONTAINS(nul.o.message, "\\u0000");
  CHECK_EQ_INT(notobj.o.kind, ANTHROPIC_EBADRESPONSE);
  CHECK_CONTAINS(notobj.o.message, "expected a ModelInfo object");
  CHECK_EQ_INT(noid.o.kind, ANTHROPIC_EBADRESPONSE);
  CHECK_CONTAINS(noid.o.message, "id: expected a string");
  CHECK_EQ_INT(junk.o.kind, ANTHROPIC_EBADRESPONSE);
  CHECK_CONTAINS(junk.o.message, "JSON");
  CHECK(nul.json == NULL && notobj.json == NULL && noid.json == NULL &&
        junk.json == NULL);
}

TEST(retrieve_json_of_a_truncated_body_is_a_connection_error) {
  fixture_t f;
  json_outcome_t j = {{0}, NULL, 0};
  setup_no_retries(&f);
  add_faults("[{\"action\":\"truncate\"}]");
  CHECK(anthropic_models_retrieve_json(f.client, "claude-opus-4-1", NULL,
                                       on_json, &j) != 0);
  teardown(&f);
  CHECK_EQ_INT(j.o.calls, 1);
  CHECK_EQ_INT(j.o.kind, ANTHROPIC_ECONNECTION);
  CHECK(j.json == NULL);
}

TEST(retrieve_json_of_an_unknown_model_is_a_404) {
  fixture_t f;
  json_outcome_t j = {{0}, NULL, 0};
  setup(&f);
  CHECK(anthropic_models_retrieve_json(f.client, "no-such-model", NULL, on_json,
                                       &j) != 0);
  teardown(&f);
  CHECK_EQ_INT(j.o.calls, 1);
  CHECK_EQ_INT(j.o.kind, ANTHROPIC_EHTTP);
  CHECK_EQ_INT(j.o.status, 404);
  CHECK_EQ_STR(j.o.type, "not_found_error");
}

TEST(retrieve_json_is_refused_without_a_callback_or_with_a_bad_id) {
  fixture_t f;
  json_outcome_t j = {{0}, NULL, 0};
  setup(&f);
  CHECK_EQ_INT(anthropic_models_retrieve_json(f.client, "claude-opus-4-1", NULL,
                                              NULL, &j),
               0);
  CHECK_EQ_INT(
      anthropic_models_retrieve_json(f.client, "..", NULL, on_json, &j), 0);
  CHECK_EQ_INT(anthropic_client_last_error(f.client)->kind, ANTHROPIC_EINVAL);
  teardown(&f);
  CHECK_EQ_INT(j.o.calls, 0);
  CHECK_EQ_INT(fake_request_count(&srv), 0);
}

TEST(retrieve_json_cancel_ends_it_once) {
  fixture_t f;
  json_outcome_t a = {{0}, NULL, 0}, b = {{0}, NULL, 0};
  setup(&f);
  add_faults("[{\"action\":\"hang\",\"match\":\"claude-opus-4-1\"}]");
  anthropic_request_id_t ra = anthropic_models_retrieve_json(
      f.client, "claude-opus-4-1", NULL, on_json, &a);
  CHECK(ra != 0);
  CHECK(anthropic_models_retrieve_json(f.client, "claude-opus-4-0", NULL,
                                       on_json, &b) != 0);
  for (int i = 0; i < 200 && fake_request_count(&srv) < 1; i++) {
    uv_run(&f.loop, UV_RUN_NOWAIT);
    struct timespec ts = {0, 5000000};
    nanosleep(&ts, NULL);
  }
  CHECK_EQ_INT(anthropic_request_cancel(f.client, ra), 0);
  CHECK_EQ_INT(anthropic_request_cancel(f.client, ra), ANTHROPIC_EINVAL);
  CHECK_EQ_INT(a.o.calls, 0); /* never from inside cancel */
  teardown(&f);
  CHECK_EQ_INT(a.o.calls, 1);
  CHECK_EQ_INT(a.o.kind, ANTHROPIC_ECANCELLED);
  CHECK(a.json == NULL);
  CHECK_EQ_INT(b.o.calls, 1);
  CHECK_EQ_INT(b.o.kind, 0);
  free(b.json);
}

static void on_log(void *data, anthropic_log_level_t level, const char *line) {
  int *n = data;
  if (strstr(line, "fake-key") != NULL)
    *n = -1000; /* no line ever carries the key */
  else if (level == ANTHROPIC_LOG_DEBUG && strstr(line, "GET ") == line)
    (*n)++;
  else if (level != ANTHROPIC_LOG_DEBUG || strstr(line, "client: ") != line)
    *n = -1000; /* neither an attempt nor the init's settings */
}

TEST(the_log_has_one_line_per_attempt_and_never_the_key) {
  fixture_t f;
  outcome_t o = {0};
  int lines = 0;
  anthropic_client_options_t opts = ANTHROPIC_CLIENT_OPTIONS_INIT;
  opts.log_cb = on_log;
  opts.log_data = &lines;
  setup_with(&f, &opts);
  retrieve_to_the_end(&f, "claude-opus-4-1", &o);
  CHECK_EQ_INT(lines, 1);
  outcome_free(&o);
}

/* What log lines a test saw: how many, and whether one had a byte a
 * terminal could take as a control (C0, DEL, C1 or anything non-ASCII). */
typedef struct log_seen {
  int lines;
  int raw_bytes;
  char last[512];
} log_seen_t;

static void on_log_bytes(void *data, anthropic_log_level_t level,
                         const char *line) {
  log_seen_t *s = data;
  for (const unsigned char *p = (const unsigned char *)line; *p; p++)
    if (*p < 0x20 || *p > 0x7e)
      s->raw_bytes++; /* in any line, the init's included */
  if (level != ANTHROPIC_LOG_DEBUG || strstr(line, " -> ") == NULL)
    return; /* count and keep the attempt lines */
  s->lines++;
  snprintf(s->last, sizeof s->last, "%s", line);
}

/* The request-id is the server's text, and log sinks are often terminals:
 * a CSI (U+009B, sent as UTF-8) must not reach them as it came. */
TEST(the_log_never_passes_control_bytes_from_the_server) {
  fixture_t f;
  outcome_t o = {0};
  log_seen_t seen = {0};
  anthropic_client_options_t opts = ANTHROPIC_CLIENT_OPTIONS_INIT;
  opts.log_cb = on_log_bytes;
  opts.log_data = &seen;
  opts.max_retries = 0;
  setup_with(&f, &opts);
  add_faults("[{\"status\":200,\"headers\":{\"request-id\":"
             "\"req_\\u00c2\\u009b2J\\u00c2\\u009d0;x\"}}]");
  retrieve_to_the_end(&f, "claude-opus-4-1", &o);
  CHECK_EQ_INT(o.kind, ANTHROPIC_OK);
  CHECK_EQ_INT(seen.lines, 1);
  CHECK_CONTAINS(seen.last, "request-id=req_");
  CHECK_EQ_INT(seen.raw_bytes, 0);
  outcome_free(&o);
}

/* ---- proxies ---- */

/* Environment variables a test sets, put back as they were after it. */
typedef struct saved_env {
  const char *name;
  char *value; /* NULL: was unset */
} saved_env_t;

static saved_env_t env_set(const char *name, const char *value) {
  const char *old = getenv(name);
  saved_env_t s = {name, old ? strdup(old) : NULL};
  CHECK(setenv(name, value, 1) == 0);
  return s;
}

static void env_restore(saved_env_t *s) {
  if (s->value != NULL)
    setenv(s->name, s->value, 1);
  else
    unsetenv(s->name);
  free(s->value);
  s->value = NULL;
}

static saved_env_t env_unset(const char *name) {
  const char *old = getenv(name);
  saved_env_t s = {name, old ? strdup(old) : NULL};
  CHECK(unsetenv(name) == 0);
  return s;
}

/* Called by retrieve_target() between the client's init and its request
 * (NULL: nothing). */
static void (*after_init)(void);

/* One retrieve with `o` (the fake server's key); on success, the
 * request-target the fake server saw into `target`: absolute-form
 * ("http://host/...") when it came through a proxy, "/v1/..." when not. */
static int retrieve_target(anthropic_client_options_t *o, char *target,
                           size_t len) {
  uv_loop_t loop;
  anthropic_client_t *c = NULL;
  outcome_t out = {0};
  char err[256];
  CHECK_EQ_INT(uv_loop_init(&loop), 0);
  o->api_key = "fake-key";
  fake_reset(&srv);
  if (anthropic_client_init(&loop, &c, o, err, sizeof err) != 0)
    FAILF("client init: %s", err);
  if (after_init != NULL)
    after_init();
  CHECK(anthropic_models_retrieve(c, "claude-opus-4-1", NULL, on_model, &out) !=
        0);
  uv_run(&loop, UV_RUN_DEFAULT);
  anthropic_client_close(c, NULL);
  test_loop_finish(&loop);
  outcome_free(&out);
  target[0] = '\0';
  cJSON *reqs = requests();
  const cJSON *t = cJSON_GetObjectItem(cJSON_GetArrayItem(reqs, 0), "target");
  if (cJSON_IsString(t))
    snprintf(target, len, "%s", t->valuestring);
  cJSON_Delete(reqs);
  return out.kind;
}

/* The fake server serves absolute-form targets too, as a proxy would: it
 * stands in for one, and its record says which way each request came. */
TEST(no_env_ignores_the_proxy_environment_variables) {
  char target[512];
  anthropic_client_options_t o = ANTHROPIC_CLIENT_OPTIONS_INIT;
  saved_env_t e1 = env_set("http_proxy", srv.url);
  saved_env_t e2 = env_set("ALL_PROXY", srv.url);
  o.base_url = srv.url;
  /* Without NO_ENV, libcurl takes the proxy from the environment. */
  int kind = retrieve_target(&o, target, sizeof target);
  if (kind == ANTHROPIC_OK && strncmp(target, "http://", 7) == 0) {
    o.flags = ANTHROPIC_CLIENT_NO_ENV;
    kind = retrieve_target(&o, target, sizeof target);
  } else {
    target[0] = '\0';
  }
  env_restore(&e1);
  env_restore(&e2);
  CHECK_EQ_INT(kind, ANTHROPIC_OK);
  CHECK_EQ_STR(target, "/v1/models/claude-opus-4-1");
}

TEST(the_proxy_option_sends_every_request_through_it) {
  char target[512];
  anthropic_client_options_t o = ANTHROPIC_CLIENT_OPTIONS_INIT;
  /* No such host: only a proxy can answer for it. NO_PROXY does not
   * apply to a proxy given as an option. */
  saved_env_t e1 = env_set("no_proxy", "*");
  o.flags = ANTHROPIC_CLIENT_NO_ENV;
  o.base_url = "http://proxied.invalid:9";
  o.proxy = srv.url;
  int kind = retrieve_target(&o, target, sizeof target);
  o.flags = 0;
  int kind2 =
      kind == ANTHROPIC_OK ? retrieve_target(&o, target, sizeof target) : kind;
  env_restore(&e1);
  CHECK_EQ_INT(kind, ANTHROPIC_OK);
  CHECK_EQ_INT(kind2, ANTHROPIC_OK);
  CHECK_EQ_STR(target, "http://proxied.invalid:9/v1/models/claude-opus-4-1");
}

TEST(an_empty_proxy_option_disables_the_environments) {
  char target[512];
  anthropic_client_options_t o = ANTHROPIC_CLIENT_OPTIONS_INIT;
  saved_env_t e1 = env_set("http_proxy", srv.url);
  o.base_url = srv.url;
  o.proxy = "";
  int kind = retrieve_target(&o, target, sizeof target);
  env_restore(&e1);
  CHECK_EQ_INT(kind, ANTHROPIC_OK);
  CHECK_EQ_STR(target, "/v1/models/claude-opus-4-1");
}

/* The proxy variables as the client was made are the ones its requests
 * use (libcurl would read them again for every transfer): changed after,
 * they change nothing. */
static saved_env_t later;
static void set_http_proxy_later(void) {
  later = env_set("http_proxy", srv.url);
}
static void unset_http_proxy_later(void) {
  later = env_unset("http_proxy");
}

TEST(the_proxy_environment_is_read_once_as_the_client_is_made) {
  char target[512], target2[512];
  anthropic_client_options_t o = ANTHROPIC_CLIENT_OPTIONS_INIT;
  saved_env_t e[] = {env_unset("http_proxy"), env_unset("all_proxy"),
                     env_unset("ALL_PROXY"), env_unset("no_proxy"),
                     env_unset("NO_PROXY")};
  o.base_url = srv.url;
  after_init = set_http_proxy_later; /* no proxy at init: none used */
  int kind = retrieve_target(&o, target, sizeof target);
  env_restore(&later);
  saved_env_t e2 = env_set("http_proxy", srv.url);
  after_init = unset_http_proxy_later; /* a proxy at init: still used */
  int kind2 = retrieve_target(&o, target2, sizeof target2);
  after_init = NULL;
  env_restore(&later);
  env_restore(&e2);
  for (size_t i = 0; i < sizeof e / sizeof e[0]; i++)
    env_restore(&e[i]);
  CHECK_EQ_INT(kind, ANTHROPIC_OK);
  CHECK_EQ_STR(target, "/v1/models/claude-opus-4-1");
  CHECK_EQ_INT(kind2, ANTHROPIC_OK);
  CHECK_EQ_INT(strncmp(target2, "http://", 7), 0);
}

/* no_proxy (or NO_PROXY) exempts a host from the environment's proxy, as
 * libcurl has it; ALL_PROXY is the proxy when http_proxy is unset. */
TEST(the_environment_no_proxy_and_all_proxy_work_as_in_libcurl) {
  char target[512], target2[512];
  anthropic_client_options_t o = ANTHROPIC_CLIENT_OPTIONS_INIT;
  saved_env_t e[] = {env_unset("http_proxy"), env_unset("all_proxy"),
                     env_set("ALL_PROXY", srv.url), env_unset("no_proxy"),
                     env_set("NO_PROXY", "127.0.0.1")};
  o.base_url = srv.url;
  int kind = retrieve_target(&o, target, sizeof target);
  unsetenv("NO_PROXY");
  int kind2 = retrieve_target(&o, target2, sizeof target2);
  for (size_t i = 0; i < sizeof e / sizeof e[0]; i++)
    env_restore(&e[i]);
  CHECK_EQ_INT(kind, ANTHROPIC_OK);
  CHECK_EQ_STR(target, "/v1/models/claude-opus-4-1");
  CHECK_EQ_INT(kind2, ANTHROPIC_OK);
  CHECK_EQ_INT(strncmp(target2, "http://", 7), 0);
}

TEST(a_bad_proxy_option_fails_init_without_echoing_a_password) {
  uv_loop_t loop;
  anthropic_client_t *c = NULL;
  char err[256];
  anthropic_client_options_t o = ANTHROPIC_CLIENT_OPTIONS_INIT;
  CHECK_EQ_INT(uv_loop_init(&loop), 0);
  o.flags = ANTHROPIC_CLIENT_NO_ENV;
  o.base_url = srv.url;
  o.proxy = "http://user:hunter2@127.0.0.1:1";
  CHECK_EQ_INT(anthropic_client_init(&loop, &c, &o, err, sizeof err),
               ANTHROPIC_EINVAL);
  CHECK(c == NULL);
  CHECK_CONTAINS(err, "proxy");
  CHECK(strstr(err, "hunter2") == NULL);
  o.proxy = "ftp://127.0.0.1:1";
  CHECK_EQ_INT(anthropic_client_init(&loop, &c, &o, err, sizeof err),
               ANTHROPIC_EINVAL);
  CHECK_CONTAINS(err, "proxy");
  test_loop_finish(&loop);
}

/* ---- a key over plain http ---- */

static void on_log_keep(void *data, anthropic_log_level_t level,
                        const char *line) {
  log_seen_t *s = data;
  if (level != ANTHROPIC_LOG_WARN)
    return; /* the init's warnings only */
  s->lines++;
  snprintf(s->last, sizeof s->last, "%s", line);
}

/* Init with `base` (and `key`) and a log sink; no request is made. */
static log_seen_t init_log(const char *base, const char *key) {
  uv_loop_t loop;
  anthropic_client_t *c = NULL;
  char err[256];
  log_seen_t seen = {0};
  anthropic_client_options_t o = ANTHROPIC_CLIENT_OPTIONS_INIT;
  CHECK_EQ_INT(uv_loop_init(&loop), 0);
  o.flags = ANTHROPIC_CLIENT_NO_ENV;
  o.base_url = base;
  o.api_key = key;
  o.log_cb = on_log_keep;
  o.log_data = &seen;
  if (anthropic_client_init(&loop, &c, &o, err, sizeof err) != 0)
    FAILF("client init: %s", err);
  anthropic_client_close(c, NULL);
  test_loop_finish(&loop);
  return seen;
}

TEST(init_warns_once_when_a_key_would_cross_plain_http) {
  log_seen_t seen = init_log("http://example.invalid", "sk-secret-1");
  CHECK_EQ_INT(seen.lines, 1);
  CHECK_CONTAINS(seen.last, "plain http://");
  CHECK_CONTAINS(seen.last, "example.invalid");
  CHECK(strstr(seen.last, "sk-secret-1") == NULL);
  seen = init_log("HTTP://10.0.0.1:8080/v", "sk-secret-1");
  CHECK_EQ_INT(seen.lines, 1);
}

TEST(init_does_not_warn_for_loopback_or_https) {
  const char *quiet[] = {"http://127.0.0.1:1",      "http://127.9.8.7",
                         "http://localhost:8080/x", "http://LOCALHOST",
                         "http://[::1]:8080",       "https://example.invalid"};
  for (size_t i = 0; i < ANTH_ARRAY_SIZE(quiet); i++) {
    log_seen_t seen = init_log(quiet[i], "sk-secret-1");
    if (seen.lines != 0)
      FAILF("%s: %s", quiet[i], seen.last);
  }
  /* (No key at all fails init now: no_credential_at_all_fails_at_init.) */
}

int main(void) {
  if (fixture_main_start() != 0)
    return 1;
  int rc = RUN(T(retrieve_by_id_returns_the_model_with_every_field),
               T(retrieve_by_alias_resolves_to_the_canonical_id),
               T(callback_never_runs_inside_the_call_that_started_it),
               TABLE(failures), TABLE(credentials),
               T(no_credential_at_all_fails_at_init),
               T(list_returns_the_first_page_with_cursors),
               T(list_pages_forward_visit_each_model_once_in_order),
               T(list_sends_limit_and_cursors_in_the_query),
               T(every_request_carries_the_documented_headers),
               T(environment_supplies_key_base_url_and_custom_headers),
               T(bad_environment_fails_init_with_a_clear_message),
               T(invalid_model_ids_are_refused_without_a_request),
               T(ids_with_reserved_characters_travel_as_one_path_segment),
               T(a_thousand_retrieves_in_flight_through_one_client),
               T(cancel_ends_one_request_and_leaves_the_others),
               T(cancel_of_a_hanging_request_ends_it),
               T(a_hanging_request_does_not_hold_back_the_next_over_http1),
               T(a_kept_alive_connection_keeps_its_watcher_between_requests),
               T(close_from_inside_a_callback_cancels_the_rest),
               T(close_with_requests_in_flight_runs_each_callback_once),
               T(cancel_from_inside_another_callback_is_safe),
               T(cancel_of_a_completed_request_inside_its_callback_is_a_no_op),
               T(a_body_over_the_cap_without_content_length_is_too_large),
               T(a_cap_larger_than_curl_takes_means_no_cap),
               T(wrong_types_are_a_bad_response_naming_the_field),
               T(retrieve_json_hands_over_the_bytes_of_model_json_text),
               T(retrieve_json_refuses_a_bad_body_as_retrieve_does),
               T(retrieve_json_of_a_truncated_body_is_a_connection_error),
               T(retrieve_json_of_an_unknown_model_is_a_404),
               T(retrieve_json_is_refused_without_a_callback_or_with_a_bad_id),
               T(retrieve_json_cancel_ends_it_once),
               T(the_log_has_one_line_per_attempt_and_never_the_key),
               T(the_log_never_passes_control_bytes_from_the_server),
               T(no_env_ignores_the_proxy_environment_variables),
               T(the_proxy_option_sends_every_request_through_it),
               T(an_empty_proxy_option_disables_the_environments),
               T(a_bad_proxy_option_fails_init_without_echoing_a_password),
               T(the_proxy_environment_is_read_once_as_the_client_is_made),
               T(the_environment_no_proxy_and_all_proxy_work_as_in_libcurl),
               T(init_warns_once_when_a_key_would_cross_plain_http),
               T(init_does_not_warn_for_loopback_or_https));
  fake_server_stop(&srv);
  return rc;
}
