#!/usr/bin/env bash
# peers.sh - this library against what users would pick instead, in one
# run, against one nginx serving the Models API as static files on
# loopback (bench/nginx.sh), over HTTP/1.1 and over HTTP/2 + TLS:
#
#   1. anthropic-models resolve: N distinct ids at 64 in flight, every body
#      parsed into ModelInfo (and printed as a JSON line);
#   2. curl --parallel --parallel-max 64: the same N URLs (bare libcurl
#      multi, bodies thrown away unparsed);
#   3. the official TypeScript SDK (@anthropic-ai/sdk, from npm into
#      build-bench/peers): the same ids, 64 at a time;
#   4. a listing walk of a 1,000-model catalogue, 20 a page, with each;
#   5. the resolve again at 1,000 in flight (memory).
#
#   bench/peers.sh [N]          N distinct ids, default 20000
#
# Prints a Markdown report (wall, CPU = user + system, peak RSS, ratios;
# system calls per request from strace -c) on stdout. Installs what is
# missing (scripts/install-deps.sh bench) and builds a release build in
# build-bench. Exit status 1 when any client's run failed: a broken run
# must not pass for a fast one.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-20000}
# shellcheck source=bench/setup.sh
. bench/setup.sh
cli="$root/$build/cli/anthropic-models"

node -e '
  const n = Number(process.argv[1]);
  const ids = Array.from({ length: n }, (_, i) => `bench-model-${String(i).padStart(6, "0")}`);
  require("fs").writeFileSync(process.argv[2], ids.join("\n") + "\n");' "$n" "$work/ids"
# curl's config: one URL a request, the same headers as ours.
curl_cfg() { # BASE FILE
  {
    echo 'header = "x-api-key: bench-key"'
    echo 'header = "anthropic-version: 2023-06-01"'
    sed "s|^|url = \"$1/v1/models/|; s|\$|\"\\noutput = \"/dev/null\"|" "$work/ids"
  } > "$2"
}
curl_pages() { # BASE FILE: the walk's 50 page URLs, known in advance
  {
    echo 'header = "x-api-key: bench-key"'
    echo 'header = "anthropic-version: 2023-06-01"'
    echo "url = \"$1/v1/models?limit=20\""
    echo 'output = "/dev/null"'
    for ((i = 19; i < 999; i += 20)); do
      printf 'url = "%s/v1/models?limit=20&after_id=bench-model-%06d"\noutput = "/dev/null"\n' "$1" "$i"
    done
  } > "$2"
}
curl_cfg "$http" "$work/curl-http"
curl_cfg "$https" "$work/curl-https"
curl_pages "$http" "$work/pages-http"
curl_pages "$https" "$work/pages-https"

export ANTHROPIC_API_KEY=bench-key
failed=0
# measure NAME CMD...: one line "NAME wall user+sys maxrss_kib status";
# stdin from $work/ids when $ids_in is set.
measure() {
  local name=$1
  shift
  local st=0 in=/dev/null
  [ -n "${ids_in:-}" ] && in=$work/ids
  /usr/bin/time -f '%e %U %S %M' -o "$work/time" "$@" < "$in" > "$work/out" \
    2> "$work/err" || st=$?
  read -r wall user sys rss < <(tail -1 "$work/time")
  if [ "$st" -ne 0 ]; then
    failed=1
    echo "peers.sh: $name failed ($st): $(head -c 300 "$work/err")" >&2
  fi
  echo "$name $wall $(awk -v u="$user" -v s="$sys" 'BEGIN{print u + s}') $rss $st" >> "$work/results"
}

ours_resolve() { # NAME BASE CONCURRENCY [--cacert FILE]
  local name=$1 base=$2 conc=$3
  shift 3
  ids_in=1 measure "$name" "$cli" --base-url "$base" --concurrency "$conc" "$@" \
    resolve -
}
check_lines() { # the resolve wrote N lines, each with an id
  [ "$(grep -c '"id":"bench-model-' "$work/out")" -eq "$n" ]
}

for proto in http1 h2; do
  if [ $proto = http1 ]; then
    base=$http
    tls=()
    curl_proto=(--http1.1)
    node_env=()
  else
    base=$https
    tls=(--cacert "$cert")
    curl_proto=(--http2 --cacert "$cert")
    node_env=(env NODE_EXTRA_CA_CERTS="$cert")
  fi
  ours_resolve "ours-$proto" "$base" 64 "${tls[@]}"
  check_lines || { failed=1; echo "peers.sh: ours-$proto: wrong output" >&2; }
  measure "curl-$proto" curl -s --fail --parallel --parallel-max 64 "${curl_proto[@]}" \
    -K "$work/curl-${base%%:*}"
  measure "sdk-$proto" "${node_env[@]}" node bench/peers/sdk.js retrieve \
    --base-url "$base" --ids "$work/ids" --concurrency 64
  ours_resolve "ours1000-$proto" "$base" 1000 "${tls[@]}"
  check_lines || { failed=1; echo "peers.sh: ours1000-$proto: wrong output" >&2; }
  measure "walk-ours-$proto" "$cli" --base-url "$base" "${tls[@]}" --json list --all \
    --page-size 20
  [ "$(wc -l < "$work/out")" -eq 1000 ] || { failed=1; echo "peers.sh: walk: not 1000" >&2; }
  measure "walk-curl-$proto" curl -s --fail "${curl_proto[@]}" -K "$work/pages-${base%%:*}"
  measure "walk-sdk-$proto" "${node_env[@]}" node bench/peers/sdk.js list \
    --base-url "$base" --page-size 20
done

# System calls per request over HTTP/1.1, 5,000 requests (or N).
head -5000 "$work/ids" > "$work/ids5k"
k=$(wc -l < "$work/ids5k")
strace -f -c -o "$work/strace-ours" "$cli" --base-url "$http" --concurrency 64 resolve - \
  < "$work/ids5k" > /dev/null
head -2 "$work/curl-http" > "$work/curl5k"
sed -n "3,$((2 * k + 2))p" "$work/curl-http" >> "$work/curl5k"
strace -f -c -o "$work/strace-curl" curl -s --parallel --parallel-max 64 --http1.1 \
  -K "$work/curl5k"
syscalls() { awk '/^-+ /{f=!f; next} f && $NF != "total" {print $4, $NF}' "$1" |
  sort -rn | head -8 |
  awk -v k="$k" '{printf "%s%s %.2f", (NR>1?", ":""), $2, $1/k} END {print ""}'; }
sys_total() { awk -v k="$k" '$NF == "total" {printf "%.2f", $4/k}' "$1"; }

node bench/peers-report.js "$work/results" "$n" "$k" \
  "$(sys_total "$work/strace-ours")" "$(syscalls "$work/strace-ours")" \
  "$(sys_total "$work/strace-curl")" "$(syscalls "$work/strace-curl")" \
  "$sdk_version"
exit $failed
