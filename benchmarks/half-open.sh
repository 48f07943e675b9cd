#!/usr/bin/env bash
# Half-open sessions: COUNT sessions per transport (handshake only, then silence) opened by a Node process against an
# in-process TypedIo server (tests/TypedIo.Tests/Hardening/HalfOpenSessionTests.cs); prints the server process's
# managed heap and RSS before, at the peak and after every session was reaped, and when each step happened.
# Usage: benchmarks/half-open.sh [COUNT]   (default 10,000; each WebSocket needs a file descriptor on each side)
set -euo pipefail
cd "$(dirname "$0")/.."
count="${1:-10000}"
# One descriptor per connection in the client process and one in the server process, plus headroom.
need=$((count + 1024))
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt "$need" ]; then
  ulimit -n "$need" 2>/dev/null || { echo "raise the file descriptor limit to $need (ulimit -n)" >&2; exit 1; }
fi
[ -d tests/js/node_modules ] || (cd tests/js && npm ci)
dotnet build tests/TypedIo.Tests -c Release -nologo -v quiet
TYPEDIO_HALF_OPEN_COUNT="$count" dotnet test tests/TypedIo.Tests -c Release --no-build \
  --filter "FullyQualifiedName~HalfOpenSessionTests" --logger "console;verbosity=detailed" | grep -E "half-open|Passed|Failed|managed heap"
