// header_cxx.cc - a user's C++ file that includes anthropic.h (built as
// C++11 and as C++17, every warning an error, test/meson.build): every
// _INIT macro in a declaration (local, static, member, array element), its
// values (size set, max_retries ANTHROPIC_RETRIES_DEFAULT, all else zero or
// NULL), then real calls with them: a client made and closed, a retrieve
// and a list started and cancelled by the close, the loop closed cleanly.
#include <anthropic.h>
#include <uv.h>

#include <cstdio>

static int failures = 0;

#define EXPECT(cond)                                                           \
  do {                                                                         \
    if (!(cond)) {                                                             \
      std::fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__,    \
                   #cond);                                                     \
      failures++;                                                              \
    }                                                                          \
  } while (0)

// Every one of `n` pointers NULL, every one of `m` numbers 0.
static void expect_zero(const char *what, const void *const *ptrs, size_t n,
                        const unsigned long long *nums, size_t m) {
  for (size_t i = 0; i < n; i++)
    if (ptrs[i] != NULL) {
      std::fprintf(stderr, "%s: pointer %zu is not NULL\n", what, i);
      failures++;
    }
  for (size_t i = 0; i < m; i++)
    if (nums[i] != 0) {
      std::fprintf(stderr, "%s: number %zu is %llu, not 0\n", what, i, nums[i]);
      failures++;
    }
}

#define ZERO(what, ptrs, nums)                                                 \
  expect_zero(what, ptrs, sizeof ptrs / sizeof ptrs[0], nums,                  \
              sizeof nums / sizeof nums[0])

static void expect_client_options(const anthropic_client_options_t &o) {
  EXPECT(o.size == sizeof(anthropic_client_options_t));
  EXPECT(o.max_retries == ANTHROPIC_RETRIES_DEFAULT);
  EXPECT(o.log_cb == NULL);
  EXPECT(o.log_level == ANTHROPIC_LOG_DEFAULT);
  const void *ptrs[] = {
      o.api_key, o.auth_token, o.base_url,  o.anthropic_version, o.headers,
      o.betas,   o.user_agent, o.ca_bundle, o.log_data,          o.proxy};
  const unsigned long long nums[] = {o.flags,
                                     o.headers_count,
                                     o.betas_count,
                                     o.max_response_bytes,
                                     o.max_host_connections,
                                     o.timeout_ms,
                                     o.connect_timeout_ms,
                                     o.retry_after_cap_ms,
                                     o.max_requests_in_flight,
                                     o.max_streams_per_connection};
  ZERO("client options", ptrs, nums);
}

static void expect_request_options(const anthropic_request_options_t &o) {
  EXPECT(o.size == sizeof(anthropic_request_options_t));
  EXPECT(o.max_retries == ANTHROPIC_RETRIES_DEFAULT);
  const void *ptrs[] = {o.headers, o.query, o.betas, o.workspace_id};
  const unsigned long long nums[] = {o.timeout_ms, o.connect_timeout_ms,
                                     o.headers_count, o.query_count,
                                     o.betas_count};
  ZERO("request options", ptrs, nums);
}

static void
expect_retrieve_params(const anthropic_models_retrieve_params_t &p) {
  EXPECT(p.size == sizeof(anthropic_models_retrieve_params_t));
  EXPECT(p.options == NULL);
}

static void expect_list_params(const anthropic_models_list_params_t &p) {
  EXPECT(p.size == sizeof(anthropic_models_list_params_t));
  EXPECT(p.limit == 0);
  const void *ptrs[] = {p.after_id, p.before_id, p.lifecycle, p.options};
  const unsigned long long nums[] = {p.lifecycle_count};
  ZERO("list params", ptrs, nums);
}

// The macros at namespace scope, with static storage.
static const anthropic_client_options_t static_client_options =
    ANTHROPIC_CLIENT_OPTIONS_INIT;
static const anthropic_request_options_t static_request_options =
    ANTHROPIC_REQUEST_OPTIONS_INIT;
static const anthropic_models_retrieve_params_t static_retrieve_params =
    ANTHROPIC_MODELS_RETRIEVE_PARAMS_INIT;
static const anthropic_models_list_params_t static_list_params =
    ANTHROPIC_MODELS_LIST_PARAMS_INIT;

// As default member initializers of a class.
struct call_settings {
  anthropic_client_options_t client = ANTHROPIC_CLIENT_OPTIONS_INIT;
  anthropic_request_options_t request = ANTHROPIC_REQUEST_OPTIONS_INIT;
  anthropic_models_retrieve_params_t retrieve =
      ANTHROPIC_MODELS_RETRIEVE_PARAMS_INIT;
  anthropic_models_list_params_t list = ANTHROPIC_MODELS_LIST_PARAMS_INIT;
  anthropic_resolve_options_t resolve = ANTHROPIC_RESOLVE_OPTIONS_INIT;
  anthropic_resolve_cache_options_t cache =
      ANTHROPIC_RESOLVE_CACHE_OPTIONS_INIT;
  anthropic_client_stats_t stats = ANTHROPIC_CLIENT_STATS_INIT;
  anthropic_resolve_stats_t resolve_stats = ANTHROPIC_RESOLVE_STATS_INIT;
  anthropic_resolve_info_t info = ANTHROPIC_RESOLVE_INFO_INIT;
  anthropic_watch_options_t watch = ANTHROPIC_WATCH_OPTIONS_INIT;
  anthropic_lifecycle_summary_t summary = ANTHROPIC_LIFECYCLE_SUMMARY_INIT;
};

static int cancelled = 0;

static void on_model(const anthropic_error_t *err,
                     const anthropic_model_info_t *model, void *) {
  EXPECT(err != NULL && err->kind == ANTHROPIC_ECANCELLED && model == NULL);
  cancelled++;
}

static void on_page(const anthropic_error_t *err,
                    const anthropic_models_page_t *page, void *) {
  EXPECT(err != NULL && err->kind == ANTHROPIC_ECANCELLED && page == NULL);
  cancelled++;
}

int main() {
  // Locals, and array elements.
  anthropic_client_options_t co = ANTHROPIC_CLIENT_OPTIONS_INIT;
  anthropic_request_options_t ro[2] = {ANTHROPIC_REQUEST_OPTIONS_INIT,
                                       ANTHROPIC_REQUEST_OPTIONS_INIT};
  anthropic_models_retrieve_params_t rp = ANTHROPIC_MODELS_RETRIEVE_PARAMS_INIT;
  anthropic_models_list_params_t lp[1] = {ANTHROPIC_MODELS_LIST_PARAMS_INIT};
  call_settings member;

  expect_client_options(co);
  expect_client_options(static_client_options);
  expect_client_options(member.client);
  expect_request_options(ro[0]);
  expect_request_options(ro[1]);
  expect_request_options(static_request_options);
  expect_request_options(member.request);
  expect_retrieve_params(rp);
  expect_retrieve_params(static_retrieve_params);
  expect_retrieve_params(member.retrieve);
  expect_list_params(lp[0]);
  expect_list_params(static_list_params);
  expect_list_params(member.list);
  EXPECT(member.resolve.size == sizeof(anthropic_resolve_options_t));
  EXPECT(member.cache.size == sizeof(anthropic_resolve_cache_options_t));
  EXPECT(member.stats.size == sizeof(anthropic_client_stats_t));
  EXPECT(member.resolve_stats.size == sizeof(anthropic_resolve_stats_t));
  EXPECT(member.info.size == sizeof(anthropic_resolve_info_t));

  // The library takes them: nothing is refused for a size or a field.
  uv_loop_t loop;
  EXPECT(uv_loop_init(&loop) == 0);
  co.flags = ANTHROPIC_CLIENT_NO_ENV;
  co.api_key = "test-key";
  co.base_url = "http://127.0.0.1:9"; // never reached: closed at once
  anthropic_client_t *client = NULL;
  char errbuf[256] = "";
  EXPECT(anthropic_client_init(&loop, &client, &co, errbuf, sizeof errbuf) ==
         0);
  if (client == NULL) {
    std::fprintf(stderr, "anthropic_client_init: %s\n", errbuf);
    return 1;
  }
  rp.options = &ro[0];
  lp[0].options = &ro[1];
  EXPECT(anthropic_models_retrieve(client, "claude-x", &rp, on_model, NULL) !=
         0);
  EXPECT(anthropic_models_list(client, &lp[0], on_page, NULL) != 0);
  EXPECT(anthropic_resolve_cache_set(client, &member.cache) == 0);
  EXPECT(anthropic_client_get_stats(client, &member.stats) == 0);
  EXPECT(member.stats.requests_started == 2);
  EXPECT(anthropic_resolve_get_stats(client, &member.resolve_stats) == 0);
  anthropic_client_close(client, NULL);
  EXPECT(uv_run(&loop, UV_RUN_DEFAULT) == 0);
  EXPECT(cancelled == 2);
  EXPECT(uv_loop_close(&loop) == 0);

  std::printf("anthropic.h from C++ (%ld): %s\n",
              static_cast<long>(__cplusplus), failures ? "failed" : "ok");
  return failures ? 1 : 0;
}
