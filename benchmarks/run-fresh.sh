#!/usr/bin/env bash
# A fresh server process for every measurement, with a configurable warm-up under the scenario's own load: the method
# of an outside harness (server pinned to one core, load generator on the other, fresh process per run, 60 s of load
# before a 5 s measurement), and the cold-start curve (efficiency in every second of load on a new process).
#
#   benchmarks/run-fresh.sh                                  # echo:100, ack:100, broadcast:1000; 2 runs each; 60 s + 5 s
#   WARMUP_SECONDS=0 DURATION=60 SCENARIOS=echo:100 benchmarks/run-fresh.sh   # cold start: the first 60 s of load
#   COLD=1 benchmarks/run-fresh.sh                           # the same as the line above (DURATION, if given, instead of 60)
#   BROADCAST_RATE=50 SCENARIOS=broadcast:1000 benchmarks/run-fresh.sh   # a fixed offered load: 50 broadcasts/s
#   SCENARIOS=idle:10000 WARMUP_SECONDS=0 benchmarks/run-fresh.sh   # idle RSS per connection, a fresh process each
#   QUICK=1 benchmarks/run-fresh.sh                          # harness check: 1 run, 3 s + 2 s
#   COLD=1 SERVERS="typedio typedio-r2r" benchmarks/run-fresh.sh   # the cold-start curve of a ReadyToRun publish vs the build
#
# Servers: typedio (tests/Fixture as built, default scheduling), typedio-inline (the same build with the fixture's inline
# switch, TYPEDIO_FIXTURE_INLINE=1, and DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1), typedio-r2r (tests/Fixture
# published with ReadyToRun for R2R_RID into .artifacts/r2r/publish, run as `dotnet TypedIo.Fixture.dll`; the build step
# publishes it only when it is in SERVERS, and the script stops unless its assemblies are ReadyToRun images), node
# (socket.io 4.8), raw and raw-inline (the raw Kestrel peer with default and with inline scheduling). The report sets each
# TypedIo variant against the raw peer with the same scheduling (typedio ÷ raw, typedio-inline ÷ raw-inline).
#
# Every run: start the server (pinned to core 0), connect the scenario's clients, load it for WARMUP_SECONDS (not
# recorded in the table; recorded in the per-second series), measure DURATION seconds on the same clients, stop the
# server. Runs are interleaved (all servers for one scenario, then the next; REPEATS times). Output in
# benchmarks/results/fresh-<stamp>/: results.tsv + table.md (medians, as run.sh), series.tsv + curve.md (msg per server
# CPU-s in each second of load, warm-up included; when each server first reached 80 % of its own steady state).
#
# Knobs (environment): SERVERS ("typedio typedio-inline node raw raw-inline"; typedio-r2r on request),
# SCENARIOS ("echo:100,ack:100,broadcast:1000"), REPEATS (2), WARMUP_SECONDS (60; 0 allowed), DURATION (5), PAYLOAD (64),
# BROADCAST_RATE (0: closed loop), DOTNET_SERVER_ENV (extra environment for the .NET servers, e.g. "DOTNET_TieredPGO=0
# DOTNET_ReadyToRun=0"), FIXTURE_DLL (the fixture build to run as typedio and typedio-inline), R2R_RID (the runtime
# identifier of the ReadyToRun publish: this machine's, from `dotnet --info`), SOURCE_IPS (4), SKIP_BUILD (0; with 1 the
# ReadyToRun publish is not redone either, but still checked), BASE_PORT (3120: the port every server listens on; another
# value lets a second run-fresh.sh share the machine).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")
ART="$HERE/.artifacts"
BIN="$ART/bin"

SERVERS=${SERVERS:-typedio typedio-inline node raw raw-inline}
SCENARIOS=${SCENARIOS:-echo:100,ack:100,broadcast:1000}
REPEATS=${REPEATS:-2}
WARMUP_SECONDS=${WARMUP_SECONDS:-60}
DURATION_GIVEN=${DURATION:-}
DURATION=${DURATION:-5}
PAYLOAD=${PAYLOAD:-64}
BROADCAST_RATE=${BROADCAST_RATE:-0}
SOURCE_IPS=${SOURCE_IPS:-4}
BASE_PORT=${BASE_PORT:-3120}
DOTNET_SERVER_ENV=${DOTNET_SERVER_ENV:-}
if [[ "${COLD:-0}" == "1" ]]; then
  WARMUP_SECONDS=0; DURATION=${DURATION_GIVEN:-60}; SCENARIOS=${COLD_SCENARIOS:-echo:100}
fi
if [[ "${QUICK:-0}" == "1" ]]; then
  REPEATS=1; WARMUP_SECONDS=3; DURATION=2
fi

if [[ "${SKIP_BUILD:-0}" != "1" ]]; then
  echo "building (Release) into $ART ..."
  for project in "$ROOT/tests/Fixture" "$HERE/LoadGenerator" "$HERE/Peers/RawKestrel"; do
    dotnet build "$project" -c Release --artifacts-path "$ART" -nologo -v q
  done
  (cd "$HERE/Peers/Node" && npm ci --no-audit --no-fund --loglevel=error)
fi
LOADGEN="$BIN/LoadGenerator/release/TypedIo.Benchmarks.LoadGenerator.dll"
FIXTURE=${FIXTURE_DLL:-$BIN/Fixture/release/TypedIo.Fixture.dll}  # FIXTURE_DLL: another build (before/after comparisons)
RAW="$BIN/RawKestrel/release/TypedIo.Benchmarks.RawKestrel.dll"

# typedio-r2r: the fixture published with ReadyToRun, in a build tree of its own (its own artifacts path, so the RID-specific
# restore touches neither the build above nor, with the lock files switched off for it, the committed packages.lock.json).
R2R="$ART/r2r/publish"
R2R_FIXTURE="$R2R/TypedIo.Fixture.dll"
if [[ " $SERVERS " == *" typedio-r2r "* ]]; then
  if [[ "${SKIP_BUILD:-0}" != "1" ]]; then
    R2R_RID=${R2R_RID:-$(dotnet --info | awk '$1 == "RID:" { print $2; exit }')}
    echo "publishing tests/Fixture with ReadyToRun for $R2R_RID into $R2R ..."
    rm -rf "$R2R"
    if ! dotnet publish "$ROOT/tests/Fixture" -c Release -r "$R2R_RID" --self-contained false -p:PublishReadyToRun=true \
        -p:RestorePackagesWithLockFile=false -p:NuGetLockFilePath="$ART/r2r/no-packages.lock.json" \
        --artifacts-path "$ART/r2r/build" -o "$R2R" -nologo -v q; then
      echo "error: the ReadyToRun publish of tests/Fixture failed (it needs the $R2R_RID runtime packs and crossgen2 from NuGet);" \
        "leave typedio-r2r out of SERVERS" >&2
      exit 1
    fi
  fi
  # A publish can fall back to IL only (no crossgen2 for the RID, PublishReadyToRun ignored): refuse to measure that.
  if [[ ! -f "$R2R_FIXTURE" ]]; then
    echo "error: no published fixture at $R2R_FIXTURE (the build step publishes it: run without SKIP_BUILD=1)" >&2
    exit 1
  fi
  if ! dotnet "$LOADGEN" readytorun "$R2R_FIXTURE" "$R2R/TypedIo.dll"; then
    echo "error: $R2R is not a ReadyToRun publish (see above): typedio-r2r would measure IL-only code" >&2
    exit 1
  fi
fi

ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
CORES=$(nproc)
if (( CORES >= 2 )); then
  PIN_SERVER=(taskset -c 0); PIN_CLIENT=(taskset -c "1-$(( CORES - 1 ))")
else
  echo "warning: one core: server and load generator share it" >&2
  PIN_SERVER=(); PIN_CLIENT=()
fi
CLK_TCK=$(getconf CLK_TCK)

OUT="$HERE/results/fresh-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$OUT"
TSV="$OUT/results.tsv"
SERIES="$OUT/series.tsv"
{
  echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "machine: $CORES cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), $(. /etc/os-release && echo "$PRETTY_NAME"), kernel $(uname -r)"
  echo "runtimes: .NET $(dotnet --version), Node $(node --version)"
  echo "open files: $(ulimit -n) per process (hard limit $(ulimit -Hn)); ephemeral ports $(tr '\t' '-' < /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null) on $SOURCE_IPS source addresses"
  echo "pinning: server ${PIN_SERVER[*]:-none}, load generator ${PIN_CLIENT[*]:-none}"
  echo "method: fresh server process per run; ${WARMUP_SECONDS}s of the scenario's load, then ${DURATION}s measured; $REPEATS run(s) per server and scenario; payload ${PAYLOAD} B; broadcasts: $( [[ "$BROADCAST_RATE" == 0 ]] && echo "closed loop (4 in flight)" || echo "$BROADCAST_RATE per second offered")"
  [[ -n "$DOTNET_SERVER_ENV" ]] && echo ".NET server environment: $DOTNET_SERVER_ENV"
  echo "typedio: $FIXTURE"
  [[ " $SERVERS " == *" typedio-inline "* ]] && echo "typedio-inline: $FIXTURE with TYPEDIO_FIXTURE_INLINE=1 DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1"
  [[ " $SERVERS " == *" typedio-r2r "* ]] && echo "typedio-r2r: $R2R_FIXTURE (ReadyToRun publish)"
  echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
} > "$OUT/machine.txt"
cat "$OUT/machine.txt"

PID=""
stop_server() {
  [[ -n "$PID" ]] && kill -0 "$PID" 2>/dev/null || return 0
  kill -TERM "$PID" 2>/dev/null || true
  for _ in $(seq 1 50); do kill -0 "$PID" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$PID" 2>/dev/null || true
  wait "$PID" 2>/dev/null || true
  PID=""
}
trap stop_server EXIT

start_server() { # name port log
  local name=$1 port=$2 log=$3
  # shellcheck disable=SC2086 # DOTNET_SERVER_ENV is a list of NAME=VALUE words
  case $name in
    typedio)    env $DOTNET_SERVER_ENV "${PIN_SERVER[@]}" dotnet "$FIXTURE" --port "$port" >>"$log" 2>&1 & ;;
    typedio-inline) env $DOTNET_SERVER_ENV TYPEDIO_FIXTURE_INLINE=1 DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1 "${PIN_SERVER[@]}" dotnet "$FIXTURE" --port "$port" >>"$log" 2>&1 & ;;
    typedio-r2r) env $DOTNET_SERVER_ENV "${PIN_SERVER[@]}" dotnet "$R2R_FIXTURE" --port "$port" >>"$log" 2>&1 & ;;
    node)       "${PIN_SERVER[@]}" node "$HERE/Peers/Node/server.mjs" --port "$port" >>"$log" 2>&1 & ;;
    raw)        env $DOTNET_SERVER_ENV "${PIN_SERVER[@]}" dotnet "$RAW" --port "$port" >>"$log" 2>&1 & ;;
    raw-inline) env $DOTNET_SERVER_ENV DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1 "${PIN_SERVER[@]}" dotnet "$RAW" --port "$port" --inline >>"$log" 2>&1 & ;;
    *) echo "unknown server $name" >&2; return 1 ;;
  esac
  PID=$!
  for _ in $(seq 1 200); do
    grep -q "listening on" "$log" 2>/dev/null && return 0
    kill -0 "$PID" 2>/dev/null || break
    sleep 0.05
  done
  echo "error: $name did not start (see $log)" >&2
  return 1
}

FAILED=()
T0=$(date +%s)
for run in $(seq 1 "$REPEATS"); do
  for scenario in $(echo "$SCENARIOS" | tr ',' ' '); do
    for server in $SERVERS; do
      [[ $server == raw* && $scenario == polling* ]] && continue  # the raw ceilings speak WebSocket only
      echo "== run $run/$REPEATS: $server $scenario (fresh process, ${WARMUP_SECONDS}s load + ${DURATION}s measured)"
      start_server "$server" "$BASE_PORT" "$OUT/$server-$run-${scenario/:/-}.log"
      DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1 "${PIN_CLIENT[@]}" dotnet "$LOADGEN" run --url "http://127.0.0.1:$BASE_PORT" \
        --server-pid "$PID" --server-name "$server" --scenarios "$scenario" --warmup "$WARMUP_SECONDS" --duration "$DURATION" \
        --payload "$PAYLOAD" --clk-tck "$CLK_TCK" --round "$run" --source-ips "$SOURCE_IPS" --broadcast-rate "$BROADCAST_RATE" \
        --out "$TSV" --series "$SERIES" || FAILED+=("run $run: $server $scenario")
      stop_server
    done
  done
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg); wall time $(( $(date +%s) - T0 )) s" | tee -a "$OUT/machine.txt"

{
  echo '```'; cat "$OUT/machine.txt"; echo '```'; echo
  dotnet "$LOADGEN" report "$TSV"
} > "$OUT/table.md"
# The idle scenario records no per-second series: no curve then.
if [[ -s "$SERIES" ]]; then dotnet "$LOADGEN" curve "$SERIES" > "$OUT/curve.md"; else : > "$OUT/curve.md"; fi
cat "$OUT/table.md" "$OUT/curve.md"
echo "results: $OUT"
if (( ${#FAILED[@]} > 0 )); then
  # Not in the table: a run that could not open its connections or lost some has no figure (the reason is above).
  { echo "FAILED (no figure recorded; the load generator printed why):"; printf '  %s\n' "${FAILED[@]}"; } | tee -a "$OUT/machine.txt" >&2
  exit 1
fi
