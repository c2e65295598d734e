#!/usr/bin/env bash
# Starts the at-scale layout on this machine (scripts/start-cluster.ts): installs what is missing and finds or
# builds the Temporal server for the local cluster, and builds dist/ if the sources changed since its last build: the
# API and worker processes run from it.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d node_modules ] || npm ci
TEMPORAL_SERVER_DIR="$(scripts/temporal-server.sh)"
export TEMPORAL_SERVER_DIR
scripts/build.sh --if-stale
exec node --enable-source-maps dist/scripts/start-cluster.js
