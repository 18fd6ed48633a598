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

/* The parser and the writer read a struct's rows as one run of the
 * table: the lists of ANTHROPIC_CAPABILITY_MAP in the order of ANTH_CAPS_
 * (a row's parent in its own struct's list). */
TEST(table_holds_each_structs_rows_in_one_run) {
  for (size_t i = 1; i < ANTH_CAP_ROWS; i++)
    if (anth__caps[i].strct < anth__caps[i - 1].strct)
      FAILF("%s (struct %d) after %s (struct %d)", anth__caps[i].path,
            anth__caps[i].strct, anth__caps[i - 1].path,
            anth__caps[i - 1].strct);
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

/* ---- every row, read, reached by path and written back ---- */

/* How a body sets the rows: `on` true and the others false; or `on`
 * null (the rows it holds then absent) and the others false. */
typedef struct shape {
  const anth_cap_row_t *rows;
  size_t n;
  size_t on;
  bool null;
} shape_t;

static void append(anth_buf_t *b, const char *s) {
  if (anth__buf_appends(b, s) != 0)
    FAILF("out of memory");
}

/* The object `container` of the body of `sh`; `group`: it has a
 * "supported" of its own, `supported`. */
static void put_container(anth_buf_t *b, const shape_t *sh, unsigned container,
                          bool group, bool supported) {
  bool first = true;
  append(b, "{");
  if (group) {
    append(b, supported ? "\"supported\":true" : "\"supported\":false");
    first = false;
  }
  for (size_t i = 0; i < sh->n; i++) {
    const anth_cap_row_t *r = &sh->rows[i];
    if (r->parent != container)
      continue;
    append(b, first ? "\"" : ",\"");
    append(b, r->key);
    append(b, "\":");
    first = false;
    if (i == sh->on && sh->null)
      append(b, "null");
    else if (r->kind == ANTH_CAP_GROUP || r->kind == ANTH_CAP_OBJECT)
      put_container(b, sh, r->own, r->kind == ANTH_CAP_GROUP, i == sh->on);
    else
      append(b, i == sh->on ? "{\"supported\":true}" : "{\"supported\":false}");
  }
  append(b, "}");
}

static char *body_of(const shape_t *sh) {
  anth_buf_t b = {NULL, 0, 0};
  append(&b, "{" REQUIRED ",\"capabilities\":");
  put_container(&b, sh, ANTH_CAPC_capabilities, false, false);
  append(&b, "}");
  return b.data;
}

/* Does row k sit inside row `of` (an object of it, at any depth)? */
static bool inside(const anth_cap_row_t *rows, size_t n, size_t k, size_t of) {
  unsigned up = rows[k].parent;
  for (int depth = 0; depth < 8 && up != ANTH_CAPC_capabilities; depth++) {
    size_t p = 0;
    if ((rows[of].kind == ANTH_CAP_GROUP || rows[of].kind == ANTH_CAP_OBJECT) &&
        rows[of].own == up)
      return true;
    while (p < n && !((rows[p].kind == ANTH_CAP_GROUP ||
                       rows[p].kind == ANTH_CAP_OBJECT) &&
                      rows[p].own == up))
      p++;
    if (p == n)
      return false;
    up = rows[p].parent;
  }
  return false;
}

/* Every row of `m` reads as `sh` says: its field (if it has one), and by
 * path (if it is a capability). */
static void check_rows(const anthropic_model_info_t *m, const shape_t *sh,
                       const char *what) {
  const char *at[ANTH_CAPS_COUNT];
  anth__caps_structs(m->capabilities, at);
  for (size_t k = 0; k < sh->n; k++) {
    const anth_cap_row_t *r = &sh->rows[k];
    anthropic_presence_t want = ANTHROPIC_FIELD_SET, got;
    bool want_on = k == sh->on && !sh->null, on = false;
    if (k == sh->on && sh->null)
      want = ANTHROPIC_FIELD_NULL;
    else if (sh->null && inside(sh->rows, sh->n, k, sh->on))
      want = ANTHROPIC_FIELD_ABSENT;
    if (want != ANTHROPIC_FIELD_SET)
      want_on = false;
    const char *field = at[r->strct] + r->offset;
    if (r->kind == ANTH_CAP_OBJECT) {
      got = *(const anthropic_presence_t *)(const void *)field;
      if (got != want)
        FAILF("%s: row %s (only %s %s): presence %d, want %d", what, r->path,
              sh->rows[sh->on].path, sh->null ? "null" : "true", (int)got,
              (int)want);
      continue;
    }
    if (r->kind != ANTH_CAP_PATH) {
      const char *c = r->kind == ANTH_CAP_GROUP ? at[r->group] : field;
      got = *(const anthropic_presence_t
                  *)(const void *)(c + offsetof(anthropic_capability_t, state));
      on = *(const bool *)(c + offsetof(anthropic_capability_t, supported));
      if (got != want || on != want_on)
        FAILF("%s: field of %s (only %s %s): %d %d, want %d %d", what, r->path,
              sh->rows[sh->on].path, sh->null ? "null" : "true", (int)got,
              (int)on, (int)want, (int)want_on);
    }
    got = anthropic_model_capability(m, r->path, &on);
    if (got != want || on != want_on)
      FAILF("%s: %s by path (only %s %s): %d %d, want %d %d", what, r->path,
            sh->rows[sh->on].path, sh->null ? "null" : "true", (int)got,
            (int)on, (int)want, (int)want_on);
  }
}

static void parse_or_fail(const char *body, anth_model_t *m, char **arena) {
  char err[ANTH_ERRMSG_MAX];
  if (anth__parse_model(body, strlen(body), arena, m, err, sizeof err) != 0)
    FAILF("%s: %s", body, err);
}

/* The body of `sh` parsed, written with the rows of `sh`, parsed again,
 * written again: each reads as `sh` says, and the two texts are one. */
static void round_trip(const shape_t *sh) {
  char *body = body_of(sh), *arena1 = NULL, *arena2 = NULL;
  anth_model_t m1, m2;
  parse_or_fail(body, &m1, &arena1);
  check_rows(&m1.info, sh, "parsed");
  char *json1 = anth__model_json(&m1.info, sh->rows, sh->n);
  CHECK(json1 != NULL);
  parse_or_fail(json1, &m2, &arena2);
  check_rows(&m2.info, sh, "written and parsed again");
  char *json2 = anth__model_json(&m2.info, sh->rows, sh->n);
  CHECK(json2 != NULL);
  CHECK_EQ_STR(json2, json1);
  anthropic_free(json2);
  anthropic_free(json1);
  anth__free(arena2);
  anth__free(arena1);
  anth__free(body);
}

static void round_trip_every_row(const anth_cap_row_t *rows, size_t n) {
  for (size_t on = 0; on < n; on++)
    for (int null = 0; null < 2; null++) {
      shape_t sh = {rows, n, on, null != 0};
      round_trip(&sh);
    }
}

TEST(every_row_of_the_map_is_read_reached_by_path_and_written_back) {
  round_trip_every_row(anth__caps, ANTH_CAP_ROWS);
}

TEST(the_library_writes_every_row_of_the_map) {
  shape_t sh = {anth__caps, ANTH_CAP_ROWS, 0, false};
  char *body = body_of(&sh), *arena = NULL;
  anth_model_t m;
  parse_or_fail(body, &m, &arena);
  char *mine = anth__model_json(&m.info, anth__caps, ANTH_CAP_ROWS);
  char *json = anthropic_model_info_json(&m.info);
  CHECK(json != NULL && mine != NULL);
  CHECK_EQ_STR(json, mine);
  /* The capabilities as sent are the ones written: every row, in order. */
  CHECK_CONTAINS(json, strstr(body, "\"capabilities\":"));
  anthropic_free(mine);
  anthropic_free(json);
  anth__free(arena);
  anth__free(body);
}

/* A dated capability added the way the map says, as a PATH row at the end
 * of its group: no field, read and written by path, not checked by the
 * parser. */
static const anth_cap_row_t dated = {"compact_20991231",
                                     ",\"compact_20991231\":",
                                     "context_management.compact_20991231",
                                     sizeof(",\"compact_20991231\":") - 1,
                                     ANTH_CAP_PATH,
                                     ANTH_CAPC_context_management,
                                     ANTH_CAPC_COUNT,
                                     ANTH_CAPS_context_management,
                                     ANTH_CAPS_COUNT,
                                     0};

/* anth__caps with `dated` at the end of the rows of its struct. */
static void with_dated(anth_cap_row_t *rows) {
  size_t at = 0;
  for (size_t i = 0; i < ANTH_CAP_ROWS; i++)
    if (anth__caps[i].strct == dated.strct)
      at = i + 1;
  memcpy(rows, anth__caps, at * sizeof rows[0]);
  rows[at] = dated;
  memcpy(rows + at + 1, anth__caps + at, (ANTH_CAP_ROWS - at) * sizeof rows[0]);
}

TEST(a_path_row_is_read_by_path_and_written_back) {
  anth_cap_row_t rows[ANTH_CAP_ROWS + 1];
  with_dated(rows);
  round_trip_every_row(rows, ANTH_CAP_ROWS + 1);
}

TEST(a_path_row_is_written_last_in_its_group_and_null_when_absent) {
  anth_cap_row_t rows[ANTH_CAP_ROWS + 1];
  with_dated(rows);
  char *arena = NULL;
  anth_model_t m;
  parse_or_fail("{" REQUIRED ",\"capabilities\":{\"context_management\":{"
                "\"compact_20991231\":{\"supported\":true},\"supported\":true}}"
                "}",
                &m, &arena);
  char *json = anth__model_json(&m.info, rows, ANTH_CAP_ROWS + 1);
  CHECK_CONTAINS(json, "\"compact_20260112\":null,");
  CHECK_CONTAINS(json, ",\"compact_20991231\":{\"supported\":true}},");
  anthropic_free(json);
  anth__free(arena);
  parse_or_fail("{" REQUIRED ",\"capabilities\":{\"context_management\":{"
                "\"compact_20991231\":5,\"supported\":true}}}",
                &m, &arena);
  json = anth__model_json(&m.info, rows, ANTH_CAP_ROWS + 1);
  CHECK_CONTAINS(json, "\"compact_20991231\":null}");
  anthropic_free(json);
  anth__free(arena);
}

int main(void) {
  return RUN(T(generated_structs_keep_the_layout_of_1_1_0),
             T(table_has_the_rows_of_the_map_in_its_order),
             T(each_rows_path_is_its_parents_path_and_its_key),
             T(table_holds_each_structs_rows_in_one_run),
             T(the_first_bad_capability_depth_first_is_the_one_reported),
             T(every_row_of_the_map_is_read_reached_by_path_and_written_back),
             T(the_library_writes_every_row_of_the_map),
             T(a_path_row_is_read_by_path_and_written_back),
             T(a_path_row_is_written_last_in_its_group_and_null_when_absent));
}
