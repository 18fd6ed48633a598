/* test.c - the harness behind test.h. */
#include "test.h"

#include <signal.h>
#include <unistd.h>

jmp_buf test__jmp;
const char *test__name;
uv_loop_t *test__loop;

/* A test past its time: say which, list what its loop still holds, and
 * end the program as failed. Not async-signal-safe, and need not be: the
 * program is hung and about to die either way. */
static void on_alarm(int sig) {
  (void)sig;
  fprintf(stderr, "  %s: timed out; open handles of its loop:\n",
          test__name ? test__name : "?");
  if (test__loop != NULL)
    uv_print_all_handles(test__loop, stderr);
  fflush(stderr);
  printf("not ok - %s (timed out)\n", test__name ? test__name : "?");
  fflush(stdout);
  _exit(1);
}

static unsigned test_timeout_s(void) {
  const char *v = getenv("ANTH_TEST_TIMEOUT_S");
  long n = v != NULL ? strtol(v, NULL, 10) : 0;
  return n > 0 ? (unsigned)n : 60;
}

/* One test: `fn`, or row `row` of a table. */
static int run_one(const test_case_t *c, size_t row, size_t number) {
  volatile int ok = 0;
  test__name = c->fn != NULL ? c->name : c->row_name(row);
  test__loop = NULL;
  alarm(test_timeout_s());
  if (setjmp(test__jmp) == 0) {
    if (c->fn != NULL)
      c->fn();
    else
      c->row(row);
    ok = 1;
  }
  alarm(0);
  printf("%s %zu - %s\n", ok ? "ok" : "not ok", number, test__name);
  fflush(stdout);
  return ok;
}

int test__run(const test_case_t *cases, size_t n) {
  size_t passed = 0, failed = 0, number = 0;
  signal(SIGALRM, on_alarm);
  for (size_t i = 0; i < n; i++) {
    size_t rows = cases[i].fn != NULL ? 1 : cases[i].rows;
    for (size_t r = 0; r < rows; r++) {
      if (run_one(&cases[i], r, ++number))
        passed++;
      else
        failed++;
    }
  }
  printf("%zu passed, %zu failed\n", (size_t)passed, (size_t)failed);
  fflush(stdout);
  return failed ? 1 : 0;
}

void test_loop_finish(uv_loop_t *loop) {
  /* Bounded: a client that never lets go must fail the test, not hang. */
  for (int i = 0; i < 1000 && uv_run(loop, UV_RUN_DEFAULT) != 0; i++)
    ;
  int rc = uv_loop_close(loop);
  if (rc != 0) {
    uv_print_all_handles(loop, stderr);
    FAILF("uv_loop_close() == %d (%s), want 0", rc, uv_err_name(rc));
  }
}
