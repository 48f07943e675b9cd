#!/usr/bin/env bash
# Two-node broadcast benchmark: clients split over two nodes on one Redis, TypedIo×2 (tests/Fixture --redis, the
# pub/sub adapter) against Node×2 (socket.io 4.8.4 with @socket.io/redis-adapter 8.3.0, tests/js/cluster/node-server.mjs).
# One sender on node 1 emits room-emit to a room that every receiver joined; the receivers alternate between the two
# nodes, so half of the deliveries cross Redis. Measured: deliveries per server CPU-second (both nodes' CPU; Redis's
# is excluded: both clusters publish one message per broadcast) and the send → last receiver latency.
#
#   benchmarks/run-cluster.sh            # ROUNDS rounds, interleaved, table of medians in results/<stamp>/table.md
#   QUICK=1 benchmarks/run-cluster.sh    # 1 short round: checks the harness
#
# Knobs (environment): ROUNDS (3), WARMUP (1 s), DURATION (4 s), PAYLOAD (64 bytes), SCENARIOS
# ("cluster-broadcast:100,cluster-broadcast:1000"), SERVERS ("typedio node"), WARM_CYCLES (5) of WARM_PASS (3 s),
# SOURCE_IPS (4), BROADCAST_RATE (0: closed loop; N: N broadcasts per second offered to every server), SKIP_BUILD (0). Needs redis-server (tests/ensure-redis.sh) and node.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")
ART="$HERE/.artifacts"
BIN="$ART/bin"

ROUNDS=${ROUNDS:-3}
WARMUP=${WARMUP:-1}
DURATION=${DURATION:-4}
PAYLOAD=${PAYLOAD:-64}
SCENARIOS=${SCENARIOS:-cluster-broadcast:100,cluster-broadcast:1000}
SERVERS=${SERVERS:-typedio node}
SOURCE_IPS=${SOURCE_IPS:-4}
BROADCAST_RATE=${BROADCAST_RATE:-0}  # broadcasts per second offered (0: closed loop, 4 in flight)
WARM_CYCLES=${WARM_CYCLES:-5}
WARM_PASS=${WARM_PASS:-3}
if [[ "${QUICK:-0}" == "1" ]]; then
  ROUNDS=1; WARMUP=0.5; DURATION=1.5; WARM_CYCLES=1; WARM_PASS=2
fi

command -v redis-server >/dev/null || { echo "error: redis-server is missing: run tests/ensure-redis.sh (as root it installs it)" >&2; exit 1; }

# ---- build ----
if [[ "${SKIP_BUILD:-0}" != "1" ]]; then
  echo "building (Release) into $ART ..."
  for project in "$ROOT/tests/Fixture" "$HERE/LoadGenerator"; do
    dotnet build "$project" -c Release --artifacts-path "$ART" -nologo -v q
  done
  [[ -d "$ROOT/tests/js/node_modules/@socket.io/redis-adapter" ]] || (cd "$ROOT/tests/js" && npm ci --no-audit --no-fund --loglevel=error)
fi
LOADGEN="$BIN/LoadGenerator/release/TypedIo.Benchmarks.LoadGenerator.dll"
FIXTURE="$BIN/Fixture/release/TypedIo.Fixture.dll"
NODE_SERVER="$ROOT/tests/js/cluster/node-server.mjs"

ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

# ---- cores: with 4 or more, each node and Redis get a core of their own; with fewer, the servers share core 0 ----
CORES=$(nproc)
if (( CORES >= 4 )); then
  PIN_NODE1=(taskset -c 0); PIN_NODE2=(taskset -c 1); PIN_REDIS=(taskset -c 2); PIN_CLIENT=(taskset -c "3-$(( CORES - 1 ))")
elif (( CORES >= 2 )); then
  PIN_NODE1=(taskset -c 0); PIN_NODE2=(taskset -c 0); PIN_REDIS=(taskset -c 0); PIN_CLIENT=(taskset -c "1-$(( CORES - 1 ))")
  echo "warning: $CORES cores: both nodes and Redis share core 0 (CPU per delivery stays comparable, latency is pessimistic)" >&2
else
  PIN_NODE1=(); PIN_NODE2=(); PIN_REDIS=(); PIN_CLIENT=()
fi
CLK_TCK=$(getconf CLK_TCK)

STAMP=$(date -u +%Y%m%dT%H%M%SZ)
OUT="$HERE/results/cluster-$STAMP"
mkdir -p "$OUT"
TSV="$OUT/results.tsv"
{
  echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "machine: $CORES cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), $(free -g | awk '/Mem:/ {print $2}') GB RAM, kernel $(uname -r)"
  echo "runtimes: .NET $(dotnet --version), Node $(node --version), $(redis-server --version | cut -d' ' -f1-3)"
  echo "pinning: node 1 ${PIN_NODE1[*]:-none}, node 2 ${PIN_NODE2[*]:-none}, redis ${PIN_REDIS[*]:-none}, load generator ${PIN_CLIENT[*]:-none}"
  echo "settings: rounds $ROUNDS, warm-up ${WARMUP}s, measured ${DURATION}s, payload ${PAYLOAD} B; two nodes on one Redis (pub/sub adapter)"
  echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
} > "$OUT/machine.txt"
cat "$OUT/machine.txt"

PIDS=()
stop_all() {
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  sleep 0.5
  for pid in "${PIDS[@]}"; do kill -KILL "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
}
trap stop_all EXIT

wait_for() { # log pattern pid what
  for _ in $(seq 1 300); do
    grep -q "$2" "$1" 2>/dev/null && return 0
    kill -0 "$3" 2>/dev/null || break
    sleep 0.05
  done
  echo "error: $4 did not start (see $1)" >&2
  return 1
}

STARTED_PID=""
start_node() { # kind port redis-port name log pin...
  local kind=$1 port=$2 redis=$3 name=$4 log=$5; shift 5
  case $kind in
    typedio) "$@" dotnet "$FIXTURE" --port "$port" --redis "127.0.0.1:$redis" --node-name "$name" >>"$log" 2>&1 & ;;
    node)    "$@" node "$NODE_SERVER" --port "$port" --redis "127.0.0.1:$redis" --node-name "$name" >>"$log" 2>&1 & ;;
  esac
  STARTED_PID=$!
  PIDS+=("$STARTED_PID")
  wait_for "$log" "listening on" "$STARTED_PID" "$kind node $name"
}

# Each server kind: its own Redis and two long-lived nodes (warmed once; see run.sh for why processes live through
# every round). Ports: typedio 3201/3202 on Redis 3209, node 3211/3212 on Redis 3219.
declare -A PORT1 PORT2 PID1 PID2
base_of() { case $1 in typedio) echo 3200;; node) echo 3210;; esac; }
for server in $SERVERS; do
  base=$(base_of "$server")
  "${PIN_REDIS[@]}" redis-server --port $(( base + 9 )) --bind 127.0.0.1 --save "" --appendonly no >"$OUT/$server-redis.log" 2>&1 &
  PIDS+=("$!")
  wait_for "$OUT/$server-redis.log" "Ready to accept connections" "$!" "redis for $server"
  PORT1[$server]=$(( base + 1 )); PORT2[$server]=$(( base + 2 ))
  start_node "$server" "${PORT1[$server]}" $(( base + 9 )) "$server-1" "$OUT/$server-1.log" "${PIN_NODE1[@]}"; PID1[$server]=$STARTED_PID
  start_node "$server" "${PORT2[$server]}" $(( base + 9 )) "$server-2" "$OUT/$server-2.log" "${PIN_NODE2[@]}"; PID2[$server]=$STARTED_PID
done

load() { # server scenarios [round]
  DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1 "${PIN_CLIENT[@]}" dotnet "$LOADGEN" run \
    --url "http://127.0.0.1:${PORT1[$1]}" --server-pid "${PID1[$1]}" \
    --url2 "http://127.0.0.1:${PORT2[$1]}" --server-pid2 "${PID2[$1]}" --server-name "$1" \
    --scenarios "$2" --warmup "$WARMUP" --duration "$DURATION" --payload "$PAYLOAD" --clk-tck "$CLK_TCK" \
    --round "${3:-0}" --source-ips "$SOURCE_IPS" --broadcast-rate "$BROADCAST_RATE" --out "$TSV" || echo "warning: load generator reported failures for $1" >&2
}

T0=$(date +%s)
for server in $SERVERS; do
  warm=""
  for _ in $(seq 1 "$WARM_CYCLES"); do warm="$warm,~cluster-broadcast:100:$WARM_PASS"; done
  echo "== warm-up: $server×2 ($WARM_CYCLES passes of ${WARM_PASS}s)"
  load "$server" "${warm#,}" | tee -a "$OUT/warmup.txt"
done
for round in $(seq 1 "$ROUNDS"); do
  for server in $SERVERS; do
    echo "== round $round/$ROUNDS: $server×2 ($SCENARIOS)"
    load "$server" "$SCENARIOS" "$round"
  done
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg); wall time $(( $(date +%s) - T0 )) s" | tee -a "$OUT/machine.txt"

{
  echo '```'
  cat "$OUT/machine.txt"
  echo '```'
  echo
  dotnet "$LOADGEN" report "$TSV"
} > "$OUT/table.md"
cat "$OUT/table.md"
echo "results: $OUT"
