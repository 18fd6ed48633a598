#!/usr/bin/env bash
# knobs.sh - libcurl's knobs that the library sets or could, measured on
# the bare driver (bench/bare.c) against nginx (bench/nginx.sh), with the
# deterministic figures first: instructions per request (callgrind, the
# difference of a run of N and one of N/2, over N/2) and system calls per
# request (strace -f -c, N requests); then the median CPU and peak RSS of
# ROUNDS interleaved runs of 20,000 requests.
#
#   bench/knobs.sh inflight    1,000 in flight over HTTP/1.1: libcurl's
#                              per-transfer connection scan against
#                              CURLMOPT_MAX_HOST_CONNECTIONS,
#                              CURLMOPT_MAXCONNECTS and a queue cap (fewer
#                              handed to libcurl at once); HTTP/2 beside
#   bench/knobs.sh buffer      CURLOPT_BUFFERSIZE, both protocols, 64 in
#                              flight
#   bench/knobs.sh mimalloc    the CLI with and without mimalloc (a second
#                              release build, build-bench-mimalloc,
#                              -Dmimalloc=enabled), both protocols, 64 and
#                              1,000 in flight
#
# environment: N (2000), ROUNDS (3). Prints a Markdown table on stdout.
set -euo pipefail
cd "$(dirname "$0")/.."
what=${1:-}
cgn=${N:-2000}
rounds=${ROUNDS:-3}
n=20000
# shellcheck source=bench/setup.sh
. bench/setup.sh
bare="$root/$build/bench/bare"
cli="$root/$build/cli/anthropic-models"
head -"$cgn" "$work/ids" > "$work/ids-big"
head -"$((cgn / 2))" "$work/ids" > "$work/ids-small"
export ANTHROPIC_API_KEY=bench-key

# variants: "LABEL|PROTO|ARGS..." run as CMD ARGS < ids
variants=()
case $what in
  inflight)
    for p in http1 h2; do
      variants+=("$p: 64 in flight (a queue cap of 64)|$p|bare --concurrency 64"
        "$p: 1,000 in flight, 1,000 connections (default)|$p|bare --concurrency 1000"
        "$p: 1,000 in flight, MAX_HOST_CONNECTIONS 64|$p|bare --concurrency 1000 --max-host-connections 64"
        "$p: 1,000 in flight, MAX_HOST_CONNECTIONS 256|$p|bare --concurrency 1000 --max-host-connections 256"
        "$p: 1,000 in flight, MAXCONNECTS 1,000|$p|bare --concurrency 1000 --maxconnects 1000"
        "$p: 256 in flight (a queue cap of 256)|$p|bare --concurrency 256")
    done
    variants+=("h2: 1,000 in flight, libcurl's 100 streams a connection|h2|bare --concurrency 1000 --streams 100") ;;
  buffer)
    for p in http1 h2; do
      for b in 1024 4096 16384 65536 262144; do
        variants+=("$p: CURLOPT_BUFFERSIZE $b|$p|bare --buffer-size $b")
      done
    done ;;
  mimalloc)
    mi="$root/build-bench-mimalloc"
    [ -f "$mi/build.ninja" ] || meson setup "$mi" -Dbuildtype=release -Dmimalloc=enabled \
      -Dtests=disabled -Dexamples=disabled -Dbench=disabled -Ddocs=disabled >&2
    ninja -C "$mi" cli/anthropic-models >&2
    for p in http1 h2; do
      for c in 64 1000; do
        variants+=("$p, $c in flight: glibc malloc|$p|cli --concurrency $c"
          "$p, $c in flight: mimalloc|$p|mi --concurrency $c")
      done
    done ;;
  *) echo "usage: $0 inflight|buffer|mimalloc" >&2; exit 2 ;;
esac

cmd_of() { # PROTO PROG ARGS...: sets cmd
  local p=$1 prog=$2
  shift 2
  local base=$http tls=() proto=()
  if [ "$p" = h2 ]; then
    base=$https tls=(--cacert "$cert") proto=(--http2)
  fi
  case $prog in
    bare) cmd=("$bare" --base-url "$base" "${proto[@]}" "${tls[@]}" "$@") ;;
    cli) cmd=("$cli" --base-url "$base" "${tls[@]}" "$@" resolve -) ;;
    mi) cmd=("$mi/cli/anthropic-models" --base-url "$base" "${tls[@]}" "$@" resolve -) ;;
  esac
}
ir_of() { # FILE: total instructions
  callgrind_annotate "$1" 2> /dev/null |
    awk '/PROGRAM TOTALS/ && !d {gsub(",", "", $1); print $1; d = 1}'
}

declare -A cpu rss
for ((r = 1; r <= rounds; r++)); do
  for i in "${!variants[@]}"; do
    IFS='|' read -r label p args <<< "${variants[$i]}"
    # shellcheck disable=SC2086
    cmd_of "$p" $args
    /usr/bin/time -f '%U %S %M' -o "$work/time" "${cmd[@]}" < "$work/ids" > /dev/null 2> "$work/err" ||
      { echo "knobs.sh: $label failed: $(head -c 200 "$work/err")" >&2; exit 1; }
    read -r u s m < "$work/time"
    cpu[$i]+="$(awk -v u="$u" -v s="$s" 'BEGIN{print u + s}') "
    rss[$i]+="$m "
  done
done
med() { tr ' ' '\n' | grep . | sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }

echo "Load average at the end: $(cut -d' ' -f1-3 /proc/loadavg). $rounds rounds of $n requests (CPU, RSS: medians); instructions from callgrind ($cgn minus $((cgn / 2)) requests), system calls from strace -f -c ($cgn requests)."
echo
echo '| variant | instructions/request | syscalls/request | most called | CPU/request (median) | peak RSS (median) |'
echo '|---|---|---|---|---|---|'
for i in "${!variants[@]}"; do
  IFS='|' read -r label p args <<< "${variants[$i]}"
  # shellcheck disable=SC2086
  cmd_of "$p" $args
  valgrind --tool=callgrind --callgrind-out-file="$work/cg-big" "${cmd[@]}" \
    < "$work/ids-big" > /dev/null 2>&1
  valgrind --tool=callgrind --callgrind-out-file="$work/cg-small" "${cmd[@]}" \
    < "$work/ids-small" > /dev/null 2>&1
  big=$(ir_of "$work/cg-big") small=$(ir_of "$work/cg-small")
  strace -f -c -o "$work/strace" "${cmd[@]}" < "$work/ids-big" > /dev/null 2>&1
  sys=$(awk -v k="$cgn" '
    /^-+ /{f = !f; next}
    f && $NF != "total" {c[$NF] = $4}
    $NF == "total" {t = $4}
    END {
      top = ""
      for (i = 0; i < 4; i++) {
        b = ""; for (s in c) if (b == "" || c[s] > c[b]) b = s
        if (b == "") break
        top = top (i ? ", " : "") b " " sprintf("%.2f", c[b] / k); delete c[b]
      }
      printf "%.2f | %s", t / k, top
    }' "$work/strace")
  c=$(echo "${cpu[$i]}" | med) m=$(echo "${rss[$i]}" | med)
  printf '| %s | %.1f k | %s | %.1f us | %.1f MiB |\n' "$label" \
    "$(awk -v b="$big" -v s="$small" -v k="$((cgn - cgn / 2))" 'BEGIN{print (b - s) / k / 1000}')" \
    "$sys" "$(awk -v c="$c" -v n="$n" 'BEGIN{print c / n * 1e6}')" \
    "$(awk -v m="$m" 'BEGIN{print m / 1024}')"
done
