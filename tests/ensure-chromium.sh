#!/usr/bin/env bash
# Makes sure Debian's Chromium (package `chromium`, /usr/bin/chromium) is installed for the browser tests
# (tests/TypedIo.Tests/Browser, driven by tests/js/browser/run.mjs). Installs it when running as root; otherwise
# says what is missing and fails. Exit code 0 when /usr/bin/chromium is there afterwards.
set -u

if [ -x /usr/bin/chromium ]; then
  exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
  echo "== installing Debian's chromium package for the browser tests"
  export DEBIAN_FRONTEND=noninteractive
  # A failed update (no network) is not fatal by itself: the install may still work from the lists already there.
  apt-get update -qq || echo "warning: apt-get update failed; trying the install anyway" >&2
  apt-get install -y -qq chromium
  status=$?
  if [ "$status" -eq 0 ] && [ ! -x /usr/bin/chromium ]; then
    echo "error: apt-get installed 'chromium' but /usr/bin/chromium is still missing" >&2
    exit 1
  fi
  exit "$status"
fi

echo "error: the browser tests need Debian's Chromium at /usr/bin/chromium: install the package 'chromium'" \
  "as root (apt-get install -y chromium), or run tests/ensure-chromium.sh as root." >&2
exit 1
