/* header_c11.c - a user's file that includes anthropic.h alone, compiled
 * as strict ISO C11 with no feature-test macro (test/header.sh): the
 * declarations and every _INIT macro, with every warning an error. */
#include <anthropic.h>

int main(void) {
  anthropic_client_options_t co = ANTHROPIC_CLIENT_OPTIONS_INIT;
  anthropic_request_options_t ro = ANTHROPIC_REQUEST_OPTIONS_INIT;
  anthropic_models_retrieve_params_t rp = ANTHROPIC_MODELS_RETRIEVE_PARAMS_INIT;
  anthropic_models_list_params_t lp = ANTHROPIC_MODELS_LIST_PARAMS_INIT;
  anthropic_resolve_options_t so = ANTHROPIC_RESOLVE_OPTIONS_INIT;
  anthropic_watch_options_t wo = ANTHROPIC_WATCH_OPTIONS_INIT;
  anthropic_lifecycle_summary_t ls = ANTHROPIC_LIFECYCLE_SUMMARY_INIT;
  rp.options = &ro;
  wo.options = &ro;
  lp.options = &ro;
  so.params = &rp;
  return anthropic_version() == NULL || co.size == 0 || lp.size == 0 ||
         so.size == 0 || wo.size == 0 || ls.size == 0;
}
