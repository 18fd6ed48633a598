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
  setup_no_retries(&f);
  add_faults(ONE_529);
  retrieve_to_the_end(&f, "claude-opus-4-1", &o);
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
  retrieve_to_the_end(&f, "claude-opus-4-1", &o);
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

/* The resolve cache's options follow the same rules as the others. */
TEST(resolve_cache_options_zeroed_or_from_a_newer_header_are_refused) {
  fixture_t f;
  setup(&f);
  anthropic_resolve_cache_options_t co;
  memset(&co, 0, sizeof co);
  co.max_entries = 4;
  CHECK_EQ_INT(anthropic_resolve_cache_set(f.client, &co), ANTHROPIC_EINVAL);
  CHECK_CONTAINS(anthropic_client_last_error(f.client)->message, "_INIT");
  struct newer {
    anthropic_resolve_cache_options_t known;
    uint64_t added_later;
  } n;
  memset(&n, 0, sizeof n);
  n.known.size = sizeof n;
  n.known.max_entries = 4;
  CHECK_EQ_INT(anthropic_resolve_cache_set(f.client, &n.known), 0);
  n.added_later = 1;
  CHECK_EQ_INT(anthropic_resolve_cache_set(f.client, &n.known),
               ANTHROPIC_EINVAL);
  CHECK_CONTAINS(anthropic_client_last_error(f.client)->message,
                 "does not know");
  CHECK_EQ_INT(anthropic_resolve_cache_set(f.client, NULL), 0); /* off */
  teardown(&f);
}

static void on_watch_event(const anthropic_watch_event_t *ev, void *data) {
  (void)ev;
  (void)data;
}

TEST(watch_options_zeroed_or_from_a_newer_header_are_refused) {
  fixture_t f;
  setup(&f);
  anthropic_watch_options_t wo;
  memset(&wo, 0, sizeof wo);
  CHECK(anthropic_models_watch(f.client, &wo, on_watch_event, NULL, NULL) == 0);
  CHECK_CONTAINS(anthropic_client_last_error(f.client)->message, "_INIT");
  struct newer {
    anthropic_watch_options_t known;
    uint64_t added_later;
  } n;
  memset(&n, 0, sizeof n);
  n.known.size = sizeof n;
  n.added_later = 1;
  CHECK(anthropic_models_watch(f.client, &n.known, on_watch_event, NULL,
                               NULL) == 0);
  CHECK_CONTAINS(anthropic_client_last_error(f.client)->message,
                 "does not know");
  n.added_later = 0; /* a newer header's field left at 0: taken */
  anthropic_request_id_t id =
      anthropic_models_watch(f.client, &n.known, on_watch_event, NULL, NULL);
  CHECK(id != 0);
  CHECK_EQ_INT(anthropic_request_cancel(f.client, id), 0);
  teardown(&f);
}

typedef struct stale_seen {
  anthropic_client_t *client;
  int calls;
  long status;
  int info_rc, zero_rc;
  struct {
    anthropic_resolve_info_t info;
    unsigned char guard[16];
  } older;
} stale_seen_t;

static void on_stale_alias(const anthropic_error_t *err,
                           const anthropic_model_info_t *m, const char *alias,
                           size_t index, void *data) {
  stale_seen_t *s = data;
  (void)m;
  (void)alias;
  (void)index;
  s->calls++;
  s->status = err ? err->response->status : 0;
  /* An older header's info: up to `stale`, not age_ms and after. */
  memset(&s->older, 0xA5, sizeof s->older);
  s->older.info.size = offsetof(anthropic_resolve_info_t, age_ms);
  s->info_rc = anthropic_resolve_get_info(s->client, &s->older.info);
  anthropic_resolve_info_t zero;
  memset(&zero, 0, sizeof zero);
  s->zero_rc = anthropic_resolve_get_info(s->client, &zero);
}

static void on_stale_done(anthropic_resolve_id_t id, void *data) {
  (void)id;
  (void)data;
}

static void wait_ms_cb(uv_timer_t *t) {
  (void)t;
}

/* An older header's cache options end before stale_if_error_ms: what
 * lies past them is not read, and the window is off. */
TEST(an_older_resolve_cache_options_struct_has_no_stale_window) {
  for (int older = 1; older >= 0; older--) {
    fixture_t f;
    stale_seen_t s;
    memset(&s, 0, sizeof s);
    setup_no_retries(&f);
    s.client = f.client;
    anthropic_resolve_cache_options_t co = ANTHROPIC_RESOLVE_CACHE_OPTIONS_INIT;
    co.max_entries = 4;
    co.ttl_ms = 10;
    co.stale_if_error_ms = 3600000;
    if (older)
      co.size = offsetof(anthropic_resolve_cache_options_t, stale_if_error_ms);
    CHECK_EQ_INT(anthropic_resolve_cache_set(f.client, &co), 0);
    const char *one[] = {"claude-opus-4-1"};
    CHECK(anthropic_resolve(f.client, one, 1, NULL, on_stale_alias,
                            on_stale_done, &s) != 0);
    uv_run(&f.loop, UV_RUN_DEFAULT);
    uv_timer_t t;
    uv_timer_init(&f.loop, &t);
    uv_timer_start(&t, wait_ms_cb, 30, 0);
    uv_run(&f.loop, UV_RUN_DEFAULT);
    uv_close((uv_handle_t *)&t, NULL);
    add_faults("[{\"status\":503}]");
    CHECK(anthropic_resolve(f.client, one, 1, NULL, on_stale_alias,
                            on_stale_done, &s) != 0);
    teardown(&f);
    CHECK_EQ_INT(s.calls, 2);
    CHECK_EQ_INT((int)s.status, older ? 503 : 0);
    CHECK_EQ_INT(s.info_rc, 0);
    CHECK_EQ_INT(s.zero_rc, ANTHROPIC_EINVAL);
    CHECK(s.older.info.stale == !older);
    const unsigned char *past = (const unsigned char *)&s.older.info.age_ms;
    CHECK_EQ_INT(past[0], 0xA5); /* untouched */
    CHECK_EQ_INT(s.older.guard[0], 0xA5);
  }
}

/* Stats written into an older (shorter) struct stop at its size; a newer
 * (longer) one has what this library does not know zeroed. A row: a stats
 * struct of `size` bytes, its counters (uint64_t) from `first` (the one
 * after `size`) to `size`, and its getter. */
typedef struct stats_case {
  const char *name;
  size_t size, second;
  int (*get)(const anthropic_client_t *client, void *stats);
} stats_case_t;

static int get_resolve_stats(const anthropic_client_t *client, void *stats) {
  return anthropic_resolve_get_stats(client, stats);
}

static int get_client_stats(const anthropic_client_t *client, void *stats) {
  return anthropic_client_get_stats(client, stats);
}

static const stats_case_t stats_structs[] = {
    {"resolve_stats_write_only_what_the_callers_struct_holds",
     sizeof(anthropic_resolve_stats_t),
     offsetof(anthropic_resolve_stats_t, hits), get_resolve_stats},
    {"client_stats_write_only_what_the_callers_struct_holds",
     sizeof(anthropic_client_stats_t),
     offsetof(anthropic_client_stats_t, requests_finished), get_client_stats},
};

static uint64_t u64_at(const unsigned char *p, size_t offset) {
  uint64_t v;
  memcpy(&v, p + offset, sizeof v);
  return v;
}

static void check_stats_struct(const stats_case_t *c) {
  fixture_t f;
  setup(&f);
  /* The struct, a field added later, and a guard. */
  union {
    uint64_t align;
    unsigned char b[256];
  } u;
  size_t first = sizeof(size_t), added_later = c->size;
  size_t guard = c->size + sizeof(uint64_t);
  CHECK(guard + 16 <= sizeof u.b);
  size_t size = c->second;
  memset(&u, 0xA5, sizeof u);
  memcpy(u.b, &size, sizeof size);
  CHECK_EQ_INT(c->get(f.client, u.b), 0);
  CHECK(u64_at(u.b, first) == 0);
  CHECK_EQ_INT(u.b[c->second], 0xA5);
  memset(&u, 0xA5, sizeof u);
  size = c->size + sizeof(uint64_t);
  memcpy(u.b, &size, sizeof size);
  CHECK_EQ_INT(c->get(f.client, u.b), 0);
  CHECK(u64_at(u.b, c->size - sizeof(uint64_t)) == 0); /* the last field */
  CHECK(u64_at(u.b, added_later) == 0);
  CHECK_EQ_INT(u.b[guard], 0xA5);
  memset(&u, 0, sizeof u);
  CHECK_EQ_INT(c->get(f.client, u.b), ANTHROPIC_EINVAL);
  teardown(&f);
}
TABLE_TEST(stats_structs, check_stats_struct)

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
          T(page_next_writes_no_more_than_next_size),
          T(resolve_cache_options_zeroed_or_from_a_newer_header_are_refused),
          T(watch_options_zeroed_or_from_a_newer_header_are_refused),
          T(an_older_resolve_cache_options_struct_has_no_stale_window),
          TABLE(stats_structs));
  fake_server_stop(&srv);
  return rc;
}
