#!/usr/bin/env bash
# `scripts/with-temporal.sh [cluster] COMMAND...`: runs COMMAND from the repository root with the Temporal CLI
# obtained like the tests obtain it (and, given `cluster`, the local cluster's server build), installing what is
# missing first. The bench and the soak start this way.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d node_modules ] || npm ci
TEMPORAL_CLI_PATH="$(scripts/temporal-cli.sh)"
export TEMPORAL_CLI_PATH
if [ "${1:-}" = cluster ]; then
  TEMPORAL_SERVER_DIR="$(scripts/temporal-server.sh)"
  export TEMPORAL_SERVER_DIR
  shift
fi
exec "$@"
