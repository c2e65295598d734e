#!/usr/bin/env bash
# Prints the path of the Schemathesis CLI the contract test runs (test/integration/schemathesis.test.ts), installing
# the pinned version from PyPI, once, into a virtual environment outside the clone:
# ${XDG_CACHE_HOME:-~/.cache}/routing-service/schemathesis-<version>/. Needs python3 (3.11 or later, as Schemathesis does) with venv.
# Progress goes to stderr so callers can use: SCHEMATHESIS_PATH="$(scripts/schemathesis.sh)".
set -euo pipefail

VERSION=4.32.5
VENV="${XDG_CACHE_HOME:-$HOME/.cache}/routing-service/schemathesis-$VERSION"
# Written last: a directory without it is an interrupted install, redone from scratch.
DONE="$VENV/.installed"
if [ ! -f "$DONE" ]; then
  if ! python3 -m venv --help >/dev/null 2>&1; then
    echo "The contract test needs python3 with venv (Debian/Ubuntu: 'sudo apt-get install python3-venv')." >&2
    exit 1
  fi
  echo "Installing Schemathesis $VERSION into $VENV, once..." >&2
  rm -rf "$VENV"
  mkdir -p "$(dirname "$VENV")"
  python3 -m venv "$VENV" >&2
  "$VENV/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$VERSION" >&2
  touch "$DONE"
fi
echo "$VENV/bin/schemathesis"
