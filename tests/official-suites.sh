#!/usr/bin/env bash
# Runs the official Engine.IO v4 and Socket.IO v5 protocol test suites against tests/Fixture's official profile.
# The suites live in the socket.io monorepo (docs/engine.io-protocol/v4-test-suite, docs/socket.io-protocol/v5-test-suite)
# and are not committed here; give a checkout of it:
#
#   tests/official-suites.sh PATH/TO/socket.io        # e.g. after: git clone https://github.com/socketio/socket.io
#
# The suites hard-code http://localhost:3000, so port 3000 must be free. Each suite's dependencies are installed
# with `npm ci` from its own lockfile. Exits non-zero when a suite fails or the fixture does not start.
set -euo pipefail

MONOREPO=${1:?usage: tests/official-suites.sh PATH/TO/socket.io-monorepo}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SUITES=("$MONOREPO/docs/engine.io-protocol/v4-test-suite" "$MONOREPO/docs/socket.io-protocol/v5-test-suite")
for suite in "${SUITES[@]}"; do
  [[ -f "$suite/test-suite.js" ]] || { echo "no test suite at $suite" >&2; exit 2; }
done
if (exec 3<>/dev/tcp/127.0.0.1/3000) 2>/dev/null; then
  echo "port 3000 is in use; the official suites need it" >&2
  exit 2
fi

dotnet build "$ROOT/tests/Fixture" -c Release -nologo -v quiet
dotnet "$ROOT/tests/Fixture/bin/Release/net10.0/TypedIo.Fixture.dll" --profile official >"${TMPDIR:-/tmp}/typedio-official-fixture.log" 2>&1 &
FIXTURE=$!
trap 'kill $FIXTURE 2>/dev/null || true; wait $FIXTURE 2>/dev/null || true' EXIT

ready=0
for _ in $(seq 1 150); do
  if curl -fs "http://localhost:3000/socket.io/?EIO=4&transport=polling" >/dev/null; then ready=1; break; fi
  kill -0 $FIXTURE 2>/dev/null || { echo "the fixture exited; log: ${TMPDIR:-/tmp}/typedio-official-fixture.log" >&2; exit 1; }
  sleep 0.2
done
[[ $ready == 1 ]] || { echo "the fixture did not answer on port 3000 within 30 s" >&2; exit 1; }

status=0
for suite in "${SUITES[@]}"; do
  echo "== $suite"
  (cd "$suite" && npm ci --no-audit --no-fund --silent && npx mocha test-suite.js) || status=1
done
exit $status
