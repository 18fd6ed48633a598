# setup.sh - sourced by bench/peers.sh and bench/node.sh, from the
# repository's root: install what the benchmarks need, build the release
# build in build-bench, install the official SDK there, and start nginx
# (bench/nginx.sh) for $n ids in a fresh $work, stopped on exit, and
# writes those ids to $work/ids, one a line. Sets root, build, peers (the
# SDK's prefix), sdk_version, work, http, https and cert. With setup_no_build=1 (bench/node.sh, which measures the npm
# package) the release build is not made.
bash scripts/install-deps.sh bench >&2
root=$PWD
build=build-bench
if [ -z "${setup_no_build:-}" ]; then
  [ -f "$build/build.ninja" ] || meson setup "$build" -Dbuildtype=release >&2
  meson compile -C "$build" >&2
fi
peers="$root/$build/peers"
if [ ! -d "$peers/node_modules/@anthropic-ai/sdk" ]; then
  mkdir -p "$peers"
  npm install --prefix "$peers" --no-audit --no-fund --silent @anthropic-ai/sdk >&2
fi
sdk_version=$(node -p "require('$peers/node_modules/@anthropic-ai/sdk/package.json').version")

work=$(mktemp -d)
trap 'bench/nginx.sh stop "$work/ngx"; rm -rf "$work"' EXIT
bench/nginx.sh start "$work/ngx" "$n" > "$work/urls"
http=$(awk '/^http /{print $2}' "$work/urls")
https=$(awk '/^https /{print $2}' "$work/urls")
cert=$(awk '/^cert /{print $2}' "$work/urls")
node -e '
  const n = Number(process.argv[1]);
  const ids = Array.from({ length: n }, (_, i) => `bench-model-${String(i).padStart(6, "0")}`);
  require("fs").writeFileSync(process.argv[2], ids.join("\n") + "\n");' "$n" "$work/ids"
