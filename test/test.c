/* test.c - the harness behind test.h. */
#include "test.h"

jmp_buf test__jmp;
const char *test__name;

int test__run(const test_case_t *cases, size_t n) {
  volatile size_t passed = 0, failed = 0;
  for (volatile size_t i = 0; i < n; i++) {
    test__name = cases[i].name;
    if (setjmp(test__jmp) == 0) {
      cases[i].fn();
      printf("ok %zu - %s\n", (size_t)i + 1, cases[i].name);
      passed++;
    } else {
      printf("not ok %zu - %s\n", (size_t)i + 1, cases[i].name);
      failed++;
    }
    fflush(stdout);
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
