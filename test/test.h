/* test.h - a tiny test harness: one behaviour per test, named for it.
 *
 *   TEST(retrieve_by_alias_returns_canonical_id) { ... }
 *   int main(void) { return RUN(retrieve_by_alias_returns_canonical_id, ...); }
 *
 * Prints one line per test and closes with "N passed, N failed". A failed
 * check stops its test (not the program) through longjmp. */
#ifndef TEST_H
#define TEST_H

#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <uv.h>

extern jmp_buf test__jmp;
extern const char *test__name;
/* The loop the running test works on, when it says (the fixture does): a
 * test that hangs past its time ($ANTH_TEST_TIMEOUT_S, default 60 s)
 * fails with this loop's open handles listed. */
extern uv_loop_t *test__loop;

#define TEST(name) static void name(void)

#define FAILF(...)                                                             \
  do {                                                                         \
    fprintf(stderr, "  %s:%d: ", __FILE__, __LINE__);                          \
    fprintf(stderr, __VA_ARGS__);                                              \
    fputc('\n', stderr);                                                       \
    longjmp(test__jmp, 1);                                                     \
  } while (0)

#define CHECK(cond)                                                            \
  do {                                                                         \
    if (!(cond))                                                               \
      FAILF("check failed: %s", #cond);                                        \
  } while (0)

#define CHECK_EQ_INT(a, b)                                                     \
  do {                                                                         \
    long long a_ = (long long)(a), b_ = (long long)(b);                        \
    if (a_ != b_)                                                              \
      FAILF("%s == %s: %lld != %lld", #a, #b, a_, b_);                         \
  } while (0)

#define CHECK_EQ_STR(a, b)                                                     \
  do {                                                                         \
    const char *a_ = (a), *b_ = (b);                                           \
    if (a_ == NULL || b_ == NULL ? a_ != b_ : strcmp(a_, b_) != 0)             \
      FAILF("%s == %s: \"%s\" != \"%s\"", #a, #b, a_ ? a_ : "(null)",          \
            b_ ? b_ : "(null)");                                               \
  } while (0)

#define CHECK_CONTAINS(hay, needle)                                            \
  do {                                                                         \
    const char *h_ = (hay), *n_ = (needle);                                    \
    if (h_ == NULL || strstr(h_, n_) == NULL)                                  \
      FAILF("%s contains \"%s\": got \"%s\"", #hay, n_, h_ ? h_ : "(null)");   \
  } while (0)

/* A test (T()), or a table of cases (TABLE()) whose rows each run and
 * report as a test of their own, named by the row: a table takes the place
 * of as many tests as it has rows. */
typedef struct test_case {
  const char *name;
  void (*fn)(void);
  void (*row)(size_t i);             /* a table's: run row i */
  const char *(*row_name)(size_t i); /* a table's: row i's name */
  size_t rows;                       /* a table's: how many */
} test_case_t;

int test__run(const test_case_t *cases, size_t n);

#define T(fn)                                                                  \
  { #fn, fn, NULL, NULL, 0 }

/* A table: `table` is an array of structs whose first field is
 * `const char *name`, and check(&table[i]) tests one row. Put
 * TABLE_TEST(table, check) after both, and TABLE(table) in RUN(). */
#define TABLE_TEST(table, check)                                               \
  static void table##__row(size_t i) {                                         \
    check(&(table)[i]);                                                        \
  }                                                                            \
  static const char *table##__name(size_t i) {                                 \
    return (table)[i].name;                                                    \
  }
#define TABLE(table)                                                           \
  {                                                                            \
#table, NULL, table##__row, table##__name,                                 \
        sizeof(table) / sizeof((table)[0])                                     \
  }
#define RUN(...)                                                               \
  test__run((const test_case_t[]){__VA_ARGS__},                                \
            sizeof((const test_case_t[]){__VA_ARGS__}) / sizeof(test_case_t))

/* Run the loop until nothing is left, then require it to close cleanly:
 * every handle and request of the code under test released. */
void test_loop_finish(uv_loop_t *loop);

#endif
