#!/usr/bin/env bash
# The whole test run, as `make test` and .ci/run call it:
# install the project with its dev extra, install Debian's chromium for the browser
# tests, start a real Neo4j 5.26 (tools/neo4j.sh), run ruff, mypy and pytest, stop Neo4j.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

PYTHON="${PYTHON:-python3}"

echo "== install (pip install -e .[dev])"
"$PYTHON" -m pip install --quiet --disable-pip-version-check -e ".[dev]"

if ! command -v chromium >/dev/null 2>&1 || ! fc-list 2>/dev/null | grep -qi "wenquanyi"; then
  echo "== install Debian chromium and a CJK font (browser tests, readable screenshots)"
  SUDO=""
  [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium fonts-wqy-microhei >/dev/null
fi

if ! command -v redis-server >/dev/null 2>&1; then
  echo "== install Debian redis-server (the shared quota storage of several API workers)"
  SUDO=""
  [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq redis-server >/dev/null
fi

echo "== start redis"
if REDIS_URL="$(tools/redis.sh start)"; then
  export ALLIANCE_TEST_REDIS_URL="$REDIS_URL"
  trap 'tools/redis.sh stop || true' EXIT
  echo "redis at $REDIS_URL"
else
  echo "redis did not start; tests marked redis will fail under CI=true" >&2
fi

echo "== start Neo4j"
export NEO4J_PORT="${NEO4J_PORT:-}"
if NEO4J_URI="$(tools/neo4j.sh restart)"; then
  export ALLIANCE_TEST_NEO4J_URI="$NEO4J_URI"
  trap 'tools/neo4j.sh stop >/dev/null 2>&1 || true; tools/redis.sh stop || true' EXIT
  echo "Neo4j at $NEO4J_URI"
else
  echo "Neo4j did not start; tests marked neo4j will fail under CI=true" >&2
fi

echo "== ruff"
"$PYTHON" -m ruff check .
echo "== mypy"
"$PYTHON" -m mypy
echo "== pytest"
"$PYTHON" -m pytest -q -p no:cacheprovider "$@"
