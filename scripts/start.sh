#!/usr/bin/env bash
# Starts the whole service on its embedded default: installs what is missing, finds or builds the Temporal CLI
# (unless TEMPORAL_ADDRESS points at a server), then runs dev server + worker + API in one process.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d node_modules ] || npm ci
if [ -z "${TEMPORAL_ADDRESS:-}" ]; then
  TEMPORAL_CLI_PATH="$(scripts/temporal-cli.sh)"
  export TEMPORAL_CLI_PATH
fi
exec node --import tsx main.ts
