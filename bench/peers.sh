#!/usr/bin/env bash
# peers.sh - this library against the floor and against what users would
# pick instead, in one run, against one nginx serving the Models API as
# static files on loopback (bench/nginx.sh), over HTTP/1.1 and over
# HTTP/2 + TLS:
#
#   ours  anthropic-models resolve: N distinct ids at 64 in flight, every
#         body parsed into ModelInfo (and printed as a JSON line);
#   bare  bench/bare.c, the floor: libuv + libcurl multi-socket, pooled
#         easy handles, kept watchers, bodies thrown away;
#   curl  curl --parallel --parallel-max 64 on the same URLs (bodies
#         thrown away);
#   sdk   the official TypeScript SDK (@anthropic-ai/sdk, from npm into
#         build-bench/peers), 64 at a time, on the first SDK_N ids;
#   ours and bare again at 1,000 in flight (peak RSS);
#   a listing walk of a 1,000-model catalogue, 20 a page, with ours, curl
#   and the SDK (first round only).
#
# Each round runs every client once, one after another (ours, bare, curl,
# sdk, ours1000, bare1000, then the other protocol), ROUNDS rounds: single
# wall times move up to 2x on a shared machine, so the report gives
# medians of interleaved runs, and the load average at each round's start.
# Then the deterministic figures, once each, for ours, bare and curl over
# both protocols: system calls per request (strace -f -c, STRACE_N
# requests, the median of STRACE_ROUNDS runs: the counts move with how
# transfers and callbacks interleave) and instructions per request (callgrind: the difference
# between a run of CG_N and one of CG_N / 10 requests, divided by the
# difference in requests, so start-up is left out).
#
#   bench/peers.sh [N]     N distinct ids, default 20000
#   environment: ROUNDS (default 3), SDK_N (default N / 4: the SDK spends
#   some 0.5-1 ms of CPU a request), STRACE_N (5000), STRACE_ROUNDS (3),
#   CG_N (2000)
#
# Prints a Markdown report (bench/peers-report.js) on stdout: the medians,
# every figure of ours as a ratio to bare, curl and the SDK, and the
# targets met or not. Installs what is missing (scripts/install-deps.sh
# bench) and builds a release build in build-bench. Exit status 1 when any
# client's run failed: a broken run must not pass for a fast one. Wall
# times are reported, never judged pass/fail.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-20000}
rounds=${ROUNDS:-3}
sdk_n=${SDK_N:-$((n / 4))}
strace_n=${STRACE_N:-5000}
strace_rounds=${STRACE_ROUNDS:-3}
cg_n=${CG_N:-2000}
cg_small=$((cg_n / 10))
# shellcheck source=bench/setup.sh
. bench/setup.sh
cli="$root/$build/cli/anthropic-models"
bare="$root/$build/bench/bare"

head -"$sdk_n" "$work/ids" > "$work/ids-sdk"
head -"$strace_n" "$work/ids" > "$work/ids-strace"
head -"$cg_n" "$work/ids" > "$work/ids-cg"
head -"$cg_small" "$work/ids" > "$work/ids-cgsmall"
# curl's config: one URL a request, the same headers as ours.
curl_cfg() { # BASE IDS FILE
  {
    echo 'header = "x-api-key: bench-key"'
    echo 'header = "anthropic-version: 2023-06-01"'
    sed "s|^|url = \"$1/v1/models/|; s|\$|\"\\noutput = \"/dev/null\"|" "$2"
  } > "$3"
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
for set in ids ids-strace ids-cg ids-cgsmall; do
  curl_cfg "$http" "$work/$set" "$work/curl-http-$set"
  curl_cfg "$https" "$work/$set" "$work/curl-https-$set"
done
curl_pages "$http" "$work/pages-http"
curl_pages "$https" "$work/pages-https"

export ANTHROPIC_API_KEY=bench-key
failed=0
: > "$work/results"
# measure NAME ROUND REQUESTS IDS CMD...: one line "NAME ROUND wall
# user+sys maxrss_kib status requests"; stdin from IDS ("-": none).
measure() {
  local name=$1 round=$2 reqs=$3 ids=$4
  shift 4
  local st=0 in=/dev/null
  [ "$ids" != - ] && in=$ids
  /usr/bin/time -f '%e %U %S %M' -o "$work/time" "$@" < "$in" > "$work/out" \
    2> "$work/err" || st=$?
  read -r wall user sys rss < <(tail -1 "$work/time")
  if [ "$st" -ne 0 ]; then
    failed=1
    echo "peers.sh: $name failed ($st): $(head -c 300 "$work/err")" >&2
  fi
  echo "$name $round $wall $(awk -v u="$user" -v s="$sys" 'BEGIN{print u + s}') $rss $st $reqs" \
    >> "$work/results"
}
check_lines() { # NAME COUNT: the resolve wrote COUNT lines, each with an id
  [ "$(grep -c '"id":"bench-model-' "$work/out")" -eq "$2" ] ||
    { failed=1; echo "peers.sh: $1: wrong output" >&2; }
}
proto_args() { # sets base, tls, bare_proto, curl_proto, curl_base, node_env
  if [ "$1" = http1 ]; then
    base=$http tls=() bare_proto=() curl_proto=(--http1.1) node_env=()
  else
    base=$https tls=(--cacert "$cert") bare_proto=(--http2 --cacert "$cert")
    curl_proto=(--http2 --cacert "$cert") node_env=(env NODE_EXTRA_CA_CERTS="$cert")
  fi
  curl_base=${base%%:*}
}

: > "$work/load"
for ((round = 1; round <= rounds; round++)); do
  echo "round $round $(cut -d' ' -f1-3 /proc/loadavg)" >> "$work/load"
  echo "peers.sh: round $round of $rounds (load $(cut -d' ' -f1 /proc/loadavg))" >&2
  for proto in http1 h2; do
    proto_args $proto
    measure "ours-$proto" "$round" "$n" "$work/ids" "$cli" --base-url "$base" \
      --concurrency 64 "${tls[@]}" resolve -
    check_lines "ours-$proto" "$n"
    measure "bare-$proto" "$round" "$n" "$work/ids" "$bare" --base-url "$base" \
      --concurrency 64 "${bare_proto[@]}"
    measure "curl-$proto" "$round" "$n" - curl -s --fail --parallel --parallel-max 64 \
      "${curl_proto[@]}" -K "$work/curl-$curl_base-ids"
    measure "sdk-$proto" "$round" "$sdk_n" - "${node_env[@]}" node bench/peers/sdk.js \
      retrieve --base-url "$base" --ids "$work/ids-sdk" --concurrency 64
    measure "ours1000-$proto" "$round" "$n" "$work/ids" "$cli" --base-url "$base" \
      --concurrency 1000 "${tls[@]}" resolve -
    check_lines "ours1000-$proto" "$n"
    measure "bare1000-$proto" "$round" "$n" "$work/ids" "$bare" --base-url "$base" \
      --concurrency 1000 "${bare_proto[@]}"
    if [ "$round" -eq 1 ]; then
      measure "walk-ours-$proto" 1 50 - "$cli" --base-url "$base" "${tls[@]}" --json \
        list --all --page-size 20
      [ "$(wc -l < "$work/out")" -eq 1000 ] ||
        { failed=1; echo "peers.sh: walk: not 1000" >&2; }
      measure "walk-curl-$proto" 1 50 - curl -s --fail "${curl_proto[@]}" \
        -K "$work/pages-$curl_base"
      measure "walk-sdk-$proto" 1 50 - "${node_env[@]}" node bench/peers/sdk.js list \
        --base-url "$base" --page-size 20
    fi
  done
done

# The deterministic figures. client_cmd NAME PROTO IDS: the command line of
# a client for the ids in $work/IDS (read from stdin by ours and bare).
client_cmd() {
  proto_args "$2"
  case $1 in
    ours) cmd=("$cli" --base-url "$base" --concurrency 64 "${tls[@]}" resolve -) ;;
    bare) cmd=("$bare" --base-url "$base" --concurrency 64 "${bare_proto[@]}") ;;
    curl) cmd=(curl -s --fail --parallel --parallel-max 64 "${curl_proto[@]}"
               -K "$work/curl-$curl_base-$3") ;;
  esac
}
echo "peers.sh: strace and callgrind (load $(cut -d' ' -f1 /proc/loadavg))" >&2
: > "$work/sys"
: > "$work/ir"
for proto in http1 h2; do
  for c in ours bare curl; do
    client_cmd $c $proto ids-strace
    # STRACE_ROUNDS runs (the counts move with how callbacks interleave):
    # "NAME MEDIAN_PER_REQUEST TOP..." with the runs' totals after "runs".
    totals=()
    for ((sr = 1; sr <= strace_rounds; sr++)); do
      strace -f -c -o "$work/strace-$c-$proto" "${cmd[@]}" < "$work/ids-strace" > /dev/null \
        2> "$work/err" || { failed=1; echo "peers.sh: strace $c-$proto failed" >&2; }
      totals+=("$(awk '$NF == "total" {print $4}' "$work/strace-$c-$proto")")
    done
    awk -v k="$strace_n" -v name="$c-$proto" -v runs="${totals[*]}" '
      /^-+ /{f = !f; next}
      f && $NF != "total" {calls[$NF] = $4}
      END {
        m = split(runs, t, " ")
        for (i = 1; i <= m; i++) for (j = i + 1; j <= m; j++) if (t[j] < t[i]) {x = t[i]; t[i] = t[j]; t[j] = x}
        med = m % 2 ? t[(m + 1) / 2] : (t[m / 2] + t[m / 2 + 1]) / 2
        all = ""; for (i = 1; i <= m; i++) all = all (i > 1 ? "/" : "") sprintf("%.2f", t[i] / k)
        top = ""
        for (i = 0; i < 6; i++) {
          best = ""; for (s in calls) if (best == "" || calls[s] > calls[best]) best = s
          if (best == "") break
          top = top (i ? ", " : "") best " " sprintf("%.2f", calls[best] / k)
          delete calls[best]
        }
        printf "%s %.3f %s (last run; runs: %s)\n", name, med / k, top, all
      }' "$work/strace-$c-$proto" >> "$work/sys"
    ir=()
    for set in ids-cgsmall ids-cg; do
      client_cmd $c $proto $set
      valgrind --tool=callgrind --callgrind-out-file="$work/cg-$c-$proto-$set" \
        "${cmd[@]}" < "$work/$set" > /dev/null 2> "$work/err" ||
        { failed=1; echo "peers.sh: callgrind $c-$proto failed" >&2; }
      ir+=("$(callgrind_annotate "$work/cg-$c-$proto-$set" 2> /dev/null |
        awk '/PROGRAM TOTALS/ && !done {gsub(",", "", $1); print $1; done = 1}')")
    done
    echo "$c-$proto ${ir[0]} ${ir[1]} $cg_small $cg_n" >> "$work/ir"
  done
done
echo "end $(cut -d' ' -f1-3 /proc/loadavg)" >> "$work/load"

node bench/peers-report.js "$work" "$n" "$sdk_n" "$strace_n" "$sdk_version"
exit $failed
