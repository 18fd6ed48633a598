#!/usr/bin/env bash
# Build the libFuzzer targets with clang and fuzz one of them.
#
#   scripts/fuzz.sh TARGET [SECONDS] [LIBFUZZER_ARGS...]
#
# TARGET is one of: model page error_body retry_after headers json (or
# "list").
# SECONDS defaults to 60. The build directory is build-fuzz (clang, ASan +
# UBSan); the fuzzer works on a scratch corpus build-fuzz/fuzz-corpus/TARGET,
# seeded from test/fuzz/corpus/TARGET, so the repository corpus only changes
# when you copy an input there yourself. Crashes go to
# build-fuzz/fuzz-artifacts/TARGET/, the log to build-fuzz/fuzz-logs/TARGET.log.
#
# Replay a crash with the fuzzer:  build-fuzz/test/fuzz/fuzz_TARGET FILE
# or with gcc's sanitized build:   build-test/test/fuzz/replay_TARGET FILE
# Minimise it:  build-fuzz/test/fuzz/fuzz_TARGET -minimize_crash=1 \
#                 -runs=100000 -exact_artifact_path=min FILE
set -euo pipefail
cd "$(dirname "$0")/.."

targets=(model page error_body retry_after headers json)
usage() {
  echo "usage: $0 TARGET [SECONDS] [LIBFUZZER_ARGS...]" >&2
  echo "targets: ${targets[*]}" >&2
  exit 2
}
[ $# -ge 1 ] || usage
target=$1
shift
if [ "$target" = list ]; then
  printf '%s\n' "${targets[@]}"
  exit 0
fi
case " ${targets[*]} " in *" $target "*) ;; *) usage ;; esac
seconds=${1:-60}
[ $# -ge 1 ] && shift
[[ $seconds =~ ^[0-9]+$ ]] || usage

build=build-fuzz
if [ ! -f "$build/build.ninja" ]; then
  CC=${CC_FUZZ:-clang} meson setup "$build" \
    -Db_sanitize=address,undefined -Db_lundef=false
fi
meson compile -C "$build" "fuzz_$target"
bin=$build/test/fuzz/fuzz_$target
if [ ! -x "$bin" ]; then
  echo "fuzz.sh: $bin was not built (the compiler of $build must be clang" \
    "with libFuzzer)" >&2
  exit 1
fi

corpus=$build/fuzz-corpus/$target
artifacts=$build/fuzz-artifacts/$target
logs=$build/fuzz-logs
mkdir -p "$corpus" "$artifacts" "$logs"
cp -n test/fuzz/corpus/"$target"/* "$corpus"/ 2>/dev/null || true

dict=()
case $target in
  model | page | error_body) dict=(-dict=test/fuzz/json.dict) ;;
  retry_after) dict=(-dict=test/fuzz/retry_after.dict) ;;
  headers) dict=(-dict=test/fuzz/headers.dict) ;;
esac

# UBSan findings must stop the run like ASan's do.
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}

log=$logs/$target.log
echo "fuzz.sh: $bin for ${seconds}s, corpus $corpus ($(ls "$corpus" | wc -l) files), log $log" >&2
set +e
"$bin" -max_total_time="$seconds" -max_len=65536 -timeout=10 \
  -print_final_stats=1 -artifact_prefix="$artifacts/" "${dict[@]}" \
  "$@" "$corpus" 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
set -e

echo "== fuzz_$target: final stats"
grep -E '^stat::' "$log" || true
last=$(grep -E '#[0-9]+.*(DONE|cov:)' "$log" | tail -1 || true)
echo "last status: $last"
echo "corpus files: $(ls "$corpus" | wc -l)"
crashes=$(ls "$artifacts" 2>/dev/null | wc -l)
echo "artifacts (crashes/leaks/timeouts): $crashes"
exit "$rc"
