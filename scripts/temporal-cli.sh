#!/usr/bin/env bash
# Prints the path of a Temporal CLI to use, obtaining one if needed. Order:
#   1. $TEMPORAL_CLI_PATH (an explicit binary), 2. `temporal` on PATH,
#   3. a cached build under ${XDG_CACHE_HOME:-~/.cache}/routing-service, 4. build it there from the Go module.
# All progress goes to stderr so callers can use: TEMPORAL_CLI_PATH="$(scripts/temporal-cli.sh)".
set -euo pipefail

version="v1.5.1" # embeds Temporal Server 1.29.1; later tags cannot be `go install`ed (replace directive)
module="github.com/temporalio/cli/cmd/temporal@${version}"
cache_dir="${XDG_CACHE_HOME:-$HOME/.cache}/routing-service/temporal-cli-${version}"

# shellcheck source=scripts/find-executable.sh
source "$(dirname "$0")/find-executable.sh"
print_if_found TEMPORAL_CLI_PATH temporal

if [ -x "$cache_dir/temporal" ]; then
  echo "$cache_dir/temporal"
  exit 0
fi

go_bin="$(command -v go 2>/dev/null || true)"
[ -z "$go_bin" ] && [ -x /usr/local/go/bin/go ] && go_bin=/usr/local/go/bin/go
if [ -z "$go_bin" ]; then
  cat >&2 <<MSG
No Temporal CLI found and no Go toolchain to build one.
Install the Temporal CLI the usual way (https://docs.temporal.io/cli, e.g. 'brew install temporal'
or 'curl -sSf https://temporal.download/cli.sh | sh'), then put it on PATH or set TEMPORAL_CLI_PATH.
MSG
  exit 1
fi

echo "Building the Temporal CLI ${version} from ${module} into ${cache_dir} (several minutes, once)..." >&2
mkdir -p "$cache_dir"
tmp_bin="$(mktemp -d "$cache_dir/.build.XXXXXX")"
trap 'rm -rf "$tmp_bin"' EXIT
# v1.5.1 asks for go 1.25; if the local Go cannot build it, let Go fetch that toolchain through the proxy.
if ! GOBIN="$tmp_bin" "$go_bin" install "$module" >&2; then
  echo "Retrying with GOTOOLCHAIN=go1.25.4..." >&2
  GOTOOLCHAIN=go1.25.4 GOBIN="$tmp_bin" "$go_bin" install "$module" >&2
fi
# Rename into place so a concurrent or interrupted build never leaves a half-written binary behind.
mv "$tmp_bin/temporal" "$cache_dir/temporal"
echo "$cache_dir/temporal"
