#!/usr/bin/env bash
# Coverage-guided fuzzing of the packet decoders with SharpFuzz and libFuzzer (benchmarks/Fuzz/Program.cs).
# Not part of the test suite. Needs clang and libFuzzer (Debian 12: apt-get install clang libclang-rt-14-dev, done here
# when running as root), the SharpFuzz command-line tool (installed into a private folder), and the libFuzzer driver
# for .NET, libfuzzer-dotnet (https://github.com/Metalnem/libfuzzer-dotnet, MIT): give its built binary in
# LIBFUZZER_DOTNET, or its source file libfuzzer-dotnet.cc in LIBFUZZER_DOTNET_SOURCE to build it with clang.
# Usage: LIBFUZZER_DOTNET_SOURCE=path/libfuzzer-dotnet.cc benchmarks/sharpfuzz.sh [SECONDS] [libFuzzer options...]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
shift || true
work="${TYPEDIO_SHARPFUZZ_DIR:-$(mktemp -d)}"
mkdir -p "$work"

if ! { command -v clang || command -v clang-14; } >/dev/null || ! compgen -G "/usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a" >/dev/null; then
  [ "$(id -u)" = 0 ] || { echo "needs clang and libFuzzer's runtime: apt-get install clang libclang-rt-14-dev" >&2; exit 1; }
  apt-get install -y -q clang libclang-rt-14-dev >/dev/null
fi
cc="$(command -v clang || command -v clang-14)"

driver="${LIBFUZZER_DOTNET:-}"
if [ -z "$driver" ]; then
  [ -n "${LIBFUZZER_DOTNET_SOURCE:-}" ] || { echo "set LIBFUZZER_DOTNET (binary) or LIBFUZZER_DOTNET_SOURCE (libfuzzer-dotnet.cc)" >&2; exit 1; }
  driver="$work/libfuzzer-dotnet"
  "$cc" -O2 -fsanitize=fuzzer "$LIBFUZZER_DOTNET_SOURCE" -o "$driver"
fi

[ -x "$work/tools/sharpfuzz" ] || dotnet tool install SharpFuzz.CommandLine --version 2.3.0 --tool-path "$work/tools" >/dev/null
rm -rf "$work/app"
dotnet publish benchmarks/Fuzz -c Release -nologo -v quiet -o "$work/app"
# Coverage feedback comes from instrumenting the assembly under test (the harness itself is not).
"$work/tools/sharpfuzz" "$work/app/TypedIo.dll"

# Seeds: one valid packet of each kind (the mutations do the rest).
mkdir -p "$work/corpus"
i=0
for seed in '2' '3probe' '4hello' 'bAQID' '0{"token":"x"}' '2["echo",1,"two",{"three":[3]}]' '2/admin,17["ask",{"q":"\ud800"}]' \
  '312[1,2]' '4{"message":"no"}' '51-["file",{"_placeholder":true,"num":0}]' '61-7[{"_placeholder":true,"num":0}]'; do
  printf '%s' "$seed" > "$work/corpus/seed$i"; i=$((i + 1))
done
printf '4hello\x1e2\x1ebAQID' > "$work/corpus/payload"

echo "== libFuzzer for ${seconds} s (work folder: $work)"
nice -n 19 "$driver" --target_path="$work/app/TypedIo.Benchmarks.Fuzz" -max_total_time="$seconds" -rss_limit_mb=2048 \
  -artifact_prefix="$work/" "$@" "$work/corpus" 2>&1 | tee "$work/libfuzzer.log" | grep -E "^#[0-9]+ +(INITED|DONE|pulse)|ERROR|crash|Done [0-9]+ runs" || true
grep -qE "ERROR: libFuzzer|Fatal error|Unhandled exception" "$work/libfuzzer.log" && { echo "crash: see $work/libfuzzer.log and $work/crash-*" >&2; exit 1; }
echo "no crash; $(grep -Eo 'Done [0-9]+ runs in [0-9]+ second\(s\)' "$work/libfuzzer.log" | tail -1)"
