#!/usr/bin/env bash
# Browser tests drive Debian's Chromium (never a downloaded browser build). Installs it when
# missing; the project's machines run as root, elsewhere this needs sudo.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then exit 0; fi
echo "Installing Debian's chromium for the browser tests…"
SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
