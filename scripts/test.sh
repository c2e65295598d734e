#!/usr/bin/env bash
# Runs the whole test suite: lint and type checks, then unit and integration tests against a real Temporal dev
# server. Installs what is missing on a fresh machine. Extra arguments select test files.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d node_modules ] || npm ci
TEMPORAL_CLI_PATH="$(scripts/temporal-cli.sh)"
export TEMPORAL_CLI_PATH
if [ "$#" -eq 0 ]; then
  npx --no-install biome check .
  npx --no-install tsc --noEmit
fi
exec node --import tsx test/run.ts "$@"
