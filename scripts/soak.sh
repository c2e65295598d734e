#!/usr/bin/env bash
# Soak run (not part of `npm test`): thousands of routings through worker, Temporal and API restarts.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d node_modules ] || npm ci
TEMPORAL_CLI_PATH="$(scripts/temporal-cli.sh)"
export TEMPORAL_CLI_PATH
exec node --import tsx scripts/soak.ts
