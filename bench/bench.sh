#!/usr/bin/env bash
# `npm run bench`: the benchmark harness against a fresh service on its embedded default, or on the local Temporal
# cluster with BENCH_TEMPORAL=cluster. Obtains the Temporal CLI (and the cluster's server build) like the tests do.
# Sizes come from BENCH_* variables (see bench/config.ts). The service runs from the build (dist/), built first if
# the sources changed.
set -euo pipefail
"$(dirname "$0")/../scripts/build.sh" --if-stale
cluster=()
[ "${BENCH_TEMPORAL:-}" = cluster ] && cluster=(cluster)
exec "$(dirname "$0")/../scripts/with-temporal.sh" "${cluster[@]}" node --import tsx bench/run.ts "$@"
