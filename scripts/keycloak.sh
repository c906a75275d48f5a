#!/usr/bin/env bash
# Real Keycloak for tests and development (see DESIGN.md §5), without Docker: the
# keycloak-quarkus-dist zip from Maven Central, run with `kc.sh start-dev --import-realm`
# and our realm (deploy/keycloak/m24-realm.json), on loopback only.
#
#   scripts/keycloak.sh up     # fetch (cached), unzip, start, import the realm, write env file
#   scripts/keycloak.sh down   # stop the server
#   scripts/keycloak.sh env    # print ${M24_SERVICES_DIR}/keycloak.env
#   scripts/keycloak.sh status # say what runs
#
# Idempotent: a second `up` with the server running and the realm file unchanged is a fast
# no-op. The realm is imported only into an empty database, so when the realm file changed
# since the last import (sha256 kept beside the data) `up` stops the server, wipes its dev
# H2 database and starts afresh: users created by tests are lost then, by design.
#
# A given URL wins: if M24_TEST_KEYCLOAK_URL (the realm URL, e.g. http://host/realms/m24) is
# set, it is used and nothing is downloaded or started. M24_TEST_KEYCLOAK_ADMIN_URL (the
# server root) defaults to that URL with /realms/... cut off.
#
# Settings, all overridable from the environment:
#   M24_KEYCLOAK_PORT       HTTP, 127.0.0.1 only                       (default 58080)
#   M24_KEYCLOAK_MGMT_PORT  management interface (health), off 9000    (default 58090)
#   M24_KEYCLOAK_VERSION    keycloak-quarkus-dist version              (default: first served
#                           of 26.7.3 26.7.0 26.5.6 26.4.7, one Maven try each, cached)
#   M24_KEYCLOAK_JAVA_HOME  JDK to run it with           (default: newest 21+ under /usr/lib/jvm,
#                           else 17)
#   M24_KEYCLOAK_HEAP       JVM heap options                           (default -Xms64m -Xmx1g)
#   M24_SERVICES_DIR        state, cache, logs, env file               (default /var/tmp/m24-services)
#   M24_KEYCLOAK_TIMEOUT    seconds to wait for readiness              (default 180)
#
# Development only: the bootstrap admin is admin/admin, the realm's secrets and demo users'
# passwords are dev values (see the realm file), and the database is a throwaway H2 file.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
REALM_FILE="$ROOT/deploy/keycloak/m24-realm.json"
REALM=m24
HOST=127.0.0.1
PORT="${M24_KEYCLOAK_PORT:-58080}"
MGMT_PORT="${M24_KEYCLOAK_MGMT_PORT:-58090}"
DIR="${M24_SERVICES_DIR:-/var/tmp/m24-services}"
TIMEOUT="${M24_KEYCLOAK_TIMEOUT:-180}"
HEAP="${M24_KEYCLOAK_HEAP:--Xms64m -Xmx1g}"
CANDIDATES="${M24_KEYCLOAK_VERSION:-26.7.3 26.7.0 26.5.6 26.4.7}"

CACHE="$DIR/cache"
KC_DIR="$DIR/keycloak"
KC_LOG="$KC_DIR/keycloak.log"
KC_PID="$KC_DIR/keycloak.pid"
KC_STAMP="$KC_DIR/realm.sha256"   # "<version> <sha256 of realm file>" of the last import
ENV_FILE="$DIR/keycloak.env"
REALM_URL="http://$HOST:$PORT/realms/$REALM"
READY_URL="$REALM_URL/.well-known/openid-configuration"

log() { printf '[keycloak] %s\n' "$*" >&2; }
die() { printf '[keycloak] ERROR: %s\n' "$*" >&2; exit 1; }

port_open() { (exec 3<>"/dev/tcp/$HOST/$1") 2>/dev/null; }
ready() { curl -fs -o /dev/null --max-time 5 "$READY_URL"; }

kc_pid() {
  local pid
  pid="$(cat "$KC_PID" 2>/dev/null)" || return 1
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && echo "$pid"
}

running() { kc_pid >/dev/null && ready; }

# ---------------------------------------------------------------- download ---

# Sets VERSION and KC_HOME: a cached zip wins, else one Maven try per candidate version.
ensure_dist() {
  local v
  VERSION=""
  for v in $CANDIDATES; do
    if [ -f "$CACHE/keycloak-quarkus-dist-$v.zip" ]; then VERSION="$v"; break; fi
  done
  if [ -z "$VERSION" ]; then
    command -v mvn >/dev/null || die "mvn not found (needed to fetch keycloak-quarkus-dist from Maven Central)"
    mkdir -p "$CACHE"
    for v in $CANDIDATES; do
      log "fetching org.keycloak:keycloak-quarkus-dist:$v:zip from Maven Central"
      if mvn -B -q org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy \
          "-Dartifact=org.keycloak:keycloak-quarkus-dist:$v:zip" "-DoutputDirectory=$CACHE" \
          >"$CACHE/mvn-$v.log" 2>&1 && [ -f "$CACHE/keycloak-quarkus-dist-$v.zip" ]; then
        VERSION="$v"; break
      fi
      log "version $v not fetched (log: $CACHE/mvn-$v.log)"
    done
    [ -n "$VERSION" ] || { tail -n 20 "$CACHE"/mvn-*.log >&2 2>/dev/null || true; die "no keycloak-quarkus-dist of: $CANDIDATES"; }
  fi
  KC_HOME="$KC_DIR/keycloak-$VERSION"
  if [ ! -x "$KC_HOME/bin/kc.sh" ]; then
    command -v unzip >/dev/null || die "unzip not found (apt-get install unzip)"
    log "unpacking Keycloak $VERSION into $KC_DIR"
    mkdir -p "$KC_DIR"
    rm -rf "$KC_HOME" "$KC_DIR/.unzip"
    unzip -q "$CACHE/keycloak-quarkus-dist-$VERSION.zip" -d "$KC_DIR/.unzip" \
      || die "unzip of $CACHE/keycloak-quarkus-dist-$VERSION.zip failed (remove it to fetch again)"
    mv "$KC_DIR/.unzip/keycloak-$VERSION" "$KC_HOME"
    rm -rf "$KC_DIR/.unzip"
  fi
}

# ---------------------------------------------------------------------- JDK ---

java_major() {  # java binary -> major version number
  "$1" -version 2>&1 | sed -n 's/.*version "\([0-9]*\)[."].*/\1/p' | head -n 1
}

# Keycloak 26 runs on Java 21 or newer (17 still starts, but is deprecated): newest first.
pick_java_home() {
  if [ -n "${M24_KEYCLOAK_JAVA_HOME:-}" ]; then
    [ -x "$M24_KEYCLOAK_JAVA_HOME/bin/java" ] || die "no $M24_KEYCLOAK_JAVA_HOME/bin/java"
    echo "$M24_KEYCLOAK_JAVA_HOME"; return
  fi
  local best="" best_major=0 fallback="" j m
  for j in /usr/lib/jvm/*/bin/java; do
    [ -x "$j" ] || continue
    m="$(java_major "$j")"; [ -n "$m" ] || continue
    if [ "$m" -ge 21 ] && [ "$m" -gt "$best_major" ]; then best="${j%/bin/java}"; best_major="$m"; fi
    if [ "$m" -eq 17 ] && [ -z "$fallback" ]; then fallback="${j%/bin/java}"; fi
  done
  [ -n "$best" ] && { echo "$best"; return; }
  [ -n "$fallback" ] && { echo "$fallback"; return; }
  die "no Java 17 or 21+ under /usr/lib/jvm (set M24_KEYCLOAK_JAVA_HOME)"
}

# -------------------------------------------------------------------- server ---

realm_stamp() { echo "$VERSION $(sha256sum "$REALM_FILE" | cut -d' ' -f1)"; }

kc_start() {
  local java_home; java_home="$(pick_java_home)"
  port_open "$PORT" && die "port $HOST:$PORT is taken by another process (set M24_KEYCLOAK_PORT)"
  port_open "$MGMT_PORT" && die "port $HOST:$MGMT_PORT is taken by another process (set M24_KEYCLOAK_MGMT_PORT)"
  if [ "$(cat "$KC_STAMP" 2>/dev/null)" != "$(realm_stamp)" ]; then
    # A new or changed realm file: only an empty database imports it.
    log "realm file new or changed since the last import: starting from an empty database"
    rm -rf "$KC_HOME/data/h2" "$KC_STAMP"
  fi
  mkdir -p "$KC_HOME/data/import"
  rm -f "$KC_HOME/data/import/"*.json
  cp "$REALM_FILE" "$KC_HOME/data/import/$REALM-realm.json"
  log "starting Keycloak $VERSION on $HOST:$PORT (management $MGMT_PORT, Java $(java_major "$java_home/bin/java") from $java_home)"
  rm -f "$KC_PID"
  # setsid: the server outlives this shell in its own process group (stopped as a group);
  # env -i: no KC_* or JAVA_* settings leak in from the caller.
  setsid env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 HOME="$KC_DIR" \
    JAVA_HOME="$java_home" JAVA_OPTS_KC_HEAP="$HEAP" \
    KC_BOOTSTRAP_ADMIN_USERNAME=admin KC_BOOTSTRAP_ADMIN_PASSWORD=admin \
    "$KC_HOME/bin/kc.sh" start-dev --import-realm \
      --http-host="$HOST" --http-port="$PORT" \
      --http-management-port="$MGMT_PORT" --health-enabled=true \
    </dev/null >"$KC_LOG" 2>&1 9>&- &
  echo $! >"$KC_PID"
  local deadline=$((SECONDS + TIMEOUT)) started=$SECONDS
  until ready; do
    if ! kc_pid >/dev/null; then
      log "Keycloak exited during start; last lines of $KC_LOG:"
      tail -n 40 "$KC_LOG" >&2 || true
      die "Keycloak failed to start"
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      log "Keycloak did not become ready within ${TIMEOUT}s; last lines of $KC_LOG:"
      tail -n 40 "$KC_LOG" >&2 || true
      kc_stop
      die "Keycloak not ready"
    fi
    sleep 1
  done
  realm_stamp >"$KC_STAMP"
  log "Keycloak ready after $((SECONDS - started))s"
}

kc_stop() {
  local pid
  if pid="$(kc_pid)"; then
    log "stopping Keycloak (process group $pid)"
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    local deadline=$((SECONDS + 60))
    while kill -0 "$pid" 2>/dev/null && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.3; done
    if kill -0 "$pid" 2>/dev/null; then
      log "Keycloak still running; SIGKILL process group $pid"
      kill -KILL -- "-$pid" 2>/dev/null || true
    fi
  fi
  rm -f "$KC_PID"
}

kc_up() {
  ensure_dist
  if running; then
    if [ "$(cat "$KC_STAMP" 2>/dev/null)" = "$(realm_stamp)" ]; then
      log "Keycloak already running on $HOST:$PORT with the current realm"; return 0
    fi
    log "realm file changed since the last import: restarting with a fresh database"
    kc_stop
  elif kc_pid >/dev/null; then
    log "Keycloak process $(kc_pid) runs but does not answer $READY_URL: restarting it"
    kc_stop
  fi
  kc_start
}

# ------------------------------------------------------------------- main ---

write_env() {
  local url="${M24_TEST_KEYCLOAK_URL:-$REALM_URL}"
  local admin="${M24_TEST_KEYCLOAK_ADMIN_URL:-${url%%/realms/*}}"
  mkdir -p "$DIR"
  printf 'M24_TEST_KEYCLOAK_URL=%s\nM24_TEST_KEYCLOAK_ADMIN_URL=%s\n' "$url" "$admin" >"$ENV_FILE.tmp"
  mv "$ENV_FILE.tmp" "$ENV_FILE"
  cat "$ENV_FILE"
}

with_lock() {
  mkdir -p "$DIR"; chmod 755 "$DIR"
  # fd 9 holds the lock; the server is started with 9>&- so it does not inherit it.
  exec 9>"$DIR/.keycloak.lock"
  flock -w "$TIMEOUT" 9 || die "another scripts/keycloak.sh holds $DIR/.keycloak.lock"
}

cmd="${1:-}"
case "$cmd" in
  up)
    if [ -n "${M24_TEST_KEYCLOAK_URL:-}" ]; then
      log "using given M24_TEST_KEYCLOAK_URL"; with_lock; write_env; exit 0
    fi
    [ -f "$REALM_FILE" ] || die "no realm file $REALM_FILE"
    with_lock
    kc_up
    write_env
    ;;
  down)
    if [ -n "${M24_TEST_KEYCLOAK_URL:-}" ]; then log "M24_TEST_KEYCLOAK_URL is given: nothing to stop"; exit 0; fi
    with_lock
    kc_stop
    ;;
  env)
    [ -f "$ENV_FILE" ] || die "no $ENV_FILE: run 'scripts/keycloak.sh up' first"
    cat "$ENV_FILE"
    ;;
  status)
    if [ -n "${M24_TEST_KEYCLOAK_URL:-}" ]; then
      echo "keycloak: given $M24_TEST_KEYCLOAK_URL"
    elif running; then
      echo "keycloak: running on $HOST:$PORT (pid $(kc_pid))"
    elif kc_pid >/dev/null; then
      echo "keycloak: starting or not answering (pid $(kc_pid))"
    else
      echo "keycloak: stopped"
    fi
    ;;
  *)
    echo "usage: $0 up|down|env|status" >&2; exit 2
    ;;
esac
