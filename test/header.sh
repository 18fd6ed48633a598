#!/usr/bin/env bash
# The public header on its own: strict C11, C99 and C++-free C17, no
# feature-test macros, every warning an error. Args: CC INCLUDE_DIR.
set -euo pipefail
cc=$1
inc=$2
src=$(dirname "$0")/header_c11.c
for std in c99 c11 c17; do
  "$cc" -std=$std -pedantic-errors -Wall -Wextra -Werror -fsyntax-only \
    -I "$inc" "$src"
done
echo "anthropic.h compiles alone as strict c99, c11 and c17"
