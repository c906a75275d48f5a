#!/usr/bin/env bash
# Real-service harness for tests and development (see DESIGN.md §5): a throwaway
# PostgreSQL cluster and a RabbitMQ node owned by this project, started from the
# Debian packages' binaries without Docker, systemd or `service`.
#
#   scripts/services.sh up     # install (apt) if needed, start, provision, write env file
#   scripts/services.sh down   # stop both servers cleanly
#   scripts/services.sh broker-stop|broker-start   # fault tests: restart the RabbitMQ application
#   scripts/services.sh env    # print ${M24_SERVICES_DIR}/env
#   scripts/services.sh status # say what runs
#
# Idempotent: a second `up` with both servers running is a fast no-op.
#
# Given URLs win: if M24_TEST_DATABASE_URL (or M24_TEST_BROKER_URL) is set in the
# environment, that URL is used and no PostgreSQL (or RabbitMQ) is provisioned.
#
# Ports (loopback only, 127.0.0.1) and state, all overridable from the environment:
#   M24_PG_PORT           PostgreSQL                          (default 55432)
#   M24_RABBIT_PORT       RabbitMQ AMQP                       (default 56720)
#   M24_RABBIT_DIST_PORT  RabbitMQ Erlang distribution        (default 56721)
#   M24_EPMD_PORT         Erlang port mapper for our node     (default 56722)
#   M24_SERVICES_DIR      state, logs, env file               (default /var/tmp/m24-services)
#   M24_SERVICES_TIMEOUT  seconds to wait for readiness       (default 120)
# Credentials: role/user `m24`, password `m24`, database/vhost `m24`.
#
# initdb/postgres refuse to run as root: PostgreSQL runs as the `postgres` system
# user, RabbitMQ as the `rabbitmq` system user (both created here if absent).
# The cluster is tuned for throwaway test use (fsync=off): never put real data in it.
set -euo pipefail

PG_PORT="${M24_PG_PORT:-55432}"
RABBIT_PORT="${M24_RABBIT_PORT:-56720}"
RABBIT_DIST_PORT="${M24_RABBIT_DIST_PORT:-$((RABBIT_PORT + 1))}"
EPMD_PORT="${M24_EPMD_PORT:-$((RABBIT_PORT + 2))}"
# rabbitmqctl's own Erlang node needs a distribution port too; the default
# (dist port + 10000) would be past 65535 here.
CTL_DIST_MIN=$((RABBIT_PORT + 10))
CTL_DIST_MAX=$((RABBIT_PORT + 29))
DIR="${M24_SERVICES_DIR:-/var/tmp/m24-services}"
TIMEOUT="${M24_SERVICES_TIMEOUT:-120}"
HOST=127.0.0.1

PG_DIR="$DIR/postgres"
PG_DATA="$PG_DIR/data"
PG_RUN="$PG_DIR/run"
PG_LOG="$PG_DIR/postgres.log"
PG_USER=postgres

RMQ_DIR="$DIR/rabbitmq"
RMQ_LOG_DIR="$RMQ_DIR/log"
RMQ_NODE="m24@localhost"
RMQ_USER=rabbitmq
RMQ_OUT="$RMQ_LOG_DIR/server.out"

ENV_FILE="$DIR/env"

log() { printf '[services] %s\n' "$*" >&2; }
die() { printf '[services] ERROR: %s\n' "$*" >&2; exit 1; }

need_root() {
  [ "$(id -u)" = 0 ] || die "run as root (it installs Debian packages and runs servers as system users)"
}

# ---------------------------------------------------------------- packages ---

# Install Debian packages that are missing. `apt-get update` only if the install
# fails without it. Services are kept from auto-starting during install (a
# policy-rc.d that answers 101), so the package's default RabbitMQ node on 5672
# and PostgreSQL cluster on 5432 are not started on hosts with an init system.
apt_install() {
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ "${#missing[@]}" -eq 0 ] && return 0
  log "installing Debian packages: ${missing[*]}"
  local policy=/usr/sbin/policy-rc.d made_policy=0
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy"; chmod 755 "$policy"; made_policy=1
    trap 'rm -f /usr/sbin/policy-rc.d' EXIT
  fi
  export DEBIAN_FRONTEND=noninteractive
  if ! apt-get install -y --no-install-recommends "${missing[@]}" >"$DIR/apt.log" 2>&1; then
    log "apt-get install failed; running apt-get update and retrying"
    apt-get update >>"$DIR/apt.log" 2>&1 || { tail -n 20 "$DIR/apt.log" >&2; die "apt-get update failed"; }
    apt-get install -y --no-install-recommends "${missing[@]}" >>"$DIR/apt.log" 2>&1 \
      || { tail -n 30 "$DIR/apt.log" >&2; die "apt-get install ${missing[*]} failed (log: $DIR/apt.log)"; }
  fi
  if [ "$made_policy" = 1 ]; then rm -f "$policy"; trap - EXIT; fi
}

ensure_system_user() {  # name home
  getent passwd "$1" >/dev/null && return 0
  log "creating system user $1"
  getent group "$1" >/dev/null || groupadd --system "$1"
  useradd --system --gid "$1" --home-dir "$2" --no-create-home --shell /usr/sbin/nologin "$1"
}

# Wait until "$@" succeeds, or fail after TIMEOUT seconds showing a log tail.
wait_for() {  # what logfile cmd...
  local what="$1" logfile="$2"; shift 2
  local deadline=$((SECONDS + TIMEOUT))
  until "$@" >/dev/null 2>&1; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      log "$what did not become ready within ${TIMEOUT}s; last lines of $logfile:"
      tail -n 40 "$logfile" >&2 2>/dev/null || true
      die "$what not ready"
    fi
    sleep 0.5
  done
}

port_open() { (exec 3<>"/dev/tcp/$HOST/$1") 2>/dev/null; }

# -------------------------------------------------------------- PostgreSQL ---

pg_bin() {
  local b
  if [ -n "${M24_PG_BIN:-}" ]; then echo "$M24_PG_BIN"; return; fi
  b="$(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
  [ -x "$b/postgres" ] && echo "$b"
}

as_pg() { runuser -u "$PG_USER" -- "$@"; }

pg_running() {
  local bin; bin="$(pg_bin)" || return 1
  [ -n "$bin" ] && [ -f "$PG_DATA/postmaster.pid" ] \
    && as_pg "$bin/pg_ctl" -D "$PG_DATA" status >/dev/null 2>&1 \
    && "$bin/pg_isready" -q -h "$HOST" -p "$PG_PORT"
}

# shellcheck disable=SC2120  # extra psql arguments are optional
pg_psql() {  # [psql args...] (SQL on stdin)
  as_pg "$(pg_bin)/psql" -X -q -v ON_ERROR_STOP=1 -h "$PG_RUN" -p "$PG_PORT" -U postgres -d postgres "$@"
}

pg_up() {
  if pg_running && [ -f "$PG_DIR/.provisioned" ]; then
    log "PostgreSQL already running on $HOST:$PG_PORT"; return 0
  fi
  pg_running || pg_start
  pg_provision
}

pg_start() {
  [ -n "$(pg_bin)" ] || apt_install postgresql
  local bin; bin="$(pg_bin)"; [ -x "$bin/postgres" ] || die "no PostgreSQL binaries under /usr/lib/postgresql"
  ensure_system_user "$PG_USER" /var/lib/postgresql
  mkdir -p "$PG_DIR" "$PG_RUN"
  chown "$PG_USER": "$PG_DIR" "$PG_RUN"
  if [ ! -f "$PG_DATA/PG_VERSION" ]; then
    log "initdb $PG_DATA ($("$bin/postgres" --version))"
    rm -rf "$PG_DATA"
    as_pg "$bin/initdb" -D "$PG_DATA" -U postgres -E UTF8 --locale=C.UTF-8 \
      --auth-local=trust --auth-host=scram-sha-256 --no-sync >"$PG_DIR/initdb.log" 2>&1 \
      || { tail -n 30 "$PG_DIR/initdb.log" >&2; die "initdb failed"; }
    cat >>"$PG_DATA/postgresql.conf" <<EOF

# --- m24 throwaway test cluster (scripts/services.sh) ---
listen_addresses = '$HOST'
port = $PG_PORT
unix_socket_directories = '$PG_RUN'
max_connections = 200
fsync = off
synchronous_commit = off
full_page_writes = off
EOF
  elif [ "$(cat "$PG_DATA/PG_VERSION")" != "$(basename "$(dirname "$bin")")" ]; then
    die "$PG_DATA was made by PostgreSQL $(cat "$PG_DATA/PG_VERSION"), binaries are $bin; remove $PG_DIR to start afresh"
  fi
  # A stale pid file from a killed server (pg_ctl handles it), then start.
  log "starting PostgreSQL on $HOST:$PG_PORT"
  as_pg "$bin/pg_ctl" -D "$PG_DATA" -l "$PG_LOG" -o "-p $PG_PORT -k $PG_RUN" -W start >/dev/null 9>&- \
    || { tail -n 30 "$PG_LOG" >&2; die "pg_ctl start failed"; }
  wait_for PostgreSQL "$PG_LOG" pg_running
}

# Role m24/m24 (superuser: tests create and drop databases) and database m24.
pg_provision() {
  rm -f "$PG_DIR/.provisioned"
  # shellcheck disable=SC2119
  pg_psql <<'EOF'
DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'm24') THEN
    CREATE ROLE m24 LOGIN SUPERUSER PASSWORD 'm24';
  ELSE
    ALTER ROLE m24 LOGIN SUPERUSER PASSWORD 'm24';
  END IF;
END $$;
SELECT 'CREATE DATABASE m24 OWNER m24 ENCODING ''UTF8'' TEMPLATE template0'
 WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'm24') \gexec
EOF
  touch "$PG_DIR/.provisioned"
}

pg_down() {
  local bin; bin="$(pg_bin)" || true
  if [ -n "$bin" ] && [ -f "$PG_DATA/postmaster.pid" ]; then
    log "stopping PostgreSQL"
    as_pg "$bin/pg_ctl" -D "$PG_DATA" -m fast -w -t "$TIMEOUT" stop >/dev/null || true
  fi
}

# ---------------------------------------------------------------- RabbitMQ ---

RMQ_BIN=/usr/lib/rabbitmq/bin

rmq_env_vars() {
  # Everything the server and the CLI tools need to find our node, and nothing
  # from /etc/rabbitmq (own config, env-conf and plugins files). HOME holds our
  # own Erlang cookie, so the package's default node (if any) is not touched.
  RMQ_ENV=(
    PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 LC_ALL=C.UTF-8
    HOME="$RMQ_DIR"
    ERL_EPMD_PORT="$EPMD_PORT" ERL_EPMD_ADDRESS="$HOST"
    RABBITMQ_NODENAME="$RMQ_NODE"
    RABBITMQ_NODE_IP_ADDRESS="$HOST" RABBITMQ_NODE_PORT="$RABBIT_PORT"
    RABBITMQ_DIST_PORT="$RABBIT_DIST_PORT"
    RABBITMQ_CTL_DIST_PORT_MIN="$CTL_DIST_MIN" RABBITMQ_CTL_DIST_PORT_MAX="$CTL_DIST_MAX"
    RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}"
    RABBITMQ_MNESIA_BASE="$RMQ_DIR/mnesia" RABBITMQ_LOG_BASE="$RMQ_LOG_DIR"
    RABBITMQ_CONFIG_FILE="$RMQ_DIR/rabbitmq.conf"
    RABBITMQ_CONF_ENV_FILE="$RMQ_DIR/rabbitmq-env.conf"
    RABBITMQ_ENABLED_PLUGINS_FILE="$RMQ_DIR/enabled_plugins"
    RABBITMQ_PID_FILE="$RMQ_DIR/rabbitmq.pid"
  )
}
rmq_env_vars

# Run as the rabbitmq user with exactly our environment.
as_rmq() { runuser -u "$RMQ_USER" -- env -i "${RMQ_ENV[@]}" "$@"; }
rmqctl() { as_rmq "$RMQ_BIN/rabbitmqctl" -n "$RMQ_NODE" "$@"; }

rmq_pid() {
  local pid
  pid="$(cat "$RMQ_DIR/rabbitmq.pid" 2>/dev/null)" || return 1
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && echo "$pid"
}

rmq_running() { rmq_pid >/dev/null && port_open "$RABBIT_PORT"; }

rmq_up() {
  if rmq_running && [ -f "$RMQ_DIR/.provisioned" ]; then
    log "RabbitMQ already running on $HOST:$RABBIT_PORT"; return 0
  fi
  rmq_running || rmq_start
  rmq_provision
}

rmq_start() {
  [ -x "$RMQ_BIN/rabbitmq-server" ] || apt_install rabbitmq-server
  [ -x "$RMQ_BIN/rabbitmq-server" ] || die "no $RMQ_BIN/rabbitmq-server after installing rabbitmq-server"
  ensure_system_user "$RMQ_USER" /var/lib/rabbitmq
  mkdir -p "$RMQ_DIR" "$RMQ_LOG_DIR" "$RMQ_DIR/mnesia"
  [ -f "$RMQ_DIR/rabbitmq.conf" ] || cat >"$RMQ_DIR/rabbitmq.conf" <<EOF
# m24 throwaway RabbitMQ node (scripts/services.sh); listener comes from RABBITMQ_NODE_*.
log.console = false
log.file.level = info
disk_free_limit.absolute = 50MB
EOF
  : >"$RMQ_DIR/rabbitmq-env.conf"
  [ -f "$RMQ_DIR/enabled_plugins" ] || echo '[].' >"$RMQ_DIR/enabled_plugins"
  chown -R "$RMQ_USER": "$RMQ_DIR"
  if [ ! -f "$RMQ_DIR/.erlang.cookie" ]; then
    head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$RMQ_DIR/.erlang.cookie"
    chown "$RMQ_USER": "$RMQ_DIR/.erlang.cookie"; chmod 400 "$RMQ_DIR/.erlang.cookie"
  fi
  rm -f "$RMQ_DIR/rabbitmq.pid"
  # Our own epmd, on our port and loopback only (the node would start one anyway).
  as_rmq epmd -daemon -port "$EPMD_PORT" -address "$HOST" 9>&-
  log "starting RabbitMQ node $RMQ_NODE on $HOST:$RABBIT_PORT (dist $RABBIT_DIST_PORT, epmd $EPMD_PORT)"
  # setsid: the node outlives this shell and ignores its terminal's signals.
  setsid runuser -u "$RMQ_USER" -- env -i "${RMQ_ENV[@]}" "$RMQ_BIN/rabbitmq-server" \
    </dev/null >"$RMQ_OUT" 2>&1 9>&- &
  local deadline=$((SECONDS + TIMEOUT))
  # The pid file appears early; await_startup then waits for the boot to finish.
  wait_for "RabbitMQ (pid file)" "$RMQ_OUT" test -s "$RMQ_DIR/rabbitmq.pid"
  local left=$((deadline - SECONDS)); [ "$left" -gt 5 ] || left=5
  if ! rmqctl -q await_startup --timeout "$left" >"$RMQ_LOG_DIR/await.out" 2>&1 || ! port_open "$RABBIT_PORT"; then
    log "RabbitMQ did not start within ${TIMEOUT}s; last lines of the logs:"
    tail -n 20 "$RMQ_LOG_DIR/await.out" "$RMQ_OUT" "$RMQ_LOG_DIR/$RMQ_NODE.log" >&2 2>/dev/null || true
    die "RabbitMQ not ready"
  fi
}

# User m24/m24, vhost m24, full permissions (idempotent).
rmq_provision() {
  rm -f "$RMQ_DIR/.provisioned"
  rmqctl -q add_vhost m24 >/dev/null 2>&1 || true
  if rmqctl -q list_users 2>/dev/null | awk '{print $1}' | grep -qx m24; then
    rmqctl -q change_password m24 m24 >/dev/null
  else
    rmqctl -q add_user m24 m24 >/dev/null
  fi
  rmqctl -q set_user_tags m24 administrator >/dev/null
  rmqctl -q set_permissions -p m24 m24 '.*' '.*' '.*' >/dev/null
  touch "$RMQ_DIR/.provisioned"
}

rmq_down() {
  local pid
  if pid="$(rmq_pid)"; then
    log "stopping RabbitMQ node $RMQ_NODE"
    rmqctl -q shutdown --timeout "$TIMEOUT" >/dev/null 2>&1 || kill "$pid" 2>/dev/null || true
    local deadline=$((SECONDS + TIMEOUT))
    while kill -0 "$pid" 2>/dev/null && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.3; done
    kill -0 "$pid" 2>/dev/null && { log "RabbitMQ still running; SIGKILL $pid"; kill -9 "$pid" || true; }
  fi
  rm -f "$RMQ_DIR/rabbitmq.pid"
  if command -v epmd >/dev/null && port_open "$EPMD_PORT"; then
    ERL_EPMD_PORT="$EPMD_PORT" epmd -kill >/dev/null 2>&1 || true
  fi
}

# ------------------------------------------------------------------- main ---

write_env() {
  local db="${M24_TEST_DATABASE_URL:-postgresql://m24:m24@$HOST:$PG_PORT/m24}"
  local broker="${M24_TEST_BROKER_URL:-amqp://m24:m24@$HOST:$RABBIT_PORT/m24}"
  printf 'M24_TEST_DATABASE_URL=%s\nM24_TEST_BROKER_URL=%s\n' "$db" "$broker" >"$ENV_FILE.tmp"
  mv "$ENV_FILE.tmp" "$ENV_FILE"
  cat "$ENV_FILE"
}

with_lock() {
  mkdir -p "$DIR"; chmod 755 "$DIR"
  # fd 9 holds the lock; servers are started with 9>&- so they do not inherit it.
  exec 9>"$DIR/.lock"
  flock -w "$TIMEOUT" 9 || die "another scripts/services.sh holds $DIR/.lock"
}

cmd="${1:-}"
case "$cmd" in
  up)
    need_root; with_lock
    # One apt-get run for whatever is missing.
    pkgs=()
    [ -n "${M24_TEST_DATABASE_URL:-}" ] || [ -n "$(pg_bin)" ] || pkgs+=(postgresql)
    [ -n "${M24_TEST_BROKER_URL:-}" ] || [ -x "$RMQ_BIN/rabbitmq-server" ] || pkgs+=(rabbitmq-server)
    [ "${#pkgs[@]}" -eq 0 ] || apt_install "${pkgs[@]}"
    if [ -n "${M24_TEST_DATABASE_URL:-}" ]; then log "using given M24_TEST_DATABASE_URL"; else pg_up; fi
    if [ -n "${M24_TEST_BROKER_URL:-}" ]; then log "using given M24_TEST_BROKER_URL"; else rmq_up; fi
    write_env
    ;;
  down)
    need_root; with_lock
    pg_down
    rmq_down
    ;;
  env)
    [ -f "$ENV_FILE" ] || die "no $ENV_FILE: run 'scripts/services.sh up' first"
    cat "$ENV_FILE"
    ;;
  broker-stop|broker-start)
    # Fault tests: stop or start the RabbitMQ application inside its running node (every client
    # connection drops; durable queues and persistent messages survive), as a broker restart does.
    need_root
    rmq_pid >/dev/null || die "RabbitMQ is not running (scripts/services.sh up)"
    if [ "$cmd" = broker-stop ]; then rmqctl -q stop_app; else rmqctl -q start_app && rmqctl -q await_startup; fi
    ;;
  status)
    if pg_running; then echo "postgresql: running on $HOST:$PG_PORT"; else echo "postgresql: stopped"; fi
    if rmq_running; then echo "rabbitmq: running on $HOST:$RABBIT_PORT"; else echo "rabbitmq: stopped"; fi
    ;;
  *)
    echo "usage: $0 up|down|env|status|broker-stop|broker-start" >&2; exit 2
    ;;
esac
