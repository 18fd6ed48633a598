#!/usr/bin/env bash
# The npm package (examples/node; README "Node.js") as a user installs it,
# offline, on a machine where npm is not told where Node's headers are:
#   tarball  `npm pack`, then `npm install <tarball>` in a fresh project:
#            the addon is built by node-gyp from what the tarball holds, a
#            program retrieves a model from the fake API and exits by
#            itself, and `npm test` passes inside the installed package;
#   folder   `npm install <path to examples/node>` in a fresh project: the
#            same program works.
# Both work on a copy of the package's part of the tree, so nothing is
# written into the source tree. Also checked: package.json's version is
# meson's, binding.gyp compiles exactly meson's lib_sources, the addon
# links no libuv and exports only Node's entry points.
# Args: MODE SOURCE_ROOT NODE VERSION LIB_SOURCES...
set -euo pipefail
mode=$1
src=$2
node=$3
version=$4
shift 4
lib_sources=("$@")

# shellcheck source=test/harness.sh
. "$(dirname "$0")/harness.sh"

# npm as on a fresh machine: no user or global config (so no `nodedir`),
# its own cache, offline: nothing may be fetched.
touch "$tmp/user.npmrc" "$tmp/global.npmrc"
export npm_config_userconfig=$tmp/user.npmrc
export npm_config_globalconfig=$tmp/global.npmrc
export npm_config_cache=$tmp/npm-cache
export npm_config_update_notifier=false
unset npm_config_nodedir
npm=(npm --offline --no-audit --no-fund --foreground-scripts)
# The addon has no sanitizer; the tests' ASan options must not reach node.
export ASAN_OPTIONS=
PATH=$(dirname "$node"):$PATH
export PATH

# The package's part of the tree, as git has it (no build products).
repo=$tmp/repo
mkdir -p "$repo/examples"
cp -r "$src/LICENSE" "$src/meson.build" "$src/src" "$src/include" "$repo/"
cp -r "$src/examples/node" "$repo/examples/node"
rm -rf "$repo/examples/node/"{build,node_modules,vendor,anthropic.node}
pkgdir=$repo/examples/node

# A fresh project in DIR with `npm install SPEC`; the log in DIR.log.
install_into() { # DIR SPEC
  mkdir -p "$1"
  echo '{ "name": "app", "version": "0.0.0", "private": true }' >"$1/package.json"
  (cd "$1" && "${npm[@]}" install "$2") >"$1.log" 2>&1 ||
    { tail -40 "$1.log"; fail "npm install $2"; }
  grep -q -- '--nodedir=' "$1.log" ||
    { tail -40 "$1.log"; fail "node-gyp was not given the local headers"; }
}

# In project DIR, a program that requires the package, retrieves a model
# and never closes its client: it must print the model and exit 0 by
# itself (timeout's 124 otherwise).
run_program() { # DIR
  local out st=0
  out=$(cd "$1" && timeout 30 "$node" -e '
    const pkg = require("anthropic-c");
    const Anthropic = pkg.Anthropic || pkg.default || pkg.Client;
    const client = new Anthropic({ apiKey: "fake-key", baseURL: process.argv[1] });
    client.models.retrieve("claude-sonnet-4-0").then((m) => console.log(m.id));
  ' "$base_url") || st=$?
  [ "$st" -eq 0 ] || fail "the program exited $st (124: it did not exit by itself)"
  [[ $out == claude-sonnet-4-* ]] || fail "the program printed: $out"
  echo "$1: retrieved $out and exited by itself"
}

# The built addon: no libuv of its own, only Node's entry points exported.
check_addon() { # FILE
  [ -f "$1" ] || fail "no $1"
  ! ldd "$1" | grep -q libuv || fail "$1 links libuv: $(ldd "$1" | grep libuv)"
  local exported
  exported=$(nm -D --defined-only "$1" | awk '{ print $3 }' | sort | tr '\n' ' ')
  [ "$exported" = "napi_register_module_v1 node_api_module_get_api_version_v1 " ] ||
    fail "$1 exports: $exported"
}

[ "$("$node" -p "require('$pkgdir/package.json').version")" = "$version" ] ||
  fail "package.json's version is not meson's $version"
gyp_sources=$(grep -o "anthropic_root)/src/[a-z0-9_]*\.c" "$pkgdir/binding.gyp" |
  sed 's|.*/||' | sort | tr '\n' ' ')
meson_sources=$(for f in "${lib_sources[@]}"; do basename "$f"; done | sort | tr '\n' ' ')
[ "$gyp_sources" = "$meson_sources" ] ||
  fail "binding.gyp compiles $gyp_sources; meson's lib_sources are $meson_sources"

case $mode in
tarball)
  mkdir "$tmp/pack"
  (cd "$pkgdir" && "${npm[@]}" pack --pack-destination "$tmp/pack") \
    >"$tmp/pack.log" 2>&1 || { cat "$tmp/pack.log"; fail "npm pack"; }
  tarball=$tmp/pack/anthropic-c-$version.tgz
  [ -f "$tarball" ] || fail "npm pack made no $tarball"
  tar tzf "$tarball" >"$tmp/contents"
  for f in binding.gyp addon.c index.js index.d.ts tools/install.js vendor/include/anthropic.h \
    vendor/src/engine.c vendor/src/internal.h test/package.test.js; do
    grep -qx "package/$f" "$tmp/contents" || fail "the tarball has no $f"
  done
  ! grep -qE '\.node$|/build/' "$tmp/contents" || fail "the tarball holds a build"
  [ ! -e "$pkgdir/vendor" ] || fail "npm pack left vendor/ behind"
  # Unpacked away from any repository: its vendor/ is all it has.
  # A space in the project's path: the build must quote or avoid it.
  install_into "$tmp/my app" "$tarball"
  installed="$tmp/my app/node_modules/anthropic-c"
  grep -q 'vendor/src/engine\.o' "$tmp/my app.log" ||
    fail "the tarball's build did not compile its vendor/ sources"
  [ ! -L "$installed" ] || fail "the tarball was linked, not installed"
  check_addon "$installed/anthropic.node"
  start_fake_api
  run_program "$tmp/my app"
  (cd "$installed" && timeout 120 "${npm[@]}" test) >"$tmp/npm-test.log" 2>&1 ||
    { cat "$tmp/npm-test.log"; fail "npm test in the installed package"; }
  grep -E '^# (pass|fail)' "$tmp/npm-test.log"
  ;;
folder)
  install_into "$tmp/app" "$pkgdir"
  check_addon "$pkgdir/anthropic.node"
  start_fake_api
  run_program "$tmp/app"
  ;;
*)
  fail "unknown mode $mode"
  ;;
esac
