#!/usr/bin/env bash
# Installs what lockstep needs from Debian's packages, if it is missing
# (chromium: the test suite checks the HTML failure page as a browser renders it).
set -euo pipefail
# libreaderwriterqueue-dev and libthread-pool-dev: real components the models
# real_* check as Debian ships them (models/real/adapt.cmake).
packages=(cmake g++ clang-15 make doctest-dev libfmt-dev libboost-context-dev chromium libreaderwriterqueue-dev
          libthread-pool-dev)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}"
fi
