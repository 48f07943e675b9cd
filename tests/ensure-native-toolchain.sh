#!/usr/bin/env bash
# Makes sure the native toolchain that Native AOT publishing links with is there (clang, or gcc; plus zlib's headers),
# for the AOT sample test (tests/TypedIo.Tests/Samples/AotSampleTests.cs). Installs Debian's clang and zlib1g-dev when
# running as root; otherwise says what is missing and fails.
set -u

has_compiler() { command -v clang >/dev/null 2>&1 || command -v gcc >/dev/null 2>&1; }

if has_compiler && [ -f /usr/include/zlib.h ]; then
  exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
  echo "== installing clang and zlib1g-dev for the Native AOT sample"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq || echo "warning: apt-get update failed; trying the install anyway" >&2
  apt-get install -y -qq clang zlib1g-dev
  status=$?
  if [ "$status" -eq 0 ] && ! has_compiler; then
    echo "error: apt-get installed clang but no C compiler is on the PATH" >&2
    exit 1
  fi
  exit "$status"
fi

echo "error: Native AOT publishing needs clang (or gcc) and zlib's headers: install the packages 'clang' and" \
  "'zlib1g-dev' as root (apt-get install -y clang zlib1g-dev), or run tests/ensure-native-toolchain.sh as root." >&2
exit 1
