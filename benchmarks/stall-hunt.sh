#!/usr/bin/env bash
# Hunts a stall: runs one scenario again and again on a fresh server process (as run-fresh.sh does) and watches it.
# While the load generator runs, the server's CPU is sampled every second; when it stays under STALL_CPU % for
# STALL_SECONDS seconds after the load has started (a server under load never idles), or when the load generator
# reports errors, it saves what is needed to tell a server stall from a client one: the managed stacks of the server
# and of the load generator (dotnet-stack, twice, a few seconds apart), the sockets' queues (ss: bytes the server has
# not sent, bytes a client has not read) and the server's log (Information, TypedIo at Debug: every session's close
# reason). Runs without a finding keep one line in summary.tsv and what their server logged at Warning or above.
#
#   benchmarks/stall-hunt.sh                                     # typedio-inline broadcast:1000, 45 s + 5 s, until stopped
#   TYPEDIO_DIAG_KEEP=1 FINDING_PATTERN="DIAG ping timeout" SS_AT="40 52" FIXTURE_DLL=... benchmarks/stall-hunt.sh
#                                                                # with a diagnostic fixture build that logs such lines
#   UNTIL=03:20 BASE_PORT=4200 benchmarks/stall-hunt.sh          # stop starting runs at 03:20 (UTC), on port 4200
#   RUNS=20 SERVER=typedio SCENARIO=broadcast:1000 benchmarks/stall-hunt.sh
#
# Knobs (environment): SERVER (typedio-inline; or typedio), SCENARIO (broadcast:1000), WARMUP_SECONDS (45: a run must
# outlast the first pong deadline, pingInterval + pingTimeout = 45 s after the sessions open), DURATION (5), BASE_PORT
# (4200), RUNS (0: no limit), UNTIL (a time for `date -d`, UTC; none), STALL_CPU (5), STALL_SECONDS (5),
# SS_AT (seconds after the load generator started at which to save the sockets' queues anyway, e.g. "40 44": before the
# server's first pong deadline closes anything), HOG_SECONDS (0: for that many seconds from the server's start, two busy
# loops share its core, so its cold start (JIT, first connections) runs starved, as on a busy machine), FINDING_PATTERN
# (an extended regular expression: a run whose server log matches it is kept as a finding too),
# DOTNET_STACK (dotnet-stack on PATH, else ~/.dotnet/tools/dotnet-stack; install it with
# `dotnet tool install --tool-path DIR dotnet-stack`), SKIP_BUILD (0), SOURCE_IPS (4), FIXTURE_DLL (another fixture build,
# e.g. a diagnostic one; the environment is passed on to the server).
# Output: benchmarks/results/stall-<stamp>/: summary.tsv, and run-N/ for every run with a finding.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")
ART="$HERE/.artifacts"
BIN="$ART/bin"

SERVER=${SERVER:-typedio-inline}
SCENARIO=${SCENARIO:-broadcast:1000}
WARMUP_SECONDS=${WARMUP_SECONDS:-45}
DURATION=${DURATION:-5}
BASE_PORT=${BASE_PORT:-4200}
RUNS=${RUNS:-0}
UNTIL=${UNTIL:-}
STALL_CPU=${STALL_CPU:-5}
STALL_SECONDS=${STALL_SECONDS:-5}
SS_AT=${SS_AT:-}
HOG_SECONDS=${HOG_SECONDS:-0}
FINDING_PATTERN=${FINDING_PATTERN:-}
SOURCE_IPS=${SOURCE_IPS:-4}
if [[ -z "${DOTNET_STACK:-}" ]]; then
  DOTNET_STACK=$(command -v dotnet-stack || echo "$HOME/.dotnet/tools/dotnet-stack")
fi
[[ -x "$DOTNET_STACK" ]] || echo "warning: no dotnet-stack at $DOTNET_STACK: no stacks will be taken" >&2
UNTIL_EPOCH=""
[[ -n "$UNTIL" ]] && UNTIL_EPOCH=$(date -u -d "$UNTIL" +%s)

if [[ "${SKIP_BUILD:-0}" != "1" ]]; then
  for project in "$ROOT/tests/Fixture" "$HERE/LoadGenerator"; do
    dotnet build "$project" -c Release --artifacts-path "$ART" -nologo -v q
  done
fi
LOADGEN="$BIN/LoadGenerator/release/TypedIo.Benchmarks.LoadGenerator.dll"
FIXTURE=${FIXTURE_DLL:-$BIN/Fixture/release/TypedIo.Fixture.dll}

ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
CORES=$(nproc)
if (( CORES >= 2 )); then
  PIN_SERVER=(taskset -c 0); PIN_CLIENT=(taskset -c "1-$(( CORES - 1 ))")
else
  PIN_SERVER=(); PIN_CLIENT=()
fi
CLK_TCK=$(getconf CLK_TCK)

OUT="$HERE/results/stall-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$OUT"
SUMMARY="$OUT/summary.tsv"
printf 'run\tstarted\tserver\tscenario\tresult\tstall_captured\tdetail\n' > "$SUMMARY"
echo "stall hunt: $SERVER $SCENARIO, ${WARMUP_SECONDS}s + ${DURATION}s, port $BASE_PORT; output in $OUT"

PID=""; LG=""
stop_all() {
  for p in $LG $PID; do
    kill -0 "$p" 2>/dev/null || continue
    kill -TERM "$p" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$p" 2>/dev/null || true
    wait "$p" 2>/dev/null || true
  done
  PID=""; LG=""
}
trap stop_all EXIT

cpu_ticks() { # pid → utime + stime, in clock ticks
  awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null || echo 0
}

capture() { # dir label: stacks of both processes, twice, and the sockets' queues
  local dir=$1 label=$2
  mkdir -p "$dir"
  for round in 1 2; do
    ss -tnoi "( sport = :$BASE_PORT or dport = :$BASE_PORT )" > "$dir/$label-ss-$round.txt" 2>&1 || true
    if [[ -x "$DOTNET_STACK" ]]; then
      timeout 60 "$DOTNET_STACK" report -p "$PID" > "$dir/$label-server-stack-$round.txt" 2>&1 || true
      timeout 60 "$DOTNET_STACK" report -p "$LG" > "$dir/$label-loadgen-stack-$round.txt" 2>&1 || true
    fi
    grep -E '^(Threads|State|voluntary|nonvoluntary)' "/proc/$PID/status" > "$dir/$label-server-status-$round.txt" 2>/dev/null || true
    ls "/proc/$PID/task" 2>/dev/null | while read -r t; do
      echo "$t $(cat "/proc/$PID/task/$t/comm" 2>/dev/null) $(awk '{ print $3, $14 + $15 }' "/proc/$PID/task/$t/stat" 2>/dev/null) $(cat "/proc/$PID/task/$t/wchan" 2>/dev/null)"
    done > "$dir/$label-server-threads-$round.txt"
    if [[ $round == 1 ]]; then sleep 3; fi
  done
}

run=0
while true; do
  run=$(( run + 1 ))
  (( RUNS > 0 && run > RUNS )) && break
  [[ -n "$UNTIL_EPOCH" ]] && (( $(date -u +%s) >= UNTIL_EPOCH )) && break
  dir="$OUT/run-$run"
  mkdir -p "$dir"
  log="$dir/server.log"
  started=$(date -u +%H:%M:%S)
  case $SERVER in
    typedio-inline) mode=(TYPEDIO_FIXTURE_INLINE=1 DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1) ;;
    typedio) mode=() ;;
    *) echo "unknown server $SERVER" >&2; exit 1 ;;
  esac
  env "${mode[@]}" Logging__LogLevel__Default=Information Logging__LogLevel__TypedIo=Debug \
    Logging__Console__FormatterName=simple Logging__Console__FormatterOptions__SingleLine=true \
    Logging__Console__FormatterOptions__TimestampFormat="HH:mm:ss.fff " \
    "${PIN_SERVER[@]}" dotnet "$FIXTURE" --port "$BASE_PORT" >>"$log" 2>&1 &
  PID=$!
  if (( HOG_SECONDS > 0 )); then
    for _ in 1 2; do "${PIN_SERVER[@]}" timeout "$HOG_SECONDS" sh -c 'while :; do :; done' & done
  fi
  for _ in $(seq 1 200); do
    grep -q "listening on" "$log" 2>/dev/null && break
    kill -0 "$PID" 2>/dev/null || break
    sleep 0.1
  done
  if ! grep -q "listening on" "$log" 2>/dev/null; then
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$run" "$started" "$SERVER" "$SCENARIO" "no-start" "no" "see run-$run/server.log" >> "$SUMMARY"
    stop_all; continue
  fi
  DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1 "${PIN_CLIENT[@]}" dotnet "$LOADGEN" run --url "http://127.0.0.1:$BASE_PORT" \
    --server-pid "$PID" --server-name "$SERVER" --scenarios "$SCENARIO" --warmup "$WARMUP_SECONDS" --duration "$DURATION" \
    --payload 64 --clk-tck "$CLK_TCK" --round "$run" --source-ips "$SOURCE_IPS" --out "$dir/results.tsv" \
    > "$dir/loadgen.out" 2>&1 &
  LG=$!

  # The watcher: one sample a second while the load generator runs.
  prev=$(cpu_ticks "$PID"); low=0; busy=0; captured=no; lg_start=$(date +%s); ss_left=" $SS_AT "
  while kill -0 "$LG" 2>/dev/null; do
    sleep 1
    elapsed=$(( $(date +%s) - lg_start ))
    for at in $ss_left; do
      (( elapsed >= at )) || continue
      ss -tnoi "( sport = :$BASE_PORT or dport = :$BASE_PORT )" > "$dir/ss-at-$at.txt" 2>&1 || true
      ss_left=${ss_left/ $at / }
    done
    now=$(cpu_ticks "$PID")
    pct=$(( (now - prev) * 100 / CLK_TCK )); prev=$now
    echo "$(date -u +%H:%M:%S) $pct" >> "$dir/cpu.txt"
    (( pct >= 20 )) && busy=1
    if (( busy && pct < STALL_CPU )); then low=$(( low + 1 )); else low=0; fi
    if [[ $captured == no ]] && (( low >= STALL_SECONDS )); then
      echo "run $run: server CPU under ${STALL_CPU}% for ${STALL_SECONDS}s under load: capturing"
      capture "$dir" stall
      captured=yes
    fi
  done
  wait "$LG" 2>/dev/null || true
  LG=""
  result=ok; detail=$(grep -m1 -E 'msg/s|msg per' "$dir/loadgen.out" | tr -s ' ' | cut -c1-160 || true)
  if grep -qiE 'error|fail' "$dir/loadgen.out"; then
    result=errors
    detail=$(grep -m1 -iE 'error|fail' "$dir/loadgen.out" | tr -s ' ' | cut -c1-200)
    # The server is still up: what it holds now tells more than its log.
    [[ $captured == no ]] && { capture "$dir" after-errors; captured=after; }
  fi
  if [[ $result == ok && -n "$FINDING_PATTERN" ]] && grep -qE "$FINDING_PATTERN" "$log"; then
    result=pattern
    [[ $captured == no ]] && { capture "$dir" pattern; captured=after; }
  fi
  stop_all
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$run" "$started" "$SERVER" "$SCENARIO" "$result" "$captured" "$detail" >> "$SUMMARY"
  echo "run $run ($started): $result, capture: $captured; $detail"
  if [[ $result == ok && $captured == no ]]; then
    # A clean run keeps only what its server logged at Warning and above (and the ping timeouts), if anything.
    grep -E '(warn|fail|crit): |ping timeout' "$log" > "$OUT/run-$run-warnings.txt" || rm -f "$OUT/run-$run-warnings.txt"
    rm -rf "$dir"
  fi
done
echo "done: $(( run - 1 )) run(s); $(grep -c -v -P '\tok\tno\t' "$SUMMARY" | awk '{ print $1 - 1 }') with a finding; see $SUMMARY"
