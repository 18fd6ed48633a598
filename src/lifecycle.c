/* lifecycle.c - a model's lifecycle at a given time: its state moved on by
 * its dates, the whole days to its retirement and deprecation, and whether
 * it is at risk within a window. Pure: no clock, no allocation. */
#include "internal.h"

#define DAY_S 86400

/* Whole days from `now` to `t`, rounded down (toward minus infinity): 20
 * for exactly twenty days, -1 for an hour past. Saturates instead of
 * overflowing on a date at the edge of int64 seconds. */
static int64_t days_until(const anthropic_time_t *t, int64_t now) {
  int64_t d;
  if (__builtin_sub_overflow(t->unix_seconds, now, &d))
    return t->unix_seconds > now ? INT64_MAX / DAY_S : INT64_MIN / DAY_S;
  int64_t q = d / DAY_S;
  if (d % DAY_S != 0 && d < 0)
    q--;
  return q;
}

/* t <= now, to the nanosecond (a time's fraction counts after its
 * second). */
static bool passed(const anthropic_time_t *t, int64_t now) {
  return t->unix_seconds < now ||
         (t->unix_seconds == now && t->nanoseconds == 0);
}

/* t <= now + days, to the nanosecond, without overflow. */
static bool within(const anthropic_time_t *t, int64_t now, unsigned days) {
  int64_t end;
  if (__builtin_add_overflow(now, (int64_t)days * DAY_S, &end))
    return true;
  return passed(t, end);
}

int anthropic_model_lifecycle(const anthropic_model_info_t *model, int64_t now,
                              unsigned within_days,
                              anthropic_lifecycle_summary_t *out) {
  if (model == NULL || out == NULL)
    return ANTHROPIC_EINVAL;
  anthropic_lifecycle_summary_t s = ANTHROPIC_LIFECYCLE_SUMMARY_INIT;
  const anthropic_time_t *dep = &model->deprecated_at;
  const anthropic_time_t *ret = &model->retires_at;
  s.deprecates = dep->state == ANTHROPIC_FIELD_SET;
  s.retires = ret->state == ANTHROPIC_FIELD_SET;
  if (s.deprecates)
    s.days_to_deprecation = days_until(dep, now);
  if (s.retires)
    s.days_to_retirement = days_until(ret, now);

  s.state = model->lifecycle_value;
  bool early = s.state == ANTHROPIC_LIFECYCLE_ACTIVE ||
               s.state == ANTHROPIC_LIFECYCLE_UNSET;
  if (s.retires && passed(ret, now))
    s.state = ANTHROPIC_LIFECYCLE_RETIRED;
  else if (early && s.deprecates && passed(dep, now))
    s.state = ANTHROPIC_LIFECYCLE_DEPRECATED;

  if (s.state == ANTHROPIC_LIFECYCLE_OTHER)
    s.state_text = model->lifecycle.state == ANTHROPIC_FIELD_SET
                       ? model->lifecycle.value
                       : NULL;
  else if (s.state != ANTHROPIC_LIFECYCLE_UNSET)
    s.state_text = anthropic_lifecycle_name(s.state);

  switch (s.state) {
  case ANTHROPIC_LIFECYCLE_RETIRED:
    s.risk = ANTHROPIC_RISK_RETIRED;
    break;
  case ANTHROPIC_LIFECYCLE_DEPRECATED:
  case ANTHROPIC_LIFECYCLE_OTHER:
    s.risk = ANTHROPIC_RISK_AT_RISK;
    break;
  default:
    s.risk = s.retires && within(ret, now, within_days) ? ANTHROPIC_RISK_AT_RISK
                                                        : ANTHROPIC_RISK_NONE;
    break;
  }
  return anth__opts_give(out, &s, sizeof s);
}

const char *anthropic_lifecycle_risk_name(anthropic_lifecycle_risk_t risk) {
  switch (risk) {
  case ANTHROPIC_RISK_NONE:
    return "none";
  case ANTHROPIC_RISK_AT_RISK:
    return "at_risk";
  case ANTHROPIC_RISK_RETIRED:
    return "retired";
  }
  return "unknown";
}

const char *anthropic_lifecycle_name(anthropic_lifecycle_t lifecycle) {
  switch (lifecycle) {
  case ANTHROPIC_LIFECYCLE_UNSET:
    return "unset";
  case ANTHROPIC_LIFECYCLE_ACTIVE:
    return "active";
  case ANTHROPIC_LIFECYCLE_DEPRECATED:
    return "deprecated";
  case ANTHROPIC_LIFECYCLE_RETIRED:
    return "retired";
  case ANTHROPIC_LIFECYCLE_OTHER:
    return "other";
  }
  return "unknown";
}
