#!/usr/bin/env bash
# Makes sure Debian's redis-server is installed for the cluster tests (tests/TypedIo.Redis.Tests, which start a
# private redis-server on a free port per test run and stop it at the end). Installs it when running as root;
# otherwise says what is missing and fails. The service the package may start is stopped and disabled: the tests
# start their own servers.
set -u

if command -v redis-server >/dev/null; then
  exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
  echo "== installing Debian's redis-server package for the cluster tests"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq || echo "warning: apt-get update failed; trying the install anyway" >&2
  apt-get install -y -qq redis-server
  status=$?
  # The package's own service is not used by the tests.
  (service redis-server stop || systemctl stop redis-server) >/dev/null 2>&1 || true
  if [ "$status" -eq 0 ] && ! command -v redis-server >/dev/null; then
    echo "error: apt-get installed 'redis-server' but redis-server is still not on the PATH" >&2
    exit 1
  fi
  exit "$status"
fi

echo "error: the cluster tests need Debian's redis-server: install the package 'redis-server' as root" \
  "(apt-get install -y redis-server), or run tests/ensure-redis.sh as root." >&2
exit 1
