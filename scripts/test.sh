#!/usr/bin/env bash
# Runs the whole test suite against a real Temporal dev server; installs what is missing on a fresh machine.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d node_modules ] || npm ci
TEMPORAL_CLI_PATH="$(scripts/temporal-cli.sh)"
export TEMPORAL_CLI_PATH
exec node --import tsx test/run.ts "$@"
