/* fuzz_page.c - a list body: anth__parse_page, then the page copy. */
#include "fuzz_common.h"

static void check_page(const anthropic_models_page_t *p) {
  FUZZ_CHECK((p->data == NULL) == (p->count == 0));
  for (size_t i = 0; i < p->count; i++) {
    FUZZ_CHECK(p->data[i]->id != NULL);
    FUZZ_CHECK(p->data[i]->response == NULL);
    fuzz_check_model(p->data[i]);
  }
  if (p->first_id != NULL)
    (void)strlen(p->first_id);
  if (p->last_id != NULL)
    (void)strlen(p->last_id);
  FUZZ_CHECK(p->json_text != NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char *body = fuzz_exact_copy(data, size);
  char err[ANTH_ERRMSG_MAX];
  char *root = (char *)&root; /* poison: must be overwritten */
  anthropic_models_page_t page;
  void *items = NULL;
  err[0] = '\0';

  int rc = anth__parse_page(body, size, &root, &page, &items, err, sizeof err);
  /* The single walk reads what the scan of each object read before it:
   * the same result, message, items and values. */
  {
    char ref_err[ANTH_ERRMSG_MAX];
    char *ref_root = NULL;
    anthropic_models_page_t ref;
    void *ref_items = NULL;
    ref_err[0] = '\0';
    int ref_rc = anth__parse_page_ref(body, size, &ref_root, &ref, &ref_items,
                                      ref_err, sizeof ref_err);
    FUZZ_CHECK(ref_rc == rc);
    FUZZ_CHECK(strcmp(ref_err, err) == 0);
    if (rc == 0) {
      FUZZ_CHECK(ref.count == page.count && ref.has_more == page.has_more);
      FUZZ_CHECK(fuzz_str_eq(ref.first_id, page.first_id));
      FUZZ_CHECK(fuzz_str_eq(ref.last_id, page.last_id));
      FUZZ_CHECK(ref.json_text == page.json_text &&
                 ref.json_len == page.json_len);
      for (size_t i = 0; i < page.count; i++) {
        FUZZ_CHECK(ref.data[i]->json_text == page.data[i]->json_text &&
                   ref.data[i]->json_len == page.data[i]->json_len);
        fuzz_check_same_fields(ref.data[i], page.data[i], false);
      }
    }
    anth__free(ref_items);
    anth__free(ref_root);
  }
  if (rc == 0) {
    FUZZ_CHECK(root != NULL);
    FUZZ_CHECK(page.json_text >= body &&
               page.json_text + page.json_len <= body + size);
    FUZZ_CHECK(page.response == NULL);
    FUZZ_CHECK(page.count == 0 ||
               (const void *)page.data ==
                   (const void *)((anth_model_t *)items + page.count));
    /* cJSON reads the same body, with as many items. */
    cJSON *tree = anth__json_parse(body, size);
    FUZZ_CHECK(tree != NULL);
    FUZZ_CHECK(page.count ==
               (size_t)cJSON_GetArraySize(cJSON_GetObjectItem(tree, "data")));
    cJSON_Delete(tree);
    check_page(&page);

    anthropic_models_page_t *copy = anthropic_models_page_copy(&page);
    FUZZ_CHECK(copy != NULL);
    FUZZ_CHECK(copy->response == NULL);
    FUZZ_CHECK(copy->count == page.count);
    FUZZ_CHECK(copy->has_more == page.has_more);
    FUZZ_CHECK(fuzz_str_eq(copy->first_id, page.first_id));
    FUZZ_CHECK(fuzz_str_eq(copy->last_id, page.last_id));
    for (size_t i = 0; i < page.count; i++)
      fuzz_check_same_model(page.data[i], copy->data[i]);
    /* The copy must not depend on the original strings, items or body. */
    anth__free(items);
    anth__free(root);
    memset(body, 'x', size);
    check_page(copy);
    anthropic_models_page_free(copy);
  } else {
    FUZZ_CHECK(rc == ANTHROPIC_EBADRESPONSE || rc == ANTHROPIC_ENOMEM ||
               rc == ANTHROPIC_ETOOLARGE);
    FUZZ_CHECK(root == NULL);
    FUZZ_CHECK(items == NULL);
    FUZZ_CHECK(err[0] != '\0');
  }
  free(body);

  /* cJSON itself, on a copy that ends at a guard page. */
  cJSON_Delete(anth__json_parse(fuzz_guarded_copy(data, size), size));
  return 0;
}
