#!/usr/bin/env bash
# Local Neo4j Community 5.26 test server (embedded, Bolt only), built from
# Maven Central with tools/neo4j-launcher. No Docker needed.
#
#   tools/neo4j.sh start    build if needed, start on a fresh data dir, print the bolt URI
#   tools/neo4j.sh stop     stop the server (TERM, then KILL)
#   tools/neo4j.sh restart  stop, then start
#   tools/neo4j.sh status   print whether it runs, its pid, URI and RSS
#   tools/neo4j.sh uri      print the URI of the running server
#   tools/neo4j.sh import DIR
#                           stop, replace the database by an offline import of the CSV
#                           files `alliance db import-files` wrote to DIR (neo4j-admin
#                           database import full, arguments in DIR/import.args), start
#
# Env: NEO4J_PORT (default: a free port), NEO4J_JAVA_OPTS (default: -Xms512m -Xmx2g),
#      NEO4J_PAGECACHE_MB (page cache, default 1024: a 10^5-node graph's store files fit,
#      and heap + page cache stay near 3 GiB, beside the other test suites),
#      NEO4J_PASSWORD (unset: auth disabled; set, >= 8 chars: user neo4j, that password),
#      NEO4J_START_TIMEOUT (seconds, default 180), JAVA_HOME (default: a Java 17 JDK).
# State lives in <repo>/.neo4j: data/ (wiped on start), neo4j.log, pid, uri.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
LAUNCHER="$ROOT/tools/neo4j-launcher"
STATE="$ROOT/.neo4j"
PIDFILE="$STATE/pid"
URIFILE="$STATE/uri"
LOG="$STATE/neo4j.log"
MAIN=org.alliance.neo4j.Launcher

log() { echo "neo4j.sh: $*" >&2; }

pick_java() {
  if [[ -n "${JAVA_HOME:-}" ]]; then
    :
  elif [[ -d /usr/lib/jvm/java-17-openjdk-amd64 ]]; then
    JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64
  else
    local d
    for d in /usr/lib/jvm/*17*; do [[ -x "$d/bin/java" ]] && { JAVA_HOME="$d"; break; }; done
  fi
  if [[ -n "${JAVA_HOME:-}" ]]; then
    export JAVA_HOME
    JAVA="$JAVA_HOME/bin/java"
  else
    JAVA="$(command -v java)" || { log "no Java found (set JAVA_HOME to a JDK 17)"; exit 1; }
  fi
}

# Up to date when the class and classpath file are newer than the sources and
# every jar on the classpath is still in the local Maven repository.
build_is_current() {
  local cls="$LAUNCHER/target/classes/org/alliance/neo4j/Launcher.class"
  local cpf="$LAUNCHER/target/classpath.txt"
  [[ -f "$cls" && -s "$cpf" ]] || return 1
  [[ -z "$(find "$LAUNCHER/pom.xml" "$LAUNCHER/src" -newer "$cls" -print -quit)" ]] || return 1
  [[ -z "$(find "$LAUNCHER/pom.xml" -newer "$cpf" -print -quit)" ]] || return 1
  local jar
  IFS=: read -r -a jars < "$cpf"
  for jar in "${jars[@]}"; do [[ -f "$jar" ]] || return 1; done
}

build() {
  build_is_current && return 0
  log "building launcher (mvn compile)..."
  local out
  if ! out="$(cd "$LAUNCHER" && mvn -q -B compile 2>&1)"; then
    echo "$out" >&2
    log "build failed"
    exit 1
  fi
}

running_pid() {
  [[ -f "$PIDFILE" ]] || return 1
  local pid
  pid="$(cat "$PIDFILE")"
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null \
    && tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -q "$MAIN" \
    && echo "$pid"
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

fail_start() {
  log "$1; last lines of $LOG:"
  tail -n 40 "$LOG" >&2 || true
  [[ -f "$STATE/data/logs/debug.log" ]] && { log "last lines of debug.log:"; tail -n 20 "$STATE/data/logs/debug.log" >&2; }
  exit 1
}

cmd_start() {
  local pid
  if pid="$(running_pid)"; then
    log "already running (pid $pid); use 'restart' for a fresh one"
    cat "$URIFILE"
    return 0
  fi
  pick_java
  build
  local port="${NEO4J_PORT:-}"
  if [[ -z "$port" ]]; then
    port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
  fi
  if port_open "$port"; then log "port $port is already in use"; exit 1; fi

  [[ -n "${KEEP_DATA:-}" ]] || rm -rf "$STATE/data"
  rm -f "$PIDFILE" "$URIFILE"
  mkdir -p "$STATE"
  : > "$LOG"
  local cp
  cp="$LAUNCHER/target/classes:$(cat "$LAUNCHER/target/classpath.txt")"
  # shellcheck disable=SC2086  # NEO4J_JAVA_OPTS is a list of options
  nohup "$JAVA" ${NEO4J_JAVA_OPTS:--Xms512m -Xmx2g} \
    -XX:+UseG1GC -XX:-OmitStackTraceInFastThrow \
    -Dio.netty.tryReflectionSetAccessible=true -Djdk.nio.maxCachedBufferSize=1024 \
    --add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED \
    --add-opens=java.base/sun.nio.ch=ALL-UNNAMED \
    -cp "$cp" "$MAIN" "$STATE/data" "$port" > "$LOG" 2>&1 < /dev/null &
  pid=$!
  echo "$pid" > "$PIDFILE"

  local uri="bolt://127.0.0.1:$port"
  local deadline=$((SECONDS + ${NEO4J_START_TIMEOUT:-180}))
  until grep -qs "^READY " "$LOG" && port_open "$port"; do
    kill -0 "$pid" 2>/dev/null || { rm -f "$PIDFILE"; fail_start "Neo4j exited during startup"; }
    if ((SECONDS >= deadline)); then
      cmd_stop >/dev/null 2>&1 || true
      fail_start "Neo4j did not start within ${NEO4J_START_TIMEOUT:-180}s"
    fi
    sleep 0.5
  done
  echo "$uri" > "$URIFILE"
  log "started (pid $pid)"
  echo "$uri"
}

cmd_stop() {
  local pid
  if ! pid="$(running_pid)"; then
    rm -f "$PIDFILE"
    log "not running"
    return 0
  fi
  kill -TERM "$pid" 2>/dev/null || true
  local i
  for i in $(seq 40); do   # ~10 s for a clean shutdown (it takes ~2 s)
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.25
  done
  if kill -0 "$pid" 2>/dev/null; then
    log "still running after TERM; sending KILL"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$PIDFILE" "$URIFILE"
  log "stopped (pid $pid)"
}

cmd_import() {
  local dir="${1:-}"
  [[ -n "$dir" && -f "$dir/import.args" ]] \
    || { log "usage: $0 import DIR (DIR/import.args from 'alliance db import-files')"; exit 2; }
  cmd_stop >/dev/null
  pick_java
  build
  rm -rf "$STATE/data"
  mkdir -p "$STATE/data"
  local cp args
  cp="$LAUNCHER/target/classes:$(cat "$LAUNCHER/target/classpath.txt")"
  mapfile -t args < "$dir/import.args"
  log "importing into a new database (neo4j-admin database import full)..."
  # shellcheck disable=SC2086  # NEO4J_JAVA_OPTS is a list of options
  NEO4J_HOME="$STATE/data" "$JAVA" ${NEO4J_JAVA_OPTS:--Xms512m -Xmx2g} -cp "$cp" \
    org.neo4j.cli.AdminTool database import full neo4j --report-file="$dir/import.report" "${args[@]}" >&2 \
    || { log "import failed"; exit 1; }
  KEEP_DATA=1 cmd_start
}

cmd_status() {
  local pid
  if pid="$(running_pid)"; then
    local rss
    rss="$(awk '/^VmRSS/ {print $2 " " $3}' "/proc/$pid/status" 2>/dev/null || echo "?")"
    echo "running pid=$pid uri=$(cat "$URIFILE" 2>/dev/null || echo '?') rss=$rss"
  else
    echo "not running"
    return 1
  fi
}

cmd_uri() {
  running_pid >/dev/null || { log "not running"; exit 1; }
  cat "$URIFILE"
}

case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  restart) cmd_stop; cmd_start ;;
  status) cmd_status ;;
  uri) cmd_uri ;;
  import) cmd_import "${2:-}" ;;
  *) echo "usage: $0 {start|stop|restart|status|uri|import DIR}" >&2; exit 2 ;;
esac
