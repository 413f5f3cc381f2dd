#!/usr/bin/env bash
# Browser end-to-end tests: build the static site, serve it, drive Debian's Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-chromium.sh
npx vite build --logLevel warn
npx playwright test "$@"
