#!/usr/bin/env bash
# Long fuzzing campaign of the packet decoders (see tests/TypedIo.Tests/Hardening/ParserFuzzTests.cs).
# Usage: benchmarks/fuzz.sh [COUNT] [START]   (default 10,000,000 inputs from seed 0), at low priority.
set -euo pipefail
cd "$(dirname "$0")/.."
count="${1:-10000000}"
start="${2:-0}"
dotnet build tests/TypedIo.Tests -c Release -nologo -v quiet
TYPEDIO_FUZZ_COUNT="$count" TYPEDIO_FUZZ_START="$start" nice -n 19 \
  dotnet test tests/TypedIo.Tests -c Release --no-build \
  --filter "FullyQualifiedName~ParserFuzzTests.Mutated_packets" --logger "console;verbosity=detailed" | grep -E "fuzz:|Passed|Failed|threw"
