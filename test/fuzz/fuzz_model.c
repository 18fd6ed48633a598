/* fuzz_model.c - a retrieve body: anth__parse_model, then the copy that
 * outlives the tree. */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char *body = fuzz_exact_copy(data, size);
  char err[ANTH_ERRMSG_MAX];
  cJSON *root = (cJSON *)&root; /* poison: must be overwritten */
  anthropic_model_info_t m;
  err[0] = '\0';

  int rc = anth__parse_model(body, size, &root, &m, err, sizeof err);
  if (rc == 0) {
    FUZZ_CHECK(root != NULL);
    FUZZ_CHECK(m.json == root);
    FUZZ_CHECK(m.response == NULL);
    fuzz_check_model(&m);

    anthropic_model_info_t *copy = anthropic_model_info_copy(&m);
    FUZZ_CHECK(copy != NULL);
    FUZZ_CHECK(copy->json != NULL && copy->json != m.json);
    FUZZ_CHECK(copy->response == NULL);
    fuzz_check_model(copy);
    fuzz_check_same_model(&m, copy);
    /* The copy must not depend on the original tree or body. */
    cJSON_Delete(root);
    memset(body, 'x', size);
    fuzz_check_model(copy);
    anthropic_model_info_t *copy2 = anthropic_model_info_copy(copy);
    FUZZ_CHECK(copy2 != NULL);
    fuzz_check_same_model(copy, copy2);
    anthropic_model_info_free(copy2);
    anthropic_model_info_free(copy);
  } else {
    FUZZ_CHECK(rc == ANTHROPIC_EBADRESPONSE || rc == ANTHROPIC_ENOMEM ||
               rc == ANTHROPIC_ETOOLARGE);
    FUZZ_CHECK(root == NULL);
    FUZZ_CHECK(err[0] != '\0');
    FUZZ_CHECK(memchr(err, '\0', sizeof err) != NULL);
  }
  free(body);

  /* cJSON itself, on a copy that ends at a guard page. */
  cJSON_Delete(anth__json_parse(fuzz_guarded_copy(data, size), size));
  return 0;
}
