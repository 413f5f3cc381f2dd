#!/usr/bin/env bash
# `npm test`: every test the project has, in order of speed. Runs every suite, then fails if any did.
set -uo pipefail
cd "$(dirname "$0")/.."
passed=0; failed=0
run() {
  local name=$1; shift
  echo "=== $name: $*"
  if "$@"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "=== $name FAILED"; fi
}
run tools bash scripts/ensure-skopeo.sh
run types npm run --silent check
run unit npx vitest run --project unit
run guest npx vitest run --project guest
run e2e bash scripts/e2e.sh
echo "suites: $passed passed, $failed failed"
[ "$failed" = 0 ]
