#!/usr/bin/env bash
# Set up, build, and run the whole test suite; then the same under
# AddressSanitizer and UndefinedBehaviorSanitizer (skip with LOCKSTEP_NO_SANITIZE=1).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
# setup.sh installed chromium: the HTML page test must run, not skip.
export LOCKSTEP_REQUIRE_CHROMIUM=1
scripts/build.sh build
ctest --test-dir build --output-on-failure -j"$(nproc)"
if [ "${LOCKSTEP_NO_SANITIZE:-0}" != 1 ]; then
  scripts/build.sh build-sanitize -DLOCKSTEP_SANITIZE=ON
  ASAN_OPTIONS=detect_leaks=1 ctest --test-dir build-sanitize --output-on-failure -j"$(nproc)"
fi
