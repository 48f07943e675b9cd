#!/usr/bin/env bash
# TypedIo benchmarks: TypedIo (tests/Fixture, default profile) vs Node socket.io 4.8 vs a raw Kestrel WebSocket ceiling.
# Builds everything in Release, pins the server and the load generator to different cores, runs the servers
# interleaved (A B C, A B C, ...) for ROUNDS rounds and prints a markdown table of medians with ratios against Node.
#
#   benchmarks/run.sh                 # full run, ~10 minutes on 2 cores
#   QUICK=1 benchmarks/run.sh         # 1 round, short scenarios: checks the harness
#   benchmarks/run.sh --micro [BDN args]   # BenchmarkDotNet parser/encoder micro-benchmarks only
#
# Knobs (environment): ROUNDS (3), WARMUP (1.5 s), DURATION (4 s), PAYLOAD (64 bytes), IDLE_CONNECTIONS (10000),
# SCENARIOS ("echo:100,echo:1000,ack:100,ack:1000,broadcast:100,broadcast:1000,polling:100"), SERVERS ("typedio node raw"),
# SOURCE_IPS (4 loopback source addresses), SKIP_BUILD (0).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")
ART="$HERE/.artifacts"
BIN="$ART/bin"

if [[ "${1:-}" == "--micro" ]]; then
  shift
  dotnet build "$HERE/Micro" -c Release --artifacts-path "$ART" -nologo -v q
  mkdir -p "$HERE/results"
  cd "$HERE/results"
  exec dotnet "$BIN/Micro/release/TypedIo.Benchmarks.Micro.dll" --filter "${@:-*}"
fi

ROUNDS=${ROUNDS:-3}
WARMUP=${WARMUP:-1.5}
DURATION=${DURATION:-4}
PAYLOAD=${PAYLOAD:-64}
IDLE_CONNECTIONS=${IDLE_CONNECTIONS:-10000}
SCENARIOS=${SCENARIOS:-echo:100,echo:1000,ack:100,ack:1000,broadcast:100,broadcast:1000,polling:100}
SERVERS=${SERVERS:-typedio node raw}
SOURCE_IPS=${SOURCE_IPS:-4}
if [[ "${QUICK:-0}" == "1" ]]; then
  ROUNDS=1; WARMUP=0.5; DURATION=1.5; IDLE_CONNECTIONS=2000
fi

# ---- build ----
if [[ "${SKIP_BUILD:-0}" != "1" ]]; then
  echo "building (Release) into $ART ..."
  for project in "$ROOT/tests/Fixture" "$HERE/LoadGenerator" "$HERE/Peers/RawKestrel"; do
    dotnet build "$project" -c Release --artifacts-path "$ART" -nologo -v q
  done
  (cd "$HERE/Peers/Node" && npm ci --no-audit --no-fund --loglevel=error)
fi
LOADGEN="$BIN/LoadGenerator/release/TypedIo.Benchmarks.LoadGenerator.dll"
FIXTURE="$BIN/Fixture/release/TypedIo.Fixture.dll"
RAW="$BIN/RawKestrel/release/TypedIo.Benchmarks.RawKestrel.dll"

# ---- limits: 10,000 idle connections need that many descriptors in both processes ----
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
FDS=$(ulimit -n)
if [[ "$FDS" != "unlimited" ]] && (( FDS < IDLE_CONNECTIONS + 1000 )); then
  IDLE_CONNECTIONS=$(( FDS - 1000 ))
  echo "warning: ulimit -n is $FDS; idle scenario reduced to $IDLE_CONNECTIONS connections" >&2
fi

# ---- cores: the server gets one core (Node's event loop is one thread), the load generator the rest ----
CORES=$(nproc)
if (( CORES >= 2 )); then
  PIN_SERVER=(taskset -c 0)
  PIN_CLIENT=(taskset -c "1-$(( CORES - 1 ))")
else
  echo "warning: one core: server and load generator share it" >&2
  PIN_SERVER=(); PIN_CLIENT=()
fi
CLK_TCK=$(getconf CLK_TCK)

STAMP=$(date -u +%Y%m%dT%H%M%SZ)
OUT="$HERE/results/$STAMP"
mkdir -p "$OUT"
TSV="$OUT/results.tsv"
{
  echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "machine: $CORES cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), $(free -g | awk '/Mem:/ {print $2}') GB RAM, $(. /etc/os-release && echo "$PRETTY_NAME"), kernel $(uname -r)"
  echo "runtimes: .NET $(dotnet --version), Node $(node --version), socket.io $(node -p "require('$HERE/Peers/Node/node_modules/socket.io/package.json').version")"
  echo "pinning: server ${PIN_SERVER[*]:-none}, load generator ${PIN_CLIENT[*]:-none}"
  echo "settings: rounds $ROUNDS, warm-up ${WARMUP}s, measured ${DURATION}s, payload ${PAYLOAD} B, idle $IDLE_CONNECTIONS connections"
  echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
} > "$OUT/machine.txt"
cat "$OUT/machine.txt"

SERVER_PID=""
stop_server() {
  if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  SERVER_PID=""
}
trap stop_server EXIT

start_server() { # name port
  local name=$1 port=$2 log="$OUT/$1.log"
  case $name in
    typedio) "${PIN_SERVER[@]}" dotnet "$FIXTURE" --port "$port" >>"$log" 2>&1 & ;;
    node)    "${PIN_SERVER[@]}" node "$HERE/Peers/Node/server.mjs" --port "$port" >>"$log" 2>&1 & ;;
    raw)     "${PIN_SERVER[@]}" dotnet "$RAW" --port "$port" >>"$log" 2>&1 & ;;
  esac
  SERVER_PID=$!  # taskset execs the server: same pid
  for _ in $(seq 1 200); do
    if grep -q "listening on" "$log" 2>/dev/null; then return 0; fi
    kill -0 "$SERVER_PID" 2>/dev/null || break
    sleep 0.05
  done
  echo "error: $name did not start (see $log)" >&2
  return 1
}

port_of() { case $1 in typedio) echo 3101;; node) echo 3102;; raw) echo 3103;; esac; }

T0=$(date +%s)
for round in $(seq 1 "$ROUNDS"); do
  for server in $SERVERS; do
    port=$(port_of "$server")
    scenarios="$SCENARIOS"
    # The raw ceiling speaks WebSocket only.
    [[ $server == raw ]] && scenarios=$(echo "$scenarios" | tr ',' '\n' | grep -v '^polling' | paste -sd, -)
    # Short unrecorded warm-up passes first, so that no measured scenario runs on code that is still being JIT-tiered.
    warm="~echo:100,~broadcast:100"
    [[ $server != raw && $scenarios == *polling* ]] && warm="$warm,~polling:20"
    scenarios="$warm,$scenarios"
    # Idle before everything, on a fresh process, so its RSS is not hidden in heap left over from the load scenarios.
    (( IDLE_CONNECTIONS > 0 )) && scenarios="idle:$IDLE_CONNECTIONS,$scenarios"
    echo "== round $round/$ROUNDS: $server ($scenarios)"
    start_server "$server" "$port"
    DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1 "${PIN_CLIENT[@]}" dotnet "$LOADGEN" run --url "http://127.0.0.1:$port" --server-pid "$SERVER_PID" --server-name "$server" \
      --scenarios "$scenarios" --warmup "$WARMUP" --duration "$DURATION" --payload "$PAYLOAD" --clk-tck "$CLK_TCK" \
      --round "$round" --source-ips "$SOURCE_IPS" --out "$TSV" || echo "warning: load generator reported failures for $server" >&2
    stop_server
  done
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg); wall time $(( $(date +%s) - T0 )) s" | tee -a "$OUT/machine.txt"

echo
{
  echo '```'
  cat "$OUT/machine.txt"
  echo '```'
  echo
  dotnet "$LOADGEN" report "$TSV"
} > "$OUT/table.md"
cp "$OUT/table.md" "$HERE/results/latest.md"
cat "$OUT/table.md"
echo "results: $OUT (latest: benchmarks/results/latest.md)"
