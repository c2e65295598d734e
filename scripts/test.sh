#!/usr/bin/env bash
# Runs the whole test suite: lint and type checks, then unit and integration tests against a real Temporal dev
# server. Installs what is missing on a fresh machine. Extra arguments select test files.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d node_modules ] || npm ci
TEMPORAL_CLI_PATH="$(scripts/temporal-cli.sh)"
export TEMPORAL_CLI_PATH
# The web console's browser tests drive Debian's Chromium (installed once when missing), never a downloaded build.
CHROMIUM_PATH="$(scripts/chromium.sh)"
export CHROMIUM_PATH
# The contract test runs Schemathesis, pinned, from a virtual environment it installs once outside the clone.
SCHEMATHESIS_PATH="$(scripts/schemathesis.sh)"
export SCHEMATHESIS_PATH
# The cluster pass runs a local Temporal cluster built from the server's Go module (once, cached like the CLI).
TEMPORAL_SERVER_DIR="$(scripts/temporal-server.sh)"
export TEMPORAL_SERVER_DIR
# CI runs the SQLite pass on Node.js 24 LTS too (TEST_NODE24=1 anywhere): a copy of the tree built for it.
if [ -n "${CI:-}" ] || [ -n "${TEST_NODE24:-}" ]; then
  eval "$(scripts/node24.sh)"
  export NODE24_BIN NODE24_TREE
fi
if [ "$#" -eq 0 ]; then
  npx --no-install biome check .
  # Dependencies point inwards (.dependency-cruiser.cjs, docs/architecture.md).
  npx --no-install depcruise --config .dependency-cruiser.cjs .
  npx --no-install tsc --noEmit
  npx --no-install tsc --noEmit -p tsconfig.console.json
fi
exec node --import tsx test/run.ts "$@"
