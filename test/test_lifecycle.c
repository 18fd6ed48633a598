/* test_lifecycle.c - anthropic_model_lifecycle(): a model's state at a
 * given time, the whole days to its dates, and the risk verdict within a
 * window, read from real ModelInfo JSON, with no loop or server. */
#include "../src/internal.h"
#include "test.h"

/* 2026-12-01T00:00:00Z */
#define NOW INT64_C(1796083200)
#define DAY INT64_C(86400)

typedef struct lc_case {
  const char *name;
  const char *lifecycle;     /* the JSON value: "\"active\"", "null", NULL */
  const char *deprecated_at; /* a JSON value, or NULL: absent */
  const char *retires_at;    /* a JSON value, or NULL: absent */
  int64_t now;
  unsigned within;
  anthropic_lifecycle_t state;
  anthropic_lifecycle_risk_t risk;
  bool retires;
  int64_t days;
} lc_case_t;

static const lc_case_t cases[] = {
    {"active_with_no_dates_is_no_risk", "\"active\"", "null", "null", NOW, 90,
     ANTHROPIC_LIFECYCLE_ACTIVE, ANTHROPIC_RISK_NONE, false, 0},
    {"a_pre_2026_object_with_no_fields_is_no_risk", NULL, NULL, NULL, NOW, 90,
     ANTHROPIC_LIFECYCLE_UNSET, ANTHROPIC_RISK_NONE, false, 0},
    {"retiring_in_exactly_20_days_is_20_days_and_at_risk_within_30",
     "\"active\"", "null", "\"2026-12-21T00:00:00Z\"", NOW, 30,
     ANTHROPIC_LIFECYCLE_ACTIVE, ANTHROPIC_RISK_AT_RISK, true, 20},
    {"retiring_in_20_days_is_no_risk_within_10", "\"active\"", "null",
     "\"2026-12-21T00:00:00Z\"", NOW, 10, ANTHROPIC_LIFECYCLE_ACTIVE,
     ANTHROPIC_RISK_NONE, true, 20},
    {"the_window_ends_on_its_last_second_inclusive", "\"active\"", "null",
     "\"2026-12-31T00:00:00Z\"", NOW, 30, ANTHROPIC_LIFECYCLE_ACTIVE,
     ANTHROPIC_RISK_AT_RISK, true, 30},
    {"a_fraction_past_the_window_is_outside_it", "\"active\"", "null",
     "\"2026-12-31T00:00:00.001Z\"", NOW, 30, ANTHROPIC_LIFECYCLE_ACTIVE,
     ANTHROPIC_RISK_NONE, true, 30},
    {"days_round_down_19_days_23_hours_is_19", "\"active\"", "null",
     "\"2026-12-20T23:00:00Z\"", NOW, 90, ANTHROPIC_LIFECYCLE_ACTIVE,
     ANTHROPIC_RISK_AT_RISK, true, 19},
    {"an_offset_counts_2026_12_21T02_00_plus_02_00_is_20_days", "\"active\"",
     "null", "\"2026-12-21T02:00:00+02:00\"", NOW, 90,
     ANTHROPIC_LIFECYCLE_ACTIVE, ANTHROPIC_RISK_AT_RISK, true, 20},
    {"deprecated_is_at_risk_whatever_the_window", "\"deprecated\"",
     "\"2026-06-01T00:00:00Z\"", "\"2027-06-01T00:00:00Z\"", NOW, 0,
     ANTHROPIC_LIFECYCLE_DEPRECATED, ANTHROPIC_RISK_AT_RISK, true, 182},
    {"retired_is_retired", "\"retired\"", "\"2025-01-01T00:00:00Z\"",
     "\"2025-10-22T00:00:00Z\"", NOW, 90, ANTHROPIC_LIFECYCLE_RETIRED,
     ANTHROPIC_RISK_RETIRED, true, -405},
    {"an_hour_past_retirement_is_minus_one_day_and_retired", "\"deprecated\"",
     "null", "\"2026-11-30T23:00:00Z\"", NOW, 90, ANTHROPIC_LIFECYCLE_RETIRED,
     ANTHROPIC_RISK_RETIRED, true, -1},
    {"retirement_at_now_exactly_has_passed", "\"active\"", "null",
     "\"2026-12-01T00:00:00Z\"", NOW, 90, ANTHROPIC_LIFECYCLE_RETIRED,
     ANTHROPIC_RISK_RETIRED, true, 0},
    {"active_past_its_deprecation_date_is_deprecated", "\"active\"",
     "\"2026-11-01T00:00:00Z\"", "null", NOW, 90,
     ANTHROPIC_LIFECYCLE_DEPRECATED, ANTHROPIC_RISK_AT_RISK, false, 0},
    {"active_before_its_deprecation_date_stays_active", "\"active\"",
     "\"2027-11-01T00:00:00Z\"", "null", NOW, 90, ANTHROPIC_LIFECYCLE_ACTIVE,
     ANTHROPIC_RISK_NONE, false, 0},
    {"a_lifecycle_newer_than_the_library_is_at_risk", "\"sunsetting\"", "null",
     "null", NOW, 90, ANTHROPIC_LIFECYCLE_OTHER, ANTHROPIC_RISK_AT_RISK, false,
     0},
    {"a_null_lifecycle_with_a_date_passed_is_retired", "null", "null",
     "\"2020-01-01T00:00:00Z\"", NOW, 90, ANTHROPIC_LIFECYCLE_RETIRED,
     ANTHROPIC_RISK_RETIRED, true, -2526},
    {"a_far_future_date_does_not_overflow", "\"active\"", "null",
     "\"9999-12-31T23:59:59Z\"", NOW, UINT32_MAX, ANTHROPIC_LIFECYCLE_ACTIVE,
     ANTHROPIC_RISK_AT_RISK, true, 2912108},
    {"a_huge_window_at_the_edge_of_time_does_not_overflow", "\"active\"",
     "null", "\"2026-12-21T00:00:00Z\"", INT64_MAX - 10, UINT32_MAX,
     ANTHROPIC_LIFECYCLE_RETIRED, ANTHROPIC_RISK_RETIRED, true,
     (INT64_C(1797811200) - (INT64_MAX - 10)) / DAY - 1},
    {"a_now_far_in_the_past_does_not_overflow", "\"active\"", "null",
     "\"2026-12-21T00:00:00Z\"", INT64_MIN, 90, ANTHROPIC_LIFECYCLE_ACTIVE,
     ANTHROPIC_RISK_NONE, true, INT64_MAX / DAY},
};

static void parse_case(const lc_case_t *c, char **arena, anth_model_t *m) {
  char body[512];
  int n = snprintf(body, sizeof body,
                   "{\"id\":\"m\",\"type\":\"model\",\"display_name\":\"M\","
                   "\"created_at\":\"2025-01-01T00:00:00Z\"%s%s%s%s%s%s}",
                   c->lifecycle ? ",\"lifecycle\":" : "",
                   c->lifecycle ? c->lifecycle : "",
                   c->deprecated_at ? ",\"deprecated_at\":" : "",
                   c->deprecated_at ? c->deprecated_at : "",
                   c->retires_at ? ",\"retires_at\":" : "",
                   c->retires_at ? c->retires_at : "");
  CHECK(n > 0 && (size_t)n < sizeof body);
  char err[256] = "";
  int rc = anth__parse_model(body, (size_t)n, arena, m, err, sizeof err);
  if (rc != 0)
    FAILF("parse: %s", err);
}

static void check_case(const lc_case_t *c) {
  char *arena = NULL;
  anth_model_t m;
  parse_case(c, &arena, &m);
  anthropic_lifecycle_summary_t s = ANTHROPIC_LIFECYCLE_SUMMARY_INIT;
  CHECK_EQ_INT(anthropic_model_lifecycle(&m.info, c->now, c->within, &s), 0);
  CHECK_EQ_INT(s.state, c->state);
  CHECK_EQ_STR(anthropic_lifecycle_risk_name(s.risk),
               anthropic_lifecycle_risk_name(c->risk));
  CHECK(s.retires == c->retires);
  CHECK_EQ_INT(s.days_to_retirement, c->days);
  if (c->state == ANTHROPIC_LIFECYCLE_UNSET)
    CHECK(s.state_text == NULL);
  else if (c->state == ANTHROPIC_LIFECYCLE_OTHER)
    CHECK_EQ_STR(s.state_text, "sunsetting"); /* the model's own */
  else
    CHECK_EQ_STR(s.state_text, anthropic_lifecycle_name(c->state));
  anth__free(arena);
}
TABLE_TEST(cases, check_case)

TEST(days_to_deprecation_are_counted_as_retirement_days_are) {
  const lc_case_t c = {"dep",
                       "\"active\"",
                       "\"2026-12-11T12:00:00Z\"",
                       "null",
                       NOW,
                       90,
                       ANTHROPIC_LIFECYCLE_ACTIVE,
                       ANTHROPIC_RISK_NONE,
                       false,
                       0};
  char *arena = NULL;
  anth_model_t m;
  parse_case(&c, &arena, &m);
  anthropic_lifecycle_summary_t s = ANTHROPIC_LIFECYCLE_SUMMARY_INIT;
  CHECK_EQ_INT(anthropic_model_lifecycle(&m.info, NOW, 90, &s), 0);
  CHECK(s.deprecates);
  CHECK_EQ_INT(s.days_to_deprecation, 10);
  CHECK_EQ_INT(anthropic_model_lifecycle(&m.info, NOW + 11 * DAY, 90, &s), 0);
  CHECK_EQ_INT(s.days_to_deprecation, -1);
  CHECK_EQ_INT(s.state, ANTHROPIC_LIFECYCLE_DEPRECATED);
  anth__free(arena);
}

TEST(bad_arguments_are_einval_and_write_nothing) {
  const lc_case_t c = {"x", NULL, NULL, NULL, NOW, 0, 0, 0, false, 0};
  char *arena = NULL;
  anth_model_t m;
  parse_case(&c, &arena, &m);
  anthropic_lifecycle_summary_t s = ANTHROPIC_LIFECYCLE_SUMMARY_INIT;
  CHECK_EQ_INT(anthropic_model_lifecycle(NULL, NOW, 0, &s), ANTHROPIC_EINVAL);
  CHECK_EQ_INT(anthropic_model_lifecycle(&m.info, NOW, 0, NULL),
               ANTHROPIC_EINVAL);
  anthropic_lifecycle_summary_t zero;
  memset(&zero, 0, sizeof zero);
  CHECK_EQ_INT(anthropic_model_lifecycle(&m.info, NOW, 0, &zero),
               ANTHROPIC_EINVAL);
  /* an older, smaller struct gets only the fields it has */
  struct {
    size_t size;
    anthropic_lifecycle_t state;
    int canary;
  } old = {offsetof(anthropic_lifecycle_summary_t, risk), 0, 0x5a5a};
  CHECK_EQ_INT(anthropic_model_lifecycle(&m.info, NOW, 0,
                                         (anthropic_lifecycle_summary_t *)&old),
               0);
  CHECK_EQ_INT(old.state, ANTHROPIC_LIFECYCLE_UNSET);
  CHECK_EQ_INT(old.canary, 0x5a5a);
  CHECK_EQ_STR(anthropic_lifecycle_risk_name((anthropic_lifecycle_risk_t)7),
               "unknown");
  anth__free(arena);
}

TEST(each_lifecycle_and_risk_has_its_name) {
  CHECK_EQ_STR(anthropic_lifecycle_name(ANTHROPIC_LIFECYCLE_UNSET), "unset");
  CHECK_EQ_STR(anthropic_lifecycle_name(ANTHROPIC_LIFECYCLE_ACTIVE), "active");
  CHECK_EQ_STR(anthropic_lifecycle_name(ANTHROPIC_LIFECYCLE_DEPRECATED),
               "deprecated");
  CHECK_EQ_STR(anthropic_lifecycle_name(ANTHROPIC_LIFECYCLE_RETIRED),
               "retired");
  CHECK_EQ_STR(anthropic_lifecycle_name(ANTHROPIC_LIFECYCLE_OTHER), "other");
  CHECK_EQ_STR(anthropic_lifecycle_name((anthropic_lifecycle_t)99), "unknown");
  CHECK_EQ_STR(anthropic_lifecycle_risk_name(ANTHROPIC_RISK_NONE), "none");
  CHECK_EQ_STR(anthropic_lifecycle_risk_name(ANTHROPIC_RISK_AT_RISK),
               "at_risk");
  CHECK_EQ_STR(anthropic_lifecycle_risk_name(ANTHROPIC_RISK_RETIRED),
               "retired");
}

/* anthropic_time_parse(): the library's own reading of the API's times,
 * for a time given as text (the CLI's --now). */
TEST(a_time_given_as_text_is_read_as_the_api_s_are) {
  static const struct {
    const char *text;
    int64_t seconds;
    int32_t ns;
  } good[] = {
      {"2026-12-01T00:00:00Z", NOW, 0},
      {"2026-12-01t00:00:00z", NOW, 0},
      {"2026-12-01 00:00:00Z", NOW, 0},
      {"2026-12-01T02:00:00+02:00", NOW, 0},
      {"2026-11-30T23:00:00-01:00", NOW, 0},
      {"2026-12-01T00:00:00.5Z", NOW, 500000000},
      {"2024-02-29T00:00:60Z", INT64_C(1709164860), 0},
  };
  for (size_t k = 0; k < ANTH_ARRAY_SIZE(good); k++) {
    anthropic_time_t t;
    memset(&t, 0, sizeof t);
    CHECK_EQ_INT(anthropic_time_parse(good[k].text, &t), 0);
    CHECK_EQ_INT(t.state, ANTHROPIC_FIELD_SET);
    CHECK(t.text == good[k].text);
    CHECK_EQ_INT(t.unix_seconds, good[k].seconds);
    CHECK_EQ_INT(t.nanoseconds, good[k].ns);
  }
  static const char *const bad[] = {"",
                                    "2026-12-01",
                                    "2026-12-01T00:00:00",
                                    "2026-13-01T00:00:00Z",
                                    "2025-02-29T00:00:00Z",
                                    "2026-12-01T24:00:00Z",
                                    "2026-12-01T00:00:00.Z",
                                    "2026-12-01T00:00:00+2:00",
                                    "2026-12-01T00:00:00Z ",
                                    "yesterday"};
  for (size_t k = 0; k < ANTH_ARRAY_SIZE(bad); k++) {
    anthropic_time_t t = {ANTHROPIC_FIELD_NULL, NULL, 7, 8};
    CHECK_EQ_INT(anthropic_time_parse(bad[k], &t), ANTHROPIC_EINVAL);
    CHECK_EQ_INT(t.state, ANTHROPIC_FIELD_NULL); /* left as it was */
    CHECK_EQ_INT(t.unix_seconds, 7);
  }
  anthropic_time_t t;
  CHECK_EQ_INT(anthropic_time_parse(NULL, &t), ANTHROPIC_EINVAL);
  CHECK_EQ_INT(anthropic_time_parse("2026-12-01T00:00:00Z", NULL),
               ANTHROPIC_EINVAL);
}

int main(void) {
  return RUN(TABLE(cases),
             T(days_to_deprecation_are_counted_as_retirement_days_are),
             T(bad_arguments_are_einval_and_write_nothing),
             T(each_lifecycle_and_risk_has_its_name),
             T(a_time_given_as_text_is_read_as_the_api_s_are));
}
