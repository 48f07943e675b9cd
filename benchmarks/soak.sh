#!/usr/bin/env bash
# The cluster reliability soak (tests/TypedIo.Redis.Tests/Soak/ClusterSoakTests.cs), longer or bigger than in the
# suite: two TypedIo nodes and one Node socket.io node on the Redis streams adapter with connection state recovery,
# real socket.io-client clients, numbered broadcasts and acks, a node killed, a Redis restart and clients moving
# between nodes; prints the figures line (`soak: {...}`) and the test's verdict.
# Usage: benchmarks/soak.sh [SECONDS] [CLIENTS]   (defaults: 60 and 300, as in the suite)
# More knobs (environment): SOAK_RATE (broadcasts a second per sender, 5), SOAK_SENDERS (senders per surviving node,
# 2), SOAK_MOVERS (clients per move direction and wave, 4), SOAK_REDIS_DOWN_SECONDS (5).
set -euo pipefail
cd "$(dirname "$0")/.."
export SOAK_SECONDS="${1:-${SOAK_SECONDS:-60}}"
export SOAK_CLIENTS="${2:-${SOAK_CLIENTS:-300}}"
# Each client is a WebSocket: a file descriptor in the script and one in the node that serves it.
need=$((SOAK_CLIENTS * 2 + 1024))
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt "$need" ]; then
  ulimit -n "$need" 2>/dev/null || { echo "raise the file descriptor limit to $need (ulimit -n)" >&2; exit 1; }
fi
bash tests/ensure-redis.sh
[ -d tests/js/node_modules ] || (cd tests/js && npm ci)
dotnet build tests/TypedIo.Redis.Tests -c Release -nologo -v quiet
dotnet test tests/TypedIo.Redis.Tests -c Release --no-build --filter "FullyQualifiedName~ClusterSoakTests" \
  --logger "console;verbosity=detailed" | grep -E "soak:|Passed|Failed|Assert|lost|Total tests"
