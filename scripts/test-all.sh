#!/usr/bin/env bash
# `npm test`: every test the project has, in order of speed. Runs every suite, then fails if any did.
# The slow guest files (tests/guest/*.slow.test.ts, ~10 minutes each) run beside the browser
# tests: each side drives one emulator at a time, and the machine has two cores. Their output
# is printed after e2e's.
set -uo pipefail
cd "$(dirname "$0")/.."
passed=0; failed=0
tally() {
  if [ "$2" = 0 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "=== $1 FAILED"; fi
}
run() {
  local name=$1; shift
  echo "=== $name: $*"
  "$@"; tally "$name" $?
}
run tools bash scripts/ensure-skopeo.sh
run types npm run --silent check
run unit npx vitest run --project unit
run guest npx vitest run --project guest --exclude 'tests/guest/**/*.slow.test.ts'
slow_log=$(mktemp)
npx vitest run --project guest slow.test >"$slow_log" 2>&1 &
slow_pid=$!
run e2e bash scripts/e2e.sh
wait "$slow_pid"; slow_rc=$?
echo "=== guest, slow files (run beside e2e): npx vitest run --project guest slow.test"
cat "$slow_log"; rm -f "$slow_log"
tally "guest, slow files" "$slow_rc"
echo "suites: $passed passed, $failed failed"
[ "$failed" = 0 ]
