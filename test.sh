#!/usr/bin/env bash
# ./test.sh: builds everything and runs the whole test suite once per accelerator found.
# Ends with one line "N passed, N failed, N skipped".
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$root"
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
dotnet test IlgpuSiamese.sln -c Release --nologo "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
summary=$(grep -E "(Passed|Failed)!? +- +Failed: +[0-9]+, Passed: +[0-9]+, Skipped: +[0-9]+" "$log" | tail -n 1)
failed=$(echo "$summary" | sed -nE 's/.*Failed: +([0-9]+).*/\1/p')
passed=$(echo "$summary" | sed -nE 's/.*Passed: +([0-9]+).*/\1/p')
skipped=$(echo "$summary" | sed -nE 's/.*Skipped: +([0-9]+).*/\1/p')
if [ -z "$summary" ]; then
  echo "0 passed, 1 failed (the test run did not complete: see above)"
  exit 1
fi
echo "${passed} passed, ${failed} failed, ${skipped} skipped"
exit "$status"
