#!/usr/bin/env bash
# `npm run bench`: the benchmark harness against a fresh service on its embedded default. Obtains the Temporal CLI
# like the tests do. Sizes come from BENCH_* variables (see bench/config.ts).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d node_modules ] || npm ci
TEMPORAL_CLI_PATH="$(scripts/temporal-cli.sh)"
export TEMPORAL_CLI_PATH
exec node --import tsx bench/run.ts "$@"
