/* fixture.c - a client on a fresh loop against the fake Models API, and
 * what its callbacks saw, for the integration tests. */
#include "fixture.h"

#include <cjson/cJSON.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>

fake_server_t srv;

void on_closed(anthropic_client_t *c) {
  fixture_t *f = anthropic_client_get_data(c);
  f->closed++;
}

void setup_with(fixture_t *f, anthropic_client_options_t *o) {
  char err[256];
  memset(f, 0, sizeof *f);
  CHECK_EQ_INT(uv_loop_init(&f->loop), 0);
  test__loop = &f->loop;
  o->flags |= ANTHROPIC_CLIENT_NO_ENV;
  if (o->base_url == NULL)
    o->base_url = srv.url;
  if (o->api_key == NULL)
    o->api_key = "fake-key";
  int rc = anthropic_client_init(&f->loop, &f->client, o, err, sizeof err);
  if (rc != 0)
    FAILF("client init: %s", err);
  anthropic_client_set_data(f->client, f);
  fake_reset(&srv);
}

void setup(fixture_t *f) {
  anthropic_client_options_t o = ANTHROPIC_CLIENT_OPTIONS_INIT;
  setup_with(f, &o);
}

void setup_no_retries(fixture_t *f) {
  anthropic_client_options_t o = ANTHROPIC_CLIENT_OPTIONS_INIT;
  o.max_retries = 0;
  setup_with(f, &o);
}

void teardown(fixture_t *f) {
  uv_run(&f->loop, UV_RUN_DEFAULT);
  anthropic_client_close(f->client, on_closed);
  test_loop_finish(&f->loop);
  CHECK_EQ_INT(f->closed, 1);
}

void add_faults(const char *json) {
  char *b = fake_post(&srv, "/_fake/faults", json);
  CHECK(b != NULL);
  CHECK_CONTAINS(b, "\"ok\":true");
  free(b);
}

void set_settings_delay(unsigned ms) {
  char json[48];
  snprintf(json, sizeof json, "{\"ms\":%u}", ms);
  char *b = fake_post(&srv, "/_fake/settings_delay", json);
  CHECK(b != NULL);
  CHECK_CONTAINS(b, "\"ok\":true");
  free(b);
}

static void keep_error(outcome_t *o, const anthropic_error_t *err) {
  o->kind = err->kind;
  o->status = err->response->status;
  o->attempts = err->attempts;
  snprintf(o->type, sizeof o->type, "%s", err->type ? err->type : "");
  snprintf(o->message, sizeof o->message, "%s", err->message);
  snprintf(o->request_id, sizeof o->request_id, "%s",
           err->response->request_id ? err->response->request_id : "");
  if (err->response == NULL)
    o->kind = 1000; /* fails the test's kind check */
}

void on_model(const anthropic_error_t *err, const anthropic_model_info_t *model,
              void *data) {
  outcome_t *o = data;
  o->calls++;
  if (o->in_call && *o->in_call)
    o->ran_inside_call = 1;
  if ((err == NULL) == (model == NULL)) {
    o->kind = 1001; /* exactly one of them must be set */
    return;
  }
  if (err != NULL) {
    keep_error(o, err);
    return;
  }
  o->kind = 0;
  o->status = model->response ? model->response->status : -1;
  snprintf(o->request_id, sizeof o->request_id, "%s",
           model->response && model->response->request_id
               ? model->response->request_id
               : "");
  o->model = anthropic_model_info_copy(model);
}

void on_page(const anthropic_error_t *err, const anthropic_models_page_t *page,
             void *data) {
  outcome_t *o = data;
  o->calls++;
  if ((err == NULL) == (page == NULL)) {
    o->kind = 1001;
    return;
  }
  if (err != NULL) {
    keep_error(o, err);
    return;
  }
  o->kind = 0;
  o->status = page->response->status;
  o->page = anthropic_models_page_copy(page);
}

void outcome_free(outcome_t *o) {
  anthropic_model_info_free(o->model);
  anthropic_models_page_free(o->page);
  o->model = NULL;
  o->page = NULL;
}

/* The catalogue as the fake server holds it, for comparisons. */
void retrieve_to_the_end(fixture_t *f, const char *id, outcome_t *o) {
  CHECK(anthropic_models_retrieve(f->client, id, NULL, on_model, o) != 0);
  teardown(f);
}

void run_until_requests(fixture_t *f, int n) {
  for (int i = 0; i < 400 && fake_request_count(&srv) < n; i++) {
    uv_run(&f->loop, UV_RUN_NOWAIT);
    struct timespec ts = {0, 5000000};
    nanosleep(&ts, NULL);
  }
  CHECK_EQ_INT(fake_request_count(&srv), n);
}

cJSON *catalogue(void) {
  char *b = fake_get(&srv, "/_fake/catalogue");
  cJSON *j = b ? cJSON_Parse(b) : NULL;
  free(b);
  CHECK(j != NULL);
  return j;
}

cJSON *requests(void) {
  char *b = fake_get(&srv, "/_fake/requests");
  cJSON *j = b ? cJSON_Parse(b) : NULL;
  free(b);
  CHECK(cJSON_IsArray(j));
  return j;
}

const char *req_header(const cJSON *req, const char *name) {
  const cJSON *h =
      cJSON_GetObjectItem(cJSON_GetObjectItem(req, "headers"), name);
  return cJSON_IsString(h) ? h->valuestring : NULL;
}

int fixture_main_start(void) {
  return fixture_main_start_args(NULL);
}

int fixture_main_start_args(const char *const *args) {
  /* Never pick up a developer's real credentials or endpoint. */
  unsetenv("ANTHROPIC_API_KEY");
  unsetenv("ANTHROPIC_AUTH_TOKEN");
  unsetenv("ANTHROPIC_BASE_URL");
  unsetenv("ANTHROPIC_CUSTOM_HEADERS");
  return fake_server_start_args(&srv, args);
}
