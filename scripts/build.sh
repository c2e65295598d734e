#!/usr/bin/env bash
# `npm run build`: builds dist/ (scripts/build.ts). With --if-stale (what `npm start` and `npm run start:cluster`
# do) only when the sources changed since the last build: a checksum of every file the build reads is kept in
# dist/source-checksum, written once the build succeeded.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d node_modules ] || npm ci

# The service's TypeScript and JSON (package.json, the lock file, tsconfig): not the tests, the bench, the console
# (served as it is), data, the build or dependencies. cksum is POSIX: the same on Linux and macOS.
source_checksum() {
  find . \( -name node_modules -o -name dist -o -name 'dist.building-*' -o -name data -o -name test -o -name bench \
    -o -name console -o -name '.?*' -o -name test-results \) -prune -o -type f \( -name '*.ts' -o -name '*.json' \) \
    -print | LC_ALL=C sort | xargs cksum | cksum
}

checksum="$(source_checksum)"
if [ "${1:-}" = --if-stale ] && [ "$(cat dist/source-checksum 2>/dev/null)" = "$checksum" ]; then
  exit 0
fi
echo "building dist/ (compiled service and workflow bundle)..." >&2
node --import tsx scripts/build.ts
echo "$checksum" >dist/source-checksum
