#!/usr/bin/env bash
# Install what is missing, build with AddressSanitizer and
# UndefinedBehaviorSanitizer, and run every test. CI runs exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh

build=build-test
if [ ! -f "$build/build.ninja" ]; then
  meson setup "$build" -Db_sanitize=address,undefined -Dbuildtype=debug \
    -Dwerror=true
fi
meson compile -C "$build"

set +e
meson test -C "$build" --print-errorlogs "$@"
rc=$?
set -e

# One closing line any CI reader understands.
log="$build/meson-logs/testlog.json"
if [ -f "$log" ]; then
  pass=$(grep -c '"result": "OK"' "$log" || true)
  fail=$(grep -c -E '"result": "(FAIL|TIMEOUT|ERROR|UNEXPECTEDPASS)"' "$log" || true)
  echo "$pass passed, $fail failed"
fi
exit $rc
