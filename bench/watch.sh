#!/usr/bin/env bash
# watch.sh - what a cycle of anthropic_models_watch() costs by catalogue
# size (bench/watch_cycle.c), in a release build of its own (build-bench),
# against a plain walk of the same list: per-cycle CPU and RSS for 1,000,
# 5,000 and 10,000 synthetic models (plus the 57 hand-written ones), then
# the ratios that say whether the cost is bounded by the list's size:
# CPU per model per cycle at each size (flat when linear), the watch over
# the walk, and RSS growth from the first cycle to the last.
#
#   bash bench/watch.sh [SIZES] [CYCLES]     (defaults: 1000,5000,10000 20)
#
# Figures in bench/RESULTS.md. Run it on a quiet machine.
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=${1:-1000,5000,10000}
cycles=${2:-20}
bash scripts/install-deps.sh bench >&2
build=build-bench
[ -f "$build/build.ninja" ] || meson setup "$build" -Dbuildtype=release >&2
ninja -C "$build" bench/watch_cycle >&2
out=$(mktemp)
trap 'rm -f "$out"' EXIT
echo "load: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores; $(git rev-parse --short HEAD)"
NODE=$(command -v node) FAKE_API_SERVER=$PWD/test/fake-api/server.js \
  "$build/bench/watch_cycle" --models "$sizes" --cycles "$cycles" | tee "$out"
echo
echo "| models | case | CPU/cycle | us/model | / walk | RSS first -> last (MiB) |"
echo "|---|---|---|---|---|---|"
awk '!/^#/ {
  n = $1; cpu = $(NF-5); r1 = $(NF-3); rk = $(NF-2)
  label = $2; for (i = 3; i <= NF-7; i++) label = label " " $i
  if (label ~ /^walk/) walk[n, label ~ /etag/] = cpu
  floor = walk[n, label ~ /etag|churn/]
  printf "| %d | %s | %.2f ms | %.2f | %s | %.1f -> %.1f |\n", n, label, cpu,
    cpu * 1000 / n, (label ~ /^walk/ || floor == 0) ? "-" : sprintf("%.2fx", cpu / floor),
    r1, rk
}' "$out"
