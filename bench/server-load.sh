#!/usr/bin/env bash
# server-load.sh - resolve-server under a real load generator (wrk), beside
# what a user would run instead, all on loopback, for issue 19:
#
#   1. resolve-server (release build, build-bench), its upstream nginx
#      (bench/nginx.sh), the alias cached: GET /resolve?alias=A;
#   2. bench/server-peer-node.js: node:http answering from a Map filled
#      through @anthropic-ai/sdk (installed into build-bench/peers), the
#      same upstream and alias, its answer cached the same way;
#   3. nginx serving the same JSON (resolve-server's answer, saved) as a
#      static file;
#   and, with BASELINE_SERVER=PATH, another resolve-server binary (say
#   main's) measured as in 1, for "no worse than today".
#
#   bench/server-load.sh [SECONDS]   each run SECONDS long (default 10)
#
# Each is driven with `wrk -t1 --latency` at 64 and at 1,000 connections,
# after a warm-up; the server's peak RSS (VmHWM; nginx: master + worker)
# is read from /proc once both runs are over. Prints a Markdown report on
# stdout. 1,000 connections need more descriptors than the usual 1024:
# the soft limit is raised to the hard one (at most 65536) for everything
# this starts. Installs what is missing (scripts/install-deps.sh bench),
# builds build-bench. Exit status 1 when a run failed or had errors (non-2xx
# answers, socket errors): a broken run must not pass for a fast one.
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-10}
n=1000 # ids nginx serves (bench/setup.sh)
# shellcheck source=bench/setup.sh
. bench/setup.sh
server_bin="$root/$build/examples/resolve-server"
[ -x "$server_bin" ] || { echo "server-load.sh: no $server_bin" >&2; exit 1; }
command -v wrk >/dev/null || { echo "server-load.sh: wrk is missing" >&2; exit 1; }

hard=$(ulimit -Hn)
[ "$hard" = unlimited ] && hard=65536
[ "$hard" -gt 65536 ] && hard=65536
ulimit -n "$hard"
[ "$(ulimit -n)" -ge 2048 ] || {
  echo "server-load.sh: open-files limit $(ulimit -n): 1,000 connections need more" >&2
  exit 1
}

export ANTHROPIC_API_KEY=bench-key
alias_q="alias=bench-model-000001"
pids=()
cleanup_servers() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
}
trap 'cleanup_servers; bench/nginx.sh stop "$work/ngx"; rm -rf "$work"' EXIT

# start NAME CMD...: run it, wait for its "listening http://..." line, and
# set $url and $pid.
start() {
  local name=$1
  shift
  "$@" > "$work/$name.out" 2> "$work/$name.err" &
  pid=$!
  pids+=("$pid")
  url=
  for _ in $(seq 1 200); do
    url=$(awk '/^listening /{print $2; exit}' "$work/$name.out")
    [ -n "$url" ] && return 0
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.05
  done
  echo "server-load.sh: $name did not start: $(head -c 300 "$work/$name.err")" >&2
  exit 1
}

peak_rss_kib() { # PID...: the sum of their VmHWM
  local t=0 v
  for p in "$@"; do
    v=$(awk '/^VmHWM:/{print $2}' "/proc/$p/status" 2>/dev/null || echo 0)
    t=$((t + ${v:-0}))
  done
  echo "$t"
}

failed=0
# load NAME URL PIDS: warm up, then 64 and 1,000 connections; one line per
# run in $work/results: "NAME CONNS RPS P50_MS P99_MS ERRORS", then
# "NAME rss KIB".
load() {
  local name=$1 target=$2
  shift 2
  local body
  body=$(curl -s --fail "$target") || { echo "server-load.sh: $name: $target failed" >&2; failed=1; return; }
  grep -q '"id":"bench-model-000001"' <<<"$body" || {
    echo "server-load.sh: $name: not the model: $(head -c 200 <<<"$body")" >&2
    failed=1
    return
  }
  wrk -t1 -c64 -d2s "$target" > /dev/null # warm-up: connections, caches, JIT
  for conns in 64 1000; do
    wrk -t1 -c"$conns" -d"${secs}s" --timeout 10s --latency "$target" > "$work/wrk" 2>&1 || {
      failed=1
      echo "server-load.sh: $name at $conns: wrk failed: $(head -c 300 "$work/wrk")" >&2
    }
    node -e '
      const t = require("fs").readFileSync(process.argv[1], "utf8");
      const ms = (s) => { const m = /([\d.]+)(us|ms|s)\b/.exec(s); if (!m) return NaN;
        return Number(m[1]) * ({ us: 0.001, ms: 1, s: 1000 })[m[2]]; };
      const pct = (p) => { const m = new RegExp("^\\s+" + p + "%\\s+(\\S+)", "m").exec(t);
        return m ? ms(m[1]) : NaN; };
      const rps = Number((/Requests\/sec:\s+([\d.]+)/.exec(t) || [])[1]);
      let errors = Number((/Non-2xx or 3xx responses: (\d+)/.exec(t) || [0, 0])[1]);
      const se = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(t);
      if (se) errors += se.slice(1).reduce((a, b) => a + Number(b), 0);
      console.log([process.argv[2], process.argv[3], rps.toFixed(0), pct(50).toFixed(2),
        pct(99).toFixed(2), errors].join(" "));' "$work/wrk" "$name" "$conns" >> "$work/results"
    cp "$work/wrk" "$work/wrk-$name-$conns.txt"
  done
  echo "$name rss $(peak_rss_kib "$@")" >> "$work/results"
}

: > "$work/results"
start ours "$server_bin" --listen 127.0.0.1:0 --base-url "$http" --cache-ttl-ms 3600000
load ours "$url/resolve?$alias_q" "$pid"
# nginx serves what resolve-server answered, as a file.
curl -s --fail "$url/resolve?$alias_q" > "$work/ngx/www/v1/models/resolved-static.json"
cleanup_servers
pids=()

if [ -n "${BASELINE_SERVER:-}" ]; then
  start baseline "$BASELINE_SERVER" --listen 127.0.0.1:0 --base-url "$http" \
    --cache-ttl-ms 3600000
  load baseline "$url/resolve?$alias_q" "$pid"
  cleanup_servers
  pids=()
fi

start node node bench/server-peer-node.js --listen 127.0.0.1:0 --base-url "$http" \
  --cache-ttl-ms 3600000
load node "$url/resolve?$alias_q" "$pid"
cleanup_servers
pids=()

master=$(cat "$work/ngx/nginx.pid")
# shellcheck disable=SC2046
load nginx "$http/v1/models/resolved-static" "$master" $(pgrep -P "$master")

awk '$2 != "rss" && $6 != 0 {bad=1} END {exit bad}' "$work/results" || {
  failed=1
  echo "server-load.sh: a run had errors (non-2xx or socket errors): see the table" >&2
}

node - "$work/results" "$secs" "$sdk_version" "$(nginx -v 2>&1 | sed 's|.*/||')" \
  "$(node -v)" "$(ulimit -n)" <<'EOF'
const [file, secs, sdk, nginxV, nodeV, nofile] = process.argv.slice(2);
const runs = {}, rss = {};
for (const line of require('fs').readFileSync(file, 'utf8').trim().split('\n')) {
  const f = line.split(' ');
  if (f[1] === 'rss') { rss[f[0]] = Number(f[2]); continue; }
  (runs[f[0]] = runs[f[0]] || {})[f[1]] = { rps: +f[2], p50: +f[3], p99: +f[4], err: +f[5] };
}
const label = {
  ours: 'resolve-server (this branch)',
  baseline: 'resolve-server (baseline: BASELINE_SERVER)',
  node: `node:http + Map + @anthropic-ai/sdk ${sdk}`,
  nginx: `nginx ${nginxV}, the same JSON as a static file`,
};
const num = (x) => Math.round(x).toLocaleString('en-US');
const mib = (k) => (k / 1024).toFixed(1) + ' MiB';
const out = [];
out.push(`wrk -t1 --latency, ${secs} s a run after a 2 s warm-up, one alias, cached; ` +
  `Node ${nodeV}; open-files limit ${nofile}. Peak RSS (VmHWM) is over both runs.`, '');
out.push('| server | connections | requests/s | p50 | p99 | errors | peak RSS |');
out.push('|---|---|---|---|---|---|---|');
for (const k of ['ours', 'baseline', 'node', 'nginx']) {
  if (!runs[k]) continue;
  for (const c of ['64', '1000']) {
    const r = runs[k][c];
    if (!r) continue;
    out.push(`| ${label[k]} | ${Number(c).toLocaleString('en-US')} | ${num(r.rps)} | ` +
      `${r.p50.toFixed(2)} ms | ${r.p99.toFixed(2)} ms | ${r.err} | ` +
      `${c === '64' ? mib(rss[k]) : ''} |`);
  }
}
const o = runs.ours, n = runs.node, b = runs.baseline;
const met = (ok) => (ok ? 'met' : 'NOT met');
out.push('', '| target | figure | |', '|---|---|---|');
if (o && n) {
  const x = o['64'].rps / n['64'].rps;
  out.push(`| >= 3x the Node peer's requests/s (64 connections) | ${x.toFixed(2)}x | ${met(x >= 3)} |`);
  const x1k = o['1000'].rps / n['1000'].rps;
  out.push(`| (the same at 1,000 connections) | ${x1k.toFixed(2)}x | ${met(x1k >= 3)} |`);
  const r = rss.ours / rss.node;
  out.push(`| <= 1/5 of the Node peer's peak RSS | ${(r * 100).toFixed(1)}% (1/${(1 / r).toFixed(1)}) | ${met(r <= 0.2)} |`);
}
if (o) out.push(`| p99 under 5 ms at 64 connections | ${o['64'].p99.toFixed(2)} ms | ${met(o['64'].p99 < 5)} |`);
if (o && b) {
  const d = o['1000'].rps / b['1000'].rps;
  out.push(`| no worse than the baseline at 1,000 connections (requests/s; p99) | ` +
    `${d.toFixed(2)}x; ${o['1000'].p99.toFixed(2)} vs ${b['1000'].p99.toFixed(2)} ms | ` +
    `${met(d >= 0.95)} (within 5%) |`);
} else if (o) {
  out.push('| no worse than today at 1,000 connections | no baseline given (BASELINE_SERVER) | not measured |');
}
console.log(out.join('\n'));
EOF
exit $failed
