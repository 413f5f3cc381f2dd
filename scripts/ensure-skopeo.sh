#!/usr/bin/env bash
# The image-archive tests check `docker save` output with Debian's skopeo, an independent
# reader of docker-archive and OCI layouts.
exec bash "$(dirname "$0")/ensure-debian-package.sh" /usr/bin/skopeo skopeo
