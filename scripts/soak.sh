#!/usr/bin/env bash
# Soak run: thousands of routings through worker, Temporal and API restarts (SOAK_TEMPORAL=cluster for the
# at-scale layout; the suite's cluster pass runs a short one).
set -euo pipefail
cluster=()
[ "${SOAK_TEMPORAL:-}" = cluster ] && cluster=(cluster)
exec "$(dirname "$0")/with-temporal.sh" "${cluster[@]}" node --import tsx scripts/soak.ts
