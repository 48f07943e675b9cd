#!/usr/bin/env bash
# Per-message costs of one server under one scenario, for finding hot spots:
#  1. runtime counters sampled inside the unmodified server by a startup hook (Profiling/CounterHook): allocated
#     bytes, thread-pool work items, lock contentions and GCs per message;
#  2. a thread-time sampling trace (dotnet-trace, if installed: `dotnet tool install -g dotnet-trace`), top methods;
#  3. with ALLOCS=1: the types allocated during the measured window, sampled from GCAllocationTick (allocations.txt);
#     with EXCEPTIONS=1: first-chance exceptions by type and throwing method (exceptions.txt);
#  4. with PERF=1 and Linux perf: a CPU profile (kernel included) with JIT symbols (perf map, W^X off for this run);
#  5. with SYSCALLS=1 and Linux perf: the server's system calls per message by call (perf stat on the syscall
#     tracepoints for the measured window less 2 s; counts, so a busy machine changes them far less than times).
#
#   benchmarks/profile.sh [typedio|typedio-inline|raw|raw-inline] [scenario:clients] [seconds]   e.g. benchmarks/profile.sh typedio echo:100 8
#
# typedio-inline is the same fixture build with its inline switch (TYPEDIO_FIXTURE_INLINE=1) and
# DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1; raw-inline the raw Kestrel peer with --inline and the same variable (its
# like-for-like reference). Knobs (environment): WARMUP (25 s of load before the measured window), FIXTURE_DLL (another
# fixture build, for typedio and typedio-inline), PORT (3110; another one when a second profile runs at the same time),
# DOTNET_TRACE, PERF, PERF_CLIENT (perf records the load generator, not the server), ALLOCS, EXCEPTIONS, SYSCALLS, SKIP_BUILD.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")
ART="$HERE/.artifacts"
BIN="$ART/bin"
SERVER=${1:-typedio}
SCENARIO=${2:-echo:100}
SECONDS_MEASURED=${3:-8}
WARMUP=${WARMUP:-25}  # .NET tiers up only after ~20 s of load on one pinned core (docs/benchmarks.md)
DOTNET_TRACE=${DOTNET_TRACE:-$(command -v dotnet-trace || true)}
PORT=${PORT:-3110}

if [[ "${SKIP_BUILD:-0}" != "1" ]]; then
  for project in "$ROOT/tests/Fixture" "$HERE/LoadGenerator" "$HERE/Peers/RawKestrel" "$HERE/Profiling/CounterHook"; do
    dotnet build "$project" -c Release --artifacts-path "$ART" -nologo -v q >/dev/null
  done
fi
OUT="$HERE/results/profile-$SERVER-${SCENARIO/:/-}-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$OUT"
SERVER_ENV=(); SERVER_ARGS=()
INLINE_ENV=(DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1)
case $SERVER in
  typedio) DLL=${FIXTURE_DLL:-$BIN/Fixture/release/TypedIo.Fixture.dll} ;;  # FIXTURE_DLL: another build (before/after)
  typedio-inline) DLL=${FIXTURE_DLL:-$BIN/Fixture/release/TypedIo.Fixture.dll}; SERVER_ENV=(TYPEDIO_FIXTURE_INLINE=1 "${INLINE_ENV[@]}") ;;
  raw) DLL="$BIN/RawKestrel/release/TypedIo.Benchmarks.RawKestrel.dll" ;;
  raw-inline) DLL="$BIN/RawKestrel/release/TypedIo.Benchmarks.RawKestrel.dll"; SERVER_ENV=("${INLINE_ENV[@]}"); SERVER_ARGS=(--inline) ;;
  *) echo "profile.sh profiles .NET servers: typedio, typedio-inline, raw or raw-inline" >&2; exit 2 ;;
esac
PIN_SERVER=(); PIN_CLIENT=()
if (( $(nproc) >= 2 )); then PIN_SERVER=(taskset -c 0); PIN_CLIENT=(taskset -c "1-$(( $(nproc) - 1 ))"); fi

PERF_ENV=(); CLIENT_ENV=()
if [[ "${PERF:-0}" == "1" ]]; then PERF_ENV=(DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0); fi
# PERF_CLIENT=1: the perf pass records the load generator instead of the server (its own cost per message).
if [[ "${PERF_CLIENT:-0}" == "1" ]]; then PERF=1; CLIENT_ENV=(DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0); PERF_ENV=(); fi
# ALLOCS=1: sample GCAllocationTick events by type during the measured window (allocations.txt).
if [[ "${ALLOCS:-0}" == "1" ]]; then PERF_ENV+=(TYPEDIO_ALLOCATIONS_FILE="$OUT/allocations.txt" TYPEDIO_ALLOCATIONS_FROM_S=$(( WARMUP + 2 ))); fi
# EXCEPTIONS=1: count first-chance exceptions by type and throwing method (exceptions.txt).
if [[ "${EXCEPTIONS:-0}" == "1" ]]; then PERF_ENV+=(TYPEDIO_EXCEPTIONS_FILE="$OUT/exceptions.txt"); fi
env "${PERF_ENV[@]}" "${SERVER_ENV[@]}" DOTNET_STARTUP_HOOKS="$BIN/CounterHook/release/TypedIo.Benchmarks.CounterHook.dll" TYPEDIO_COUNTERS_FILE="$OUT/counters.tsv" \
  "${PIN_SERVER[@]}" dotnet "$DLL" --port "$PORT" "${SERVER_ARGS[@]}" > "$OUT/server.log" 2>&1 &
PID=$!
trap 'kill -TERM $PID 2>/dev/null || true; wait $PID 2>/dev/null || true' EXIT
for _ in $(seq 1 200); do grep -q "listening on" "$OUT/server.log" && break; kill -0 "$PID" 2>/dev/null || break; sleep 0.05; done
if ! grep -q "listening on" "$OUT/server.log"; then
  echo "error: $SERVER did not start on port $PORT (see $OUT/server.log)" >&2
  exit 1
fi

run_load() { # tsv
  env "${CLIENT_ENV[@]}" DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1 "${PIN_CLIENT[@]}" dotnet "$BIN/LoadGenerator/release/TypedIo.Benchmarks.LoadGenerator.dll" run \
    --url "http://127.0.0.1:$PORT" --server-pid "$PID" --server-name "$SERVER" --scenarios "$SCENARIO" \
    --warmup "$WARMUP" --duration "$SECONDS_MEASURED" --clk-tck "$(getconf CLK_TCK)" --out "$1"
}

# ---- pass 1: counters ----
T0=$(date +%s%3N)
run_load "$OUT/load.tsv"
RATE=$(awk -F'\t' 'NR==2 {print $5/$6}' "$OUT/load.tsv")
awk -F'\t' -v from=$(( T0 + (WARMUP * 1000) + 1500 )) -v to=$(( T0 + (WARMUP + SECONDS_MEASURED) * 1000 )) -v rate="$RATE" '
  NR > 1 && $1 >= from && $1 <= to { if (!first) { first = 1; t0 = $1; a0 = $2; w0 = $3; l0 = $4; g0 = $5; c0 = $10 } t1 = $1; a1 = $2; w1 = $3; l1 = $4; g1 = $5; c1 = $10 }
  END {
    s = (t1 - t0) / 1000; if (s <= 0) { print "not enough counter samples"; exit }
    msgs = rate * s
    printf "steady window %.1f s, %.0f msg/s (load generator)\n", s, rate
    printf "allocated bytes per message:      %8.0f\n", (a1 - a0) / msgs
    printf "thread-pool work items / message: %8.2f\n", (w1 - w0) / msgs
    printf "lock contentions / message:       %8.3f\n", (l1 - l0) / msgs
    printf "gen0 GCs per second:              %8.2f\n", (g1 - g0) / s
    printf "server CPU us / message:          %8.1f\n", (c1 - c0) * 1000 / msgs
  }' "$OUT/counters.tsv" | tee "$OUT/per-message.txt"

# ---- pass 2: CPU samples ----
if [[ -n "$DOTNET_TRACE" ]]; then
  run_load "$OUT/load-traced.tsv" > /dev/null &
  LOAD=$!
  sleep $(( WARMUP + 1 ))
  "$DOTNET_TRACE" collect -p "$PID" --profile dotnet-common,dotnet-sampled-thread-time --duration 00:00:00:05 -o "$OUT/cpu.nettrace" > "$OUT/trace.log" 2>&1 || true
  wait $LOAD || true
  { echo "== top 30 exclusive"; "$DOTNET_TRACE" report "$OUT/cpu.nettrace" topN -n 30;
    echo "== top 40 inclusive"; "$DOTNET_TRACE" report "$OUT/cpu.nettrace" topN -n 40 --inclusive; } > "$OUT/cpu-top.txt" 2>&1 || true
  echo "CPU samples: $OUT/cpu-top.txt"
else
  echo "dotnet-trace not found: skipped the CPU trace (set DOTNET_TRACE=/path/to/dotnet-trace)"
fi
# ---- pass 3: perf ----
if [[ "${PERF:-0}" == "1" ]] && command -v perf >/dev/null; then
  run_load "$OUT/load-perf.tsv" > "$OUT/load-perf.txt" &
  LOAD=$!
  sleep $(( WARMUP + 1 ))
  TARGET=$PID
  # The load generator is the dotnet process under the backgrounded function's shell.
  if [[ "${PERF_CLIENT:-0}" == "1" ]]; then TARGET=$(pgrep -f -n "LoadGenerator.dll run --url http://127.0.0.1:$PORT "); fi
  perf record -F 999 -g -p "$TARGET" -o "$OUT/perf.data" -- sleep 5 > "$OUT/perf.log" 2>&1 || true
  wait $LOAD || true
  { echo "== by DSO"; perf report -i "$OUT/perf.data" --no-children --sort dso --stdio -g none 2>/dev/null | grep -v '^#' | grep -v '^$' | head -20
    echo "== by symbol (self)"; perf report -i "$OUT/perf.data" --no-children --sort dso,sym --stdio -g none 2>/dev/null | grep -v '^#' | grep -v '^$' | head -80
    echo "== by symbol (children)"; perf report -i "$OUT/perf.data" --children --sort sym --stdio -g none 2>/dev/null | grep -v '^#' | grep -v '^$' | head -80
  } > "$OUT/perf-top.txt" || true  # head closes the pipe early: perf report's SIGPIPE must not end the script (pipefail)
  echo "perf: $OUT/perf-top.txt"
fi
# ---- pass 4: system calls per message ----
if [[ "${SYSCALLS:-0}" == "1" ]] && command -v perf >/dev/null; then
  run_load "$OUT/load-syscalls.tsv" > /dev/null &
  LOAD=$!
  sleep $(( WARMUP + 1 ))
  WINDOW=$(( SECONDS_MEASURED > 3 ? SECONDS_MEASURED - 2 : 1 ))  # inside the measured window, whose rate is the divisor
  perf stat -x, -e 'syscalls:sys_enter_*' -p "$PID" -o "$OUT/syscalls.csv" -- sleep "$WINDOW" > /dev/null 2>&1 || true
  wait $LOAD || true
  RATE=$(awk -F'\t' 'NR==2 {print $5/$6}' "$OUT/load-syscalls.tsv")
  awk -F, -v msgs="$(awk -v r="$RATE" -v w="$WINDOW" 'BEGIN { print r * w }')" -v w="$WINDOW" '
    $1 + 0 > 0 && $3 ~ /sys_enter_/ { name = $3; sub(/.*sys_enter_/, "", name); n[name] = $1; total += $1 }
    END {
      printf "%.0f messages in the %d s window (load generator rate)\n", msgs, w
      printf "%-22s %12s %12s\n", "system call", "count", "per message"
      for (k in n) printf "%-22s %12d %12.3f\n", k, n[k], n[k] / msgs | "sort -k3 -g -r"
      close("sort -k3 -g -r")
      printf "%-22s %12d %12.3f\n", "all", total, total / msgs
    }' "$OUT/syscalls.csv" | tee "$OUT/syscalls.txt"
fi
echo "output: $OUT"
