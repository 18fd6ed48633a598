# harness.sh - sourced by the shell tests (packaging.sh, node_package.sh):
# a temporary directory removed at exit (with the fake API, if started),
# fail, and the fake Models API on a free loopback port. The sourcing
# script sets $src (the source tree) and $node before start_fake_api.

tmp=$(mktemp -d)
server_pid=
cleanup() {
  [ -z "$server_pid" ] || kill "$server_pid" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

# The fake Models API on a free loopback port; sets base_url.
start_fake_api() {
  coproc FAKE { exec "$node" "$src/test/fake-api/server.js"; }
  server_pid=$FAKE_PID
  local line
  read -r line <&"${FAKE[0]}"
  base_url=${line#listening }
  [[ $base_url == http://* ]] || fail "fake API said: $line"
}
