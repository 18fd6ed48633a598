#!/usr/bin/env bash
# node.sh - the Node.js addon against the official SDK and plain node:http
# (bench/node-bench.js), 20,000 distinct retrieves at 64 in flight, one run,
# against one nginx serving the Models API over HTTP/1.1 (bench/nginx.sh).
#
#   bench/node.sh [N]     N distinct ids, default 20000
#
# Prints a Markdown table (wall, throughput, CPU, peak RSS, ratios to the
# SDK). Installs what is missing and builds a release build in build-bench
# (the addon is built where Node's headers are). Exit 1 if any run failed.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-20000}
# shellcheck source=bench/setup.sh
. bench/setup.sh
addon="$root/$build/examples/node"
[ -f "$addon/anthropic.node" ] || { echo "node.sh: no addon built (Node's headers?)" >&2; exit 1; }

failed=0
# A warm-up pass first: nginx's first read of cold files is not the clients'.
node bench/node-bench.js http "$http" "$n" "$addon" "$peers/node_modules" > /dev/null || true
for c in addon sdk http; do
  node bench/node-bench.js "$c" "$http" "$n" "$addon" "$peers/node_modules" \
    >> "$work/results" || failed=1
done
node -e '
  const rows = require("fs").readFileSync(process.argv[1], "utf8").trim().split("\n").map((l) => {
    const f = l.split(" "); const o = { name: f[0] };
    for (let i = 1; i < f.length; i += 2) o[f[i]] = Number(f[i + 1]);
    return o;
  });
  const sdk = rows.find((r) => r.name === "sdk");
  console.log(`| ${process.argv[2]} retrieves, 64 in flight, HTTP/1.1 | wall | requests/s | CPU | peak RSS | throughput vs the SDK |`);
  console.log("|---|---|---|---|---|---|");
  for (const r of rows) {
    const rps = r.ok / (r.ms / 1000);
    console.log(`| ${r.name} | ${(r.ms / 1000).toFixed(2)} s | ${Math.round(rps)} | ${(r.cpu_ms / 1000).toFixed(2)} s | ${(r.rss_kib / 1024).toFixed(1)} MiB | ${(sdk.ms / r.ms).toFixed(1)}x |`);
  }' "$work/results" "$n"
exit $failed
