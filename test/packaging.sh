#!/usr/bin/env bash
# The library as others build it (README "Using it in your build"), each
# in a fresh build of the source tree in a temporary directory:
#   install     installed into a prefix, the README's first example built
#               against the installed anthropic.pc alone, shared and static,
#               and run against the fake API; with doxygen on PATH, the
#               reference installed in share/doc/anthropic-c/html;
#   subproject  a consumer project with this one in its subprojects/: a
#               plain dependency('anthropic') finds it, only the library is
#               built, and the consumer runs;
#   no-node     configured and built with Node.js absent from PATH, the
#               tests and the benchmarks off; with the tests on, refused.
# Args: MODE CC SOURCE_ROOT NODE.
set -euo pipefail
mode=$1
cc=$2
src=$3
node=$4
export CC=$cc # the library's builds too

# shellcheck source=test/harness.sh
. "$(dirname "$0")/harness.sh"

# The README's first C block, under "Quick start": the test breaks when
# the example does.
readme_example() { # OUT
  awk -f "$src/docs/quickstart.awk" "$src/README.md" >"$1"
  grep -q 'int main' "$1" || fail "no C example under the README heading"
}

# Runs the README example binary against the fake API: one model printed
# by its id, exit 0 (uv_loop_close found nothing open).
run_example() { # BINARY [ENV...]
  local bin=$1 out
  shift
  out=$(env "$@" ANTHROPIC_BASE_URL="$base_url" ANTHROPIC_API_KEY=fake-key \
    "$bin") || fail "$bin exited $?"
  [[ $out == claude-sonnet-4-*" = "*", created "* ]] ||
    fail "$bin printed: $out"
  echo "$bin: $out"
}

# Only the library: nothing else is needed to build it (install mode adds
# the reference when it can).
lib_only=(-Dbuildtype=plain -Dtests=disabled -Dbench=disabled
  -Dcli=disabled -Dexamples=disabled -Dserver=disabled)

case $mode in
install)
  prefix=$tmp/prefix
  docs=disabled
  ! command -v doxygen >/dev/null || docs=enabled
  meson setup "$tmp/build" "$src" --prefix="$prefix" "${lib_only[@]}" \
    -Ddocs=$docs >"$tmp/setup.log" ||
    { cat "$tmp/setup.log"; fail "meson setup"; }
  meson install -C "$tmp/build" --quiet >/dev/null
  if [ $docs = enabled ]; then
    html=$prefix/share/doc/anthropic-c/html
    for f in index.html group__client.html retrieve_8c-example.html \
      search/searchdata.js; do
      [ -f "$html/$f" ] || fail "no $f installed in $html"
    done
    echo "reference installed in $html"
  fi
  pc=$(find "$prefix" -name anthropic.pc)
  [ -n "$pc" ] || fail "no anthropic.pc installed"
  pcdir=$(dirname "$pc")
  libdir=$(PKG_CONFIG_PATH=$pcdir pkg-config --variable=libdir anthropic)
  [ "$(PKG_CONFIG_PATH=$pcdir pkg-config --variable=prefix anthropic)" = \
    "$prefix" ] || fail "pkg-config found another anthropic.pc"
  # The public header needs no other library's: nothing in Requires.
  [ -z "$(PKG_CONFIG_PATH=$pcdir pkg-config --print-requires anthropic)" ] ||
    fail "anthropic.pc Requires: $(PKG_CONFIG_PATH=$pcdir pkg-config --print-requires anthropic)"
  readme_example "$tmp/app.c"
  flags=$(PKG_CONFIG_PATH=$pcdir pkg-config --cflags --libs anthropic libuv)
  [[ $flags != *"$src"* ]] || fail "the flags name the source tree: $flags"
  # shellcheck disable=SC2086
  "$cc" -Wall -Wextra -Werror -o "$tmp/app-shared" "$tmp/app.c" $flags
  # Static: libanthropic.a and what the .pc calls private (Requires.private,
  # Libs.private) is enough. Those libraries are linked shared: Debian
  # ships no static libcurl dependencies, so not `pkg-config --static`.
  mapfile -t private < <(PKG_CONFIG_PATH=$pcdir pkg-config \
    --print-requires-private anthropic | awk '{ print $1 }')
  read -ra static < <(PKG_CONFIG_PATH=$pcdir pkg-config --cflags --libs \
    anthropic libuv "${private[@]}")
  read -ra libs_private < <(sed -n 's/^Libs.private: //p' "$pc")
  "$cc" -Wall -Wextra -Werror -o "$tmp/app-static" "$tmp/app.c" \
    "${static[@]/#-lanthropic/-l:libanthropic.a}" "${libs_private[@]}"
  # grep reads all of ldd's output (not -q): under pipefail, ldd killed by
  # SIGPIPE after an early match would decide the test.
  ldd "$tmp/app-static" | grep libanthropic >/dev/null &&
    fail "app-static needs the shared library"
  start_fake_api
  LD_LIBRARY_PATH=$libdir ldd "$tmp/app-shared" |
    grep "libanthropic.so.1 => $libdir/" >/dev/null ||
    fail "app-shared does not load the installed libanthropic.so.1"
  run_example "$tmp/app-shared" LD_LIBRARY_PATH="$libdir"
  run_example "$tmp/app-static"
  ;;
subproject)
  app=$tmp/consumer
  mkdir -p "$app/subprojects"
  ln -s "$src" "$app/subprojects/anthropic"
  # As the README says to: the wrap file only names the dependency the
  # subproject provides (by meson.override_dependency).
  printf '[wrap-file]\ndirectory = anthropic\n\n[provide]\ndependency_names = anthropic\n' \
    >"$app/subprojects/anthropic.wrap"
  cat >"$app/meson.build" <<'EOF'
project('consumer', 'c')
executable('app', 'app.c',
  dependencies : [dependency('anthropic'), dependency('libuv')])
EOF
  readme_example "$app/app.c"
  # Forced, so that an installed anthropic.pc cannot stand in for it.
  meson setup "$tmp/build" "$app" -Dbuildtype=plain \
    --force-fallback-for=anthropic >"$tmp/setup.log" ||
    { cat "$tmp/setup.log"; fail "meson setup"; }
  # The subproject's own defaults: the library and nothing else.
  meson introspect --targets "$tmp/build" | python3 -c '
import json, sys
sub = [(t["name"], t["type"]) for t in json.load(sys.stdin)
       if t["subproject"] == "anthropic"]
print("subproject targets:", sub)
kinds = {"static library", "shared library"}
sys.exit(0 if sub and all(n == "anthropic" and k in kinds for n, k in sub)
         else 1)' || fail "the subproject builds more than the library"
  meson compile -C "$tmp/build" >/dev/null
  start_fake_api
  run_example "$tmp/build/app"
  ;;
no-node)
  # PATH as it is, less Node.js: links to every other program on it.
  mkdir "$tmp/bin"
  IFS=: read -ra dirs <<<"$PATH"
  for d in "${dirs[@]}"; do
    for f in "$d"/*; do
      name=${f##*/}
      case $name in node | nodejs | npm | npx | corepack) continue ;; esac
      [ -x "$f" ] && [ ! -e "$tmp/bin/$name" ] && ln -s "$f" "$tmp/bin/$name"
    done
  done
  export PATH=$tmp/bin
  ! command -v node >/dev/null || fail "node is still on PATH"
  # With the tests on, Node.js is required: the configure must say so.
  if meson setup "$tmp/with-tests" "$src" -Dbuildtype=plain \
    >"$tmp/refused.log" 2>&1; then
    fail "configured the tests without node"
  fi
  grep -q 'node' "$tmp/refused.log" || { cat "$tmp/refused.log"; fail "no word of node"; }
  # The tests and the benchmarks off: the library, the CLI and the
  # examples build.
  meson setup "$tmp/build" "$src" -Dbuildtype=plain -Dtests=disabled \
    -Dbench=disabled >"$tmp/setup.log" ||
    { cat "$tmp/setup.log"; fail "meson setup without node"; }
  meson compile -C "$tmp/build" >/dev/null || fail "build without node"
  [ -x "$tmp/build/cli/anthropic-models" ] || fail "no CLI built"
  echo "built without node: the library, the CLI and the examples"
  ;;
*)
  fail "unknown mode $mode"
  ;;
esac
