#!/usr/bin/env bash
# Set up, build, and run the checker over every model: a table of verdicts.
# Arguments go to the runner (e.g. --details, --strategy dpor, s08_ab_ba_deadlock).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh build
exec build/models/lockstep-models "$@"
