#!/usr/bin/env bash
# The habits, as a gate: one format (clang-format), clang-tidy clean on
# src/, cli/ and examples/, and cppcheck on src/ and cli/. Run by
# scripts/test.sh; exits 1 on any finding.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
rc=0
shopt -s nullglob # examples/ may hold no C file
files=(src/*.c src/*.h include/*.h cli/*.c cli/*.h examples/*.c examples/*/*.c examples/*/*.h test/*.c
  test/*.h test/*.cc test/fuzz/*.c test/fuzz/*.h bench/*.c)
clang-format --dry-run --Werror "${files[@]}" || rc=1
# clang-tidy, one process a file, as many at once as there are cores (its
# static analyzer is most of the lint's time: about 2 CPU-minutes in all,
# 20 s for src/request.c alone). The repo's .clang-tidy; any finding fails.
read -ra deps <<<"$(pkg-config --cflags libuv libcurl libcjson)"
node_headers=${NODE_HEADERS:-/usr/include/node}
tidy_one() { # FILE: its findings on stderr, exit 1 when there are any
  local f=$1 flags=(-Iinclude "${deps[@]}") out
  case $f in
  src/*) flags+=(-D_POSIX_C_SOURCE=200809L) ;;
  examples/node/*) flags+=(-I"$node_headers") ;;
  esac # the CLI and the examples each set their own feature macros
  if ! out=$(clang-tidy --quiet --warnings-as-errors='*' "$f" -- "${flags[@]}" 2>&1); then
    grep -v 'warnings generated' <<<"$out" >&2
    return 1
  fi
}
tidy_files=(src/*.c cli/*.c examples/*.c examples/resolve-server/*.c)
# The node addon, against Node's headers (meson's -Dnode_headers).
if [ -f "$node_headers/node_api.h" ]; then
  tidy_files+=(examples/node/addon.c)
else
  echo "lint: no node_api.h in $node_headers (set NODE_HEADERS):" \
    "examples/node/addon.c not checked by clang-tidy" >&2
  rc=1
fi
export -f tidy_one
export node_headers deps_flat="${deps[*]}"
# Largest first, so the slowest file does not start last.
printf '%s\n' "${tidy_files[@]}" | xargs -d '\n' ls -S |
  xargs -d '\n' -P "$(nproc)" -n 1 bash -c \
    'read -ra deps <<<"$deps_flat"; tidy_one "$1"' _ || rc=1
cppcheck --error-exitcode=1 --enable=warning,style,performance,portability \
  -q -Iinclude src/ cli/ || rc=1
[ $rc -eq 0 ] && echo "lint: clang-format, clang-tidy and cppcheck clean"
exit $rc
