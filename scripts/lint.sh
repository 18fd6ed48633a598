#!/usr/bin/env bash
# The habits, as a gate: one format (clang-format), clang-tidy clean on
# src/ and cppcheck on src/ and cli/. Run by scripts/test.sh; exits 1 on
# any finding.
set -uo pipefail
cd "$(dirname "$0")/.."
rc=0
shopt -s nullglob # examples/ may hold no C file
files=(src/*.c src/*.h include/*.h cli/*.c cli/*.h examples/*.c examples/*/*.c examples/*/*.h test/*.c
  test/*.h test/fuzz/*.c test/fuzz/*.h bench/*.c)
clang-format --dry-run --Werror "${files[@]}" || rc=1
# shellcheck disable=SC2046
if ! out=$(clang-tidy --quiet --warnings-as-errors='*' src/*.c -- -Iinclude \
  $(pkg-config --cflags libuv libcurl libcjson) -D_POSIX_C_SOURCE=200809L \
  2>&1); then
  grep -v 'warnings generated' <<<"$out" >&2
  rc=1
fi
cppcheck --error-exitcode=1 --enable=warning,style,performance,portability \
  -q -Iinclude src/ cli/ || rc=1
[ $rc -eq 0 ] && echo "lint: clang-format, clang-tidy and cppcheck clean"
exit $rc
