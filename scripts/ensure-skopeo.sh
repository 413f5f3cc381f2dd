#!/usr/bin/env bash
# The image-archive tests check `docker save` output with Debian's skopeo (an independent
# reader of docker-archive and OCI layouts). Installs it when missing; the project's machines
# run as root, elsewhere this needs sudo.
set -euo pipefail
if [ -x /usr/bin/skopeo ]; then exit 0; fi
echo "Installing Debian's skopeo for the image-archive tests…"
SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq skopeo >/dev/null
