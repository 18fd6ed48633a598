#!/usr/bin/env bash
# The habits, as a gate: one format (clang-format), clang-tidy clean on
# src/, cli/ and examples/, and cppcheck on src/ and cli/. Run by
# scripts/test.sh; exits 1 on any finding.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
rc=0
shopt -s nullglob # examples/ may hold no C file
files=(src/*.c src/*.h include/*.h cli/*.c cli/*.h examples/*.c examples/*/*.c examples/*/*.h test/*.c
  test/*.h test/fuzz/*.c test/fuzz/*.h bench/*.c)
clang-format --dry-run --Werror "${files[@]}" || rc=1
# clang-tidy FILE... -- FLAG...: the repo's .clang-tidy, any finding fails.
tidy() {
  local out
  if ! out=$(clang-tidy --quiet --warnings-as-errors='*' "$@" 2>&1); then
    grep -v 'warnings generated' <<<"$out" >&2
    rc=1
  fi
}
read -ra deps <<<"$(pkg-config --cflags libuv libcurl libcjson)"
tidy src/*.c -- -Iinclude "${deps[@]}" -D_POSIX_C_SOURCE=200809L
# The CLI and the examples (each file sets its own feature macros).
tidy cli/*.c examples/*.c examples/resolve-server/*.c -- -Iinclude "${deps[@]}"
# The node addon, against Node's headers (meson's -Dnode_headers).
node_headers=${NODE_HEADERS:-/usr/include/node}
if [ -f "$node_headers/node_api.h" ]; then
  tidy examples/node/addon.c -- -Iinclude -I"$node_headers" "${deps[@]}"
else
  echo "lint: no node_api.h in $node_headers (set NODE_HEADERS):" \
    "examples/node/addon.c not checked by clang-tidy" >&2
  rc=1
fi
cppcheck --error-exitcode=1 --enable=warning,style,performance,portability \
  -q -Iinclude src/ cli/ || rc=1
[ $rc -eq 0 ] && echo "lint: clang-format, clang-tidy and cppcheck clean"
exit $rc
