/* test_hang.c - the harness's own check (test/harness_timeout.sh): a test
 * that hangs on its loop must fail in its time with the loop's open
 * handles listed, not hang until the runner kills it silently. */
#include "test.h"

static void never(uv_timer_t *t) {
  (void)t;
}

static uv_loop_t loop;

TEST(a_test_that_never_returns) {
  uv_timer_t t;
  CHECK_EQ_INT(uv_loop_init(&loop), 0);
  test__loop = &loop;
  uv_timer_init(&loop, &t);
  uv_timer_start(&t, never, 1, 1); /* keeps the loop alive for ever */
  uv_run(&loop, UV_RUN_DEFAULT);
}

int main(void) {
  return RUN(T(a_test_that_never_returns));
}
