/* fuzz_model.c - a retrieve body: anth__parse_model, then the copy that
 * outlives the body; what it reads must be what cJSON reads. */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char *body = fuzz_exact_copy(data, size);
  char err[ANTH_ERRMSG_MAX];
  char *root = (char *)&root; /* poison: must be overwritten */
  anth_model_t parsed;
  err[0] = '\0';

  int rc = anth__parse_model(body, size, &root, &parsed, err, sizeof err);
  const anthropic_model_info_t m = parsed.info;
  /* The single walk reads what the scan of each object read before it:
   * the same result, message, values and text. */
  {
    char ref_err[ANTH_ERRMSG_MAX];
    char *ref_root = NULL;
    anth_model_t ref;
    ref_err[0] = '\0';
    int ref_rc = anth__parse_model_ref(body, size, &ref_root, &ref, ref_err,
                                       sizeof ref_err);
    FUZZ_CHECK(ref_rc == rc);
    FUZZ_CHECK(strcmp(ref_err, err) == 0);
    if (rc == 0) {
      FUZZ_CHECK(ref.info.json_text == m.json_text &&
                 ref.info.json_len == m.json_len);
      fuzz_check_same_fields(&ref.info, &m, false);
    }
    anth__free(ref_root);
    /* The JSON-only retrieve: the same check as the typed parse, to the
     * same text. */
    const char *text = NULL, *ref_text = NULL;
    size_t text_len = 0, ref_text_len = 0;
    char json_err[ANTH_ERRMSG_MAX];
    json_err[0] = ref_err[0] = '\0';
    int json_rc = anth__parse_model_json(body, size, &text, &text_len, json_err,
                                         sizeof json_err);
    ref_rc = anth__parse_model_json_ref(body, size, &ref_text, &ref_text_len,
                                        ref_err, sizeof ref_err);
    FUZZ_CHECK(json_rc == ref_rc && strcmp(json_err, ref_err) == 0);
    FUZZ_CHECK(text == ref_text && text_len == ref_text_len);
    if (rc == 0)
      FUZZ_CHECK(json_rc == 0 && text == m.json_text);
  }
  if (rc == 0) {
    FUZZ_CHECK(root != NULL);
    FUZZ_CHECK(m.json_text != NULL && m.json_text >= body &&
               m.json_text + m.json_len <= body + size);
    FUZZ_CHECK(m.response == NULL);
    fuzz_check_model(&m);
    /* What parsed here parses in cJSON too, to the same id and name. */
    cJSON *tree = anth__json_parse(body, size);
    FUZZ_CHECK(tree != NULL);
    const cJSON *id = cJSON_GetObjectItemCaseSensitive(tree, "id");
    const cJSON *name = cJSON_GetObjectItemCaseSensitive(tree, "display_name");
    FUZZ_CHECK(cJSON_IsString(id) && strcmp(id->valuestring, m.id) == 0);
    FUZZ_CHECK(cJSON_IsString(name) &&
               strcmp(name->valuestring, m.display_name) == 0);
    cJSON_Delete(tree);
    /* Capabilities by path agree with the typed ones where both exist. */
    static const char *const paths[] = {"batch",      "thinking.types.adaptive",
                                        "effort.max", "x.y.z",
                                        "thinking.",  ""};
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
      bool on = false;
      anthropic_presence_t p = anthropic_model_capability(&m, paths[i], &on);
      FUZZ_CHECK(p == ANTHROPIC_FIELD_SET || p == ANTHROPIC_FIELD_NULL ||
                 p == ANTHROPIC_FIELD_ABSENT);
    }
    bool batch = false;
    if (anthropic_model_capability(&m, "batch", &batch) == ANTHROPIC_FIELD_SET)
      FUZZ_CHECK(m.capabilities->batch.state == ANTHROPIC_FIELD_SET &&
                 m.capabilities->batch.supported == batch);

    anthropic_model_info_t *copy = anthropic_model_info_copy(&m);
    FUZZ_CHECK(copy != NULL);
    FUZZ_CHECK(copy->json_text != NULL && copy->json_text != m.json_text &&
               copy->json_len == m.json_len);
    FUZZ_CHECK(copy->response == NULL);
    fuzz_check_model(copy);
    fuzz_check_same_model(&m, copy);
    /* The copy must not depend on the original strings or body. */
    anth__free(root);
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
