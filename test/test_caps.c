/* test_caps.c - the capability table, ANTHROPIC_CAPABILITY_MAP: the
 * structs it generates keep the layout of 1.1.0 (ABI), and every row of it
 * is read, reached by path and written back, so that a row added to the
 * map is tested by adding it. */
#include "../src/internal.h"
#include "test.h"

#include <stddef.h>

/* ---- the layout of 1.1.0, written out by hand, frozen ---- */

typedef struct v110_thinking {
  anthropic_presence_t state;
  bool supported;
  anthropic_presence_t types;
  anthropic_capability_t adaptive, between_tools, disabled, enabled;
} v110_thinking_t;

typedef struct v110_effort {
  anthropic_presence_t state;
  bool supported;
  anthropic_capability_t low, medium, high, max, xhigh;
} v110_effort_t;

typedef struct v110_context_management {
  anthropic_presence_t state;
  bool supported;
  anthropic_capability_t clear_thinking_20251015, clear_tool_uses_20250919,
      compact_20260112;
} v110_context_management_t;

typedef struct v110_server_tools {
  anthropic_presence_t state;
  bool supported;
  anthropic_capability_t code_execution, web_search;
} v110_server_tools_t;

typedef struct v110_capabilities {
  anthropic_presence_t state;
  anthropic_capability_t batch, citations, code_execution, image_input,
      pdf_input, structured_outputs;
  const v110_thinking_t *thinking;
  const v110_effort_t *effort;
  const v110_context_management_t *context_management;
  const v110_server_tools_t *server_tools;
} v110_capabilities_t;

/* Same offset, same size: the field of 1.1.0 is where it was. */
#define SAME_FIELD(now, then, field)                                           \
  do {                                                                         \
    CHECK_EQ_INT(offsetof(now, field), offsetof(then, field));                 \
    CHECK_EQ_INT(sizeof(((now *)0)->field), sizeof(((then *)0)->field));       \
  } while (0)

/* The generated struct is no smaller, and the fields of 1.1.0 are where
 * they were (a struct grows only at its end). */
#define SAME_START(now, then)                                                  \
  CHECK(sizeof(now) >= sizeof(then));                                          \
  SAME_FIELD(now, then, state)

TEST(generated_structs_keep_the_layout_of_1_1_0) {
  SAME_START(anthropic_capabilities_t, v110_capabilities_t);
  SAME_FIELD(anthropic_capabilities_t, v110_capabilities_t, batch);
  SAME_FIELD(anthropic_capabilities_t, v110_capabilities_t, citations);
  SAME_FIELD(anthropic_capabilities_t, v110_capabilities_t, code_execution);
  SAME_FIELD(anthropic_capabilities_t, v110_capabilities_t, image_input);
  SAME_FIELD(anthropic_capabilities_t, v110_capabilities_t, pdf_input);
  SAME_FIELD(anthropic_capabilities_t, v110_capabilities_t, structured_outputs);
  SAME_FIELD(anthropic_capabilities_t, v110_capabilities_t, thinking);
  SAME_FIELD(anthropic_capabilities_t, v110_capabilities_t, effort);
  SAME_FIELD(anthropic_capabilities_t, v110_capabilities_t, context_management);
  SAME_FIELD(anthropic_capabilities_t, v110_capabilities_t, server_tools);

  SAME_START(anthropic_thinking_capability_t, v110_thinking_t);
  SAME_FIELD(anthropic_thinking_capability_t, v110_thinking_t, supported);
  SAME_FIELD(anthropic_thinking_capability_t, v110_thinking_t, types);
  SAME_FIELD(anthropic_thinking_capability_t, v110_thinking_t, adaptive);
  SAME_FIELD(anthropic_thinking_capability_t, v110_thinking_t, between_tools);
  SAME_FIELD(anthropic_thinking_capability_t, v110_thinking_t, disabled);
  SAME_FIELD(anthropic_thinking_capability_t, v110_thinking_t, enabled);

  SAME_START(anthropic_effort_capability_t, v110_effort_t);
  SAME_FIELD(anthropic_effort_capability_t, v110_effort_t, supported);
  SAME_FIELD(anthropic_effort_capability_t, v110_effort_t, low);
  SAME_FIELD(anthropic_effort_capability_t, v110_effort_t, medium);
  SAME_FIELD(anthropic_effort_capability_t, v110_effort_t, high);
  SAME_FIELD(anthropic_effort_capability_t, v110_effort_t, max);
  SAME_FIELD(anthropic_effort_capability_t, v110_effort_t, xhigh);

  SAME_START(anthropic_context_management_capability_t,
             v110_context_management_t);
  SAME_FIELD(anthropic_context_management_capability_t,
             v110_context_management_t, supported);
  SAME_FIELD(anthropic_context_management_capability_t,
             v110_context_management_t, clear_thinking_20251015);
  SAME_FIELD(anthropic_context_management_capability_t,
             v110_context_management_t, clear_tool_uses_20250919);
  SAME_FIELD(anthropic_context_management_capability_t,
             v110_context_management_t, compact_20260112);

  SAME_START(anthropic_server_tools_capability_t, v110_server_tools_t);
  SAME_FIELD(anthropic_server_tools_capability_t, v110_server_tools_t,
             supported);
  SAME_FIELD(anthropic_server_tools_capability_t, v110_server_tools_t,
             code_execution);
  SAME_FIELD(anthropic_server_tools_capability_t, v110_server_tools_t,
             web_search);
}

/* ---- the table as data (src/parse.c) ---- */

#define PATH_OF(parent, name, path, kind) path,
#define KEY_OF(parent, name, path, kind) #name,
static const char *const map_paths[] = {ANTHROPIC_CAPABILITY_MAP(PATH_OF)};
static const char *const map_keys[] = {ANTHROPIC_CAPABILITY_MAP(KEY_OF)};

TEST(table_has_the_rows_of_the_map_in_its_order) {
  CHECK_EQ_INT(ANTH_ARRAY_SIZE(map_paths), ANTH_CAP_ROWS);
  for (size_t i = 0; i < ANTH_CAP_ROWS; i++) {
    CHECK_EQ_STR(anth__caps[i].path, map_paths[i]);
    CHECK_EQ_STR(anth__caps[i].key, map_keys[i]);
  }
}

/* The path of the row holding row i ("" for the top level). */
static const char *parent_path(size_t i) {
  for (size_t k = 0; k < ANTH_CAP_ROWS; k++)
    if ((anth__caps[k].kind == ANTH_CAP_GROUP ||
         anth__caps[k].kind == ANTH_CAP_OBJECT) &&
        anth__caps[k].own == anth__caps[i].parent)
      return anth__caps[k].path;
  return "";
}

TEST(each_rows_path_is_its_parents_path_and_its_key) {
  for (size_t i = 0; i < ANTH_CAP_ROWS; i++) {
    char want[256];
    const char *up = parent_path(i);
    snprintf(want, sizeof want, "%s%s%s", up, *up ? "." : "",
             anth__caps[i].key);
    CHECK_EQ_STR(anth__caps[i].path, want);
  }
}

/* Parse `body` as a retrieve body; the error, or "" when it parsed. */
static const char *parse_error(const char *body, char *err, size_t errlen) {
  anth_model_t m;
  char *arena = NULL;
  err[0] = '\0';
  int rc = anth__parse_model(body, strlen(body), &arena, &m, err, errlen);
  anth__free(arena);
  if (rc == 0)
    err[0] = '\0';
  return err;
}

#define REQUIRED                                                               \
  "\"id\":\"m\",\"type\":\"model\",\"display_name\":\"M\","                    \
  "\"created_at\":\"2025-05-14T00:00:00Z\""

TEST(the_first_bad_capability_depth_first_is_the_one_reported) {
  char err[ANTH_ERRMSG_MAX];
  /* thinking's entries come before effort, whatever the order sent. */
  CHECK_CONTAINS(
      parse_error("{" REQUIRED ",\"capabilities\":{\"effort\":{\"supported\":"
                  "true,\"low\":1},\"thinking\":{\"supported\":true,\"types\":"
                  "{\"adaptive\":2}}}}",
                  err, sizeof err),
      "capabilities.thinking.types.adaptive: expected");
  /* A group is checked before its entries, its entries before the next
   * row of the top level. */
  CHECK_CONTAINS(parse_error("{" REQUIRED ",\"capabilities\":{\"effort\":{"
                             "\"supported\":1,\"low\":1}}}",
                             err, sizeof err),
                 "capabilities.effort: expected");
  CHECK_CONTAINS(parse_error("{" REQUIRED ",\"capabilities\":{\"effort\":{"
                             "\"supported\":true,\"low\":1},"
                             "\"context_management\":2}}",
                             err, sizeof err),
                 "capabilities.effort.low: expected");
  CHECK_CONTAINS(parse_error("{" REQUIRED ",\"capabilities\":{\"server_tools\":"
                             "{\"supported\":true,\"web_search\":[]},"
                             "\"batch\":3}}",
                             err, sizeof err),
                 "capabilities.batch: expected");
}

int main(void) {
  return RUN(T(generated_structs_keep_the_layout_of_1_1_0),
             T(table_has_the_rows_of_the_map_in_its_order),
             T(each_rows_path_is_its_parents_path_and_its_key),
             T(the_first_bad_capability_depth_first_is_the_one_reported));
}
