#!/usr/bin/env bash
# `npm run bench`: the benchmark harness against a fresh service on its embedded default, or on the local Temporal
# cluster with BENCH_TEMPORAL=cluster. Obtains the Temporal CLI (and the cluster's server build) like the tests do.
# Sizes come from BENCH_* variables (see bench/config.ts).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d node_modules ] || npm ci
TEMPORAL_CLI_PATH="$(scripts/temporal-cli.sh)"
export TEMPORAL_CLI_PATH
if [ "${BENCH_TEMPORAL:-}" = cluster ]; then
  TEMPORAL_SERVER_DIR="$(scripts/temporal-server.sh)"
  export TEMPORAL_SERVER_DIR
fi
exec node --import tsx bench/run.ts "$@"
