#!/usr/bin/env bash
# The whole suite: build, type-check, unit tests (node's test runner), integration tests in a real VS Code.
# Prints one closing line 'total: N passed, N failed'.
set -uo pipefail
cd "$(dirname "$0")/.."
fail() { echo "test.sh: $*" >&2; echo "total: 0 passed, 1 failed"; exit 1; }

npm run -s build || fail "build failed"
npm run -s typecheck || fail "type-check failed"
rm -rf out && npx tsc -p tsconfig.test.json || fail "compiling the tests failed"

mkdir -p test-output
unit_files=$(find out/test/unit -name '*.test.js' | sort)
[ -n "$unit_files" ] || fail "no unit tests found"
node --test --test-concurrency=2 \
  --test-reporter=spec --test-reporter-destination=stdout \
  --test-reporter=tap --test-reporter-destination=test-output/unit.tap \
  $unit_files
unit_rc=$?
unit_pass=$(grep -E '^# pass ' test-output/unit.tap | awk '{print $3}')
unit_fail=$(grep -E '^# fail ' test-output/unit.tap | awk '{print $3}')
unit_pass=${unit_pass:-0}; unit_fail=${unit_fail:-0}
[ "$unit_rc" = 0 ] || [ "$unit_fail" != 0 ] || unit_fail=1
echo "unit: $unit_pass passed, $unit_fail failed"

it_pass=0; it_fail=0
if [ -f out/test/integration/runVSCode.js ] && [ "${BATCHWISE_SKIP_INTEGRATION:-0}" != 1 ]; then
  rm -f test-output/integration.json
  node out/test/integration/runVSCode.js --result test-output/integration.json
  it_rc=$?
  if [ -f test-output/integration.json ]; then
    it_pass=$(node -p "require('./test-output/integration.json').passes")
    it_fail=$(node -p "require('./test-output/integration.json').failures")
  fi
  [ "$it_rc" = 0 ] || [ "$it_fail" != 0 ] || it_fail=1
  echo "integration: $it_pass passed, $it_fail failed"
fi

# The report page in a real headless Chromium (installed by the step above, or here if it was skipped).
node --test --test-reporter=spec --test-reporter-destination=stdout \
  --test-reporter=tap --test-reporter-destination=test-output/browser.tap \
  $(find out/test/browser -name '*.test.js' | sort)
br_rc=$?
br_pass=$(grep -E '^# pass ' test-output/browser.tap | awk '{print $3}'); br_pass=${br_pass:-0}
br_fail=$(grep -E '^# fail ' test-output/browser.tap | awk '{print $3}'); br_fail=${br_fail:-0}
[ "$br_rc" = 0 ] || [ "$br_fail" != 0 ] || br_fail=1
echo "browser: $br_pass passed, $br_fail failed"

total_pass=$((unit_pass + it_pass + br_pass)); total_fail=$((unit_fail + it_fail + br_fail))
echo "total: $total_pass passed, $total_fail failed"
[ "$total_fail" = 0 ]
