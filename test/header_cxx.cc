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

static void expect_client_options(const anthropic_client_options_t &o) {
  EXPECT(o.size == sizeof(anthropic_client_options_t));
  EXPECT(o.max_retries == ANTHROPIC_RETRIES_DEFAULT);
  EXPECT(o.flags == 0);
  EXPECT(o.api_key == NULL);
  EXPECT(o.auth_token == NULL);
  EXPECT(o.base_url == NULL);
  EXPECT(o.anthropic_version == NULL);
  EXPECT(o.headers == NULL);
  EXPECT(o.headers_count == 0);
  EXPECT(o.betas == NULL);
  EXPECT(o.betas_count == 0);
  EXPECT(o.user_agent == NULL);
  EXPECT(o.ca_bundle == NULL);
  EXPECT(o.max_response_bytes == 0);
  EXPECT(o.max_host_connections == 0);
  EXPECT(o.timeout_ms == 0);
  EXPECT(o.connect_timeout_ms == 0);
  EXPECT(o.retry_after_cap_ms == 0);
  EXPECT(o.log_cb == NULL);
  EXPECT(o.log_data == NULL);
  EXPECT(o.proxy == NULL);
  EXPECT(o.max_requests_in_flight == 0);
  EXPECT(o.max_streams_per_connection == 0);
  EXPECT(o.log_level == ANTHROPIC_LOG_DEFAULT);
}

static void expect_request_options(const anthropic_request_options_t &o) {
  EXPECT(o.size == sizeof(anthropic_request_options_t));
  EXPECT(o.max_retries == ANTHROPIC_RETRIES_DEFAULT);
  EXPECT(o.timeout_ms == 0);
  EXPECT(o.connect_timeout_ms == 0);
  EXPECT(o.headers == NULL);
  EXPECT(o.headers_count == 0);
  EXPECT(o.query == NULL);
  EXPECT(o.query_count == 0);
  EXPECT(o.betas == NULL);
  EXPECT(o.betas_count == 0);
  EXPECT(o.workspace_id == NULL);
}

static void
expect_retrieve_params(const anthropic_models_retrieve_params_t &p) {
  EXPECT(p.size == sizeof(anthropic_models_retrieve_params_t));
  EXPECT(p.options == NULL);
}

static void expect_list_params(const anthropic_models_list_params_t &p) {
  EXPECT(p.size == sizeof(anthropic_models_list_params_t));
  EXPECT(p.after_id == NULL);
  EXPECT(p.before_id == NULL);
  EXPECT(p.limit == 0);
  EXPECT(p.lifecycle == NULL);
  EXPECT(p.lifecycle_count == 0);
  EXPECT(p.options == NULL);
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
