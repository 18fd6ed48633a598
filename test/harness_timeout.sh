#!/usr/bin/env bash
# The harness times a hung test out: test_hang must exit non-zero within
# its 1-second limit and list the timer its loop still holds.
set -uo pipefail
out=$(ANTH_TEST_TIMEOUT_S=1 "$1" 2>&1)
rc=$?
if [ $rc -eq 0 ]; then
  echo "a hung test passed" >&2
  exit 1
fi
grep -q "a_test_that_never_returns: timed out" <<<"$out" &&
  grep -q "timer" <<<"$out" || {
  echo "no timeout report with the open handles:" >&2
  echo "$out" >&2
  exit 1
}
echo "a hung test fails with its open handles listed"
