#!/usr/bin/env bash
# Starts the whole service on its embedded default: installs what is missing, finds or builds the Temporal CLI
# (unless TEMPORAL_ADDRESS points at a server), builds dist/ if the sources changed since its last build, then runs
# dev server + worker + API in one process from the build.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d node_modules ] || npm ci
if [ -z "${TEMPORAL_ADDRESS:-}" ]; then
  TEMPORAL_CLI_PATH="$(scripts/temporal-cli.sh)"
  export TEMPORAL_CLI_PATH
fi
scripts/build.sh --if-stale
exec node --enable-source-maps dist/main.js
