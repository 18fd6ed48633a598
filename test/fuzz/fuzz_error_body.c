/* fuzz_error_body.c - an API error body: anth__parse_error_body. */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char *body = fuzz_exact_copy(data, size);
  cJSON *root = (cJSON *)&root; /* poison: must be overwritten */
  const char *type = "poison", *message = "poison", *request_id = "poison";

  int rc =
      anth__parse_error_body(body, size, &root, &type, &message, &request_id);
  FUZZ_CHECK(rc == 0 || rc == -1);
  if (rc == 0) {
    FUZZ_CHECK(cJSON_IsObject(root));
    FUZZ_CHECK(cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(root, "error")));
  }
  if (root == NULL) {
    FUZZ_CHECK(rc == -1);
    FUZZ_CHECK(type == NULL && message == NULL && request_id == NULL);
  } else {
    FUZZ_CHECK(cJSON_IsObject(root));
  }
  /* The strings live in the tree: read them all before freeing it. */
  size_t total = 0;
  int root_was_null = root == NULL;
  size_t type_len = type != NULL ? strlen(type) : SIZE_MAX;
  if (type != NULL)
    total += type_len;
  if (message != NULL)
    total += strlen(message);
  if (request_id != NULL)
    total += strlen(request_id);
  FUZZ_CHECK(total <= size); /* decoding never lengthens a string */
  cJSON_Delete(root);
  free(body);

  /* Again on a copy that ends at a guard page, so that an over-read in
   * cJSON (not instrumented by ASan) faults; the outcome must not change. */
  cJSON *root2 = NULL;
  const char *t2, *m2, *r2;
  int rc2 = anth__parse_error_body(fuzz_guarded_copy(data, size), size, &root2,
                                   &t2, &m2, &r2);
  FUZZ_CHECK(rc2 == rc);
  FUZZ_CHECK((root2 == NULL) == (root_was_null != 0));
  FUZZ_CHECK((t2 == NULL) == (type_len == SIZE_MAX));
  cJSON_Delete(root2);
  return 0;
}
