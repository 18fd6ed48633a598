#!/usr/bin/env bash
# ANTHROPIC_EXTERN as libuv's UV_EXTERN: on Windows, dllexport only while
# the library itself is built (BUILDING_ANTHROPIC_SHARED, which meson.build
# sets for the library's own files and nothing else), dllimport for a user
# of the DLL who says so (USING_ANTHROPIC_SHARED), nothing for a static
# build; elsewhere (GCC, clang) default visibility. The header is only
# preprocessed, with _WIN32 defined by hand, so it runs on any host.
# Args: CC INCLUDE_DIR COMPILE_COMMANDS_JSON.
set -euo pipefail
cc=$1
inc=$2
commands=$3

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

# What ANTHROPIC_EXTERN expands to with these flags.
expansion() { # [CFLAGS...]
  printf '#include <anthropic.h>\nanthropic_extern_is: ANTHROPIC_EXTERN\n' |
    "$cc" -E -P -I "$inc" "$@" -x c - | sed -n 's/^anthropic_extern_is: *//p'
}

expect() { # WANT CFLAGS...
  local want=$1 got
  shift
  got=$(expansion "$@")
  [ "$got" = "$want" ] ||
    fail "with ${*:-no flags}: ANTHROPIC_EXTERN is '$got', not '$want'"
  echo "with ${*:-no flags}: '${got}'"
}

expect '' -D_WIN32
expect '__declspec(dllexport)' -D_WIN32 -DBUILDING_ANTHROPIC_SHARED
expect '__declspec(dllimport)' -D_WIN32 -DUSING_ANTHROPIC_SHARED
expect '__attribute__((visibility("default")))'
expect '__attribute__((visibility("default")))' -DUSING_ANTHROPIC_SHARED

# The build: the library's own files are compiled with the define, the
# tests (users of the header) without it.
python3 - "$commands" <<'PY'
import json, sys
entries = json.load(open(sys.argv[1]))
define = "-DBUILDING_ANTHROPIC_SHARED"
lib = [e for e in entries if e["output"].startswith("libanthropic.")]
users = [e for e in entries if e["file"].endswith("test/header_cxx.cc")
         or e["file"].endswith("test/test_client.c")]
if not lib or not users:
    sys.exit("FAIL: no library or test files in " + sys.argv[1])
for e in lib:
    if define not in e["command"].split():
        sys.exit("FAIL: %s is built without %s" % (e["file"], define))
for e in users:
    if define in e["command"].split():
        sys.exit("FAIL: %s is built with %s" % (e["file"], define))
print("%d library files built with %s, %d users without"
      % (len(lib), define, len(users)))
PY
