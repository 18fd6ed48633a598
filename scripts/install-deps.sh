#!/usr/bin/env bash
# Install the Debian packages this project builds and tests with, only the
# ones that are missing (with `bench`: the benchmarks' too). Safe to run again; needs root (or sudo) to install.
set -euo pipefail

# npm: test/node-parity.test.js installs the official SDK and TypeScript
# with it (into build-test/sdk, once), and test/node_package.sh packs and
# installs the Node package with it.
want=(meson ninja-build pkg-config gcc clang libuv1-dev libcurl4-openssl-dev openssl
      libcjson-dev libhttp-parser-dev nodejs npm valgrind gcovr doxygen
      man-db groff-base
      # The npm package's test (test/node_package.sh): what its node-gyp
      # build runs (python3 for gyp, make, g++ to link).
      python3 make g++)
# `install-deps.sh bench`: also what the benchmarks run against and measure
# with (bench/run.sh); the build and the tests never need these.
if [ "${1:-}" = bench ]; then
  want+=(nginx curl time strace wrk libmimalloc-dev)
fi
# `install-deps.sh demo`: only what scripts/demo.sh needs: the library and
# the CLI (with neither tests nor examples), and Node.js for the fake API.
if [ "${1:-}" = demo ]; then
  want=(meson ninja-build pkg-config gcc libuv1-dev libcurl4-openssl-dev
        libcjson-dev nodejs)
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
