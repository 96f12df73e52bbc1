#!/usr/bin/env bash
# Local redis-server for the tests (the shared quota storage of several API workers).
#
#   tools/redis.sh start   start Debian's redis-server on a free loopback port, print its URL
#   tools/redis.sh stop    stop it
#
# Env: REDIS_PORT (default: a free port). State lives in <repo>/.redis (pid, url, log).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
STATE="$ROOT/.redis"
PIDFILE="$STATE/pid"

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

stop() {
  if [[ -f "$PIDFILE" ]]; then
    local pid
    pid="$(cat "$PIDFILE")"
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    rm -f "$PIDFILE" "$STATE/url"
  fi
}

start() {
  command -v redis-server >/dev/null || { echo "redis.sh: apt-get install redis-server" >&2; exit 1; }
  stop
  mkdir -p "$STATE"
  local port="${REDIS_PORT:-$(free_port)}"
  redis-server --port "$port" --bind 127.0.0.1 --save "" --appendonly no \
    --daemonize yes --pidfile "$PIDFILE" --logfile "$STATE/redis.log" --dir "$STATE"
  for _ in $(seq 100); do
    if redis-cli -p "$port" ping 2>/dev/null | grep -q PONG; then
      echo "redis://127.0.0.1:$port" | tee "$STATE/url"
      return 0
    fi
    sleep 0.1
  done
  echo "redis.sh: redis-server did not answer on port $port" >&2
  exit 1
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
