/* test_parse.c - ModelInfo, page and error bodies from JSON; copies that
 * outlive their tree; RFC 3339 timestamps. */
#include "../src/internal.h"
#include "test.h"

/* The fields every version of ModelInfo has. */
#define REQUIRED_FIELDS                                                        \
  "\"id\":\"claude-test-1\",\"type\":\"model\","                               \
  "\"display_name\":\"Claude Test 1\","                                        \
  "\"created_at\":\"2025-05-14T00:00:00Z\""

#define MINIMAL_BODY "{" REQUIRED_FIELDS "}"

/* Every field of API.md set; booleans alternate so that a field read into
 * its neighbour shows. */
#define FULL_CAPABILITIES                                                      \
  "{\"batch\":{\"supported\":true},"                                           \
  "\"citations\":{\"supported\":false},"                                       \
  "\"code_execution\":{\"supported\":true},"                                   \
  "\"image_input\":{\"supported\":false},"                                     \
  "\"pdf_input\":{\"supported\":true},"                                        \
  "\"structured_outputs\":{\"supported\":false},"                              \
  "\"thinking\":{\"supported\":true,\"types\":{"                               \
  "\"adaptive\":{\"supported\":true},"                                         \
  "\"between_tools\":{\"supported\":false},"                                   \
  "\"disabled\":{\"supported\":true},"                                         \
  "\"enabled\":{\"supported\":false}}},"                                       \
  "\"effort\":{\"supported\":true,"                                            \
  "\"low\":{\"supported\":false},"                                             \
  "\"medium\":{\"supported\":true},"                                           \
  "\"high\":{\"supported\":false},"                                            \
  "\"max\":{\"supported\":true},"                                              \
  "\"xhigh\":{\"supported\":false}},"                                          \
  "\"context_management\":{\"supported\":false,"                               \
  "\"clear_thinking_20251015\":{\"supported\":true},"                          \
  "\"clear_tool_uses_20250919\":{\"supported\":false},"                        \
  "\"compact_20260112\":{\"supported\":true}},"                                \
  "\"server_tools\":{\"supported\":true,"                                      \
  "\"code_execution\":{\"supported\":false},"                                  \
  "\"web_search\":{\"supported\":true}}}"

#define FULL_BODY                                                              \
  "{" REQUIRED_FIELDS ","                                                      \
  "\"max_input_tokens\":200000,\"max_tokens\":64000,"                          \
  "\"lifecycle\":\"deprecated\",\"line\":\"sonnet\","                          \
  "\"deprecated_at\":\"2026-01-05T12:30:00Z\","                                \
  "\"retires_at\":\"2026-07-05T00:00:00.25+02:00\","                           \
  "\"capabilities\":" FULL_CAPABILITIES "}"

/* A ModelInfo with the required fields and `extra` (",..." or ""). */
#define MODEL_WITH(extra) "{" REQUIRED_FIELDS extra "}"

/* A heap copy of `len` bytes with no terminating NUL, so ASan sees any read
 * past the end. */
static char *exact_copy(const char *body, size_t len) {
  char *p = calloc(len ? len : 1, 1);
  if (p == NULL)
    FAILF("out of memory");
  memcpy(p, body, len);
  return p;
}

/* What a successful parse leaves: the arena of its strings, and the body
 * its json_text points into (an exact copy, no NUL after it). */
typedef struct parsed {
  char *arena, *body;
  anth_model_t model; /* what a parsed model's pointers point into */
} parsed_t;

static void parsed_free(parsed_t *p) {
  if (p == NULL)
    return;
  anth__free(p->arena);
  free(p->body);
  free(p);
}

static int parse_model(const char *body, size_t len, parsed_t **root,
                       anthropic_model_info_t *m, char *err, size_t errlen) {
  parsed_t *p = calloc(1, sizeof *p);
  if (p == NULL)
    FAILF("out of memory");
  p->body = exact_copy(body, len);
  err[0] = '\0';
  int rc = anth__parse_model(p->body, len, &p->arena, &p->model, err, errlen);
  *m = p->model.info; /* its pointers stay valid until parsed_free() */
  if (rc != 0) {
    CHECK(p->arena == NULL);
    parsed_free(p);
    p = NULL;
  }
  *root = p;
  return rc;
}

/* Parse `body`, requiring success. The caller deletes *root. */
static void parse_model_ok(const char *body, parsed_t **root,
                           anthropic_model_info_t *m) {
  char err[ANTH_ERRMSG_MAX];
  int rc = parse_model(body, strlen(body), root, m, err, sizeof err);
  if (rc != 0)
    FAILF("anth__parse_model failed: rc %d, \"%s\"", rc, err);
  CHECK(*root != NULL);
}

/* Parse `body`, requiring EBADRESPONSE with `needle` in the message and no
 * tree left over. */
static void check_model_refused(const char *body, const char *needle) {
  char err[ANTH_ERRMSG_MAX];
  parsed_t *root = (parsed_t *)1;
  anthropic_model_info_t m;
  int rc = parse_model(body, strlen(body), &root, &m, err, sizeof err);
  if (rc == 0) {
    parsed_free(root);
    FAILF("body accepted, want refused: %s", body);
  }
  CHECK_EQ_INT(rc, ANTHROPIC_EBADRESPONSE);
  CHECK(root == NULL);
  CHECK_CONTAINS(err, needle);
}

static void check_cap(const anthropic_capability_t *c, bool supported,
                      const char *what) {
  if (c->state != ANTHROPIC_FIELD_SET || c->supported != supported)
    FAILF("%s: state %d supported %d, want SET %d", what, (int)c->state,
          (int)c->supported, (int)supported);
}

#define CHECK_CAP(field, value) check_cap(&(field), value, #field)

/* Every field of a model read from FULL_BODY. */
static void check_full_model(const anthropic_model_info_t *m) {
  CHECK_EQ_STR(m->id, "claude-test-1");
  CHECK_EQ_STR(m->type, "model");
  CHECK_EQ_STR(m->display_name, "Claude Test 1");
  CHECK_EQ_INT(m->created_at.state, ANTHROPIC_FIELD_SET);
  CHECK_EQ_STR(m->created_at.text, "2025-05-14T00:00:00Z");
  CHECK_EQ_INT(m->created_at.unix_seconds, 1747180800);
  CHECK_EQ_INT(m->created_at.nanoseconds, 0);
  CHECK_EQ_INT(m->max_input_tokens.state, ANTHROPIC_FIELD_SET);
  CHECK_EQ_INT(m->max_input_tokens.value, 200000);
  CHECK_EQ_INT(m->max_tokens.state, ANTHROPIC_FIELD_SET);
  CHECK_EQ_INT(m->max_tokens.value, 64000);
  CHECK_EQ_INT(m->lifecycle.state, ANTHROPIC_FIELD_SET);
  CHECK_EQ_STR(m->lifecycle.value, "deprecated");
  CHECK_EQ_INT(m->lifecycle_value, ANTHROPIC_LIFECYCLE_DEPRECATED);
  CHECK_EQ_INT(m->line.state, ANTHROPIC_FIELD_SET);
  CHECK_EQ_STR(m->line.value, "sonnet");
  CHECK_EQ_INT(m->deprecated_at.state, ANTHROPIC_FIELD_SET);
  CHECK_EQ_STR(m->deprecated_at.text, "2026-01-05T12:30:00Z");
  CHECK_EQ_INT(m->deprecated_at.unix_seconds, 1767616200);
  CHECK_EQ_INT(m->deprecated_at.nanoseconds, 0);
  CHECK_EQ_INT(m->retires_at.state, ANTHROPIC_FIELD_SET);
  CHECK_EQ_STR(m->retires_at.text, "2026-07-05T00:00:00.25+02:00");
  CHECK_EQ_INT(m->retires_at.unix_seconds, 1783202400);
  CHECK_EQ_INT(m->retires_at.nanoseconds, 250000000);

  const anthropic_capabilities_t *c = m->capabilities;
  CHECK_EQ_INT(c->state, ANTHROPIC_FIELD_SET);
  CHECK_CAP(c->batch, true);
  CHECK_CAP(c->citations, false);
  CHECK_CAP(c->code_execution, true);
  CHECK_CAP(c->image_input, false);
  CHECK_CAP(c->pdf_input, true);
  CHECK_CAP(c->structured_outputs, false);

  CHECK_EQ_INT(c->thinking->state, ANTHROPIC_FIELD_SET);
  CHECK_EQ_INT(c->thinking->supported, true);
  CHECK_EQ_INT(c->thinking->types, ANTHROPIC_FIELD_SET);
  CHECK_CAP(c->thinking->adaptive, true);
  CHECK_CAP(c->thinking->between_tools, false);
  CHECK_CAP(c->thinking->disabled, true);
  CHECK_CAP(c->thinking->enabled, false);

  CHECK_EQ_INT(c->effort->state, ANTHROPIC_FIELD_SET);
  CHECK_EQ_INT(c->effort->supported, true);
  CHECK_CAP(c->effort->low, false);
  CHECK_CAP(c->effort->medium, true);
  CHECK_CAP(c->effort->high, false);
  CHECK_CAP(c->effort->max, true);
  CHECK_CAP(c->effort->xhigh, false);

  CHECK_EQ_INT(c->context_management->state, ANTHROPIC_FIELD_SET);
  CHECK_EQ_INT(c->context_management->supported, false);
  CHECK_CAP(c->context_management->clear_thinking_20251015, true);
  CHECK_CAP(c->context_management->clear_tool_uses_20250919, false);
  CHECK_CAP(c->context_management->compact_20260112, true);

  CHECK_EQ_INT(c->server_tools->state, ANTHROPIC_FIELD_SET);
  CHECK_EQ_INT(c->server_tools->supported, true);
  CHECK_CAP(c->server_tools->code_execution, false);
  CHECK_CAP(c->server_tools->web_search, true);
}

/* Every row of ANTHROPIC_CAPABILITY_MAP absent: each field, each
 * group's own state and "supported", thinking's "types". */
static void check_capabilities_zero(const anthropic_capabilities_t *c) {
  const char *at[ANTH_CAPS_COUNT];
  anth__caps_structs(c, at);
  for (size_t i = 0; i < ANTH_CAP_ROWS; i++) {
    const anth_cap_row_t *r = &anth__caps[i];
    const char *p =
        r->kind == ANTH_CAP_GROUP ? at[r->group] : at[r->strct] + r->offset;
    anthropic_presence_t state;
    bool on = false;
    if (r->kind == ANTH_CAP_PATH)
      continue;                      /* no field */
    memcpy(&state, p, sizeof state); /* every kind starts with one */
    if (r->kind != ANTH_CAP_OBJECT)
      memcpy(&on, p + offsetof(anthropic_capability_t, supported), sizeof on);
    if (state != ANTHROPIC_FIELD_ABSENT || on)
      FAILF("capability %s: state %d supported %d, want absent", r->path,
            (int)state, (int)on);
  }
}

/* ---- anth__parse_model: valid bodies ---- */

TEST(parse_model_reads_every_field_of_full_model_info) {
  parsed_t *root;
  anthropic_model_info_t m;
  parse_model_ok(FULL_BODY, &root, &m);
  check_full_model(&m);
  CHECK(m.json_text == root->body);
  CHECK_EQ_INT((int)m.json_len, (int)strlen(FULL_BODY));
  CHECK(m.response == NULL);
  parsed_free(root);
}

TEST(parse_model_reads_created_at_text_and_time) {
  parsed_t *root;
  anthropic_model_info_t m;
  parse_model_ok(MINIMAL_BODY, &root, &m);
  CHECK_EQ_INT(m.created_at.state, ANTHROPIC_FIELD_SET);
  CHECK_EQ_STR(m.created_at.text, "2025-05-14T00:00:00Z");
  CHECK_EQ_INT(m.created_at.unix_seconds, 1747180800);
  CHECK_EQ_INT(m.created_at.nanoseconds, 0);
  parsed_free(root);
}

TEST(parse_model_accepts_epoch_created_at) {
  parsed_t *root;
  anthropic_model_info_t m;
  parse_model_ok("{\"id\":\"m\",\"type\":\"model\",\"display_name\":\"M\","
                 "\"created_at\":\"1970-01-01T00:00:00Z\"}",
                 &root, &m);
  CHECK_EQ_INT(m.created_at.unix_seconds, 0);
  CHECK_EQ_STR(m.created_at.text, "1970-01-01T00:00:00Z");
  parsed_free(root);
}

TEST(parse_model_leaves_absent_2026_fields_absent_and_zero) {
  parsed_t *root;
  anthropic_model_info_t m;
  parse_model_ok(MINIMAL_BODY, &root, &m);
  CHECK_EQ_STR(m.id, "claude-test-1");
  CHECK_EQ_STR(m.type, "model");
  CHECK_EQ_STR(m.display_name, "Claude Test 1");
  CHECK_EQ_INT(m.max_input_tokens.state, ANTHROPIC_FIELD_ABSENT);
  CHECK_EQ_INT(m.max_input_tokens.value, 0);
  CHECK_EQ_INT(m.max_tokens.state, ANTHROPIC_FIELD_ABSENT);
  CHECK_EQ_INT(m.max_tokens.value, 0);
  CHECK_EQ_INT(m.lifecycle.state, ANTHROPIC_FIELD_ABSENT);
  CHECK(m.lifecycle.value == NULL);
  CHECK_EQ_INT(m.lifecycle_value, ANTHROPIC_LIFECYCLE_UNSET);
  CHECK_EQ_INT(m.line.state, ANTHROPIC_FIELD_ABSENT);
  CHECK(m.line.value == NULL);
  CHECK_EQ_INT(m.deprecated_at.state, ANTHROPIC_FIELD_ABSENT);
  CHECK(m.deprecated_at.text == NULL);
  CHECK_EQ_INT(m.deprecated_at.unix_seconds, 0);
  CHECK_EQ_INT(m.deprecated_at.nanoseconds, 0);
  CHECK_EQ_INT(m.retires_at.state, ANTHROPIC_FIELD_ABSENT);
  CHECK(m.retires_at.text == NULL);
  CHECK_EQ_INT(m.retires_at.unix_seconds, 0);
  CHECK_EQ_INT(m.retires_at.nanoseconds, 0);
  CHECK_EQ_INT(m.capabilities->state, ANTHROPIC_FIELD_ABSENT);
  check_capabilities_zero(m.capabilities);
  parsed_free(root);
}

TEST(parse_model_marks_null_2026_fields_null) {
  parsed_t *root;
  anthropic_model_info_t m;
  parse_model_ok(MODEL_WITH(",\"max_input_tokens\":null,\"max_tokens\":null,"
                            "\"lifecycle\":null,\"line\":null,"
                            "\"deprecated_at\":null,\"retires_at\":null"),
                 &root, &m);
  CHECK_EQ_INT(m.max_input_tokens.state, ANTHROPIC_FIELD_NULL);
  CHECK_EQ_INT(m.max_input_tokens.value, 0);
  CHECK_EQ_INT(m.max_tokens.state, ANTHROPIC_FIELD_NULL);
  CHECK_EQ_INT(m.max_tokens.value, 0);
  CHECK_EQ_INT(m.lifecycle.state, ANTHROPIC_FIELD_NULL);
  CHECK(m.lifecycle.value == NULL);
  CHECK_EQ_INT(m.lifecycle_value, ANTHROPIC_LIFECYCLE_UNSET);
  CHECK_EQ_INT(m.line.state, ANTHROPIC_FIELD_NULL);
  CHECK(m.line.value == NULL);
  CHECK_EQ_INT(m.deprecated_at.state, ANTHROPIC_FIELD_NULL);
  CHECK(m.deprecated_at.text == NULL);
  CHECK_EQ_INT(m.deprecated_at.unix_seconds, 0);
  CHECK_EQ_INT(m.retires_at.state, ANTHROPIC_FIELD_NULL);
  CHECK(m.retires_at.text == NULL);
  CHECK_EQ_INT(m.retires_at.unix_seconds, 0);
  parsed_free(root);
}

TEST(parse_model_marks_null_capabilities_null) {
  parsed_t *root;
  anthropic_model_info_t m;
  parse_model_ok(MODEL_WITH(",\"capabilities\":null"), &root, &m);
  CHECK_EQ_INT(m.capabilities->state, ANTHROPIC_FIELD_NULL);
  check_capabilities_zero(m.capabilities);
  parsed_free(root);
}

TEST(parse_model_reads_empty_capabilities_as_all_absent) {
  parsed_t *root;
  anthropic_model_info_t m;
  parse_model_ok(MODEL_WITH(",\"capabilities\":{}"), &root, &m);
  CHECK_EQ_INT(m.capabilities->state, ANTHROPIC_FIELD_SET);
  check_capabilities_zero(m.capabilities);
  parsed_free(root);
}

TEST(parse_model_marks_null_effort_null) {
  parsed_t *root;
  anthropic_model_info_t m;
  parse_model_ok(MODEL_WITH(",\"capabilities\":{\"effort\":null,"
                            "\"batch\":{\"supported\":true}}"),
                 &root, &m);
  CHECK_EQ_INT(m.capabilities->effort->state, ANTHROPIC_FIELD_NULL);
  CHECK(!m.capabilities->effort->supported);
  CHECK_EQ_INT(m.capabilities->effort->low.state, ANTHROPIC_FIELD_ABSENT);
  CHECK_EQ_INT(m.capabilities->effort->xhigh.state, ANTHROPIC_FIELD_ABSENT);
  CHECK_CAP(m.capabilities->batch, true);
  parsed_free(root);
}

TEST(parse_model_marks_null_thinking_types_null) {
  parsed_t *root;
  anthropic_model_info_t m;
  parse_model_ok(MODEL_WITH(",\"capabilities\":{\"thinking\":"
                            "{\"supported\":true,\"types\":null}}"),
                 &root, &m);
  CHECK_EQ_INT(m.capabilities->thinking->state, ANTHROPIC_FIELD_SET);
  CHECK(m.capabilities->thinking->supported);
  CHECK_EQ_INT(m.capabilities->thinking->types, ANTHROPIC_FIELD_NULL);
  CHECK_EQ_INT(m.capabilities->thinking->adaptive.state,
               ANTHROPIC_FIELD_ABSENT);
  CHECK_EQ_INT(m.capabilities->thinking->enabled.state, ANTHROPIC_FIELD_ABSENT);
  parsed_free(root);
}

TEST(parse_model_marks_missing_thinking_types_absent) {
  parsed_t *root;
  anthropic_model_info_t m;
  parse_model_ok(MODEL_WITH(",\"capabilities\":{\"thinking\":"
                            "{\"supported\":false}}"),
                 &root, &m);
  CHECK_EQ_INT(m.capabilities->thinking->state, ANTHROPIC_FIELD_SET);
  CHECK(!m.capabilities->thinking->supported);
  CHECK_EQ_INT(m.capabilities->thinking->types, ANTHROPIC_FIELD_ABSENT);
  parsed_free(root);
}

TEST(parse_model_marks_null_xhigh_null) {
  parsed_t *root;
  anthropic_model_info_t m;
  parse_model_ok(MODEL_WITH(",\"capabilities\":{\"effort\":{"
                            "\"supported\":true,\"high\":{\"supported\":true},"
                            "\"xhigh\":null}}"),
                 &root, &m);
  CHECK_EQ_INT(m.capabilities->effort->state, ANTHROPIC_FIELD_SET);
  CHECK(m.capabilities->effort->supported);
  CHECK_CAP(m.capabilities->effort->high, true);
  CHECK_EQ_INT(m.capabilities->effort->xhigh.state, ANTHROPIC_FIELD_NULL);
  CHECK(!m.capabilities->effort->xhigh.supported);
  CHECK_EQ_INT(m.capabilities->effort->max.state, ANTHROPIC_FIELD_ABSENT);
  parsed_free(root);
}

TEST(parse_model_marks_null_simple_capability_null) {
  parsed_t *root;
  anthropic_model_info_t m;
  parse_model_ok(MODEL_WITH(",\"capabilities\":{\"pdf_input\":null}"), &root,
                 &m);
  CHECK_EQ_INT(m.capabilities->pdf_input.state, ANTHROPIC_FIELD_NULL);
  CHECK(!m.capabilities->pdf_input.supported);
  CHECK_EQ_INT(m.capabilities->batch.state, ANTHROPIC_FIELD_ABSENT);
  parsed_free(root);
}

static void check_lifecycle(const char *json_value, anthropic_lifecycle_t want,
                            const char *want_text) {
  char body[512];
  snprintf(body, sizeof body, MODEL_WITH(",\"lifecycle\":%s"), json_value);
  parsed_t *root;
  anthropic_model_info_t m;
  parse_model_ok(body, &root, &m);
  anthropic_lifecycle_t got = m.lifecycle_value;
  int text_ok = want_text == NULL
                    ? m.lifecycle.value == NULL
                    : m.lifecycle.value != NULL &&
                          strcmp(m.lifecycle.value, want_text) == 0;
  parsed_free(root);
  CHECK_EQ_INT(got, want);
  CHECK(text_ok);
}

TEST(parse_model_lifecycle_active) {
  check_lifecycle("\"active\"", ANTHROPIC_LIFECYCLE_ACTIVE, "active");
}

TEST(parse_model_lifecycle_deprecated) {
  check_lifecycle("\"deprecated\"", ANTHROPIC_LIFECYCLE_DEPRECATED,
                  "deprecated");
}

TEST(parse_model_lifecycle_retired) {
  check_lifecycle("\"retired\"", ANTHROPIC_LIFECYCLE_RETIRED, "retired");
}

TEST(parse_model_lifecycle_unknown_value_is_other_with_text_kept) {
  check_lifecycle("\"beta\"", ANTHROPIC_LIFECYCLE_OTHER, "beta");
}

TEST(parse_model_lifecycle_is_case_sensitive) {
  check_lifecycle("\"Active\"", ANTHROPIC_LIFECYCLE_OTHER, "Active");
}

TEST(parse_model_lifecycle_null_is_unset) {
  check_lifecycle("null", ANTHROPIC_LIFECYCLE_UNSET, NULL);
}

TEST(parse_model_keeps_unknown_line_value) {
  parsed_t *root;
  anthropic_model_info_t m;
  parse_model_ok(MODEL_WITH(",\"line\":\"sonata\""), &root, &m);
  CHECK_EQ_INT(m.line.state, ANTHROPIC_FIELD_SET);
  CHECK_EQ_STR(m.line.value, "sonata");
  parsed_free(root);
}

TEST(parse_model_ignores_unknown_keys_but_keeps_them_in_json) {
  parsed_t *root;
  anthropic_model_info_t m;
  parse_model_ok(MODEL_WITH(",\"future_field\":{\"x\":[1,2]},"
                            "\"capabilities\":{\"teleport\":{\"supported\":"
                            "true},\"batch\":{\"supported\":true,"
                            "\"note\":\"n\"},\"effort\":{\"supported\":true,"
                            "\"ultra\":{\"supported\":true}}}"),
                 &root, &m);
  CHECK_EQ_STR(m.id, "claude-test-1");
  CHECK_CAP(m.capabilities->batch, true);
  CHECK(m.capabilities->effort->supported);
  /* The text keeps what the library does not know. */
  cJSON *tree = cJSON_ParseWithLength(m.json_text, m.json_len);
  const cJSON *future = cJSON_GetObjectItem(tree, "future_field");
  CHECK(cJSON_IsObject(future));
  const cJSON *x = cJSON_GetObjectItem(future, "x");
  CHECK(cJSON_IsArray(x));
  CHECK_EQ_INT(cJSON_GetArraySize(x), 2);
  const cJSON *caps = cJSON_GetObjectItem(tree, "capabilities");
  CHECK(cJSON_IsObject(cJSON_GetObjectItem(caps, "teleport")));
  cJSON_Delete(tree);
  parsed_free(root);
}

/* Capabilities by path, the ones newer than this library included. */
TEST(capability_by_path_reaches_known_and_unknown_capabilities) {
  parsed_t *root;
  anthropic_model_info_t m;
  bool on = true;
  parse_model_ok(
      MODEL_WITH(",\"capabilities\":{\"teleport\":{\"supported\":true},"
                 "\"batch\":{\"supported\":false},\"pdf_input\":null,"
                 "\"thinking\":{\"supported\":true,\"types\":{"
                 "\"adaptive\":{\"supported\":true},\"dreaming\":{"
                 "\"supported\":true}}},\"flat\":{\"supported\":\"yes\"}}"),
      &root, &m);
  CHECK_EQ_INT(anthropic_model_capability(&m, "teleport", &on),
               ANTHROPIC_FIELD_SET);
  CHECK(on);
  CHECK_EQ_INT(anthropic_model_capability(&m, "batch", &on),
               ANTHROPIC_FIELD_SET);
  CHECK(!on);
  CHECK_EQ_INT(anthropic_model_capability(&m, "thinking.types.dreaming", &on),
               ANTHROPIC_FIELD_SET);
  CHECK(on);
  CHECK_EQ_INT(anthropic_model_capability(&m, "thinking", &on),
               ANTHROPIC_FIELD_SET);
  CHECK_EQ_INT(anthropic_model_capability(&m, "pdf_input", &on),
               ANTHROPIC_FIELD_NULL);
  CHECK(!on);
  /* Not a capability, not there, or not a path. */
  static const char *const absent[] = {"thinking.types",
                                       "nope",
                                       "thinking.nope",
                                       "flat",
                                       "teleport.supported",
                                       "",
                                       ".",
                                       "thinking..adaptive",
                                       "thinking.types.adaptive."};
  for (size_t i = 0; i < ANTH_ARRAY_SIZE(absent); i++)
    if (anthropic_model_capability(&m, absent[i], &on) !=
        ANTHROPIC_FIELD_ABSENT)
      FAILF("\"%s\" found", absent[i]);
  CHECK_EQ_INT(anthropic_model_capability(&m, NULL, &on),
               ANTHROPIC_FIELD_ABSENT);
  CHECK_EQ_INT(anthropic_model_capability(NULL, "batch", &on),
               ANTHROPIC_FIELD_ABSENT);
  /* A copy answers the same; `supported` may be NULL. */
  anthropic_model_info_t *copy = anthropic_model_info_copy(&m);
  CHECK(copy != NULL);
  parsed_free(root);
  CHECK_EQ_INT(
      anthropic_model_capability(copy, "thinking.types.adaptive", NULL),
      ANTHROPIC_FIELD_SET);
  anthropic_model_info_free(copy);
}

/* The typed fields back to JSON: every schema key, in order, null for
 * what the body lacked, and the numbers exact. */
TEST(model_info_json_writes_every_schema_field_in_order) {
  static const char *const keys[] = {"id",
                                     "type",
                                     "display_name",
                                     "created_at",
                                     "max_input_tokens",
                                     "max_tokens",
                                     "lifecycle",
                                     "line",
                                     "deprecated_at",
                                     "retires_at",
                                     "capabilities"};
  parsed_t *root;
  anthropic_model_info_t m;
  parse_model_ok(MODEL_WITH(",\"max_tokens\":9007199254740992,"
                            "\"lifecycle\":\"active\",\"future\":1"),
                 &root, &m);
  char *text = anthropic_model_info_json(&m);
  CHECK(text != NULL);
  cJSON *o = cJSON_Parse(text);
  CHECK(o != NULL);
  const cJSON *k = o->child;
  for (size_t i = 0; i < ANTH_ARRAY_SIZE(keys); i++, k = k->next) {
    CHECK(k != NULL);
    CHECK_EQ_STR(k->string, keys[i]);
  }
  CHECK(k == NULL); /* "future" is the text's, not the schema's */
  CHECK_EQ_STR(cJSON_GetObjectItem(o, "id")->valuestring, "claude-test-1");
  CHECK(cJSON_IsNull(cJSON_GetObjectItem(o, "line")));
  CHECK(cJSON_IsNull(cJSON_GetObjectItem(o, "capabilities")));
  CHECK_CONTAINS(text, "\"max_tokens\":9007199254740992,");
  cJSON_Delete(o);
  anthropic_free(text);
  CHECK(anthropic_model_info_json(NULL) == NULL);
  parsed_free(root);
}

/* The JSON written is cJSON's own unformatted form, byte for byte (what
 * anthropic-models and resolve-server have always printed): strings
 * escaped as cJSON escapes them, every capability group filled. */
TEST(model_info_json_is_byte_for_byte_cjsons_form) {
  anthropic_thinking_capability_t th = {ANTHROPIC_FIELD_SET,
                                        true,
                                        ANTHROPIC_FIELD_SET,
                                        {ANTHROPIC_FIELD_SET, true},
                                        {ANTHROPIC_FIELD_NULL, false},
                                        {ANTHROPIC_FIELD_SET, false},
                                        {ANTHROPIC_FIELD_ABSENT, false}};
  anthropic_effort_capability_t ef = {
      ANTHROPIC_FIELD_SET,          true,
      {ANTHROPIC_FIELD_SET, true},  {ANTHROPIC_FIELD_SET, true},
      {ANTHROPIC_FIELD_SET, false}, {ANTHROPIC_FIELD_NULL, false},
      {ANTHROPIC_FIELD_SET, true}};
  anthropic_context_management_capability_t cm = {
      ANTHROPIC_FIELD_SET,
      false,
      {ANTHROPIC_FIELD_SET, true},
      {ANTHROPIC_FIELD_ABSENT, false},
      {ANTHROPIC_FIELD_SET, false}};
  anthropic_server_tools_capability_t st = {
      ANTHROPIC_FIELD_NULL, false, {0, false}, {0, false}};
  anthropic_capabilities_t caps = {ANTHROPIC_FIELD_SET,
                                   {ANTHROPIC_FIELD_SET, true},
                                   {ANTHROPIC_FIELD_SET, false},
                                   {ANTHROPIC_FIELD_NULL, false},
                                   {ANTHROPIC_FIELD_ABSENT, false},
                                   {ANTHROPIC_FIELD_SET, true},
                                   {ANTHROPIC_FIELD_SET, true},
                                   &th,
                                   &ef,
                                   &cm,
                                   &st};
  anthropic_model_info_t m;
  memset(&m, 0, sizeof m);
  m.id = "claude-\"q\"\\x";
  m.type = "model";
  m.display_name = "a\b\f\n\r\t\x01\x1f\x7f \xc3\xa9 \xe2\x82\xac / <>&'";
  m.created_at.state = ANTHROPIC_FIELD_SET;
  m.created_at.text = "2025-05-14T00:00:00Z";
  m.max_input_tokens.state = ANTHROPIC_FIELD_SET;
  m.max_input_tokens.value = -200000;
  m.max_tokens.state = ANTHROPIC_FIELD_NULL;
  m.lifecycle.state = ANTHROPIC_FIELD_SET;
  m.lifecycle.value = "active";
  m.line.state = ANTHROPIC_FIELD_SET;
  m.line.value = "";
  m.deprecated_at.state = ANTHROPIC_FIELD_NULL;
  m.retires_at.state = ANTHROPIC_FIELD_SET;
  m.retires_at.text = "2027-01-01T00:00:00.5+02:00";
  m.capabilities = &caps;
  char *text = anthropic_model_info_json(&m);
  CHECK(text != NULL);
  cJSON *o = cJSON_Parse(text);
  CHECK(o != NULL);
  char *again = cJSON_PrintUnformatted(o);
  CHECK_EQ_STR(text, again);
  CHECK_CONTAINS(text, "{\"id\":\"claude-\\\"q\\\"\\\\x\",\"type\":\"model\"");
  CHECK_CONTAINS(text, "\"display_name\":\"a\\b\\f\\n\\r\\t\\u0001\\u001f\x7f "
                       "\xc3\xa9 \xe2\x82\xac / <>&'\"");
  CHECK_CONTAINS(text, "\"max_input_tokens\":-200000,\"max_tokens\":null,");
  CHECK_CONTAINS(text, "\"line\":\"\",\"deprecated_at\":null,");
  CHECK_CONTAINS(text, "\"thinking\":{\"supported\":true,\"types\":{"
                       "\"adaptive\":{\"supported\":true},\"between_tools\":"
                       "null,\"disabled\":{\"supported\":false},\"enabled\":"
                       "null}}");
  CHECK_CONTAINS(text, "\"server_tools\":null}}");
  cJSON_free(again);
  cJSON_Delete(o);
  anthropic_free(text);
  /* No capabilities object, and types null. */
  caps.state = ANTHROPIC_FIELD_NULL;
  text = anthropic_model_info_json(&m);
  CHECK_CONTAINS(text, "\"capabilities\":null}");
  anthropic_free(text);
  caps.state = ANTHROPIC_FIELD_SET;
  th.types = ANTHROPIC_FIELD_NULL;
  text = anthropic_model_info_json(&m);
  CHECK_CONTAINS(text, "\"thinking\":{\"supported\":true,\"types\":null}");
  anthropic_free(text);
}

TEST(parse_model_keeps_non_ascii_display_name_byte_exact) {
  parsed_t *root;
  anthropic_model_info_t m;
  parse_model_ok(
      "{\"id\":\"m\",\"type\":\"model\","
      "\"display_name\":\"Cl\xc3\xa4ude \xe2\x80\x94 \xf0\x9f\xa4\x96 "
      "\xe6\x97\xa5\xe6\x9c\xac\","
      "\"created_at\":\"2025-05-14T00:00:00Z\"}",
      &root, &m);
  CHECK_EQ_STR(m.display_name, "Cl\xc3\xa4ude \xe2\x80\x94 \xf0\x9f\xa4\x96 "
                               "\xe6\x97\xa5\xe6\x9c\xac");
  parsed_free(root);
}

TEST(parse_model_decodes_unicode_escapes_in_display_name_to_utf8) {
  parsed_t *root;
  anthropic_model_info_t m;
  parse_model_ok("{\"id\":\"m\",\"type\":\"model\","
                 "\"display_name\":\"Cl\\u00e4ude \\ud83e\\udd16\","
                 "\"created_at\":\"2025-05-14T00:00:00Z\"}",
                 &root, &m);
  CHECK_EQ_STR(m.display_name, "Cl\xc3\xa4ude \xf0\x9f\xa4\x96");
  parsed_free(root);
}

TEST(parse_model_accepts_zero_and_2_pow_53_token_counts) {
  parsed_t *root;
  anthropic_model_info_t m;
  parse_model_ok(MODEL_WITH(",\"max_tokens\":0,"
                            "\"max_input_tokens\":9007199254740992"),
                 &root, &m);
  CHECK_EQ_INT(m.max_tokens.state, ANTHROPIC_FIELD_SET);
  CHECK_EQ_INT(m.max_tokens.value, 0);
  CHECK_EQ_INT(m.max_input_tokens.value, 9007199254740992LL);
  parsed_free(root);
}

TEST(parse_model_accepts_integer_written_with_exponent) {
  parsed_t *root;
  anthropic_model_info_t m;
  parse_model_ok(MODEL_WITH(",\"max_tokens\":6.4e4"), &root, &m);
  CHECK_EQ_INT(m.max_tokens.value, 64000);
  parsed_free(root);
}

TEST(parse_model_accepts_trailing_whitespace) {
  parsed_t *root;
  anthropic_model_info_t m;
  parse_model_ok(" \n" MINIMAL_BODY " \r\n\t ", &root, &m);
  CHECK_EQ_STR(m.id, "claude-test-1");
  parsed_free(root);
}

/* ---- anth__parse_model: refused bodies ---- */

TEST(parse_model_refuses_numeric_id) {
  check_model_refused("{\"id\":42,\"type\":\"model\",\"display_name\":\"M\","
                      "\"created_at\":\"2025-05-14T00:00:00Z\"}",
                      "id: expected a string");
}

TEST(parse_model_refuses_missing_id) {
  check_model_refused("{\"type\":\"model\",\"display_name\":\"M\","
                      "\"created_at\":\"2025-05-14T00:00:00Z\"}",
                      "id");
}

TEST(parse_model_refuses_type_other_than_model) {
  check_model_refused("{\"id\":\"m\",\"type\":\"user\",\"display_name\":\"M\","
                      "\"created_at\":\"2025-05-14T00:00:00Z\"}",
                      "type");
}

TEST(parse_model_refuses_missing_display_name) {
  check_model_refused("{\"id\":\"m\",\"type\":\"model\","
                      "\"created_at\":\"2025-05-14T00:00:00Z\"}",
                      "display_name");
}

TEST(parse_model_refuses_null_display_name) {
  check_model_refused("{\"id\":\"m\",\"type\":\"model\",\"display_name\":null,"
                      "\"created_at\":\"2025-05-14T00:00:00Z\"}",
                      "display_name");
}

TEST(parse_model_refuses_missing_created_at) {
  check_model_refused(
      "{\"id\":\"m\",\"type\":\"model\",\"display_name\":\"M\"}", "created_at");
}

TEST(parse_model_refuses_null_created_at) {
  check_model_refused("{\"id\":\"m\",\"type\":\"model\",\"display_name\":\"M\","
                      "\"created_at\":null}",
                      "created_at");
}

TEST(parse_model_refuses_unparseable_created_at) {
  check_model_refused("{\"id\":\"m\",\"type\":\"model\",\"display_name\":\"M\","
                      "\"created_at\":\"yesterday\"}",
                      "created_at");
}

TEST(parse_model_refuses_numeric_created_at) {
  check_model_refused("{\"id\":\"m\",\"type\":\"model\",\"display_name\":\"M\","
                      "\"created_at\":1747180800}",
                      "created_at");
}

TEST(parse_model_refuses_string_max_tokens) {
  check_model_refused(MODEL_WITH(",\"max_tokens\":\"100\""), "max_tokens");
}

TEST(parse_model_refuses_negative_max_tokens) {
  check_model_refused(MODEL_WITH(",\"max_tokens\":-1"), "max_tokens");
}

TEST(parse_model_refuses_fractional_max_tokens) {
  check_model_refused(MODEL_WITH(",\"max_tokens\":1.5"), "max_tokens");
}

TEST(parse_model_refuses_max_tokens_beyond_2_pow_53) {
  check_model_refused(MODEL_WITH(",\"max_tokens\":1e300"), "max_tokens");
}

TEST(parse_model_refuses_boolean_max_input_tokens) {
  check_model_refused(MODEL_WITH(",\"max_input_tokens\":true"),
                      "max_input_tokens");
}

TEST(parse_model_refuses_numeric_lifecycle) {
  check_model_refused(MODEL_WITH(",\"lifecycle\":3"), "lifecycle");
}

TEST(parse_model_refuses_numeric_line) {
  check_model_refused(MODEL_WITH(",\"line\":5"), "line");
}

TEST(parse_model_refuses_unparseable_deprecated_at) {
  check_model_refused(MODEL_WITH(",\"deprecated_at\":\"soon\""),
                      "deprecated_at");
}

TEST(parse_model_refuses_numeric_retires_at) {
  check_model_refused(MODEL_WITH(",\"retires_at\":0"), "retires_at");
}

TEST(parse_model_refuses_string_capabilities) {
  check_model_refused(MODEL_WITH(",\"capabilities\":\"yes\""), "capabilities");
}

TEST(parse_model_refuses_array_capabilities) {
  check_model_refused(MODEL_WITH(",\"capabilities\":[]"), "capabilities");
}

TEST(parse_model_refuses_boolean_capability_entry) {
  check_model_refused(MODEL_WITH(",\"capabilities\":{\"batch\":true}"),
                      "capabilities.batch");
}

TEST(parse_model_refuses_capability_without_supported) {
  check_model_refused(MODEL_WITH(",\"capabilities\":{\"batch\":{}}"),
                      "capabilities.batch");
}

TEST(parse_model_refuses_null_supported) {
  check_model_refused(MODEL_WITH(",\"capabilities\":{\"citations\":"
                                 "{\"supported\":null}}"),
                      "capabilities.citations");
}

TEST(parse_model_refuses_string_supported_in_thinking_type) {
  check_model_refused(MODEL_WITH(",\"capabilities\":{\"thinking\":{"
                                 "\"supported\":true,\"types\":{\"adaptive\":"
                                 "{\"supported\":\"no\"}}}}"),
                      "capabilities.thinking.types.adaptive");
}

TEST(parse_model_refuses_non_object_thinking_types) {
  check_model_refused(MODEL_WITH(",\"capabilities\":{\"thinking\":{"
                                 "\"supported\":true,\"types\":[]}}"),
                      "capabilities.thinking.types");
}

TEST(parse_model_refuses_thinking_without_supported) {
  check_model_refused(MODEL_WITH(",\"capabilities\":{\"thinking\":{"
                                 "\"types\":{}}}"),
                      "capabilities.thinking");
}

TEST(parse_model_refuses_bad_effort_entry) {
  check_model_refused(MODEL_WITH(",\"capabilities\":{\"effort\":{"
                                 "\"supported\":true,\"xhigh\":1}}"),
                      "capabilities.effort.xhigh");
}

TEST(parse_model_refuses_bad_context_management_entry) {
  check_model_refused(MODEL_WITH(",\"capabilities\":{\"context_management\":{"
                                 "\"supported\":true,\"compact_20260112\":"
                                 "{\"supported\":0}}}"),
                      "capabilities.context_management.compact_20260112");
}

TEST(parse_model_refuses_bad_server_tools_entry) {
  check_model_refused(MODEL_WITH(",\"capabilities\":{\"server_tools\":{"
                                 "\"supported\":true,\"web_search\":\"on\"}}"),
                      "capabilities.server_tools.web_search");
}

TEST(parse_model_refuses_string_group_capability) {
  check_model_refused(MODEL_WITH(",\"capabilities\":{\"context_management\":"
                                 "\"on\"}"),
                      "capabilities.context_management");
}

TEST(parse_model_refuses_truncated_json_at_every_length) {
  static const char body[] = FULL_BODY;
  size_t full = strlen(body);
  for (size_t len = 0; len < full; len++) {
    char err[ANTH_ERRMSG_MAX];
    parsed_t *root = (parsed_t *)1;
    anthropic_model_info_t m;
    int rc = parse_model(body, len, &root, &m, err, sizeof err);
    if (rc == 0)
      parsed_free(root);
    if (rc != ANTHROPIC_EBADRESPONSE || root != NULL)
      FAILF("cut at %zu bytes: rc %d, root %p", len, rc, (void *)root);
    CHECK(err[0] != '\0');
  }
}

TEST(parse_model_refuses_empty_body) {
  char err[ANTH_ERRMSG_MAX];
  parsed_t *root = (parsed_t *)1;
  anthropic_model_info_t m;
  CHECK_EQ_INT(parse_model("", 0, &root, &m, err, sizeof err),
               ANTHROPIC_EBADRESPONSE);
  CHECK(root == NULL);
  CHECK_CONTAINS(err, "JSON");
}

TEST(parse_model_refuses_trailing_garbage) {
  check_model_refused(MINIMAL_BODY "x", "JSON");
  check_model_refused(MINIMAL_BODY " {}", "JSON");
  check_model_refused(MINIMAL_BODY ",", "JSON");
}

TEST(parse_model_refuses_embedded_nul_after_object) {
  static const char body[] = MINIMAL_BODY "\0{}";
  char err[ANTH_ERRMSG_MAX];
  parsed_t *root = (parsed_t *)1;
  anthropic_model_info_t m;
  int rc = parse_model(body, sizeof body - 1, &root, &m, err, sizeof err);
  if (rc == 0)
    parsed_free(root);
  CHECK_EQ_INT(rc, ANTHROPIC_EBADRESPONSE);
  CHECK(root == NULL);
}

TEST(parse_model_refuses_array_body) {
  check_model_refused("[" MINIMAL_BODY "]", "body");
}

TEST(parse_model_refuses_string_body) {
  check_model_refused("\"claude-test-1\"", "body");
}

TEST(parse_model_refuses_null_body) {
  check_model_refused("null", "body");
}

/* ---- strings cJSON would change or let through ---- */

/* Refused as a bad response whose message names `what` and the offset of
 * `at` (the first occurrence of those at_len bytes in the body). The body may
 * hold NUL bytes: its length is given. */
static void check_model_refused_at(const char *body, size_t len, const char *at,
                                   size_t at_len, const char *what) {
  char err[ANTH_ERRMSG_MAX];
  parsed_t *root = (parsed_t *)1;
  anthropic_model_info_t m;
  size_t off = 0;
  while (off + at_len <= len && memcmp(body + off, at, at_len) != 0)
    off++;
  CHECK(off + at_len <= len);
  int rc = parse_model(body, len, &root, &m, err, sizeof err);
  if (rc == 0) {
    char seen[128];
    snprintf(seen, sizeof seen, "id \"%s\", display_name \"%s\"", m.id,
             m.display_name);
    parsed_free(root);
    FAILF("body accepted (%s), want refused", seen);
  }
  CHECK_EQ_INT(rc, ANTHROPIC_EBADRESPONSE);
  CHECK(root == NULL);
  CHECK_CONTAINS(err, what);
  char where[32];
  snprintf(where, sizeof where, "at byte %zu", off);
  CHECK_CONTAINS(err, where);
  /* The JSON-only parse refuses it the same way. */
  char err2[ANTH_ERRMSG_MAX];
  const char *text = body;
  size_t text_len = 1;
  CHECK_EQ_INT(
      anth__parse_model_json(body, len, &text, &text_len, err2, sizeof err2),
      ANTHROPIC_EBADRESPONSE);
  CHECK(text == NULL && text_len == 0);
  CHECK_EQ_STR(err2, err);
}

#define CHECK_MODEL_REFUSED_AT(lit, at, what)                                  \
  check_model_refused_at(lit, sizeof(lit) - 1, at, sizeof(at) - 1, what)

#define WITH_NAME(name)                                                        \
  "{\"id\":\"m\",\"type\":\"model\",\"display_name\":\"" name "\","            \
  "\"created_at\":\"2025-05-14T00:00:00Z\"}"

TEST(parse_model_refuses_escaped_nul_that_would_cut_the_id) {
  /* cJSON reads "abc\u0000evil" as "abc": an id that silently changes. */
  CHECK_MODEL_REFUSED_AT("{\"id\":\"abc\\u0000evil\",\"type\":\"model\","
                         "\"display_name\":\"M\","
                         "\"created_at\":\"2025-05-14T00:00:00Z\"}",
                         "\\u0000", "\\u0000");
}

TEST(parse_model_refuses_escaped_nul_in_a_key) {
  /* "id\u0000x" would be found as "id". */
  CHECK_MODEL_REFUSED_AT("{\"id\\u0000x\":\"evil\",\"type\":\"model\","
                         "\"display_name\":\"M\","
                         "\"created_at\":\"2025-05-14T00:00:00Z\"}",
                         "\\u0000", "\\u0000");
}

TEST(parse_model_refuses_raw_nul_in_a_string) {
  CHECK_MODEL_REFUSED_AT(WITH_NAME("ab\0cd"), "\0cd", "control byte 0x00");
}

TEST(parse_model_refuses_raw_control_bytes_in_a_string) {
  CHECK_MODEL_REFUSED_AT(WITH_NAME("a\nb"), "\nb", "control byte 0x0a");
  CHECK_MODEL_REFUSED_AT(WITH_NAME("a\tb"), "\tb", "control byte 0x09");
  CHECK_MODEL_REFUSED_AT(WITH_NAME("a\x01"
                                   "b"),
                         "\x01", "control byte 0x01");
  CHECK_MODEL_REFUSED_AT(WITH_NAME("a\x1f"), "\x1f", "control byte 0x1f");
}

TEST(parse_model_refuses_invalid_utf8_in_display_name) {
  static const char *const bad[] = {
      "\x80",             /* a continuation byte alone */
      "\xbf",             /* another */
      "\xc0\x80",         /* overlong NUL */
      "\xc1\xbf",         /* overlong */
      "\xe0\x80\xaf",     /* overlong '/' */
      "\xe0\x9f\xbf",     /* overlong, just under U+0800 */
      "\xed\xa0\x80",     /* U+D800, a surrogate */
      "\xed\xbf\xbf",     /* U+DFFF */
      "\xf0\x8f\xbf\xbf", /* overlong, just under U+10000 */
      "\xf4\x90\x80\x80", /* U+110000 */
      "\xf5\x80\x80\x80", /* never valid */
      "\xfe",
      "\xff",
      "\xc3",         /* cut short by the closing quote */
      "\xe2\x80",     /* cut short */
      "\xe2\x28\xa1", /* second byte not a continuation */
      "\xf0\x9f\xa4", /* cut short */
  };
  for (size_t i = 0; i < ANTH_ARRAY_SIZE(bad); i++) {
    char body[256];
    int n = snprintf(body, sizeof body, WITH_NAME("ok %s ok"), bad[i]);
    CHECK(n > 0 && (size_t)n < sizeof body);
    check_model_refused_at(body, (size_t)n, bad[i], strlen(bad[i]),
                           "invalid UTF-8");
  }
}

TEST(parse_model_accepts_utf8_at_every_boundary) {
  parsed_t *root;
  anthropic_model_info_t m;
  /* U+007F, U+0080, U+07FF, U+0800, U+D7FF, U+E000, U+FFFF, U+10000,
   * U+10FFFF, and escaped control characters (valid JSON). */
  static const char name[] = "\x7f\xc2\x80\xdf\xbf\xe0\xa0\x80\xed\x9f\xbf"
                             "\xee\x80\x80\xef\xbf\xbf\xf0\x90\x80\x80"
                             "\xf4\x8f\xbf\xbf";
  parse_model_ok(WITH_NAME("\x7f\xc2\x80\xdf\xbf\xe0\xa0\x80\xed\x9f\xbf"
                           "\xee\x80\x80\xef\xbf\xbf\xf0\x90\x80\x80"
                           "\xf4\x8f\xbf\xbf\\u0001\\n\\u001f\\udbff\\udfff"),
                 &root, &m);
  CHECK(strncmp(m.display_name, name, sizeof name - 1) == 0);
  CHECK_EQ_STR(m.display_name + sizeof name - 1, "\x01\n\x1f\xf4\x8f\xbf\xbf");
  parsed_free(root);
}

TEST(parse_model_refuses_unpaired_surrogate_escapes) {
  CHECK_MODEL_REFUSED_AT(WITH_NAME("a\\ud800b"), "\\ud800", "surrogate");
  CHECK_MODEL_REFUSED_AT(WITH_NAME("a\\udc00"), "\\udc00", "surrogate");
  CHECK_MODEL_REFUSED_AT(WITH_NAME("a\\ud800\\u0041"), "\\ud800", "surrogate");
  CHECK_MODEL_REFUSED_AT(WITH_NAME("a\\uDBFF"), "\\uDBFF", "surrogate");
}

TEST(parse_model_takes_the_first_of_duplicate_keys) {
  /* cJSON keeps both members; lookup finds the first. Documented in the
   * README ("Results"). */
  parsed_t *root;
  anthropic_model_info_t m;
  parse_model_ok("{\"id\":\"first\",\"type\":\"model\",\"display_name\":\"M\","
                 "\"created_at\":\"2025-05-14T00:00:00Z\",\"id\":\"second\"}",
                 &root, &m);
  CHECK_EQ_STR(m.id, "first");
  parsed_free(root);
}

TEST(parse_model_keys_are_case_sensitive) {
  /* "ID" is not "id": without "id" the body is refused. */
  check_model_refused("{\"ID\":\"x\",\"type\":\"model\",\"display_name\":\"M\","
                      "\"created_at\":\"2025-05-14T00:00:00Z\"}",
                      "id: expected a string");
  parsed_t *root;
  anthropic_model_info_t m;
  parse_model_ok("{\"ID\":\"upper\",\"Type\":\"x\",\"id\":\"lower\","
                 "\"type\":\"model\",\"display_name\":\"M\","
                 "\"created_at\":\"2025-05-14T00:00:00Z\"}",
                 &root, &m);
  CHECK_EQ_STR(m.id, "lower");
  parsed_free(root);
}

/* ---- anth__parse_page ---- */

#define ITEM(id, created)                                                      \
  "{\"id\":\"" id "\",\"type\":\"model\",\"display_name\":\"" id "\","         \
  "\"created_at\":\"" created "\"}"

#define PAGE3_BODY                                                             \
  "{\"data\":[" ITEM("m-3", "2025-03-01T00:00:00Z") "," ITEM(                  \
      "m-2",                                                                   \
      "2025-02-01T00:00:00Z") "," ITEM("m-1",                                  \
                                       "2025-01-01T00:00:00Z") "],\"has_"      \
                                                               "more\":true,"  \
                                                               "\"first_id\":" \
                                                               "\"m-3\","      \
                                                               "\"last_id\":"  \
                                                               "\"m-1\"}"

static int parse_page(const char *body, size_t len, parsed_t **root,
                      anthropic_models_page_t *page, void **items, char *err,
                      size_t errlen) {
  parsed_t *p = calloc(1, sizeof *p);
  if (p == NULL)
    FAILF("out of memory");
  p->body = exact_copy(body, len);
  err[0] = '\0';
  int rc = anth__parse_page(p->body, len, &p->arena, page, items, err, errlen);
  if (rc != 0) {
    CHECK(p->arena == NULL);
    parsed_free(p);
    p = NULL;
  }
  *root = p;
  return rc;
}

static void parse_page_ok(const char *body, parsed_t **root,
                          anthropic_models_page_t *page, void **items) {
  char err[ANTH_ERRMSG_MAX];
  int rc = parse_page(body, strlen(body), root, page, items, err, sizeof err);
  if (rc != 0)
    FAILF("anth__parse_page failed: rc %d, \"%s\"", rc, err);
}

static void check_page_refused(const char *body, const char *needle) {
  char err[ANTH_ERRMSG_MAX];
  parsed_t *root = (parsed_t *)1;
  anthropic_models_page_t page;
  void *items = (void *)1;
  int rc =
      parse_page(body, strlen(body), &root, &page, &items, err, sizeof err);
  if (rc == 0) {
    anth__free(items);
    parsed_free(root);
    FAILF("page accepted, want refused: %s", body);
  }
  CHECK_EQ_INT(rc, ANTHROPIC_EBADRESPONSE);
  CHECK(root == NULL);
  CHECK_CONTAINS(err, needle);
}

TEST(parse_page_reads_three_items_in_order) {
  parsed_t *root;
  anthropic_models_page_t page;
  void *items;
  parse_page_ok(PAGE3_BODY, &root, &page, &items);
  CHECK_EQ_INT(page.count, 3);
  CHECK((const void *)page.data ==
        (const void *)((anth_model_t *)items + page.count));
  CHECK_EQ_STR(page.data[0]->id, "m-3");
  CHECK_EQ_STR(page.data[1]->id, "m-2");
  CHECK_EQ_STR(page.data[2]->id, "m-1");
  CHECK_EQ_STR(page.data[1]->display_name, "m-2");
  CHECK_EQ_INT(page.data[0]->created_at.unix_seconds, 1740787200);
  CHECK_EQ_INT(page.data[1]->created_at.unix_seconds, 1738368000);
  CHECK_EQ_INT(page.data[2]->created_at.unix_seconds, 1735689600);
  for (size_t i = 0; i < 3; i++) {
    CHECK(page.data[i]->response == NULL);
    /* Each item's text is its object, inside the page's. */
    CHECK(page.data[i]->json_text > page.json_text);
    CHECK(page.data[i]->json_text[0] == '{');
    CHECK(page.data[i]->json_text[page.data[i]->json_len - 1] == '}');
    CHECK(page.data[i]->json_text + page.data[i]->json_len <
          page.json_text + page.json_len);
  }
  anth__free(items);
  parsed_free(root);
}

TEST(parse_page_reads_has_more_and_cursors) {
  parsed_t *root;
  anthropic_models_page_t page;
  void *items;
  parse_page_ok(PAGE3_BODY, &root, &page, &items);
  CHECK(page.has_more);
  CHECK_EQ_STR(page.first_id, "m-3");
  CHECK_EQ_STR(page.last_id, "m-1");
  CHECK(page.json_text == root->body);
  CHECK(page.response == NULL);
  anth__free(items);
  parsed_free(root);
}

TEST(parse_page_reads_has_more_false) {
  parsed_t *root;
  anthropic_models_page_t page;
  void *items;
  parse_page_ok(
      "{\"data\":[" ITEM(
          "m-1", "2025-01-01T00:00:00Z") "],\"has_more\":false,\"first_id\":"
                                         "\"m-1\",\"last_id\":\"m-1\"}",
      &root, &page, &items);
  CHECK(!page.has_more);
  CHECK_EQ_INT(page.count, 1);
  anth__free(items);
  parsed_free(root);
}

TEST(parse_page_empty_with_null_cursors) {
  parsed_t *root;
  anthropic_models_page_t page;
  void *items = (void *)1;
  parse_page_ok("{\"data\":[],\"has_more\":false,\"first_id\":null,"
                "\"last_id\":null}",
                &root, &page, &items);
  CHECK_EQ_INT(page.count, 0);
  CHECK(page.data == NULL);
  CHECK(items == NULL);
  CHECK(!page.has_more);
  CHECK(page.first_id == NULL);
  CHECK(page.last_id == NULL);
  parsed_free(root);
}

TEST(parse_page_absent_cursors_are_null) {
  parsed_t *root;
  anthropic_models_page_t page;
  void *items;
  parse_page_ok("{\"data\":[],\"has_more\":false}", &root, &page, &items);
  CHECK(page.first_id == NULL);
  CHECK(page.last_id == NULL);
  parsed_free(root);
}

TEST(parse_page_ignores_unknown_keys) {
  parsed_t *root;
  anthropic_models_page_t page;
  void *items;
  parse_page_ok("{\"data\":[],\"has_more\":false,\"total\":7}", &root, &page,
                &items);
  cJSON *tree = cJSON_ParseWithLength(page.json_text, page.json_len);
  CHECK_EQ_INT(cJSON_GetObjectItem(tree, "total")->valueint, 7);
  cJSON_Delete(tree);
  parsed_free(root);
}

TEST(parse_page_refuses_missing_data) {
  check_page_refused("{\"has_more\":false}", "data");
}

TEST(parse_page_refuses_data_not_array) {
  check_page_refused("{\"data\":{},\"has_more\":false}", "data");
}

TEST(parse_page_refuses_null_data) {
  check_page_refused("{\"data\":null,\"has_more\":false}", "data");
}

TEST(parse_page_refuses_missing_has_more) {
  check_page_refused("{\"data\":[]}", "has_more");
}

TEST(parse_page_refuses_string_has_more) {
  check_page_refused("{\"data\":[],\"has_more\":\"true\"}", "has_more");
}

TEST(parse_page_refuses_numeric_cursor) {
  check_page_refused("{\"data\":[],\"has_more\":false,\"first_id\":1}",
                     "first_id");
  check_page_refused("{\"data\":[],\"has_more\":false,\"last_id\":false}",
                     "last_id");
}

TEST(parse_page_names_index_of_bad_item) {
  check_page_refused(
      "{\"data\":[" ITEM(
          "m-3",
          "2025-03-01T00:00:00Z") ",{\"id\":\"m-2\",\"type\":\"model\","
                                  "\"display_name\":2,"
                                  "\"created_at\":\"2025-02-01T00:00:00Z\"}"
                                  "," ITEM(
                                      "m-1",
                                      "2025-01-01T00:00:00Z") "],\"has_more\":"
                                                              "false}",
      "data[1].display_name");
}

TEST(parse_page_names_index_of_bad_nested_capability) {
  check_page_refused(
      "{\"data\":[" ITEM("m-3", "2025-03-01T00:00:00Z") "," ITEM(
          "m-2", "2025-02-01T00:00:00Z") ",{\"id\":\"m-1\",\"type\":\"model\","
                                         "\"display_name\":"
                                         "\"m\",\"created_at\":\"2025-02-01T00:"
                                         "00:00Z\","
                                         "\"capabilities\":{\"effort\":{"
                                         "\"supported\":true,"
                                         "\"low\":true}}}],\"has_more\":false}",
      "data[2].capabilities.effort.low");
}

TEST(parse_page_refuses_non_object_item) {
  check_page_refused(
      "{\"data\":[" ITEM(
          "m-1", "2025-01-01T00:00:00Z") ",\"m-0\"],\"has_more\":false}",
      "data[1]");
}

TEST(parse_page_refuses_truncated_json_at_every_length) {
  static const char body[] = PAGE3_BODY;
  size_t full = strlen(body);
  for (size_t len = 0; len < full; len++) {
    char err[ANTH_ERRMSG_MAX];
    parsed_t *root = (parsed_t *)1;
    anthropic_models_page_t page;
    void *items = NULL;
    int rc = parse_page(body, len, &root, &page, &items, err, sizeof err);
    if (rc == 0) {
      anth__free(items);
      parsed_free(root);
    }
    if (rc != ANTHROPIC_EBADRESPONSE || root != NULL)
      FAILF("cut at %zu bytes: rc %d, root %p", len, rc, (void *)root);
  }
}

TEST(parse_page_refuses_trailing_garbage) {
  check_page_refused("{\"data\":[],\"has_more\":false}}", "JSON");
}

TEST(parse_page_refuses_array_body) {
  check_page_refused("[" ITEM("m-1", "2025-01-01T00:00:00Z") "]", "body");
}

TEST(parse_page_refuses_string_body) {
  check_page_refused("\"page\"", "body");
}

/* A page body of `n` minimal items, on the heap (the caller frees it). */
static char *page_of(size_t n, size_t *len) {
  static const char item[] = ITEM("m", "2025-01-01T00:00:00Z");
  size_t cap = 64 + n * sizeof item, k = 0;
  char *b = malloc(cap);
  CHECK(b != NULL);
  k += (size_t)snprintf(b, cap, "{\"data\":[");
  for (size_t i = 0; i < n; i++)
    k += (size_t)snprintf(b + k, cap - k, "%s%s", i ? "," : "", item);
  k += (size_t)snprintf(b + k, cap - k, "],\"has_more\":false}");
  *len = k;
  return b;
}

/* Allocations of the library and of cJSON, through the library's hooks. */
static unsigned long counted_allocs;
static void *counted_malloc(size_t n) {
  counted_allocs++;
  return malloc(n);
}
static void *counted_realloc(void *p, size_t n) {
  counted_allocs++;
  return realloc(p, n);
}
static void *counted_calloc(size_t n, size_t m) {
  counted_allocs++;
  return calloc(n, m);
}

TEST(parse_page_accepts_1000_items) {
  size_t len;
  char *body = page_of(1000, &len);
  char err[ANTH_ERRMSG_MAX];
  parsed_t *root;
  anthropic_models_page_t page;
  void *items;
  int rc = parse_page(body, len, &root, &page, &items, err, sizeof err);
  free(body);
  if (rc != 0)
    FAILF("rc %d: %s", rc, err);
  CHECK_EQ_INT(page.count, 1000);
  anth__free(items);
  parsed_free(root);
}

TEST(parse_page_refuses_more_items_than_a_page_holds_before_parsing) {
  /* The API's largest limit is 1000. An 8 MiB page of 100,000 small items
   * took 115 MB to parse; it is now refused by the pass before cJSON. */
  size_t len;
  char *body = page_of(1001, &len);
  char err[ANTH_ERRMSG_MAX];
  parsed_t *root = (parsed_t *)1;
  anthropic_models_page_t page;
  void *items = (void *)1;
  counted_allocs = 0;
  CHECK_EQ_INT(anthropic_replace_allocator(counted_malloc, counted_realloc,
                                           counted_calloc, free),
               0);
  int rc = parse_page(body, len, &root, &page, &items, err, sizeof err);
  free(body);
  if (rc == 0) {
    anth__free(items);
    parsed_free(root);
    FAILF("a page of 1001 items accepted");
  }
  CHECK_EQ_INT(rc, ANTHROPIC_EBADRESPONSE);
  CHECK(root == NULL);
  CHECK_EQ_INT(counted_allocs, 0); /* nothing of it was built */
  CHECK_CONTAINS(err, "data: 1001 items");
}

/* A ModelInfo with an unknown field holding `n` zeros: 2 bytes of body a
 * value, which cJSON would keep in 64 bytes and a heap header each. */
static char *dense_model(size_t n, size_t *len) {
  size_t cap = 256 + 2 * n, k = 0;
  char *b = malloc(cap);
  CHECK(b != NULL);
  k += (size_t)snprintf(b, cap, "{" REQUIRED_FIELDS ",\"x\":[0");
  for (size_t i = 1; i < n; i++) {
    b[k++] = ',';
    b[k++] = '0';
  }
  k += (size_t)snprintf(b + k, cap - k, "]}");
  *len = k;
  return b;
}

TEST(parse_model_takes_a_dense_body_in_one_allocation_of_its_size) {
  /* 2 MB of body with 1,000,000 values in an unknown field: cJSON's tree
   * took about 80 MB, so such a body was refused. No tree is built now: the
   * parse makes one allocation, no larger than the body, whatever the
   * body holds. */
  size_t len;
  char *body = dense_model(1000000, &len);
  char err[ANTH_ERRMSG_MAX] = "";
  parsed_t *root = NULL;
  anthropic_model_info_t m;
  counted_allocs = 0;
  CHECK_EQ_INT(anthropic_replace_allocator(counted_malloc, counted_realloc,
                                           counted_calloc, free),
               0);
  int rc = parse_model(body, len, &root, &m, err, sizeof err);
  unsigned long allocs = counted_allocs;
  CHECK_EQ_INT(anthropic_replace_allocator(malloc, realloc, calloc, free), 0);
  free(body);
  if (rc != 0)
    FAILF("rc %d: %s", rc, err);
  CHECK_EQ_STR(m.id, "claude-test-1");
  CHECK_EQ_INT((int)allocs, 1);
  parsed_free(root);
}

TEST(parse_page_refuses_escaped_nul_in_a_cursor_or_an_item) {
  check_page_refused("{\"data\":[],\"has_more\":false,"
                     "\"first_id\":\"a\\u0000b\",\"last_id\":null}",
                     "\\u0000");
  check_page_refused(
      "{\"data\":[" ITEM("m-1\\u0000x",
                         "2025-01-01T00:00:00Z") "],"
                                                 "\"has_more\":false}",
      "\\u0000");
}

TEST(parse_page_refuses_invalid_utf8_in_an_item) {
  check_page_refused(
      "{\"data\":[" ITEM("m-\xff",
                         "2025-01-01T00:00:00Z") "],"
                                                 "\"has_more\":false}",
      "invalid UTF-8 in a string at byte 18");
}

/* ---- anth__parse_error_body ---- */

#define SPEC_ERROR_BODY                                                        \
  "{\"type\":\"error\",\"error\":{\"type\":\"not_found_error\","               \
  "\"message\":\"model: nope\"},\"request_id\":\"req_011\"}"

static int parse_error_body(const char *body, size_t len, cJSON **root,
                            const char **type, const char **message,
                            const char **request_id) {
  char *copy = exact_copy(body, len);
  *root = (cJSON *)1;
  *type = *message = *request_id = "unset";
  int rc = anth__parse_error_body(copy, len, root, type, message, request_id);
  free(copy);
  return rc;
}

TEST(parse_error_body_reads_spec_error) {
  cJSON *root;
  const char *type, *message, *rid;
  int rc = parse_error_body(SPEC_ERROR_BODY, strlen(SPEC_ERROR_BODY), &root,
                            &type, &message, &rid);
  CHECK(root != NULL);
  int ok = rc == 0 && type && strcmp(type, "not_found_error") == 0 && message &&
           strcmp(message, "model: nope") == 0 && rid &&
           strcmp(rid, "req_011") == 0;
  cJSON_Delete(root);
  CHECK(ok);
}

TEST(parse_error_body_passes_unknown_error_type_through) {
  static const char body[] =
      "{\"type\":\"error\",\"error\":{\"type\":\"brand_new_error\","
      "\"message\":\"m\"}}";
  cJSON *root;
  const char *type, *message, *rid;
  int rc = parse_error_body(body, strlen(body), &root, &type, &message, &rid);
  int ok =
      rc == 0 && type && strcmp(type, "brand_new_error") == 0 && rid == NULL;
  cJSON_Delete(root);
  CHECK(ok);
}

TEST(parse_error_body_leaves_wrongly_typed_fields_null) {
  static const char body[] =
      "{\"error\":{\"type\":1,\"message\":null},\"request_id\":[]}";
  cJSON *root;
  const char *type, *message, *rid;
  int rc = parse_error_body(body, strlen(body), &root, &type, &message, &rid);
  cJSON_Delete(root);
  CHECK_EQ_INT(rc, 0);
  CHECK(type == NULL);
  CHECK(message == NULL);
  CHECK(rid == NULL);
}

TEST(parse_error_body_refuses_html) {
  static const char body[] =
      "<html><body><h1>502 Bad Gateway</h1></body></html>";
  cJSON *root;
  const char *type, *message, *rid;
  int rc = parse_error_body(body, strlen(body), &root, &type, &message, &rid);
  CHECK_EQ_INT(rc, -1);
  CHECK(root == NULL);
  CHECK(type == NULL);
  CHECK(message == NULL);
  CHECK(rid == NULL);
}

TEST(parse_error_body_refuses_empty_body) {
  cJSON *root;
  const char *type, *message, *rid;
  int rc = parse_error_body("", 0, &root, &type, &message, &rid);
  CHECK_EQ_INT(rc, -1);
  CHECK(root == NULL);
  CHECK(type == NULL);
  CHECK(message == NULL);
  CHECK(rid == NULL);
}

TEST(parse_error_body_accepts_null_empty_body) {
  cJSON *root = (cJSON *)1;
  const char *type = "x", *message = "x", *rid = "x";
  CHECK_EQ_INT(anth__parse_error_body(NULL, 0, &root, &type, &message, &rid),
               -1);
  CHECK(root == NULL);
  CHECK(type == NULL && message == NULL && rid == NULL);
}

TEST(parse_error_body_refuses_string_error_member) {
  static const char body[] = "{\"error\":\"x\"}";
  cJSON *root;
  const char *type, *message, *rid;
  int rc = parse_error_body(body, strlen(body), &root, &type, &message, &rid);
  cJSON_Delete(root); /* the caller always deletes whatever is left */
  CHECK_EQ_INT(rc, -1);
  CHECK(type == NULL);
  CHECK(message == NULL);
}

TEST(parse_error_body_refuses_json_array) {
  static const char body[] = "[{\"error\":{\"type\":\"x\"}}]";
  cJSON *root;
  const char *type, *message, *rid;
  int rc = parse_error_body(body, strlen(body), &root, &type, &message, &rid);
  CHECK_EQ_INT(rc, -1);
  CHECK(root == NULL);
  CHECK(type == NULL);
}

TEST(parse_error_body_refuses_truncated_json) {
  static const char body[] = SPEC_ERROR_BODY;
  for (size_t len = 0; len + 1 < sizeof body; len++) {
    cJSON *root;
    const char *type, *message, *rid;
    int rc = parse_error_body(body, len, &root, &type, &message, &rid);
    cJSON_Delete(root);
    if (rc != -1 || type != NULL || message != NULL || rid != NULL)
      FAILF("cut at %zu bytes: rc %d", len, rc);
  }
}

TEST(parse_error_body_ignores_a_body_whose_strings_cjson_would_change) {
  /* A message cut at \u0000 would not be the server's: fall back to the
   * status line. */
  static const char *const bodies[] = {
      "{\"error\":{\"type\":\"x_error\",\"message\":\"ok\\u0000hidden\"}}",
      "{\"error\":{\"type\":\"x\\u0000y\",\"message\":\"m\"}}",
      "{\"error\":{\"type\":\"x_error\",\"message\":\"bad \xff\"}}",
  };
  for (size_t i = 0; i < ANTH_ARRAY_SIZE(bodies); i++) {
    cJSON *root;
    const char *type, *message, *rid;
    int rc = parse_error_body(bodies[i], strlen(bodies[i]), &root, &type,
                              &message, &rid);
    int ok = rc == -1 && type == NULL && message == NULL;
    char seen[128];
    snprintf(seen, sizeof seen, "rc %d, type %s, message %s", rc,
             type ? type : "(null)", message ? message : "(null)");
    cJSON_Delete(root);
    if (!ok)
      FAILF("body %zu: %s", i, seen);
  }
}

/* ---- HTTP dates (Retry-After) ---- */

/* RFC 9110 5.6.7: a recipient must accept all three forms, of which a
 * sender may only use the first. */
TEST(http_date_accepts_the_three_forms_of_rfc_9110) {
  static const char *const forms[] = {
      "Sun, 06 Nov 1994 08:49:37 GMT", "Sunday, 06-Nov-94 08:49:37 GMT",
      "Sun Nov  6 08:49:37 1994", "Sun Nov 06 08:49:37 1994"};
  for (size_t i = 0; i < ANTH_ARRAY_SIZE(forms); i++) {
    int64_t t = 0;
    if (anth__http_date_parse(forms[i], &t) != 0)
      FAILF("refused \"%s\"", forms[i]);
    CHECK_EQ_INT(t, 784111777);
  }
}

TEST(http_date_refuses_what_is_none_of_them) {
  static const char *const bad[] = {
      "Xyz, 06 Nov 1994 08:49:37 GMT", /* not a day name */
      "Funday, 06-Nov-94 08:49:37 GMT",
      "Sun Nov 6 08:49:37 1994",
      "Sun, 06 Nov 1994 08:49:37 UTC",
      "Sun, 6 Nov 1994 08:49:37 GMT",
      "Sun, 06 Nov 1994 24:49:37 GMT",
      "Sun, 31 Feb 1994 08:49:37 GMT",
      "Sunday, 06-Nov-1994 08:49:37 GMT",
      "Sun Nov  6 08:49:37 94",
      ""};
  for (size_t i = 0; i < ANTH_ARRAY_SIZE(bad); i++) {
    int64_t t = 0;
    if (anth__http_date_parse(bad[i], &t) == 0)
      FAILF("accepted \"%s\"", bad[i]);
  }
}

/* ---- copies ---- */

TEST(model_info_copy_outlives_original_tree) {
  parsed_t *root;
  anthropic_model_info_t m;
  parse_model_ok(FULL_BODY, &root, &m);
  anthropic_response_t resp = {.status = 200, .request_id = "req_copy"};
  m.response = &resp;
  anthropic_model_info_t *copy = anthropic_model_info_copy(&m);
  parsed_free(root);
  CHECK(copy != NULL);
  check_full_model(copy);
  CHECK(copy->json_text != NULL);
  CHECK_EQ_INT((int)copy->json_len, (int)strlen(FULL_BODY));
  CHECK(copy->response != NULL);
  CHECK(copy->response != &resp);
  CHECK_EQ_INT(copy->response->status, 200);
  CHECK_EQ_STR(copy->response->request_id, "req_copy");
  CHECK(copy->response->request_id != resp.request_id);
  anthropic_model_info_free(copy);
}

TEST(model_info_copy_keeps_unknown_keys_in_json) {
  parsed_t *root;
  anthropic_model_info_t m;
  parse_model_ok(MODEL_WITH(",\"future\":\"kept\""), &root, &m);
  anthropic_model_info_t *copy = anthropic_model_info_copy(&m);
  parsed_free(root);
  CHECK(copy != NULL);
  cJSON *tree = cJSON_ParseWithLength(copy->json_text, copy->json_len);
  const cJSON *f = cJSON_GetObjectItem(tree, "future");
  int ok = cJSON_IsString(f) && strcmp(f->valuestring, "kept") == 0;
  cJSON_Delete(tree);
  anthropic_model_info_free(copy);
  CHECK(ok);
}

TEST(model_info_copy_without_response_has_null_response) {
  parsed_t *root;
  anthropic_model_info_t m;
  parse_model_ok(MINIMAL_BODY, &root, &m);
  anthropic_model_info_t *copy = anthropic_model_info_copy(&m);
  parsed_free(root);
  CHECK(copy != NULL);
  int ok = copy->response == NULL && strcmp(copy->id, "claude-test-1") == 0;
  anthropic_model_info_free(copy);
  CHECK(ok);
}

TEST(model_info_copy_keeps_response_without_request_id) {
  parsed_t *root;
  anthropic_model_info_t m;
  parse_model_ok(MINIMAL_BODY, &root, &m);
  anthropic_response_t resp = {.status = 203, .request_id = NULL};
  m.response = &resp;
  anthropic_model_info_t *copy = anthropic_model_info_copy(&m);
  parsed_free(root);
  CHECK(copy != NULL);
  int ok = copy->response != NULL && copy->response->status == 203 &&
           copy->response->request_id == NULL;
  anthropic_model_info_free(copy);
  CHECK(ok);
}

TEST(model_info_copy_of_page_item_stands_alone) {
  parsed_t *root;
  anthropic_models_page_t page;
  void *items;
  parse_page_ok(PAGE3_BODY, &root, &page, &items);
  anthropic_model_info_t *copy = anthropic_model_info_copy(page.data[1]);
  anth__free(items);
  parsed_free(root);
  CHECK(copy != NULL);
  int ok = strcmp(copy->id, "m-2") == 0 &&
           copy->created_at.unix_seconds == 1738368000 &&
           copy->response == NULL;
  anthropic_model_info_free(copy);
  CHECK(ok);
}

TEST(model_info_copy_of_null_is_null) {
  CHECK(anthropic_model_info_copy(NULL) == NULL);
}

TEST(model_info_free_accepts_null) {
  anthropic_model_info_free(NULL);
}

TEST(models_page_copy_outlives_original_tree) {
  parsed_t *root;
  anthropic_models_page_t page;
  void *items;
  parse_page_ok(PAGE3_BODY, &root, &page, &items);
  anthropic_response_t resp = {.status = 200, .request_id = "req_page"};
  page.response = &resp;
  anthropic_models_page_t *copy = anthropic_models_page_copy(&page);
  anth__free(items);
  parsed_free(root);
  CHECK(copy != NULL);
  CHECK_EQ_INT(copy->count, 3);
  CHECK(copy->has_more);
  CHECK_EQ_STR(copy->first_id, "m-3");
  CHECK_EQ_STR(copy->last_id, "m-1");
  CHECK_EQ_STR(copy->data[0]->id, "m-3");
  CHECK_EQ_STR(copy->data[1]->id, "m-2");
  CHECK_EQ_STR(copy->data[2]->id, "m-1");
  CHECK_EQ_STR(copy->data[2]->created_at.text, "2025-01-01T00:00:00Z");
  CHECK_EQ_INT(copy->data[2]->created_at.unix_seconds, 1735689600);
  CHECK(copy->data[0]->response == NULL);
  CHECK(copy->json_text != NULL);
  CHECK(copy->response != NULL && copy->response != &resp);
  CHECK_EQ_INT(copy->response->status, 200);
  CHECK_EQ_STR(copy->response->request_id, "req_page");
  anthropic_models_page_free(copy);
}

TEST(models_page_copy_of_full_item_keeps_every_field) {
  parsed_t *root;
  anthropic_models_page_t page;
  void *items;
  parse_page_ok("{\"data\":[" FULL_BODY "],\"has_more\":false,"
                "\"first_id\":\"claude-test-1\",\"last_id\":null}",
                &root, &page, &items);
  anthropic_models_page_t *copy = anthropic_models_page_copy(&page);
  anth__free(items);
  parsed_free(root);
  CHECK(copy != NULL);
  CHECK_EQ_INT(copy->count, 1);
  CHECK(!copy->has_more);
  CHECK(copy->last_id == NULL);
  CHECK(copy->response == NULL);
  check_full_model(copy->data[0]);
  anthropic_models_page_free(copy);
}

TEST(models_page_copy_of_empty_page) {
  parsed_t *root;
  anthropic_models_page_t page;
  void *items;
  parse_page_ok("{\"data\":[],\"has_more\":false,\"first_id\":null,"
                "\"last_id\":null}",
                &root, &page, &items);
  anthropic_models_page_t *copy = anthropic_models_page_copy(&page);
  parsed_free(root);
  CHECK(copy != NULL);
  int ok = copy->count == 0 && copy->data == NULL && copy->first_id == NULL &&
           !copy->has_more;
  anthropic_models_page_free(copy);
  CHECK(ok);
}

TEST(models_page_copy_of_null_is_null) {
  CHECK(anthropic_models_page_copy(NULL) == NULL);
}

TEST(models_page_free_accepts_null) {
  anthropic_models_page_free(NULL);
}

/* ---- anth__rfc3339_parse ---- */

static void check_time(const char *s, int64_t want_s, int32_t want_ns) {
  int64_t secs = -12345;
  int32_t ns = -1;
  if (anth__rfc3339_parse(s, &secs, &ns) != 0)
    FAILF("\"%s\" refused", s);
  if (secs != want_s || ns != want_ns)
    FAILF("\"%s\": %lld s %d ns, want %lld s %d ns", s, (long long)secs,
          (int)ns, (long long)want_s, (int)want_ns);
}

static void check_time_refused(const char *s) {
  int64_t secs;
  int32_t ns;
  if (anth__rfc3339_parse(s, &secs, &ns) == 0)
    FAILF("\"%s\" accepted as %lld s %d ns", s, (long long)secs, (int)ns);
}

TEST(rfc3339_epoch_is_zero) {
  check_time("1970-01-01T00:00:00Z", 0, 0);
}

TEST(rfc3339_reads_a_date) {
  check_time("2025-05-14T00:00:00Z", 1747180800, 0);
}

TEST(rfc3339_reads_time_of_day) {
  check_time("2026-01-05T12:30:00Z", 1767616200, 0);
  check_time("1970-01-01T23:59:59Z", 86399, 0);
}

TEST(rfc3339_reads_half_second_fraction) {
  check_time("1970-01-01T00:00:00.5Z", 0, 500000000);
}

TEST(rfc3339_reads_nanosecond_fraction) {
  check_time("1970-01-01T00:00:01.000000001Z", 1, 1);
  check_time("1970-01-01T00:00:00.123456Z", 0, 123456000);
}

TEST(rfc3339_truncates_fraction_to_9_digits) {
  check_time("1970-01-01T00:00:00.123456789123Z", 0, 123456789);
  check_time("1970-01-01T00:00:00.999999999999Z", 0, 999999999);
}

TEST(rfc3339_refuses_dot_without_digits) {
  check_time_refused("1970-01-01T00:00:00.Z");
}

TEST(rfc3339_applies_positive_offset) {
  check_time("2025-05-14T10:00:00+02:00", 1747209600, 0);
}

TEST(rfc3339_applies_negative_offset) {
  check_time("2025-05-14T10:00:00-05:30", 1747236600, 0);
}

TEST(rfc3339_zero_offset_equals_z) {
  check_time("2025-05-14T00:00:00+00:00", 1747180800, 0);
  check_time("2025-05-14T00:00:00-00:00", 1747180800, 0);
}

TEST(rfc3339_offset_with_fraction) {
  check_time("2026-07-05T00:00:00.25+02:00", 1783202400, 250000000);
}

TEST(rfc3339_offset_crossing_epoch_gives_negative) {
  check_time("1970-01-01T00:00:00+00:30", -1800, 0);
}

TEST(rfc3339_before_epoch_keeps_positive_fraction) {
  check_time("1969-12-31T23:59:59.75Z", -1, 750000000);
}

TEST(rfc3339_accepts_leap_day_2024) {
  check_time("2024-02-29T00:00:00Z", 1709164800, 0);
}

TEST(rfc3339_accepts_leap_day_2000) {
  check_time("2000-02-29T12:00:00Z", 951825600, 0);
}

TEST(rfc3339_refuses_feb_29_2023) {
  check_time_refused("2023-02-29T00:00:00Z");
}

TEST(rfc3339_refuses_feb_29_1900) {
  check_time_refused("1900-02-29T00:00:00Z");
}

TEST(rfc3339_refuses_month_13) {
  check_time_refused("2025-13-01T00:00:00Z");
}

TEST(rfc3339_refuses_month_0) {
  check_time_refused("2025-00-01T00:00:00Z");
}

TEST(rfc3339_refuses_day_0_and_day_past_month_end) {
  check_time_refused("2025-01-00T00:00:00Z");
  check_time_refused("2025-01-32T00:00:00Z");
  check_time_refused("2025-04-31T00:00:00Z");
}

TEST(rfc3339_refuses_hour_24) {
  check_time_refused("2025-05-14T24:00:00Z");
}

TEST(rfc3339_refuses_minute_60) {
  check_time_refused("2025-05-14T10:60:00Z");
}

TEST(rfc3339_accepts_leap_second) {
  check_time("2016-12-31T23:59:60Z", 1483228800, 0);
}

TEST(rfc3339_refuses_second_61) {
  check_time_refused("2016-12-31T23:59:61Z");
}

TEST(rfc3339_refuses_missing_zone) {
  check_time_refused("2025-05-14T00:00:00");
}

TEST(rfc3339_refuses_bad_offsets) {
  check_time_refused("2025-05-14T00:00:00+0200");
  check_time_refused("2025-05-14T00:00:00+02");
  check_time_refused("2025-05-14T00:00:00+24:00");
  check_time_refused("2025-05-14T00:00:00+02:60");
}

TEST(rfc3339_accepts_lowercase_t_and_z) {
  check_time("2025-05-14t00:00:00z", 1747180800, 0);
}

TEST(rfc3339_accepts_space_separator) {
  /* RFC 3339 section 5.6, NOTE: a space may stand for "T". */
  check_time("2025-05-14 00:00:00Z", 1747180800, 0);
}

TEST(rfc3339_refuses_trailing_text) {
  check_time_refused("2025-05-14T00:00:00Zx");
  check_time_refused("2025-05-14T00:00:00Z ");
  check_time_refused("2025-05-14T00:00:00+02:00:00");
}

TEST(rfc3339_refuses_empty_string) {
  check_time_refused("");
}

TEST(rfc3339_refuses_date_only) {
  check_time_refused("2025-05-14");
}

TEST(rfc3339_refuses_short_fields) {
  check_time_refused("2025-5-14T00:00:00Z");
  check_time_refused("2025-05-14T0:00:00Z");
  check_time_refused("25-05-14T00:00:00Z");
}

TEST(rfc3339_refuses_other_separators) {
  check_time_refused("2025/05/14T00:00:00Z");
  check_time_refused("2025-05-14X00:00:00Z");
  check_time_refused("2025-05-14T00.00.00Z");
}

TEST(rfc3339_reads_year_0001) {
  check_time("0001-01-01T00:00:00Z", -62135596800LL, 0);
}

TEST(rfc3339_reads_year_9999) {
  check_time("9999-12-31T23:59:59Z", 253402300799LL, 0);
}

/* Strings are skipped (members passed over, values' ends found) past
 * escaped quotes and backslashes, however many, and a string left open
 * ends the body's JSON. */
TEST(parse_model_skips_strings_with_escapes) {
  parsed_t *root;
  anthropic_model_info_t m;
  parse_model_ok(
      "{\"x\\\"\":\"\\\"}\\\\\",\"y\":[\"\\\\\",{\"\\\"\":\"\\\\\\\"\"}],"
      "\"id\":\"a\\\"b\\\\\",\"type\":\"model\",\"display_name\":\"\\\\\","
      "\"created_at\":\"1970-01-01T00:00:00Z\"}",
      &root, &m);
  CHECK_EQ_STR(m.id, "a\"b\\");
  CHECK_EQ_STR(m.display_name, "\\");
  parsed_free(root);
  check_model_refused("{\"id\":\"a\\\"}", "not valid JSON");
  check_model_refused("{\"id\":\"a\\\\", "not valid JSON");
}

TEST(parse_model_skips_a_long_run_of_escapes) {
  size_t n = 200000; /* "\\" n times: linear, not n^2, to skip */
  const char *head = "{\"x\":\"";
  const char *tail = "\",\"id\":\"m\",\"type\":\"model\",\"display_name\":"
                     "\"M\",\"created_at\":\"1970-01-01T00:00:00Z\"}";
  size_t hl = strlen(head), tl = strlen(tail);
  char *body = malloc(hl + 2 * n + tl + 1);
  CHECK(body != NULL);
  memcpy(body, head, hl);
  memset(body + hl, '\\', 2 * n);
  memcpy(body + hl + 2 * n, tail, tl + 1);
  parsed_t *root;
  anthropic_model_info_t m;
  parse_model_ok(body, &root, &m);
  CHECK_EQ_STR(m.id, "m");
  parsed_free(root);
  free(body);
}

/* A number skipped (an unknown member's) is taken exactly when strtod()
 * takes all of it, as when it is read. */
TEST(parse_model_skips_the_numbers_strtod_takes_whole) {
  static const char *const runs[] = {
      "0",    "-1",    "+1",   "1.",  ".5",  "-.5",  "1.5e3", "1E+05",
      "1e-5", "1.e5",  "1e",   "1e+", "1e-", "-",    "+",     ".",
      "-.",   "1.5.3", "1e5e", "1-2", "--1", "1..2", ".e1",   "1e5.5",
      "00",   "1e999", "-0.0", "9.",  "1+",  "1ee5", "e5",    "+.e"};
  for (size_t i = 0; i < ANTH_ARRAY_SIZE(runs); i++) {
    char *after;
    (void)strtod(runs[i], &after);
    bool whole = *after == '\0';
    char body[256];
    snprintf(body, sizeof body,
             "{\"x\":[%s],\"id\":\"m\",\"type\":\"model\",\"display_name\":"
             "\"M\",\"created_at\":\"1970-01-01T00:00:00Z\"}",
             runs[i]);
    char err[ANTH_ERRMSG_MAX];
    parsed_t *root = NULL;
    anthropic_model_info_t m;
    int rc = parse_model(body, strlen(body), &root, &m, err, sizeof err);
    /* A run starting with '+' or '.' is no JSON value at all. */
    bool starts = runs[i][0] == '-' || (runs[i][0] >= '0' && runs[i][0] <= '9');
    if ((rc == 0) != (whole && starts))
      FAILF("%s: rc %d, strtod takes it whole: %d", runs[i], rc, (int)whole);
    parsed_free(root);
  }
}

/* A body without Content-Length: cut short only when JSON it opens never
 * closes. */
static bool cut(const char *s) {
  return anth__json_cut_short(s, strlen(s));
}

/* anth__parse_model_json on the literal: its result code, message in err. */
static int model_json(const char *body, size_t len, const char **text,
                      size_t *text_len, char *err, size_t errlen) {
  char *copy = exact_copy(body, len); /* no byte past the end to lean on */
  int rc = anth__parse_model_json(copy, len, text, text_len, err, errlen);
  if (rc == 0) {
    CHECK(*text >= copy && *text + *text_len <= copy + len);
    *text = body + (*text - copy);
  }
  free(copy);
  return rc;
}

TEST(parse_model_json_hands_over_the_bytes_the_typed_parse_does) {
  static const char body[] = " \n" FULL_BODY "\r\n";
  parsed_t *root;
  anthropic_model_info_t m;
  char err[ANTH_ERRMSG_MAX];
  const char *text = NULL;
  size_t text_len = 0;
  CHECK_EQ_INT(parse_model(body, sizeof body - 1, &root, &m, err, sizeof err),
               0);
  size_t at = (size_t)(m.json_text - root->body);
  CHECK_EQ_INT(
      model_json(body, sizeof body - 1, &text, &text_len, err, sizeof err), 0);
  CHECK_EQ_INT((int)(text - body), (int)at);
  CHECK_EQ_INT((int)text_len, (int)m.json_len);
  CHECK(memcmp(text, FULL_BODY, text_len) == 0);
  parsed_free(root);
}

TEST(parse_model_json_refuses_what_is_not_a_whole_object_with_an_id) {
  static const struct {
    const char *body, *what;
  } bad[] = {
      {"", "not valid JSON"},
      {"{\"id\":\"claude-op", "not valid JSON"}, /* cut short */
      {"{\"id\":\"a\"}}", "not valid JSON"},     /* trailing bytes */
      {"{\"id\":\"a\",}", "not valid JSON"},
      {"[{\"id\":\"a\"}]", "body: expected a ModelInfo object"},
      {"\"a\"", "body: expected a ModelInfo object"},
      {"null", "body: expected a ModelInfo object"},
      {"{}", "id: expected a string"},
      {"{\"id\":1}", "id: expected a string"},
      {"{\"id\":null}", "id: expected a string"},
  };
  for (size_t i = 0; i < ANTH_ARRAY_SIZE(bad); i++) {
    char err[ANTH_ERRMSG_MAX] = "";
    const char *text = NULL;
    size_t text_len = 0;
    int rc = model_json(bad[i].body, strlen(bad[i].body), &text, &text_len, err,
                        sizeof err);
    if (rc != ANTHROPIC_EBADRESPONSE)
      FAILF("body %zu (%s): rc %d, want bad_response", i, bad[i].body, rc);
    CHECK_CONTAINS(err, bad[i].what);
    CHECK(text == NULL);
  }
  /* The typed parse gives the same message for each. */
  for (size_t i = 0; i < ANTH_ARRAY_SIZE(bad); i++) {
    char err[ANTH_ERRMSG_MAX] = "";
    parsed_t *root;
    anthropic_model_info_t m;
    CHECK_EQ_INT(parse_model(bad[i].body, strlen(bad[i].body), &root, &m, err,
                             sizeof err),
                 ANTHROPIC_EBADRESPONSE);
    CHECK_CONTAINS(err, bad[i].what);
  }
}

TEST(parse_model_json_leaves_the_fields_past_id_unchecked) {
  /* Documented: only the shape is checked, so the caller's own parse
   * sees these (the typed parse refuses each). */
  static const char *const ok[] = {
      "{\"id\":\"m\"}",
      "{\"id\":\"m\",\"type\":\"other\"}",
      "{\"id\":\"m\",\"created_at\":7}",
  };
  for (size_t i = 0; i < ANTH_ARRAY_SIZE(ok); i++) {
    char err[ANTH_ERRMSG_MAX] = "";
    const char *text = NULL;
    size_t text_len = 0;
    CHECK_EQ_INT(
        model_json(ok[i], strlen(ok[i]), &text, &text_len, err, sizeof err), 0);
    CHECK(text == ok[i] && text_len == strlen(ok[i]));
  }
}

TEST(json_cut_short_sees_an_object_or_array_left_open) {
  CHECK(cut("{"));
  CHECK(cut(" \n{\"data\":[{\"id\":\"a\"}"));
  CHECK(cut("{\"id\":\"claude-op"));   /* inside a string */
  CHECK(cut("{\"id\":\"a\\\"}\""));    /* an escaped quote is no end */
  CHECK(cut("{\"id\":\"a\\"));         /* ends on the escape */
  CHECK(cut("{\"s\":\"}]\",\"t\":1")); /* brackets inside a string */
  CHECK(cut("[1,[2,3]"));
}

TEST(json_cut_short_leaves_the_rest_to_the_parser) {
  CHECK(!cut(""));
  CHECK(!cut("  \r\n"));
  CHECK(!cut("{}"));
  CHECK(!cut(" {\"data\":[{\"id\":\"a}\"}],\"has_more\":false}\n"));
  CHECK(!cut("{\"id\":\"a\\\\\"}")); /* an escaped backslash, then the end */
  CHECK(!cut("[1,[2,3]]"));
  CHECK(!cut("{} trailing")); /* closed: the parser refuses it */
  CHECK(!cut("<html><body>502</body></html>"));
  CHECK(!cut("\"a string\""));
  CHECK(!anth__json_cut_short(NULL, 0));
}

/* The single walk reads what the scan of each object read before it
 * (anth__parse_*_ref): the same code, message and values, on bodies that
 * take its rarer turns - duplicated and escaped keys at each level, a
 * group that is not an object, an item that is not, a root that is not an
 * object, bodies it refuses and leaves to the scan to explain. */
TEST(parse_walk_reads_what_the_scans_read) {
  static const char *const models[] = {
      MINIMAL_BODY,
      "{" REQUIRED_FIELDS ",\"capabilities\":" FULL_CAPABILITIES "}",
      "{" REQUIRED_FIELDS ",\"capabilities\":{\"batch\":{\"supported\":true},"
      "\"batch\":{\"supported\":1}}}",
      "{" REQUIRED_FIELDS ",\"capabilities\":{\"b\\u0061tch\":"
      "{\"supp\\u006frted\":true,\"supported\":false}}}",
      "{" REQUIRED_FIELDS ",\"capabilities\":{\"thinking\":{\"supported\":"
      "true,\"types\":{\"enabled\":{\"supported\":false},\"enabled\":7}},"
      "\"thinking\":5}}",
      "{" REQUIRED_FIELDS ",\"capabilities\":{\"thinking\":{\"supported\":"
      "true,\"types\":7}}}",
      "{" REQUIRED_FIELDS ",\"capabilities\":{\"thinking\":{\"types\":{}}}}",
      "{" REQUIRED_FIELDS ",\"capabilities\":{\"x\":[{\"batch\":1}],"
      "\"batch\":{\"supported\":false},\"effort\":{\"supported\":true,"
      "\"max\":{\"supported\":null}}}}",
      "{" REQUIRED_FIELDS ",\"capabilities\":{},\"capabilities\":7}",
      "{" REQUIRED_FIELDS ",\"capabilities\":[]}",
      "{\"i\\u0064\":\"x\",\"id\":5,\"type\":\"model\"}",
      "{\"id\":\"a\",\"id\":5}",
      "{\"id\":5,\"id\":\"a\"}",
      "[" MINIMAL_BODY "]",
      "\xef\xbb\xbf " MINIMAL_BODY " \n",
      "{" REQUIRED_FIELDS ",\"x\":\"\\u0000\"}",
      "{" REQUIRED_FIELDS ",\"x\":\"\\ud800\"}",
      "{" REQUIRED_FIELDS ",\"x\":\"\xc0\xaf\"}",
      "{" REQUIRED_FIELDS ",\"x\":\"\x01\"}",
      "{" REQUIRED_FIELDS ",\"x\":01}",
      "{" REQUIRED_FIELDS ",\"x\":[1,]}",
      "{" REQUIRED_FIELDS "} x",
      "{" REQUIRED_FIELDS ",\"x\":\"\\ud83d\\ude00\\u00e9\xe2\x82\xac\"}",
      "",
  };
  static const char *const pages[] = {
      "{\"data\":[],\"has_more\":false}",
      "{\"data\":[" MINIMAL_BODY "," MINIMAL_BODY "],\"has_more\":true,"
      "\"first_id\":\"a\",\"last_id\":null}",
      "{\"d\\u0061ta\":[" MINIMAL_BODY "],\"has_more\":false}",
      "{\"data\":[],\"data\":[1],\"has_more\":true,\"first_id\":null}",
      "{\"data\":[" MINIMAL_BODY ",5],\"has_more\":false}",
      "{\"has_more\":false,\"data\":[" MINIMAL_BODY "],\"last_id\":3}",
      "{\"data\":[{\"id\":\"a\"}],\"has_more\":false}",
      "{\"data\":7,\"has_more\":false}",
      "[\"data\",[1,2]]",
      "{\"data\":[" MINIMAL_BODY "],\"has_more\":false,\"x\":\"\\u0000\"}",
      "{\"data\":[" MINIMAL_BODY "],\"has_more\":false",
  };
  for (size_t i = 0; i < sizeof models / sizeof models[0]; i++) {
    const char *b = models[i];
    size_t len = strlen(b);
    char err[ANTH_ERRMSG_MAX] = "", ref_err[ANTH_ERRMSG_MAX] = "";
    char *arena = NULL, *ref_arena = NULL;
    anth_model_t m, ref;
    int rc = anth__parse_model(b, len, &arena, &m, err, sizeof err);
    int ref_rc = anth__parse_model_ref(b, len, &ref_arena, &ref, ref_err,
                                       sizeof ref_err);
    CHECK_EQ_INT(rc, ref_rc);
    CHECK_EQ_STR(err, ref_err);
    if (rc == 0) {
      const anthropic_capabilities_t *c = m.info.capabilities,
                                     *rc_ = ref.info.capabilities;
      CHECK_EQ_STR(m.info.id, ref.info.id);
      CHECK_EQ_INT(c->state, rc_->state);
      CHECK_EQ_INT(c->batch.state, rc_->batch.state);
      CHECK_EQ_INT(c->batch.supported, rc_->batch.supported);
      CHECK_EQ_INT(c->thinking->state, rc_->thinking->state);
      CHECK_EQ_INT(c->thinking->types, rc_->thinking->types);
      CHECK_EQ_INT(c->thinking->enabled.state, rc_->thinking->enabled.state);
      CHECK_EQ_INT(c->thinking->enabled.supported,
                   rc_->thinking->enabled.supported);
      CHECK_EQ_INT(c->effort->max.state, rc_->effort->max.state);
    }
    anth__free(arena);
    anth__free(ref_arena);
    const char *text = NULL, *ref_text = NULL;
    size_t text_len = 0, ref_len = 0;
    err[0] = ref_err[0] = '\0';
    rc = anth__parse_model_json(b, len, &text, &text_len, err, sizeof err);
    ref_rc = anth__parse_model_json_ref(b, len, &ref_text, &ref_len, ref_err,
                                        sizeof ref_err);
    CHECK_EQ_INT(rc, ref_rc);
    CHECK_EQ_STR(err, ref_err);
    CHECK(text == ref_text && text_len == ref_len);
  }
  for (size_t i = 0; i < sizeof pages / sizeof pages[0]; i++) {
    const char *b = pages[i];
    size_t len = strlen(b);
    char err[ANTH_ERRMSG_MAX] = "", ref_err[ANTH_ERRMSG_MAX] = "";
    char *arena = NULL, *ref_arena = NULL;
    anthropic_models_page_t p, ref;
    void *items = NULL, *ref_items = NULL;
    int rc = anth__parse_page(b, len, &arena, &p, &items, err, sizeof err);
    int ref_rc = anth__parse_page_ref(b, len, &ref_arena, &ref, &ref_items,
                                      ref_err, sizeof ref_err);
    CHECK_EQ_INT(rc, ref_rc);
    CHECK_EQ_STR(err, ref_err);
    if (rc == 0) {
      CHECK_EQ_INT(p.count, ref.count);
      CHECK_EQ_INT(p.has_more, ref.has_more);
      CHECK_EQ_STR(p.first_id, ref.first_id);
      CHECK_EQ_STR(p.last_id, ref.last_id);
      for (size_t k = 0; k < p.count; k++)
        CHECK_EQ_STR(p.data[k]->id, ref.data[k]->id);
    }
    anth__free(items);
    anth__free(ref_items);
    anth__free(arena);
    anth__free(ref_arena);
  }
}

int main(void) {
  return RUN(
      T(parse_model_reads_every_field_of_full_model_info),
      T(parse_model_reads_created_at_text_and_time),
      T(parse_model_accepts_epoch_created_at),
      T(parse_model_leaves_absent_2026_fields_absent_and_zero),
      T(parse_model_marks_null_2026_fields_null),
      T(parse_model_marks_null_capabilities_null),
      T(parse_model_reads_empty_capabilities_as_all_absent),
      T(parse_model_marks_null_effort_null),
      T(parse_model_marks_null_thinking_types_null),
      T(parse_model_marks_missing_thinking_types_absent),
      T(parse_model_marks_null_xhigh_null),
      T(parse_model_marks_null_simple_capability_null),
      T(parse_model_lifecycle_active), T(parse_model_lifecycle_deprecated),
      T(parse_model_lifecycle_retired),
      T(parse_model_lifecycle_unknown_value_is_other_with_text_kept),
      T(parse_model_lifecycle_is_case_sensitive),
      T(parse_model_lifecycle_null_is_unset),
      T(parse_model_keeps_unknown_line_value),
      T(parse_model_ignores_unknown_keys_but_keeps_them_in_json),
      T(capability_by_path_reaches_known_and_unknown_capabilities),
      T(model_info_json_writes_every_schema_field_in_order),
      T(model_info_json_is_byte_for_byte_cjsons_form),
      T(parse_model_keeps_non_ascii_display_name_byte_exact),
      T(parse_model_decodes_unicode_escapes_in_display_name_to_utf8),
      T(parse_model_accepts_zero_and_2_pow_53_token_counts),
      T(parse_model_accepts_integer_written_with_exponent),
      T(parse_model_accepts_trailing_whitespace),
      T(parse_model_refuses_numeric_id), T(parse_model_refuses_missing_id),
      T(parse_model_refuses_type_other_than_model),
      T(parse_model_refuses_missing_display_name),
      T(parse_model_refuses_null_display_name),
      T(parse_model_refuses_missing_created_at),
      T(parse_model_refuses_null_created_at),
      T(parse_model_refuses_unparseable_created_at),
      T(parse_model_refuses_numeric_created_at),
      T(parse_model_refuses_string_max_tokens),
      T(parse_model_refuses_negative_max_tokens),
      T(parse_model_refuses_fractional_max_tokens),
      T(parse_model_refuses_max_tokens_beyond_2_pow_53),
      T(parse_model_refuses_boolean_max_input_tokens),
      T(parse_model_refuses_numeric_lifecycle),
      T(parse_model_refuses_numeric_line),
      T(parse_model_refuses_unparseable_deprecated_at),
      T(parse_model_refuses_numeric_retires_at),
      T(parse_model_refuses_string_capabilities),
      T(parse_model_refuses_array_capabilities),
      T(parse_model_refuses_boolean_capability_entry),
      T(parse_model_refuses_capability_without_supported),
      T(parse_model_refuses_null_supported),
      T(parse_model_refuses_string_supported_in_thinking_type),
      T(parse_model_refuses_non_object_thinking_types),
      T(parse_model_refuses_thinking_without_supported),
      T(parse_model_refuses_bad_effort_entry),
      T(parse_model_refuses_bad_context_management_entry),
      T(parse_model_refuses_bad_server_tools_entry),
      T(parse_model_refuses_string_group_capability),
      T(parse_model_refuses_truncated_json_at_every_length),
      T(parse_model_refuses_empty_body),
      T(parse_model_refuses_trailing_garbage),
      T(parse_model_refuses_embedded_nul_after_object),
      T(parse_model_refuses_array_body), T(parse_model_refuses_string_body),
      T(parse_model_refuses_null_body),
      T(parse_model_refuses_escaped_nul_that_would_cut_the_id),
      T(parse_model_refuses_escaped_nul_in_a_key),
      T(parse_model_refuses_raw_nul_in_a_string),
      T(parse_model_refuses_raw_control_bytes_in_a_string),
      T(parse_model_refuses_invalid_utf8_in_display_name),
      T(parse_model_accepts_utf8_at_every_boundary),
      T(parse_model_refuses_unpaired_surrogate_escapes),
      T(parse_model_takes_the_first_of_duplicate_keys),
      T(parse_model_keys_are_case_sensitive),
      T(parse_page_reads_three_items_in_order),
      T(parse_page_reads_has_more_and_cursors),
      T(parse_page_reads_has_more_false), T(parse_page_empty_with_null_cursors),
      T(parse_page_absent_cursors_are_null), T(parse_page_ignores_unknown_keys),
      T(parse_page_refuses_missing_data), T(parse_page_refuses_data_not_array),
      T(parse_page_refuses_null_data), T(parse_page_refuses_missing_has_more),
      T(parse_page_refuses_string_has_more),
      T(parse_page_refuses_numeric_cursor),
      T(parse_page_names_index_of_bad_item),
      T(parse_page_names_index_of_bad_nested_capability),
      T(parse_page_refuses_non_object_item),
      T(parse_page_refuses_truncated_json_at_every_length),
      T(parse_page_refuses_trailing_garbage), T(parse_page_refuses_array_body),
      T(parse_page_refuses_string_body), T(parse_page_accepts_1000_items),
      T(parse_page_refuses_more_items_than_a_page_holds_before_parsing),
      T(parse_model_takes_a_dense_body_in_one_allocation_of_its_size),
      T(parse_page_refuses_escaped_nul_in_a_cursor_or_an_item),
      T(parse_page_refuses_invalid_utf8_in_an_item),
      T(parse_error_body_reads_spec_error),
      T(parse_error_body_passes_unknown_error_type_through),
      T(parse_error_body_leaves_wrongly_typed_fields_null),
      T(parse_error_body_refuses_html), T(parse_error_body_refuses_empty_body),
      T(parse_error_body_accepts_null_empty_body),
      T(parse_error_body_refuses_string_error_member),
      T(parse_error_body_refuses_json_array),
      T(parse_error_body_refuses_truncated_json),
      T(parse_error_body_ignores_a_body_whose_strings_cjson_would_change),
      T(http_date_accepts_the_three_forms_of_rfc_9110),
      T(http_date_refuses_what_is_none_of_them),
      T(model_info_copy_outlives_original_tree),
      T(model_info_copy_keeps_unknown_keys_in_json),
      T(model_info_copy_without_response_has_null_response),
      T(model_info_copy_keeps_response_without_request_id),
      T(model_info_copy_of_page_item_stands_alone),
      T(model_info_copy_of_null_is_null), T(model_info_free_accepts_null),
      T(models_page_copy_outlives_original_tree),
      T(models_page_copy_of_full_item_keeps_every_field),
      T(models_page_copy_of_empty_page), T(models_page_copy_of_null_is_null),
      T(models_page_free_accepts_null), T(rfc3339_epoch_is_zero),
      T(rfc3339_reads_a_date), T(rfc3339_reads_time_of_day),
      T(rfc3339_reads_half_second_fraction),
      T(rfc3339_reads_nanosecond_fraction),
      T(rfc3339_truncates_fraction_to_9_digits),
      T(rfc3339_refuses_dot_without_digits), T(rfc3339_applies_positive_offset),
      T(rfc3339_applies_negative_offset), T(rfc3339_zero_offset_equals_z),
      T(rfc3339_offset_with_fraction),
      T(rfc3339_offset_crossing_epoch_gives_negative),
      T(rfc3339_before_epoch_keeps_positive_fraction),
      T(rfc3339_accepts_leap_day_2024), T(rfc3339_accepts_leap_day_2000),
      T(rfc3339_refuses_feb_29_2023), T(rfc3339_refuses_feb_29_1900),
      T(rfc3339_refuses_month_13), T(rfc3339_refuses_month_0),
      T(rfc3339_refuses_day_0_and_day_past_month_end),
      T(rfc3339_refuses_hour_24), T(rfc3339_refuses_minute_60),
      T(rfc3339_accepts_leap_second), T(rfc3339_refuses_second_61),
      T(rfc3339_refuses_missing_zone), T(rfc3339_refuses_bad_offsets),
      T(rfc3339_accepts_lowercase_t_and_z), T(rfc3339_accepts_space_separator),
      T(rfc3339_refuses_trailing_text), T(rfc3339_refuses_empty_string),
      T(rfc3339_refuses_date_only), T(rfc3339_refuses_short_fields),
      T(rfc3339_refuses_other_separators), T(rfc3339_reads_year_0001),
      T(rfc3339_reads_year_9999), T(parse_model_skips_strings_with_escapes),
      T(parse_model_skips_a_long_run_of_escapes),
      T(parse_model_skips_the_numbers_strtod_takes_whole),
      T(parse_model_json_hands_over_the_bytes_the_typed_parse_does),
      T(parse_model_json_refuses_what_is_not_a_whole_object_with_an_id),
      T(parse_model_json_leaves_the_fields_past_id_unchecked),
      T(json_cut_short_sees_an_object_or_array_left_open),
      T(json_cut_short_leaves_the_rest_to_the_parser),
      T(parse_walk_reads_what_the_scans_read));
}
