#!/usr/bin/env bash
# `npm test`: every test the project has, in order of speed. Runs every suite, then fails if any did.
# The slow guest files (tests/guest/*.slow.test.ts: npm on the emulated CPU, ~14 minutes, and
# mariadb's first start over 9p, ~2 minutes; lesson 11's walk, with a pip and an npm build,
# ~3.5 minutes; postgres behind a Flask app in compose, whose database process the 128 MiB
# guest lost under the suite's load) are not part of it: beside the browser tests they
# slowed those past their timeouts, and after them the run passed CI's 30 minutes. Run them
# with `npx vitest run --project guest slow.test`. Likewise tests/e2e/*.slow.spec.ts (the
# get-started Flask tutorial in Chromium, ~6 minutes): `DRYDOCK_SLOW=1 bash scripts/e2e.sh`.
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
run e2e bash scripts/e2e.sh
echo "suites: $passed passed, $failed failed"
[ "$failed" = 0 ]
