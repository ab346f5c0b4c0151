#!/usr/bin/env bash
# Debian packages the tests need: Chromium for the browser tests, fonts for Vietnamese text.
# Installs what is missing when run as root (or with passwordless sudo); otherwise stops at once and
# names the one command to run. `make test` and `.ci/run` call it first.
set -euo pipefail
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
dpkg -s fonts-dejavu-core >/dev/null 2>&1 || need+=(fonts-dejavu-core)
((${#need[@]})) || exit 0
if [ "$(id -u)" -eq 0 ]; then
  SUDO=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  SUDO="sudo"
else
  echo "Missing Debian packages for the browser tests: ${need[*]}." >&2
  echo "Run once:  sudo apt-get update && sudo apt-get install -y --no-install-recommends ${need[*]}" >&2
  exit 1
fi
echo "Installing Debian packages for the browser tests: ${need[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
