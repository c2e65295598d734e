#!/usr/bin/env bash
# Prints the path of a Chromium for the browser tests, installing Debian's package if needed. Order:
#   1. $CHROMIUM_PATH (an explicit binary), 2. `chromium` on PATH, 3. `apt-get install chromium` (as root).
# Never downloads a browser build of its own. Progress goes to stderr so callers can use:
# CHROMIUM_PATH="$(scripts/chromium.sh)".
set -euo pipefail

# shellcheck source=scripts/find-executable.sh
source "$(dirname "$0")/find-executable.sh"
print_if_found CHROMIUM_PATH chromium

if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  cat >&2 <<MSG
No Chromium found for the browser tests. Install your distribution's package (Debian/Ubuntu:
'sudo apt-get install chromium'), or point CHROMIUM_PATH at a Chromium or Chrome binary.
MSG
  exit 1
fi

echo "Installing Debian's chromium package (and a font for screenshots) for the browser tests, once..." >&2
# Quiet apt's output into stderr too: stdout carries only the path.
{
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium fonts-liberation
} >&2
command -v chromium
