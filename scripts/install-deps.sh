#!/usr/bin/env bash
# Install the Debian packages this project builds and tests with, only the
# ones that are missing (with `bench`: the benchmarks' too). Safe to run again; needs root (or sudo) to install.
set -euo pipefail

want=(meson ninja-build pkg-config gcc clang libuv1-dev libcurl4-openssl-dev openssl
      libcjson-dev libhttp-parser-dev nodejs valgrind gcovr doxygen
      man-db groff-base)
# `install-deps.sh bench`: also what the benchmarks run against and measure
# with (bench/run.sh); the build and the tests never need these.
if [ "${1:-}" = bench ]; then
  want+=(nginx curl time strace npm wrk)
fi
missing=()
for p in "${want[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    # nodejs and npm may come from elsewhere than Debian: working ones do.
    if [ "$p" = nodejs ] && command -v node >/dev/null 2>&1; then continue; fi
    if [ "$p" = npm ] && command -v npm >/dev/null 2>&1; then continue; fi
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "installing: ${missing[*]}" >&2
sudo=()
[ "$(id -u)" -eq 0 ] || sudo=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
