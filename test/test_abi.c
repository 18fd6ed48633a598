/* test_abi.c - the option structs' `size` rules and what 0 means: a struct
 * zeroed instead of started from its _INIT macro is refused, one from an
 * older header (shorter) takes the defaults of what it lacks, one from a
 * newer header (longer) is taken when what this library does not know is
 * left at 0, and max_retries = 0 means no retries, as in the SDKs. */
#include "fixture.h"

#include <string.h>

/* A 529 then the answer: retried unless retries are off. */
#define ONE_529 "[{\"status\":529,\"headers\":{\"retry-after-ms\":\"1\"}}]"

TEST(a_zeroed_client_options_struct_is_refused_naming_the_macro) {
  uv_loop_t loop;
  anthropic_client_t *client = (anthropic_client_t *)1;
  anthropic_client_options_t o;
  char err[256];
  memset(&o, 0, sizeof o);
  o.api_key = "k";
  CHECK_EQ_INT(uv_loop_init(&loop), 0);
  CHECK_EQ_INT(anthropic_client_init(&loop, &client, &o, err, sizeof err),
               ANTHROPIC_EINVAL);
  CHECK(client == NULL);
  CHECK_CONTAINS(err, "_INIT");
  test_loop_finish(&loop);
}

TEST(client_max_retries_zero_means_no_retries) {
  fixture_t f;
  outcome_t o = {0};
  anthropic_client_options_t co = ANTHROPIC_CLIENT_OPTIONS_INIT;
  co.max_retries = 0;
  setup_with(&f, &co);
  add_faults(ONE_529);
  CHECK(anthropic_models_retrieve(f.client, "claude-opus-4-1", NULL, on_model,
                                  &o) != 0);
  teardown(&f);
  CHECK_EQ_INT(o.kind, ANTHROPIC_EHTTP);
  CHECK_EQ_INT(o.status, 529);
  CHECK_EQ_INT(o.attempts, 1);
  outcome_free(&o);
}

TEST(the_init_macro_gives_the_sdks_two_retries) {
  fixture_t f;
  outcome_t o = {0};
  anthropic_client_options_t co = ANTHROPIC_CLIENT_OPTIONS_INIT;
  CHECK_EQ_INT(co.max_retries, ANTHROPIC_RETRIES_DEFAULT);
  setup_with(&f, &co);
  add_faults("[{\"status\":529,\"headers\":{\"retry-after-ms\":\"1\"},"
             "\"times\":5}]");
  CHECK(anthropic_models_retrieve(f.client, "claude-opus-4-1", NULL, on_model,
                                  &o) != 0);
  teardown(&f);
  CHECK_EQ_INT(o.kind, ANTHROPIC_EHTTP);
  CHECK_EQ_INT(o.attempts, 3);
  outcome_free(&o);
}

TEST(request_max_retries_zero_overrides_the_clients_retries) {
  fixture_t f;
  outcome_t o = {0}, d = {0};
  anthropic_request_options_t ro = ANTHROPIC_REQUEST_OPTIONS_INIT;
  anthropic_models_retrieve_params_t p = ANTHROPIC_MODELS_RETRIEVE_PARAMS_INIT;
  p.options = &ro;
  setup(&f);
  /* The macro's value keeps the client's: retried. */
  add_faults(ONE_529);
  CHECK(anthropic_models_retrieve(f.client, "claude-opus-4-1", &p, on_model,
                                  &d) != 0);
  teardown(&f);
  CHECK_EQ_INT(d.kind, 0);
  CHECK_EQ_INT(fake_request_count(&srv), 2);
  ro.max_retries = 0;
  setup(&f);
  add_faults(ONE_529);
  CHECK(anthropic_models_retrieve(f.client, "claude-opus-4-1", &p, on_model,
                                  &o) != 0);
  teardown(&f);
  CHECK_EQ_INT(o.kind, ANTHROPIC_EHTTP);
  CHECK_EQ_INT(o.attempts, 1);
  outcome_free(&o);
  outcome_free(&d);
}

TEST(zeroed_params_and_options_are_refused_with_no_callback) {
  fixture_t f;
  outcome_t o = {0};
  anthropic_models_retrieve_params_t p;
  anthropic_models_list_params_t lp;
  anthropic_request_options_t ro;
  memset(&p, 0, sizeof p);
  memset(&lp, 0, sizeof lp);
  memset(&ro, 0, sizeof ro);
  setup(&f);
  CHECK(anthropic_models_retrieve(f.client, "m", &p, on_model, &o) == 0);
  CHECK_CONTAINS(anthropic_client_last_error(f.client)->message, "params");
  CHECK(anthropic_models_list(f.client, &lp, on_page, &o) == 0);
  p.size = sizeof p;
  p.options = &ro;
  CHECK(anthropic_models_retrieve(f.client, "m", &p, on_model, &o) == 0);
  CHECK_CONTAINS(anthropic_client_last_error(f.client)->message, "options");
  anthropic_resolve_options_t rs;
  memset(&rs, 0, sizeof rs);
  CHECK(anthropic_resolve_start(f.client, &rs, NULL, NULL, NULL) == 0);
  teardown(&f);
  CHECK_EQ_INT(o.calls, 0);
}

/* What a program built against an older header passes: the struct as it
 * was, shorter. Here: list params that end before `options`. */
TEST(an_older_shorter_struct_takes_the_defaults_of_what_it_lacks) {
  fixture_t f;
  outcome_t o = {0};
  anthropic_models_list_params_t lp = ANTHROPIC_MODELS_LIST_PARAMS_INIT;
  anthropic_request_options_t ro = ANTHROPIC_REQUEST_OPTIONS_INIT;
  const char *hdr[] = {"x-from-options: yes"};
  ro.headers = hdr;
  ro.headers_count = 1;
  lp.limit = 3;
  lp.options = &ro; /* past the older size: must not be read */
  lp.size = offsetof(anthropic_models_list_params_t, options);
  setup(&f);
  CHECK(anthropic_models_list(f.client, &lp, on_page, &o) != 0);
  teardown(&f);
  CHECK_EQ_INT(o.kind, 0);
  CHECK_EQ_INT(o.page->count, 3);
  cJSON *reqs = requests();
  CHECK(req_header(cJSON_GetArrayItem(reqs, 0), "x-from-options") == NULL);
  cJSON_Delete(reqs);
  outcome_free(&o);
}

/* What a program built against a newer header passes: longer. Taken when
 * the fields this library does not know are 0; refused when they are set
 * (the caller asked for what this library cannot do). */
TEST(a_newer_longer_struct_is_taken_only_when_its_new_fields_are_zero) {
  struct newer {
    anthropic_client_options_t known;
    uint64_t added_later;
  } n;
  uv_loop_t loop;
  anthropic_client_t *client = NULL;
  char err[256];
  memset(&n, 0, sizeof n);
  n.known.size = sizeof n;
  n.known.max_retries = ANTHROPIC_RETRIES_DEFAULT;
  n.known.api_key = "k";
  n.known.flags = ANTHROPIC_CLIENT_NO_ENV;
  n.known.base_url = srv.url;
  CHECK_EQ_INT(uv_loop_init(&loop), 0);
  CHECK_EQ_INT(anthropic_client_init(&loop, &client, &n.known, err, sizeof err),
               0);
  anthropic_client_close(client, NULL);
  n.added_later = 1;
  CHECK_EQ_INT(anthropic_client_init(&loop, &client, &n.known, err, sizeof err),
               ANTHROPIC_EINVAL);
  CHECK_CONTAINS(err, "does not know");
  test_loop_finish(&loop);
}

/* page_next writes only what the caller's `next` holds. */
TEST(page_next_writes_no_more_than_next_size) {
  anthropic_model_info_t one;
  memset(&one, 0, sizeof one);
  one.id = "x";
  const anthropic_model_info_t *items[1] = {&one};
  anthropic_models_page_t page = {0};
  page.data = items;
  page.count = 1;
  page.has_more = true;
  page.first_id = page.last_id = "x";
  struct {
    anthropic_models_list_params_t p;
    unsigned char guard[16];
  } next;
  memset(&next, 0xA5, sizeof next);
  next.p.size = offsetof(anthropic_models_list_params_t, limit);
  CHECK(anthropic_models_page_next(&page, NULL, &next.p));
  CHECK_EQ_STR(next.p.after_id, "x");
  CHECK(next.p.before_id == NULL);
  const unsigned char *past = (const unsigned char *)&next.p.limit;
  CHECK_EQ_INT(past[0], 0xA5); /* untouched */
  CHECK_EQ_INT(next.guard[0], 0xA5);
  memset(&next, 0, sizeof next);
  CHECK(!anthropic_models_page_next(&page, NULL, &next.p)); /* size 0 */
}

int main(void) {
  if (fixture_main_start() != 0)
    return 1;
  int rc =
      RUN(T(a_zeroed_client_options_struct_is_refused_naming_the_macro),
          T(client_max_retries_zero_means_no_retries),
          T(the_init_macro_gives_the_sdks_two_retries),
          T(request_max_retries_zero_overrides_the_clients_retries),
          T(zeroed_params_and_options_are_refused_with_no_callback),
          T(an_older_shorter_struct_takes_the_defaults_of_what_it_lacks),
          T(a_newer_longer_struct_is_taken_only_when_its_new_fields_are_zero),
          T(page_next_writes_no_more_than_next_size));
  fake_server_stop(&srv);
  return rc;
}
