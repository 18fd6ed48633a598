#!/usr/bin/env bash
# node.sh - the npm package (examples/node, packed and installed from its
# tarball as a user would: node-gyp builds the addon) against the official
# SDK and plain Node (bench/node-bench.js): N distinct retrieves at 64 in
# flight, one run each, against one nginx serving the Models API
# (bench/nginx.sh), over HTTP/1.1 and over HTTP/2 + TLS. Plain Node is
# node:http over HTTP/1.1; over TLS both node:https (HTTP/1.1) and
# node:http2. The SDK's fetch trusts the certificate through
# NODE_EXTRA_CA_CERTS, the package through caBundle, plain Node through ca.
#
#   bench/node.sh [N]     N distinct ids, default 20000
#
# Prints Markdown tables (wall, throughput, CPU, CPU per request, peak RSS,
# ratios to the SDK) and the targets: at least 10x the SDK's throughput,
# at most 1/5 of its CPU per request, ahead of plain Node. Installs what is
# missing. Exit 1 if any run failed.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-20000}
setup_no_build=1
# shellcheck source=bench/setup.sh
. bench/setup.sh

# The package from its tarball, in a fresh project of its own.
(cd examples/node && npm pack --pack-destination "$work" --silent) >&2
mkdir "$work/app"
echo '{ "name": "bench", "version": "0.0.0", "private": true }' > "$work/app/package.json"
(cd "$work/app" && npm install --offline --no-audit --no-fund --silent "$work"/anthropic-c-*.tgz) >&2
pkg=$work/app/node_modules/anthropic-c
[ -f "$pkg/anthropic.node" ] || { echo "node.sh: the package installed no addon" >&2; exit 1; }
pkg_version=$(node -p "require('$pkg/package.json').version")

failed=0
for proto in http1 h2; do
  if [ $proto = http1 ]; then
    base=$http ca=() clients=(addon sdk http)
  else
    base=$https ca=("$cert") clients=(addon sdk http http2)
  fi
  # A warm-up pass first: nginx's first read of cold files is not the clients'.
  NODE_EXTRA_CA_CERTS=$cert node bench/node-bench.js http "$base" "$n" "$pkg" \
    "$peers/node_modules" "${ca[@]}" > /dev/null || true
  for c in "${clients[@]}"; do
    if line=$(NODE_EXTRA_CA_CERTS=$cert node bench/node-bench.js "$c" "$base" "$n" \
      "$pkg" "$peers/node_modules" "${ca[@]}"); then
      echo "$proto $line" >> "$work/results"
    else
      failed=1
      echo "node.sh: $proto $c failed" >&2
    fi
  done
done
node bench/node-report.js "$work/results" "$n" "$pkg_version" "$sdk_version"
exit $failed
