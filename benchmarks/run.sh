#!/usr/bin/env bash
# TypedIo benchmarks: TypedIo (tests/Fixture, default profile) vs Node socket.io 4.8 vs a raw Kestrel WebSocket ceiling.
# Builds everything in Release, pins the server and the load generator to different cores, runs the servers
# interleaved (A B C, A B C, ...) for ROUNDS rounds and prints a markdown table of medians with ratios against Node.
#
#   benchmarks/run.sh                 # full run, ~11 minutes on 2 cores (about 4 of them the JIT warm-up)
#   QUICK=1 benchmarks/run.sh         # 1 round, short scenarios: checks the harness
#   benchmarks/run.sh --micro [PATTERN...]   # BenchmarkDotNet parser/encoder micro-benchmarks only (filter patterns, default '*')
#
# Knobs (environment): ROUNDS (3), WARMUP (1 s, per scenario, after connecting), DURATION (4 s), PAYLOAD (64 bytes), IDLE_CONNECTIONS (10000),
# SCENARIOS ("echo:100,echo:1000,ack:100,ack:1000,broadcast:100,broadcast:1000,polling:100"), SERVERS ("typedio node raw raw-inline";
# raw-inline is the raw ceiling with Kestrel's inline scheduling and inline socket completions; typedio-inline, not in
# the default list, is the same fixture build with its inline switch, TYPEDIO_FIXTURE_INLINE=1 and
# DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1, reported against raw-inline),
# SOURCE_IPS (4 loopback source addresses), WARM_CYCLES (5) of WARM_PASS (3 s) unrecorded passes over WARM_SCENARIOS
# ("echo:100,ack:100,broadcast:100,polling:20") per server process before the rounds, BROADCAST_RATE (0: closed
# loop; N: N broadcasts per second offered to every server), SKIP_BUILD (0).
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
WARMUP=${WARMUP:-1}
DURATION=${DURATION:-4}
PAYLOAD=${PAYLOAD:-64}
IDLE_CONNECTIONS=${IDLE_CONNECTIONS:-10000}
SCENARIOS=${SCENARIOS:-echo:100,echo:1000,ack:100,ack:1000,broadcast:100,broadcast:1000,polling:100}
SERVERS=${SERVERS:-typedio node raw raw-inline}
SOURCE_IPS=${SOURCE_IPS:-4}
BROADCAST_RATE=${BROADCAST_RATE:-0}  # broadcasts per second offered (0: closed loop, 4 in flight)
WARM_CYCLES=${WARM_CYCLES:-5}
WARM_PASS=${WARM_PASS:-3}
WARM_SCENARIOS=${WARM_SCENARIOS:-echo:100,ack:100,broadcast:100,polling:20}
if [[ "${QUICK:-0}" == "1" ]]; then
  ROUNDS=1; WARMUP=0.5; DURATION=1.5; IDLE_CONNECTIONS=2000; WARM_CYCLES=1; WARM_PASS=2
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
  echo "process warm-up: $WARM_CYCLES cycles of ${WARM_PASS}s passes over $WARM_SCENARIOS (one long-lived load process per server)"
  echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
} > "$OUT/machine.txt"
cat "$OUT/machine.txt"

# Each server runs as two kinds of process, both pinned to the server core: a load process that lives through every
# round (warmed up once: .NET's tiered JIT takes tens of seconds to reach steady code on a single pinned core, and
# a fresh process per round would measure the JIT), and a fresh process per round for the idle scenario (its RSS
# must not hide in heap left over from load). Only one of them is under load at any time.
declare -A LOAD_PID
IDLE_PID=""
stop_pid() { # pid
  local pid=$1
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}
stop_all() {
  stop_pid "$IDLE_PID"
  for pid in "${LOAD_PID[@]}"; do stop_pid "$pid"; done
}
trap stop_all EXIT

STARTED_PID=""
start_server() { # name port log
  local name=$1 port=$2 log=$3
  case $name in
    typedio) "${PIN_SERVER[@]}" dotnet "$FIXTURE" --port "$port" >>"$log" 2>&1 & ;;
    typedio-inline) TYPEDIO_FIXTURE_INLINE=1 DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1 "${PIN_SERVER[@]}" dotnet "$FIXTURE" --port "$port" >>"$log" 2>&1 & ;;
    node)    "${PIN_SERVER[@]}" node "$HERE/Peers/Node/server.mjs" --port "$port" >>"$log" 2>&1 & ;;
    raw)     "${PIN_SERVER[@]}" dotnet "$RAW" --port "$port" >>"$log" 2>&1 & ;;
    raw-inline) DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1 "${PIN_SERVER[@]}" dotnet "$RAW" --port "$port" --inline >>"$log" 2>&1 & ;;
    *) echo "unknown server $name" >&2; return 1 ;;
  esac
  STARTED_PID=$!  # taskset execs the server: same pid
  for _ in $(seq 1 200); do
    if grep -q "listening on" "$log" 2>/dev/null; then return 0; fi
    kill -0 "$STARTED_PID" 2>/dev/null || break
    sleep 0.05
  done
  echo "error: $name did not start (see $log)" >&2
  return 1
}

load() { # server pid port scenarios [round]
  DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1 "${PIN_CLIENT[@]}" dotnet "$LOADGEN" run --url "http://127.0.0.1:$3" --server-pid "$2" --server-name "$1" \
    --scenarios "$4" --warmup "$WARMUP" --duration "$DURATION" --payload "$PAYLOAD" --clk-tck "$CLK_TCK" \
    --round "${5:-0}" --source-ips "$SOURCE_IPS" --broadcast-rate "$BROADCAST_RATE" --out "$TSV" || { echo "warning: load generator reported failures for $1" >&2; echo "$1 $4 (round ${5:-warm-up})" >> "$OUT/failed.txt"; }
}

load_port_of() { case $1 in typedio) echo 3101;; node) echo 3102;; raw) echo 3103;; raw-inline) echo 3104;; typedio-inline) echo 3105;; esac; }
idle_port_of() { case $1 in typedio) echo 3111;; node) echo 3112;; raw) echo 3113;; raw-inline) echo 3114;; typedio-inline) echo 3115;; esac; }
# The raw ceilings speak WebSocket only.
scenarios_of() { if [[ $1 == raw* ]]; then echo "$2" | tr ',' '\n' | grep -v '^polling' | paste -sd, -; else echo "$2"; fi; }

T0=$(date +%s)
for server in $SERVERS; do
  start_server "$server" "$(load_port_of "$server")" "$OUT/$server.log"
  LOAD_PID[$server]=$STARTED_PID
  # Unrecorded warm-up cycles over every measured path; each pass prints its efficiency, so the log shows the plateau.
  warm=""
  for _ in $(seq 1 "$WARM_CYCLES"); do
    for item in $(scenarios_of "$server" "$WARM_SCENARIOS" | tr ',' ' '); do warm="$warm,~$item:$WARM_PASS"; done
  done
  echo "== warm-up: $server (${WARM_CYCLES} cycles of $(scenarios_of "$server" "$WARM_SCENARIOS"), ${WARM_PASS}s each)"
  load "$server" "${LOAD_PID[$server]}" "$(load_port_of "$server")" "${warm#,}" | tee -a "$OUT/warmup.txt"
done
for round in $(seq 1 "$ROUNDS"); do
  for server in $SERVERS; do
    if (( IDLE_CONNECTIONS > 0 )); then
      echo "== round $round/$ROUNDS: $server idle:$IDLE_CONNECTIONS (fresh process)"
      start_server "$server" "$(idle_port_of "$server")" "$OUT/$server-idle.log"
      IDLE_PID=$STARTED_PID
      load "$server" "$IDLE_PID" "$(idle_port_of "$server")" "idle:$IDLE_CONNECTIONS" "$round"
      stop_pid "$IDLE_PID"; IDLE_PID=""
    fi
    scenarios=$(scenarios_of "$server" "$SCENARIOS")
    echo "== round $round/$ROUNDS: $server ($scenarios)"
    load "$server" "${LOAD_PID[$server]}" "$(load_port_of "$server")" "$scenarios" "$round"
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
if [[ -s "$OUT/failed.txt" ]]; then
  # Not in the table: a scenario that could not open its connections or lost some has no figure (the reason is above).
  { echo "FAILED (no figure recorded; the load generator printed why):"; sed 's/^/  /' "$OUT/failed.txt"; } >&2
  exit 1
fi
