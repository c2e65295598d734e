#!/usr/bin/env bash
# Runs the whole test suite; installs dependencies first on a fresh clone.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d node_modules ] || npm ci
exec node --import tsx --test test/unit/*.test.ts
