#!/usr/bin/env bash
# The reference as a reader meets it: Doxygen builds it with no warning (an
# undocumented name, parameter or return value is one), into a directory
# of its own; then the HTML has the main page with the quick start, a page
# per group with every public function on one of them, the examples, and
# the search box. Args: DOXYGEN DOXYFILE HEADER.
set -euo pipefail
doxygen=$1
doxyfile=$2
header=$3

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

# A later setting wins: the same configuration, written elsewhere.
{ cat "$doxyfile"; echo "OUTPUT_DIRECTORY = $tmp"; } | "$doxygen" - ||
  fail "doxygen failed: each warning above is an error"
html=$tmp/html

# The main page: the overview, and the quick start's code with its calls
# linked to their reference.
grep -q 'Quick start' "$html/index.html" || fail "no quick start on the main page"
grep -q 'class="code[^"]*" href="[^"]*">anthropic_client_init</a>' "$html/index.html" ||
  fail "the quick start's code is missing or not linked"

# A page per group, each listed on the modules page.
for g in client calls results pagination resolver lifecycle errors abi; do
  [ -f "$html/group__$g.html" ] || fail "no page for group $g"
  grep -q "group__$g.html" "$html/modules.html" || fail "group $g not listed"
done

# Every function of the header is documented in a group.
mapfile -t funcs < <(tr '\n' ' ' <"$header" |
  grep -oE 'ANTHROPIC_EXTERN [^;(]*\(' | grep -oE 'anthropic_[a-z_0-9]+ *\($' |
  tr -d ' (')
[ "${#funcs[@]}" -gt 30 ] || fail "found only ${#funcs[@]} functions in $header"
for f in "${funcs[@]}"; do
  grep -qF "</span>$f()</h2>" "$html"/group__*.html ||
    fail "$f is on no group page"
done

# The examples, each on a page of its own.
for e in callbacks retrieve pages; do
  [ -f "$html/${e}_8c-example.html" ] || fail "no page for example $e.c"
done

# The search box, and the index it searches.
grep -q 'search/searchdata.js' "$html/index.html" || fail "no search box"
[ -f "$html/search/searchdata.js" ] || fail "no search index"
ls "$html"/search/functions_*.js >/dev/null 2>&1 || fail "no functions in the search index"

echo "reference: main page, 8 groups, ${#funcs[@]} functions, 3 examples, search"
