#!/usr/bin/env bash
# Installs a Debian package when the program the tests need is missing:
#   ensure-debian-package.sh /usr/bin/chromium chromium
# The project's machines run as root; elsewhere this needs sudo.
set -euo pipefail
program=$1 package=$2
if [ -x "$program" ]; then exit 0; fi
echo "Installing Debian's $package (for the tests: $program)…"
SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "$package" >/dev/null
