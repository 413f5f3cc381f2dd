#!/usr/bin/env bash
# Runs the benchmarks (not tests: nothing here asserts a time). See bench/RESULTS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-chromium.sh
npx vite build --logLevel warn
npx tsx bench/boot.ts
npx tsx bench/engine.ts
npx tsx bench/socket.ts
npx tsx bench/build.ts
npx tsx bench/large-images.ts
npx tsx bench/apps.ts
npx tsx bench/packages.ts
npx tsx bench/npm.ts
npx tsx bench/network.ts
npx tsx bench/preview.ts
npx tsx bench/persistence.ts
