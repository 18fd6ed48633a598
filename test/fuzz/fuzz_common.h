/* fuzz_common.h - helpers shared by the libFuzzer targets of test/fuzz/.
 *
 * Each target defines LLVMFuzzerTestOneInput(); it is linked either with
 * libFuzzer (clang, -fsanitize=fuzzer) or with replay.c (any compiler), which
 * runs it over the corpus. Invariant violations call abort() so that both
 * report them as a crash. */
#ifndef ANTH_FUZZ_COMMON_H
#define ANTH_FUZZ_COMMON_H

/* MAP_ANONYMOUS is not in POSIX.1-2008. */
#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE
#endif

#include "../../src/internal.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_CHECK(cond)                                                       \
  do {                                                                         \
    if (!(cond)) {                                                             \
      fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__,     \
              #cond);                                                          \
      abort();                                                                 \
    }                                                                          \
  } while (0)

/* The input in a heap block of exactly `size` bytes, no NUL after it, so
 * that AddressSanitizer reports any read past the end. */
static inline char *fuzz_exact_copy(const uint8_t *data, size_t size) {
  /* glibc and ASan both give a unique 0-byte block for malloc(0). */
  char *p = malloc(size);
  if (p == NULL && size == 0)
    p = malloc(1);
  if (p == NULL)
    abort();
  if (size > 0)
    memcpy(p, data, size);
  return p;
}

/* The input copied so that its last byte is the last one before an
 * inaccessible page: a read past the end faults even in code that is not
 * instrumented by ASan (the system's libcjson, which does the parsing).
 * The block is reused by the next call; do not free it. */
static inline const char *fuzz_guarded_copy(const uint8_t *data, size_t size) {
  static char *base;
  static size_t cap; /* accessible bytes before the guard page */
  size_t page = (size_t)sysconf(_SC_PAGESIZE);
  size_t need = (size + page - 1) / page * page;
  if (need < 65536 + page)
    need = 65536 + page;
  if (need > cap) {
    if (base != NULL)
      munmap(base, cap + page);
    void *p = mmap(NULL, need + page, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
      abort();
    base = p;
    if (mprotect(base + need, page, PROT_NONE) != 0)
      abort();
    cap = need;
  }
  char *p = base + cap - size;
  if (size > 0)
    memcpy(p, data, size);
  return p;
}

/* `n` bytes of `data` as a NUL-terminated string (an embedded NUL cuts
 * it, as it would cut a C string from the environment). */
static inline char *fuzz_cstr(const uint8_t *data, size_t n) {
  char *p = malloc(n + 1);
  if (p == NULL)
    abort();
  if (n > 0)
    memcpy(p, data, n);
  p[n] = '\0';
  return p;
}

static inline int fuzz_presence_ok(anthropic_presence_t p) {
  return p == ANTHROPIC_FIELD_ABSENT || p == ANTHROPIC_FIELD_NULL ||
         p == ANTHROPIC_FIELD_SET;
}

static inline void fuzz_check_time(const anthropic_time_t *t) {
  FUZZ_CHECK(fuzz_presence_ok(t->state));
  FUZZ_CHECK(t->nanoseconds >= 0 && t->nanoseconds <= 999999999);
  if (t->state == ANTHROPIC_FIELD_SET) {
    FUZZ_CHECK(t->text != NULL);
    (void)strlen(t->text);
    /* Years 0000..9999 with offsets up to +-23:59 and a leap second. */
    FUZZ_CHECK(t->unix_seconds >= -62167219200LL - 86400 &&
               t->unix_seconds <= 253402300800LL + 86400);
  } else {
    FUZZ_CHECK(t->text == NULL);
    FUZZ_CHECK(t->unix_seconds == 0 && t->nanoseconds == 0);
  }
}

static inline void fuzz_check_cap(const anthropic_capability_t *c) {
  FUZZ_CHECK(fuzz_presence_ok(c->state));
  if (c->state != ANTHROPIC_FIELD_SET)
    FUZZ_CHECK(!c->supported);
}

static inline void fuzz_check_opt_int(const anthropic_opt_int_t *v) {
  FUZZ_CHECK(fuzz_presence_ok(v->state));
  if (v->state == ANTHROPIC_FIELD_SET)
    FUZZ_CHECK(v->value >= 0 && v->value <= 9007199254740992LL);
  else
    FUZZ_CHECK(v->value == 0);
}

static inline void fuzz_check_opt_str(const anthropic_opt_str_t *v) {
  FUZZ_CHECK(fuzz_presence_ok(v->state));
  if (v->state == ANTHROPIC_FIELD_SET) {
    FUZZ_CHECK(v->value != NULL);
    (void)strlen(v->value);
  } else {
    FUZZ_CHECK(v->value == NULL);
  }
}

/* Everything a successfully read ModelInfo promises. */
static inline void fuzz_check_model(const anthropic_model_info_t *m) {
  FUZZ_CHECK(m->id != NULL && m->type != NULL && m->display_name != NULL);
  (void)strlen(m->id);
  (void)strlen(m->display_name);
  FUZZ_CHECK(strcmp(m->type, "model") == 0);
  FUZZ_CHECK(m->created_at.state == ANTHROPIC_FIELD_SET);
  fuzz_check_time(&m->created_at);
  fuzz_check_time(&m->deprecated_at);
  fuzz_check_time(&m->retires_at);
  fuzz_check_opt_int(&m->max_input_tokens);
  fuzz_check_opt_int(&m->max_tokens);
  fuzz_check_opt_str(&m->lifecycle);
  fuzz_check_opt_str(&m->line);
  FUZZ_CHECK(m->lifecycle_value >= ANTHROPIC_LIFECYCLE_UNSET &&
             m->lifecycle_value <= ANTHROPIC_LIFECYCLE_OTHER);
  FUZZ_CHECK((m->lifecycle_value == ANTHROPIC_LIFECYCLE_UNSET) ==
             (m->lifecycle.state != ANTHROPIC_FIELD_SET));
  FUZZ_CHECK(m->json_text != NULL && m->json_len >= 2);

  const anthropic_capabilities_t *c = m->capabilities;
  FUZZ_CHECK(fuzz_presence_ok(c->state));
  const anthropic_capability_t *all[] = {
      &c->batch,
      &c->citations,
      &c->code_execution,
      &c->image_input,
      &c->pdf_input,
      &c->structured_outputs,
      &c->thinking->adaptive,
      &c->thinking->between_tools,
      &c->thinking->disabled,
      &c->thinking->enabled,
      &c->effort->low,
      &c->effort->medium,
      &c->effort->high,
      &c->effort->max,
      &c->effort->xhigh,
      &c->context_management->clear_thinking_20251015,
      &c->context_management->clear_tool_uses_20250919,
      &c->context_management->compact_20260112,
      &c->server_tools->code_execution,
      &c->server_tools->web_search,
  };
  for (size_t i = 0; i < ANTH_ARRAY_SIZE(all); i++) {
    fuzz_check_cap(all[i]);
    if (c->state != ANTHROPIC_FIELD_SET)
      FUZZ_CHECK(all[i]->state == ANTHROPIC_FIELD_ABSENT);
  }
  const anthropic_presence_t groups[] = {
      c->thinking->state, c->thinking->types, c->effort->state,
      c->context_management->state, c->server_tools->state};
  const bool group_supported[] = {
      c->thinking->supported, false, c->effort->supported,
      c->context_management->supported, c->server_tools->supported};
  for (size_t i = 0; i < ANTH_ARRAY_SIZE(groups); i++) {
    FUZZ_CHECK(fuzz_presence_ok(groups[i]));
    if (groups[i] != ANTHROPIC_FIELD_SET)
      FUZZ_CHECK(!group_supported[i]);
  }
  if (c->thinking->state != ANTHROPIC_FIELD_SET)
    FUZZ_CHECK(c->thinking->types == ANTHROPIC_FIELD_ABSENT);
}

static inline int fuzz_str_eq(const char *a, const char *b) {
  return (a == NULL && b == NULL) ||
         (a != NULL && b != NULL && strcmp(a, b) == 0);
}

static inline int fuzz_time_eq(const anthropic_time_t *a,
                               const anthropic_time_t *b) {
  return a->state == b->state && fuzz_str_eq(a->text, b->text) &&
         a->unix_seconds == b->unix_seconds && a->nanoseconds == b->nanoseconds;
}

static inline int fuzz_cap_eq(const anthropic_capability_t *a,
                              const anthropic_capability_t *b) {
  return a->state == b->state && a->supported == b->supported;
}

/* A copy (anthropic_model_info_copy, page copy) reads the same values. */
static inline void fuzz_check_same_model(const anthropic_model_info_t *a,
                                         const anthropic_model_info_t *b) {
  FUZZ_CHECK(fuzz_str_eq(a->id, b->id));
  FUZZ_CHECK(fuzz_str_eq(a->type, b->type));
  FUZZ_CHECK(fuzz_str_eq(a->display_name, b->display_name));
  FUZZ_CHECK(fuzz_time_eq(&a->created_at, &b->created_at));
  FUZZ_CHECK(fuzz_time_eq(&a->deprecated_at, &b->deprecated_at));
  FUZZ_CHECK(fuzz_time_eq(&a->retires_at, &b->retires_at));
  FUZZ_CHECK(a->max_input_tokens.state == b->max_input_tokens.state &&
             a->max_input_tokens.value == b->max_input_tokens.value);
  FUZZ_CHECK(a->max_tokens.state == b->max_tokens.state &&
             a->max_tokens.value == b->max_tokens.value);
  FUZZ_CHECK(a->lifecycle.state == b->lifecycle.state &&
             fuzz_str_eq(a->lifecycle.value, b->lifecycle.value));
  FUZZ_CHECK(a->lifecycle_value == b->lifecycle_value);
  FUZZ_CHECK(a->line.state == b->line.state &&
             fuzz_str_eq(a->line.value, b->line.value));
  const anthropic_capabilities_t *x = a->capabilities, *y = b->capabilities;
  FUZZ_CHECK(x->state == y->state);
  FUZZ_CHECK(fuzz_cap_eq(&x->batch, &y->batch));
  FUZZ_CHECK(fuzz_cap_eq(&x->citations, &y->citations));
  FUZZ_CHECK(fuzz_cap_eq(&x->code_execution, &y->code_execution));
  FUZZ_CHECK(fuzz_cap_eq(&x->image_input, &y->image_input));
  FUZZ_CHECK(fuzz_cap_eq(&x->pdf_input, &y->pdf_input));
  FUZZ_CHECK(fuzz_cap_eq(&x->structured_outputs, &y->structured_outputs));
  FUZZ_CHECK(x->thinking->state == y->thinking->state &&
             x->thinking->supported == y->thinking->supported &&
             x->thinking->types == y->thinking->types);
  FUZZ_CHECK(fuzz_cap_eq(&x->thinking->adaptive, &y->thinking->adaptive));
  FUZZ_CHECK(
      fuzz_cap_eq(&x->thinking->between_tools, &y->thinking->between_tools));
  FUZZ_CHECK(fuzz_cap_eq(&x->thinking->disabled, &y->thinking->disabled));
  FUZZ_CHECK(fuzz_cap_eq(&x->thinking->enabled, &y->thinking->enabled));
  FUZZ_CHECK(x->effort->state == y->effort->state &&
             x->effort->supported == y->effort->supported);
  FUZZ_CHECK(fuzz_cap_eq(&x->effort->low, &y->effort->low));
  FUZZ_CHECK(fuzz_cap_eq(&x->effort->medium, &y->effort->medium));
  FUZZ_CHECK(fuzz_cap_eq(&x->effort->high, &y->effort->high));
  FUZZ_CHECK(fuzz_cap_eq(&x->effort->max, &y->effort->max));
  FUZZ_CHECK(fuzz_cap_eq(&x->effort->xhigh, &y->effort->xhigh));
  FUZZ_CHECK(x->context_management->state == y->context_management->state &&
             x->context_management->supported ==
                 y->context_management->supported);
  FUZZ_CHECK(fuzz_cap_eq(&x->context_management->clear_thinking_20251015,
                         &y->context_management->clear_thinking_20251015));
  FUZZ_CHECK(fuzz_cap_eq(&x->context_management->clear_tool_uses_20250919,
                         &y->context_management->clear_tool_uses_20250919));
  FUZZ_CHECK(fuzz_cap_eq(&x->context_management->compact_20260112,
                         &y->context_management->compact_20260112));
  FUZZ_CHECK(x->server_tools->state == y->server_tools->state &&
             x->server_tools->supported == y->server_tools->supported);
  FUZZ_CHECK(fuzz_cap_eq(&x->server_tools->code_execution,
                         &y->server_tools->code_execution));
  FUZZ_CHECK(
      fuzz_cap_eq(&x->server_tools->web_search, &y->server_tools->web_search));
}

#endif
