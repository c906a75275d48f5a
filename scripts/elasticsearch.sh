#!/usr/bin/env bash
# Real Elasticsearch for tests and development, without Docker: the integ-test-zip
# distribution from Maven Central (org.elasticsearch.distribution.integ-test-zip:elasticsearch),
# single node, security off, on loopback only, run as a dedicated system user (Elasticsearch
# refuses to run as root).
#
#   scripts/elasticsearch.sh up      # fetch (cached), unzip, configure, start, write env file
#   scripts/elasticsearch.sh down    # stop the server (quickly; `stop` is the same)
#   scripts/elasticsearch.sh start   # the same as up
#   scripts/elasticsearch.sh env     # print ${M24_SERVICES_DIR}/elasticsearch.env
#   scripts/elasticsearch.sh status  # say what runs
#
# Idempotent: a second `up` with the server running is a fast no-op. Indices survive a
# down/up; they are wiped only when the Elasticsearch version changes.
#
# The integ-test-zip is the server with only the modules transport-netty4, x-pack-core,
# x-pack-security and apm: no bundled JDK, no analysis-common (only the built-in analyzers
# such as standard, simple, whitespace, keyword, stop), no painless, no reindex, no ingest
# plugins, and `GET /` answers nothing useful; readiness is
# `GET /_cluster/health?wait_for_status=yellow`.
#
# A given URL wins: if M24_TEST_ELASTICSEARCH_URL is set, it is used and nothing is
# downloaded or started.
#
# Settings, all overridable from the environment:
#   M24_ELASTICSEARCH_PORT            HTTP, 127.0.0.1 only                  (default 59200)
#   M24_ELASTICSEARCH_TRANSPORT_PORT  transport, off 9300                   (default 59300)
#   M24_ELASTICSEARCH_VERSION         integ-test-zip version                (default: first served
#                                     of 8.19.21 8.19.4 8.18.0 8.17.4, one Maven try each, cached)
#   M24_ELASTICSEARCH_JAVA_HOME       JDK to run it with      (default: a Java 21 under
#                                     /usr/lib/jvm, else the newest one the version runs on)
#   M24_ELASTICSEARCH_HEAP            JVM heap options          (default -Xms512m -Xmx512m)
#   M24_ELASTICSEARCH_USER            system user it runs as when we are root (default m24es)
#   M24_SERVICES_DIR                  state, cache, logs, env file  (default /var/tmp/m24-services)
#   M24_ELASTICSEARCH_TIMEOUT         seconds to wait for readiness         (default 180)
#
# Development only: no authentication, no TLS, `action.destructive_requires_name: false`
# (tests may delete indices by wildcard) and disk watermarks off.
set -euo pipefail

HOST=127.0.0.1
PORT="${M24_ELASTICSEARCH_PORT:-59200}"
TRANSPORT_PORT="${M24_ELASTICSEARCH_TRANSPORT_PORT:-59300}"
DIR="${M24_SERVICES_DIR:-/var/tmp/m24-services}"
TIMEOUT="${M24_ELASTICSEARCH_TIMEOUT:-180}"
HEAP="${M24_ELASTICSEARCH_HEAP:--Xms512m -Xmx512m}"
CANDIDATES="${M24_ELASTICSEARCH_VERSION:-8.19.21 8.19.4 8.18.0 8.17.4}"
ES_USER="${M24_ELASTICSEARCH_USER:-m24es}"
GROUP_ID=org.elasticsearch.distribution.integ-test-zip
ARTIFACT_ID=elasticsearch
MAX_MAP_COUNT=262144

CACHE="$DIR/cache"
ES_DIR="$DIR/elasticsearch"
ES_CONF="$ES_DIR/config"
ES_DATA="$ES_DIR/data"
ES_LOGS="$ES_DIR/logs"
ES_TMP="$ES_DIR/tmp"
ES_LOG="$ES_LOGS/console.log"
ES_PID="$ES_DIR/elasticsearch.pid"
ES_STAMP="$ES_DIR/data.version"   # the version that wrote $ES_DATA
ENV_FILE="$DIR/elasticsearch.env"
URL="http://$HOST:$PORT"
READY_URL="$URL/_cluster/health?wait_for_status=yellow&timeout=1s"

log() { printf '[elasticsearch] %s\n' "$*" >&2; }
die() { printf '[elasticsearch] ERROR: %s\n' "$*" >&2; exit 1; }

port_open() { (exec 3<>"/dev/tcp/$HOST/$1") 2>/dev/null; }
ready() { curl -fs -o /dev/null --max-time 5 "$READY_URL"; }

es_pid() {
  local pid
  pid="$(cat "$ES_PID" 2>/dev/null)" || return 1
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && echo "$pid"
}

running() { es_pid >/dev/null && ready; }

version_ge() { [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n 1)" = "$2" ]; }

# ---------------------------------------------------------------- download ---

# Sets VERSION and ES_HOME: a cached zip wins, else one Maven try per candidate version.
ensure_dist() {
  local v
  VERSION=""
  for v in $CANDIDATES; do
    if [ -f "$CACHE/$ARTIFACT_ID-$v.zip" ]; then VERSION="$v"; break; fi
  done
  if [ -z "$VERSION" ]; then
    command -v mvn >/dev/null || die "mvn not found (needed to fetch $GROUP_ID:$ARTIFACT_ID from Maven Central)"
    mkdir -p "$CACHE"
    for v in $CANDIDATES; do
      log "fetching $GROUP_ID:$ARTIFACT_ID:$v:zip from Maven Central"
      if mvn -B -q org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy \
          "-Dartifact=$GROUP_ID:$ARTIFACT_ID:$v:zip" "-DoutputDirectory=$CACHE" \
          >"$CACHE/mvn-elasticsearch-$v.log" 2>&1 && [ -f "$CACHE/$ARTIFACT_ID-$v.zip" ]; then
        VERSION="$v"; break
      fi
      log "version $v not fetched (log: $CACHE/mvn-elasticsearch-$v.log)"
    done
    [ -n "$VERSION" ] || { tail -n 20 "$CACHE"/mvn-elasticsearch-*.log >&2 2>/dev/null || true; die "no $GROUP_ID:$ARTIFACT_ID of: $CANDIDATES"; }
  fi
  ES_HOME="$ES_DIR/elasticsearch-$VERSION"
  if [ ! -x "$ES_HOME/bin/elasticsearch" ]; then
    command -v unzip >/dev/null || die "unzip not found (apt-get install unzip)"
    log "unpacking Elasticsearch $VERSION into $ES_DIR"
    mkdir -p "$ES_DIR"
    rm -rf "$ES_HOME" "$ES_DIR/.unzip"
    unzip -q "$CACHE/$ARTIFACT_ID-$VERSION.zip" -d "$ES_DIR/.unzip" \
      || die "unzip of $CACHE/$ARTIFACT_ID-$VERSION.zip failed (remove it to fetch again)"
    chmod -R go+rX,go-w "$ES_DIR/.unzip"
    mv "$ES_DIR/.unzip/elasticsearch-$VERSION" "$ES_HOME"
    rm -rf "$ES_DIR/.unzip"
  fi
}

# ---------------------------------------------------------------------- JDK ---

java_major() {  # java binary -> major version number
  "$1" -version 2>&1 | sed -n 's/.*version "\([0-9]*\)[."].*/\1/p' | head -n 1
}

# The zip has no bundled JDK. Elasticsearch 8 runs on Java 17+; before 8.18 it needs the
# SecurityManager, which Java 24 took away, so those run on 17..23 only. Java 21 first
# (Temurin preferred), else the newest Java the version runs on.
pick_java_home() {
  if [ -n "${M24_ELASTICSEARCH_JAVA_HOME:-}" ]; then
    [ -x "$M24_ELASTICSEARCH_JAVA_HOME/bin/java" ] || die "no $M24_ELASTICSEARCH_JAVA_HOME/bin/java"
    echo "$M24_ELASTICSEARCH_JAVA_HOME"; return
  fi
  local max=999 best="" best_score=0 j m score
  version_ge "$VERSION" 8.18.0 || max=23
  for j in /usr/lib/jvm/*/bin/java; do
    [ -x "$j" ] || continue
    m="$(java_major "$j")"; [ -n "$m" ] || continue
    if [ "$m" -lt 17 ] || [ "$m" -gt "$max" ]; then continue; fi
    score=$((m * 10))
    [ "$m" -eq 21 ] && score=$((score + 10000))
    case "$j" in *temurin*) score=$((score + 1)) ;; esac
    if [ "$score" -gt "$best_score" ]; then best="${j%/bin/java}"; best_score="$score"; fi
  done
  [ -n "$best" ] || die "no Java 17..$max under /usr/lib/jvm for Elasticsearch $VERSION (set M24_ELASTICSEARCH_JAVA_HOME)"
  echo "$best"
}

# -------------------------------------------------------------------- server ---

# Elasticsearch refuses to run as root: as root we run it as a dedicated system user.
ensure_user() {
  RUN_AS=()
  [ "$(id -u)" -eq 0 ] || return 0
  if ! id -u "$ES_USER" >/dev/null 2>&1; then
    log "creating system user $ES_USER"
    useradd --system --user-group --no-create-home --home-dir "$ES_DIR" \
      --shell /usr/sbin/nologin "$ES_USER" 2>/dev/null \
      || id -u "$ES_USER" >/dev/null 2>&1 || die "cannot create system user $ES_USER"
  fi
  RUN_AS=(setpriv "--reuid=$ES_USER" "--regid=$(id -g "$ES_USER")" --init-groups --)
}

# vm.max_map_count below 262144 is a bootstrap check; on loopback with single-node discovery
# it only warns, but many indices can run out of maps. Raise it as root, else fall back to
# niofs (node.store.allow_mmap: false).
ALLOW_MMAP=true
ensure_map_count() {
  local cur
  cur="$(cat /proc/sys/vm/max_map_count 2>/dev/null || echo 0)"
  [ "$cur" -ge "$MAX_MAP_COUNT" ] && return 0
  if [ "$(id -u)" -eq 0 ] && sysctl -qw "vm.max_map_count=$MAX_MAP_COUNT" >/dev/null 2>&1 \
      && [ "$(cat /proc/sys/vm/max_map_count)" -ge "$MAX_MAP_COUNT" ]; then
    log "raised vm.max_map_count from $cur to $MAX_MAP_COUNT"
    return 0
  fi
  log "vm.max_map_count is $cur (< $MAX_MAP_COUNT) and cannot be raised: node.store.allow_mmap: false"
  ALLOW_MMAP=false
}

write_config() {
  mkdir -p "$ES_CONF" "$ES_DATA" "$ES_LOGS" "$ES_TMP"
  # Fresh copies of the distribution's files; the keystore the server makes stays.
  rm -rf "$ES_CONF/jvm.options.d"
  cp -r "$ES_HOME/config/jvm.options" "$ES_HOME/config/jvm.options.d" \
    "$ES_HOME/config/log4j2.properties" "$ES_CONF/"
  # Only settings this build knows: unknown ones (e.g. xpack.ml.*, ingest.geoip.*, whose
  # modules are not in the integ-test-zip) make it refuse to start.
  cat >"$ES_CONF/elasticsearch.yml" <<EOF
# Written by scripts/elasticsearch.sh on every start: edits here are lost.
cluster.name: m24-dev
node.name: m24-es
path.data: $ES_DATA
path.logs: $ES_LOGS
network.host: $HOST
http.port: $PORT
transport.port: $TRANSPORT_PORT
discovery.type: single-node
xpack.security.enabled: false
cluster.routing.allocation.disk.threshold_enabled: false
action.destructive_requires_name: false
node.store.allow_mmap: $ALLOW_MMAP
EOF
  # Heap dumps and crash logs go to the logs dir (so do GC logs: the server runs in it).
  cat >"$ES_CONF/jvm.options.d/m24.options" <<EOF
-XX:HeapDumpPath=$ES_LOGS
-XX:ErrorFile=$ES_LOGS/hs_err_pid%p.log
EOF
  if [ "${#RUN_AS[@]}" -gt 0 ]; then
    chown -R "$ES_USER:$(id -g "$ES_USER")" "$ES_CONF" "$ES_DATA" "$ES_LOGS" "$ES_TMP"
  fi
  chmod 755 "$ES_DIR"
}

es_start() {
  local java_home; java_home="$(pick_java_home)"
  port_open "$PORT" && die "port $HOST:$PORT is taken by another process (set M24_ELASTICSEARCH_PORT)"
  port_open "$TRANSPORT_PORT" && die "port $HOST:$TRANSPORT_PORT is taken by another process (set M24_ELASTICSEARCH_TRANSPORT_PORT)"
  if [ "$(cat "$ES_STAMP" 2>/dev/null)" != "$VERSION" ]; then
    [ -d "$ES_DATA" ] && log "data written by another Elasticsearch version: starting with no indices"
    rm -rf "$ES_DATA"
  fi
  ensure_user
  ensure_map_count
  write_config
  echo "$VERSION" >"$ES_STAMP"
  log "starting Elasticsearch $VERSION on $HOST:$PORT (transport $TRANSPORT_PORT, Java $(java_major "$java_home/bin/java") from $java_home${RUN_AS:+, as $ES_USER})"
  rm -f "$ES_PID"
  # setsid: the server outlives this shell in its own process group (stopped as a group);
  # env -i: no ES_* or JAVA_* settings leak in from the caller; cwd: the logs dir (relative
  # gc.log and hs_err paths of jvm.options); 65535 open files if the hard limit allows.
  (cd "$ES_LOGS" && { ulimit -n 65535 2>/dev/null || true; } && exec setsid "${RUN_AS[@]}" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 \
    HOME="$ES_DIR" ES_JAVA_HOME="$java_home" ES_PATH_CONF="$ES_CONF" ES_TMPDIR="$ES_TMP" \
    ES_JAVA_OPTS="$HEAP" \
    "$ES_HOME/bin/elasticsearch" </dev/null >"$ES_LOG" 2>&1 9>&-) &
  echo $! >"$ES_PID"
  local deadline=$((SECONDS + TIMEOUT)) started=$SECONDS
  until ready; do
    if ! es_pid >/dev/null; then
      log "Elasticsearch exited during start; last lines of $ES_LOG:"
      tail -n 40 "$ES_LOG" >&2 || true
      die "Elasticsearch failed to start"
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      log "Elasticsearch did not become ready within ${TIMEOUT}s; last lines of $ES_LOG:"
      tail -n 40 "$ES_LOG" >&2 || true
      es_stop
      die "Elasticsearch not ready"
    fi
    sleep 1
  done
  log "Elasticsearch ready after $((SECONDS - started))s"
}

# SIGTERM to the process group (launcher and server JVM), SIGKILL after 20s.
es_stop() {
  local pid
  if pid="$(es_pid)"; then
    log "stopping Elasticsearch (process group $pid)"
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    local deadline=$((SECONDS + 20))
    while kill -0 -- "-$pid" 2>/dev/null && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.2; done
    if kill -0 -- "-$pid" 2>/dev/null; then
      log "Elasticsearch still running; SIGKILL process group $pid"
      kill -KILL -- "-$pid" 2>/dev/null || true
      while kill -0 -- "-$pid" 2>/dev/null; do sleep 0.2; done
    fi
  fi
  rm -f "$ES_PID"
}

es_up() {
  ensure_dist
  if running; then
    log "Elasticsearch already running on $HOST:$PORT"; return 0
  elif es_pid >/dev/null; then
    log "Elasticsearch process $(es_pid) runs but does not answer $READY_URL: restarting it"
    es_stop
  fi
  es_start
}

# ------------------------------------------------------------------- main ---

write_env() {
  local url="${M24_TEST_ELASTICSEARCH_URL:-$URL}"
  mkdir -p "$DIR"
  printf 'M24_TEST_ELASTICSEARCH_URL=%s\n' "$url" >"$ENV_FILE.tmp"
  mv "$ENV_FILE.tmp" "$ENV_FILE"
  cat "$ENV_FILE"
}

with_lock() {
  mkdir -p "$DIR"; chmod 755 "$DIR"
  # fd 9 holds the lock; the server is started with 9>&- so it does not inherit it.
  exec 9>"$DIR/.elasticsearch.lock"
  flock -w "$TIMEOUT" 9 || die "another scripts/elasticsearch.sh holds $DIR/.elasticsearch.lock"
}

cmd="${1:-}"
case "$cmd" in
  up|start)
    if [ -n "${M24_TEST_ELASTICSEARCH_URL:-}" ]; then
      log "using given M24_TEST_ELASTICSEARCH_URL"; with_lock; write_env; exit 0
    fi
    with_lock
    es_up
    write_env
    ;;
  down|stop)
    if [ -n "${M24_TEST_ELASTICSEARCH_URL:-}" ]; then log "M24_TEST_ELASTICSEARCH_URL is given: nothing to stop"; exit 0; fi
    with_lock
    es_stop
    ;;
  env)
    [ -f "$ENV_FILE" ] || die "no $ENV_FILE: run 'scripts/elasticsearch.sh up' first"
    cat "$ENV_FILE"
    ;;
  status)
    if [ -n "${M24_TEST_ELASTICSEARCH_URL:-}" ]; then
      echo "elasticsearch: given $M24_TEST_ELASTICSEARCH_URL"
    elif running; then
      echo "elasticsearch: running on $HOST:$PORT (pid $(es_pid))"
    elif es_pid >/dev/null; then
      echo "elasticsearch: starting or not answering (pid $(es_pid))"
    else
      echo "elasticsearch: stopped"
    fi
    ;;
  *)
    echo "usage: $0 up|down|start|stop|env|status" >&2; exit 2
    ;;
esac
