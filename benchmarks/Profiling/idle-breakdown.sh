#!/usr/bin/env bash
# Where the RSS of N idle connections goes: one fresh .NET server (pinned to core 0) with the CounterHook's GC report,
# the load generator's idle scenario on the other core, and snapshots of the server at fixed points:
#   baseline   just before the connect burst (the load generator waits HOLD + 15 s before it, as it does after it)
#   rss-read   2 s after the N-th connection was established: where run-fresh.sh's idle scenario reads the RSS
#   later      HOLD s after it (nothing runs but the heartbeat)
#   compacted  after an induced blocking, compacting gen-2 GC (diagnostic: the server itself never calls GC.Collect)
#   aggressive after an induced GCCollectionMode.Aggressive collection (compacts and decommits)
# Each snapshot: VmRSS, threads, smaps_rollup, the resident memory by kind of mapping (smaps-kinds.py), the GC's own report.
# Every collection of the run is in gcevents.tsv (GcEventLog.cs); at the end the script prints those of the burst
# (baseline to rss-read) with gc-burst-table.py: per GC its pause, time to suspend, mark phases, promoted bytes.
#
#   benchmarks/Profiling/idle-breakdown.sh [typedio|raw] [connections] [hold seconds]   e.g. ... typedio 10000 30
#
# Knobs (environment): PORT (3850), CONNECT_PARALLELISM (64: connects in flight at once), DOTNET_SERVER_ENV (extra environment for the server, e.g. "DOTNET_GCgen0size=0x100000"),
# FIXTURE_DLL (another fixture build), SKIP_BUILD, SKIP_INDUCED=1 (no compacted/aggressive snapshots: a shorter run for
# the burst alone), DUMP=1 (a heap dump at rss-read, rss-read.dmp, with DOTNET_DUMP or dotnet-dump on PATH: for SOS's
# dumpheap -dead, the objects that died in gen 1 and gen 2 and are not swept yet), ALLOCS=1 (the hook's GCAllocationTick samples by type from just before the burst, allocations.txt). Output in benchmarks/results/idle-breakdown-<server>-<stamp>/.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
BENCH=$(dirname "$HERE")
ROOT=$(dirname "$BENCH")
ART="$BENCH/.artifacts"
BIN="$ART/bin"
SERVER=${1:-typedio}
COUNT=${2:-10000}
HOLD=${3:-30}
PORT=${PORT:-3850}
CONNECT_PARALLELISM=${CONNECT_PARALLELISM:-64}
DOTNET_SERVER_ENV=${DOTNET_SERVER_ENV:-}

if [[ "${SKIP_BUILD:-0}" != "1" ]]; then
  for project in "$ROOT/tests/Fixture" "$BENCH/LoadGenerator" "$BENCH/Peers/RawKestrel" "$HERE/CounterHook"; do
    dotnet build "$project" -c Release --artifacts-path "$ART" -nologo -v q >/dev/null
  done
fi
case $SERVER in
  typedio) DLL=${FIXTURE_DLL:-$BIN/Fixture/release/TypedIo.Fixture.dll} ;;
  raw) DLL=$BIN/RawKestrel/release/TypedIo.Benchmarks.RawKestrel.dll ;;
  *) echo "unknown server $SERVER (typedio or raw)" >&2; exit 2 ;;
esac
LOADGEN="$BIN/LoadGenerator/release/TypedIo.Benchmarks.LoadGenerator.dll"
HOOK="$BIN/CounterHook/release/TypedIo.Benchmarks.CounterHook.dll"
OUT="$BENCH/results/idle-breakdown-$SERVER-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$OUT"
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
SETTLE=$(( HOLD + 15 ))

if ss -Htln "( sport = :$PORT )" | grep -q .; then echo "port $PORT is in use" >&2; exit 1; fi
ALLOCS_ENV=""
[[ "${ALLOCS:-0}" == "1" ]] && ALLOCS_ENV="TYPEDIO_ALLOCATIONS_FILE=$OUT/allocations.txt TYPEDIO_ALLOCATIONS_FROM_S=$(( SETTLE - 4 ))"
# shellcheck disable=SC2086 # DOTNET_SERVER_ENV and ALLOCS_ENV are lists of NAME=VALUE words
env $DOTNET_SERVER_ENV $ALLOCS_ENV DOTNET_STARTUP_HOOKS="$HOOK" TYPEDIO_GCINFO_FILE="$OUT/gcinfo.tsv" TYPEDIO_GC_TRIGGER_FILE="$OUT/gc-trigger" \
  TYPEDIO_GCEVENTS_FILE="$OUT/gcevents.tsv" taskset -c 0 dotnet "$DLL" --port "$PORT" >"$OUT/server.log" 2>&1 &
PID=$!
LOADGEN_PID=""
cleanup() {
  [[ -n "$LOADGEN_PID" ]] && kill "$LOADGEN_PID" 2>/dev/null || true
  kill "$PID" 2>/dev/null || true
  wait 2>/dev/null || true
}
trap cleanup EXIT
for _ in $(seq 1 200); do grep -q "listening on" "$OUT/server.log" 2>/dev/null && break; sleep 0.05; done

snapshot() { # label
  local label=$1
  {
    echo "== $label $(date -u +%H:%M:%S.%N | cut -c1-12) load $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "established $(ss -Htn state established "( sport = :$PORT )" | wc -l)"
    grep -E "^(VmRSS|RssAnon|RssFile|RssShmem|Threads):" "/proc/$PID/status" | tr -s ' \t' ' '
    grep -E "^(Rss|Private_Dirty|Anonymous):" "/proc/$PID/smaps_rollup" | tr -s ' \t' ' ' | sed 's/^/rollup_/'
    python3 "$HERE/smaps-kinds.py" "$PID" | sed 's/^/kind /'
    echo "gc $(tail -n 1 "$OUT/gcinfo.tsv")"
  } >>"$OUT/snapshots.txt"
}
induce() { # kind
  local before
  before=$(grep -c "after-$1" "$OUT/gcinfo.tsv" || true)
  echo "$1" >"$OUT/gc-trigger"
  for _ in $(seq 1 300); do
    (( $(grep -c "after-$1" "$OUT/gcinfo.tsv" || true) > before )) && break
    sleep 0.1
  done
  sleep 1
}

head -n 1 "$OUT/gcinfo.tsv" 2>/dev/null | sed 's/^/gc-header /' >"$OUT/snapshots.txt" || true
echo "server $SERVER pid $PID, $COUNT connections ($CONNECT_PARALLELISM at once), hold ${HOLD}s; environment: ${DOTNET_SERVER_ENV:-none}" | tee -a "$OUT/snapshots.txt"
DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1 taskset -c 1 dotnet "$LOADGEN" run --url "http://127.0.0.1:$PORT" \
  --server-pid "$PID" --server-name "$SERVER" --scenarios "idle:$COUNT" --warmup 0 --duration 1 --idle-settle "$SETTLE" \
  --connect-parallelism "$CONNECT_PARALLELISM" \
  >"$OUT/loadgen.log" 2>&1 &
LOADGEN_PID=$!
sleep $(( SETTLE - 3 ))
BURST_FROM_MS=$(date +%s%3N)
snapshot baseline
while (( $(ss -Htn state established "( sport = :$PORT )" | wc -l) < COUNT )); do
  kill -0 "$LOADGEN_PID" 2>/dev/null || { echo "the load generator stopped before $COUNT connections:" >&2; cat "$OUT/loadgen.log" >&2; exit 1; }
  sleep 0.2
done
CONNECTED=$(date +%s)
sleep 2
BURST_TO_MS=$(date +%s%3N)
snapshot rss-read
if [[ "${DUMP:-0}" == "1" ]]; then "${DOTNET_DUMP:-dotnet-dump}" collect -p "$PID" --type Heap -o "$OUT/rss-read.dmp" >"$OUT/dump.log" 2>&1 || true; fi
echo "$BURST_FROM_MS $BURST_TO_MS $COUNT" >"$OUT/burst-window.txt"
if [[ -n "$ALLOCS_ENV" ]]; then cp "$OUT/allocations.txt" "$OUT/allocations-rss-read.txt" 2>/dev/null || true; fi
if [[ "${SKIP_INDUCED:-0}" != "1" ]]; then
  sleep $(( HOLD - 2 ))
  snapshot later
  induce compact
  snapshot compacted
  induce aggressive
  snapshot aggressive
fi
echo "connected at $(date -u -d "@$CONNECTED" +%H:%M:%S)" >>"$OUT/snapshots.txt"
wait "$LOADGEN_PID" || true
LOADGEN_PID=""
cat "$OUT/loadgen.log" >>"$OUT/snapshots.txt"
python3 "$HERE/gc-burst-table.py" "$OUT" | tee "$OUT/gc-burst.md"
echo "results: $OUT"
