#!/usr/bin/env bash
# Soak run: thousands of routings through worker, Temporal and API restarts (SOAK_TEMPORAL=cluster for the
# at-scale layout; the suite's cluster pass runs a short one).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d node_modules ] || npm ci
TEMPORAL_CLI_PATH="$(scripts/temporal-cli.sh)"
export TEMPORAL_CLI_PATH
if [ "${SOAK_TEMPORAL:-}" = cluster ]; then
  TEMPORAL_SERVER_DIR="$(scripts/temporal-server.sh)"
  export TEMPORAL_SERVER_DIR
fi
exec node --import tsx scripts/soak.ts
