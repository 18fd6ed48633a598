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

/* The state and "supported" of row r of anth__caps in the structs `at`
 * (anth__caps_structs()): its field, or its group's own; false for an
 * OBJECT or PATH row, which has neither. */
static inline bool fuzz_cap_of(const char *const *at, const anth_cap_row_t *r,
                               anthropic_capability_t *out) {
  const char *p;
  if (r->kind == ANTH_CAP_FIELD)
    p = at[r->strct] + r->offset;
  else if (r->kind == ANTH_CAP_GROUP)
    p = at[r->group];
  else
    return false;
  memcpy(&out->state, p + offsetof(anthropic_capability_t, state),
         sizeof out->state);
  memcpy(&out->supported, p + offsetof(anthropic_capability_t, supported),
         sizeof out->supported);
  return true;
}

/* Every row of ANTHROPIC_CAPABILITY_MAP, through anth__caps: each field
 * is a valid capability, absent when what holds it is not set, and reads
 * as its path does (anthropic_model_capability()). */
static inline void fuzz_check_caps(const anthropic_model_info_t *m) {
  const anthropic_capabilities_t *c = m->capabilities;
  const char *at[ANTH_CAPS_COUNT];
  FUZZ_CHECK(fuzz_presence_ok(c->state));
  anth__caps_structs(c, at);
  /* Whether each object (ANTH_CAPC_) is set; rows come after the row
   * that holds them. */
  bool set[ANTH_CAPC_COUNT];
  memset(set, 0, sizeof set);
  set[ANTH_CAPC_capabilities] = c->state == ANTHROPIC_FIELD_SET;
  for (size_t i = 0; i < ANTH_CAP_ROWS; i++) {
    const anth_cap_row_t *r = &anth__caps[i];
    anthropic_capability_t cap;
    bool on = false;
    anthropic_presence_t by_path = anthropic_model_capability(m, r->path, &on);
    FUZZ_CHECK(fuzz_presence_ok(by_path));
    if (r->kind == ANTH_CAP_OBJECT) {
      anthropic_presence_t p;
      memcpy(&p, at[r->strct] + r->offset, sizeof p);
      FUZZ_CHECK(fuzz_presence_ok(p));
      if (!set[r->parent])
        FUZZ_CHECK(p == ANTHROPIC_FIELD_ABSENT);
      if (p == ANTHROPIC_FIELD_NULL)
        FUZZ_CHECK(by_path == ANTHROPIC_FIELD_NULL);
      set[r->own] = p == ANTHROPIC_FIELD_SET;
      continue;
    }
    if (!fuzz_cap_of(at, r, &cap)) { /* PATH: by path only */
      if (!set[r->parent])
        FUZZ_CHECK(by_path == ANTHROPIC_FIELD_ABSENT);
      continue;
    }
    fuzz_check_cap(&cap);
    if (!set[r->parent])
      FUZZ_CHECK(cap.state == ANTHROPIC_FIELD_ABSENT);
    FUZZ_CHECK(by_path == cap.state && on == cap.supported);
    if (r->kind == ANTH_CAP_GROUP)
      set[r->own] = cap.state == ANTHROPIC_FIELD_SET;
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

  fuzz_check_caps(m);
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

/* Two reads of a model hold the same typed values (by_path: and read the
 * same by path; two reads of the same json_text do by construction). */
static inline void fuzz_check_same_fields(const anthropic_model_info_t *a,
                                          const anthropic_model_info_t *b,
                                          bool by_path) {
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
  const char *at_x[ANTH_CAPS_COUNT], *at_y[ANTH_CAPS_COUNT];
  FUZZ_CHECK(x->state == y->state);
  anth__caps_structs(x, at_x);
  anth__caps_structs(y, at_y);
  for (size_t i = 0; i < ANTH_CAP_ROWS; i++) {
    const anth_cap_row_t *r = &anth__caps[i];
    anthropic_capability_t cx, cy;
    bool on_x = false, on_y = false;
    if (fuzz_cap_of(at_x, r, &cx)) {
      FUZZ_CHECK(fuzz_cap_of(at_y, r, &cy));
      FUZZ_CHECK(fuzz_cap_eq(&cx, &cy));
    } else if (r->kind == ANTH_CAP_OBJECT) {
      FUZZ_CHECK(memcmp(at_x[r->strct] + r->offset, at_y[r->strct] + r->offset,
                        sizeof(anthropic_presence_t)) == 0);
    }
    if (by_path)
      FUZZ_CHECK(anthropic_model_capability(a, r->path, &on_x) ==
                     anthropic_model_capability(b, r->path, &on_y) &&
                 on_x == on_y);
  }
}

/* A copy (anthropic_model_info_copy, page copy) reads the same values. */
static inline void fuzz_check_same_model(const anthropic_model_info_t *a,
                                         const anthropic_model_info_t *b) {
  fuzz_check_same_fields(a, b, true);
}

#endif
