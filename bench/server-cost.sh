#!/usr/bin/env bash
# server-cost.sh - what one cached GET /resolve costs resolve-server, in
# deterministic counts rather than wall time (issue 19): instructions
# (valgrind --tool=callgrind) and system calls (strace -c -f) per
# request. Each is measured twice, after SMALL and after BIG requests
# (bench/server-cost.py, CONNS keep-alive connections, the alias cached by
# a first request), and the difference divided by BIG - SMALL, so start-up
# and shutdown cancel out.
#
#   bench/server-cost.sh [BUILD] [CONNS]   default build-rel and 1
#
# One connection gives the same counts run after run; more connections let
# a loop turn answer several requests, so what is paid once a turn (the
# access log's write) is shared, and the counts move a little.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build-rel}
conns=${2:-1}
small=${SMALL:-200}
big=${BIG:-2200}
case $build in /*) bin="$build/examples/resolve-server" ;; *) bin="$PWD/$build/examples/resolve-server" ;; esac
[ -x "$bin" ] || { echo "server-cost.sh: no $bin" >&2; exit 1; }
work=$(mktemp -d)
trap 'bench/nginx.sh stop "$work/ngx"; rm -rf "$work"' EXIT
bench/nginx.sh start "$work/ngx" 1000 > "$work/urls"
http=$(awk '/^http /{print $2}' "$work/urls")
export ANTHROPIC_API_KEY=bench-key
path="/resolve?alias=bench-model-000001"

# run TOOL N: the server under TOOL answers N cached requests; prints the
# tool's count.
run() {
  local tool=$1 n=$2 pid port
  : > "$work/out" # not the last run's "listening" line
  case $tool in
  callgrind)
    valgrind --tool=callgrind --callgrind-out-file="$work/cg.out" \
      "$bin" --listen 127.0.0.1:0 --base-url "$http" --cache-ttl-ms 3600000 \
      > "$work/out" 2> "$work/err" &
    ;;
  strace)
    strace -c -f -o "$work/st.out" \
      "$bin" --listen 127.0.0.1:0 --base-url "$http" --cache-ttl-ms 3600000 \
      > "$work/out" 2> "$work/err" &
    ;;
  esac
  pid=$!
  port=
  for _ in $(seq 1 600); do
    port=$(awk '/^listening /{n = split($2, a, ":"); print a[n]; exit}' "$work/out")
    [ -n "$port" ] && break
    sleep 0.1
  done
  [ -n "$port" ] || { echo "server-cost.sh: no server: $(head -c 300 "$work/err")" >&2; exit 1; }
  port=${port%%/*}
  python3 bench/server-cost.py 127.0.0.1 "$port" "$path" 1 1 # the miss
  python3 bench/server-cost.py 127.0.0.1 "$port" "$path" "$n" "$conns"
  # strace passes no signal on: its child (the server) is told.
  if [ "$tool" = strace ]; then kill -TERM "$(pgrep -P "$pid")"; else kill -TERM "$pid"; fi
  wait "$pid" || true
  case $tool in
  callgrind) awk '/^summary:/{print $2}' "$work/cg.out" ;;
  strace) awk '$NF == "total" {print $4}' "$work/st.out" ;;
  esac
}

for tool in callgrind strace; do
  a=$(run "$tool" "$small")
  [ "$tool" = strace ] && cp "$work/st.out" "$work/st-small.out"
  b=$(run "$tool" "$big")
  per=$(awk -v a="$a" -v b="$b" -v n=$((big - small)) 'BEGIN {printf "%.1f", (b - a) / n}')
  unit=instructions
  [ "$tool" = strace ] && unit=syscalls
  echo "$tool: $per $unit per cached request ($conns connection(s), $small vs $big requests)"
  if [ "$tool" = strace ]; then
    # Per system call, the same difference.
    join -1 1 -2 1 \
      <(awk '$NF != "total" && $NF !~ /^-/ && NF >= 5 {print $NF, $4}' "$work/st-small.out" | sort) \
      <(awk '$NF != "total" && $NF !~ /^-/ && NF >= 5 {print $NF, $4}' "$work/st.out" | sort) |
      awk -v n=$((big - small)) '{d = ($3 - $2) / n; if (d >= 0.05) printf "  %-16s %.2f\n", $1, d}'
  fi
done
