#!/usr/bin/env bash
# Starts the at-scale layout on this machine (scripts/start-cluster.ts): installs what is missing and finds or
# builds the Temporal server for the local cluster.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d node_modules ] || npm ci
TEMPORAL_SERVER_DIR="$(scripts/temporal-server.sh)"
export TEMPORAL_SERVER_DIR
exec node --import tsx scripts/start-cluster.ts
