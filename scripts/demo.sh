#!/usr/bin/env bash
# Install what is missing (only what the demo needs), build the library
# and the CLI, and run the CLI demo: against the real
# API when ANTHROPIC_API_KEY is set, otherwise against the fake Models API
# started here on a free loopback port.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh demo

# The library and the CLI only: no tests, examples or benchmarks (their
# own build dirs are scripts/test.sh's and bench/'s).
build=build-demo
if [ ! -f "$build/build.ninja" ]; then
  meson setup "$build" -Dbuildtype=release -Dtests=disabled \
    -Dexamples=disabled -Dbench=disabled -Dcli=enabled
fi
meson compile -C "$build" cli/anthropic-models
cli="$build/cli/anthropic-models"

args=()
server_pid=
if [ -z "${ANTHROPIC_API_KEY:-}" ] && [ -z "${ANTHROPIC_AUTH_TOKEN:-}" ]; then
  echo "== ANTHROPIC_API_KEY is not set: using the fake Models API" >&2
  coproc FAKE { node test/fake-api/server.js; }
  server_pid=$FAKE_PID
  trap 'kill "$server_pid" 2>/dev/null || true' EXIT
  read -r line <&"${FAKE[0]}"
  url=${line#listening }
  args=(--base-url "$url" --api-key fake-key)
fi

run() {
  echo "\$ anthropic-models $*" >&2
  "$cli" "${args[@]}" "$@" || echo "(exit $?)" >&2
  echo >&2
}

run --table list --limit 5
run --json get claude-sonnet-4-0
run --table get claude-opus-4-1 claude-3-5-haiku-latest no-such-model
run --table list --all --page-size 3 --lifecycle retired
