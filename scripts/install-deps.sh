#!/usr/bin/env bash
# Install the Debian packages this project builds and tests with, only the
# ones that are missing. Safe to run again; needs root (or sudo) to install.
set -euo pipefail

want=(meson ninja-build pkg-config gcc clang libuv1-dev libcurl4-openssl-dev openssl
      libcjson-dev nodejs valgrind)
missing=()
for p in "${want[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    # nodejs may come from elsewhere than Debian: a working `node` is enough.
    if [ "$p" = nodejs ] && command -v node >/dev/null 2>&1; then continue; fi
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
