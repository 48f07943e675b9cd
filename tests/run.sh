#!/usr/bin/env bash
# Runs every TypedIo test: installs what the tests need, builds in Release, runs all test projects,
# and ends with one line "N passed, M failed". Exit code 0 only when everything passed.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
results="$root/artifacts/test-results"

summary() { echo "$1 passed, $2 failed"; }
die() { echo "error: $*" >&2; summary 0 1; exit 1; }

command -v dotnet >/dev/null || die "the .NET 10 SDK (dotnet) is required"
command -v node >/dev/null || die "Node.js 20 (node) is required for the interop tests"
command -v npm >/dev/null || die "npm is required for the interop tests"

echo "== npm packages (tests/js, from the committed lockfile)"
(cd tests/js && npm ci --no-audit --no-fund --loglevel=error) || die "npm ci failed in tests/js"

echo "== chromium (for the browser tests)"
bash tests/ensure-chromium.sh || die "Debian's chromium package is needed for the browser tests: run as root, or install it (apt-get install chromium)"

echo "== redis-server (for the cluster tests)"
bash tests/ensure-redis.sh || die "the cluster tests need Debian's redis-server: run as root, or install it (apt-get install redis-server)"

echo "== native toolchain (for the Native AOT sample)"
bash tests/ensure-native-toolchain.sh || die "Native AOT publishing needs clang (or gcc) and zlib1g-dev: run as root, or install them (apt-get install clang zlib1g-dev)"

echo "== build"
dotnet build TypedIo.sln -c Release -nologo -v quiet -p:RestoreLockedMode=true || die "build failed"

echo "== tests"
# HalfOpenSessionTests holds 10,000 WebSockets: a descriptor each in the server (the test process) and in its Node client.
[ "$(ulimit -n)" = unlimited ] || [ "$(ulimit -n)" -ge 12000 ] || ulimit -n 12000 2>/dev/null \
  || die "HalfOpenSessionTests needs 12,000 file descriptors per process: raise the hard limit (ulimit -Hn)"
rm -rf "$results"
# HalfOpenSessionTests measures its process's whole managed heap, so it runs in a test process of its own afterwards:
# in the shared one, what earlier tests still hold or are still winding down counts against it.
alone="FullyQualifiedName~TypedIo.Tests.Hardening.HalfOpenSessionTests"
dotnet test TypedIo.sln -c Release --no-build -nologo --logger "trx" --logger "console;verbosity=normal" \
  --results-directory "$results" --filter "FullyQualifiedName!~TypedIo.Tests.Hardening.HalfOpenSessionTests" \
  -- RunConfiguration.TestSessionTimeout=2400000
status=$?
dotnet test tests/TypedIo.Tests -c Release --no-build -nologo --logger "trx;LogFileName=half-open.trx" \
  --logger "console;verbosity=normal" --results-directory "$results" --filter "$alone" \
  -- RunConfiguration.TestSessionTimeout=600000
alone_status=$?
# The filter must still find the tests it moved here: a rename would otherwise drop them from the run in silence.
grep -q '<Counters total="[1-9]' "$results/half-open.trx" 2>/dev/null \
  || { echo "error: no test matched $alone in its own run"; alone_status=1; }
[ "$status" -ne 0 ] || status=$alone_status

passed=0
failed=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters")
  f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
  passed=$((passed + ${p:-0}))
  failed=$((failed + ${f:-0}))
done
# What failed (and what never ran), with the first lines of each error message, comes last, next to the summary,
# where a truncated log still shows it.
node tests/failed-tests.mjs "$results" 8
# A crashed or aborted test run may leave no result: count it as a failure rather than hide it.
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  echo "dotnet test exited with status $status and no failed test in its results: a test host crashed or was aborted"
  failed=1
fi
summary "$passed" "$failed"
[ "$failed" -eq 0 ] && [ "$status" -eq 0 ]
