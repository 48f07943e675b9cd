#!/usr/bin/env bash
# Long fuzzing campaigns, at low priority:
#  - the packet decoders (tests/TypedIo.Tests/Hardening/ParserFuzzTests.cs), COUNT inputs from seed START;
#  - the typed argument binder through a real server and hub (BinderFuzzTests.cs), BINDER_COUNT inputs from START.
# Usage: benchmarks/fuzz.sh [COUNT] [START] [BINDER_COUNT]   (defaults: 10,000,000, 0, 1,000,000)
set -euo pipefail
cd "$(dirname "$0")/.."
count="${1:-10000000}"
start="${2:-0}"
binder_count="${3:-1000000}"
dotnet build tests/TypedIo.Tests -c Release -nologo -v quiet
TYPEDIO_FUZZ_COUNT="$count" TYPEDIO_BINDER_FUZZ_COUNT="$binder_count" TYPEDIO_FUZZ_START="$start" nice -n 19 \
  dotnet test tests/TypedIo.Tests -c Release --no-build \
  --filter "FullyQualifiedName~ParserFuzzTests.Mutated_packets|FullyQualifiedName~BinderFuzzTests.Mutated_arguments" \
  --logger "console;verbosity=detailed" | grep -E "fuzz:|Passed|Failed|threw|answered|failed"
