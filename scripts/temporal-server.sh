#!/usr/bin/env bash
# Prints the directory of a Temporal server build for the local cluster, building it if needed: `temporal-server`,
# `temporal-sql-tool` and the PostgreSQL schema they ship, from the pinned release of the Go module
# go.temporal.io/server, cached in ${XDG_CACHE_HOME:-~/.cache}/routing-service/temporal-server-<version>/.
# TEMPORAL_SERVER_DIR names a directory holding the same three things instead.
# All progress goes to stderr so callers can use: TEMPORAL_SERVER_DIR="$(scripts/temporal-server.sh)".
set -euo pipefail

# The release the CLI v1.5.1 of the dev server embeds, so both layouts run the same server. Its go.mod has no
# `replace` lines (go install accepts it) and asks for Go 1.25.
version="v1.29.1"
module="go.temporal.io/server"
cache_dir="${XDG_CACHE_HOME:-$HOME/.cache}/routing-service/temporal-server-${version}"

complete() { [ -x "$1/temporal-server" ] && [ -x "$1/temporal-sql-tool" ] && [ -d "$1/schema/postgresql" ]; }

if [ -n "${TEMPORAL_SERVER_DIR:-}" ]; then
  if ! complete "$TEMPORAL_SERVER_DIR"; then
    echo "TEMPORAL_SERVER_DIR=$TEMPORAL_SERVER_DIR lacks temporal-server, temporal-sql-tool or schema/postgresql" >&2
    exit 1
  fi
  echo "$TEMPORAL_SERVER_DIR"
  exit 0
fi
if complete "$cache_dir"; then
  echo "$cache_dir"
  exit 0
fi

go_bin="$(command -v go 2>/dev/null || true)"
[ -z "$go_bin" ] && [ -x /usr/local/go/bin/go ] && go_bin=/usr/local/go/bin/go
if [ -z "$go_bin" ]; then
  echo "No Temporal server build and no Go toolchain to build one: install Go, or set TEMPORAL_SERVER_DIR." >&2
  exit 1
fi

echo "Building Temporal server ${version} from ${module} into ${cache_dir} (several minutes, once)..." >&2
mkdir -p "$cache_dir"
build="$(mktemp -d "$cache_dir/.build.XXXXXX")"
trap 'rm -rf "$build"' EXIT
install() { GOBIN="$build" "$go_bin" install "${module}/cmd/server@${version}" "${module}/cmd/tools/sql@${version}"; }
if ! install >&2; then
  echo "Retrying with GOTOOLCHAIN=go1.25.4..." >&2
  GOTOOLCHAIN=go1.25.4 install >&2
fi
# The schema files come with the module source, which `go install` has just put in the module cache.
source_dir="$("$go_bin" env GOMODCACHE)/${module}@${version}"
cp -r "$source_dir/schema" "$build/schema"
chmod -R u+w "$build/schema"
mv "$build/server" "$build/temporal-server"
mv "$build/sql" "$build/temporal-sql-tool"
# Into place one by one, schema last, so an interrupted build is never taken for a complete one.
mv "$build/temporal-server" "$build/temporal-sql-tool" "$cache_dir/"
rm -rf "$cache_dir/schema"
mv "$build/schema" "$cache_dir/schema"
echo "$cache_dir"
