# shellcheck shell=bash
# Helpers of .ci/run, sourced (not run). Every function here is safe under `set -euo pipefail`.
#
#   step_begin NAME / step_end      headers with timing; step_summary prints the table
#   pg_start / pg_stop              a throwaway PostgreSQL cluster on 127.0.0.1 (sets PG_PORT,
#                                   PG_DIR, PG_URL_BASE=postgres://postgres@127.0.0.1:PORT)
#   server_start NAME PORT [VAR=VALUE...] / server_stop NAME / server_stop_all
#                                   `trustdesk serve --demo` in the background; sets
#                                   SERVER_URL, SERVER_LOG, SERVER_DATA_DIR, SERVER_PID
#   ci_cleanup                      stops every server and the cluster (for `trap ... EXIT`)
#
# Try the cluster alone:  bash -c 'source .ci/lib.sh; pg_start; psql "$PG_URL_BASE/trustdesk_test" -c "select 1"; pg_stop'

CI_TMP=""
# ci_tmp_init: create the run's temp dir (server logs and data) once; call it in the main shell.
ci_tmp_init() {
  if [[ -z "$CI_TMP" ]]; then
    CI_TMP="$(mktemp -d /tmp/trustdesk-ci.XXXXXX)"
    chmod 755 "$CI_TMP"
  fi
}

log() { printf '[ci %s] %s\n' "$(date -u +%H:%M:%S)" "$*"; }

# ---------------------------------------------------------------------------------------------
# Steps and timing

STEP_NAMES=()
STEP_SECS=()
STEP_RESULTS=()
STEP_CURRENT=""
STEP_STARTED=0

step_begin() {
  STEP_CURRENT="$1"
  STEP_STARTED=$SECONDS
  printf '\n==================================================================\n'
  printf '== %s   (%s UTC, +%ds)\n' "$STEP_CURRENT" "$(date -u '+%Y-%m-%d %H:%M:%S')" "$SECONDS"
  printf '==================================================================\n'
}

step_end() {
  local result="${1:-ok}" secs=$((SECONDS - STEP_STARTED))
  STEP_NAMES+=("$STEP_CURRENT")
  STEP_SECS+=("$secs")
  STEP_RESULTS+=("$result")
  printf -- '-- %s: %s in %dm%02ds\n' "$STEP_CURRENT" "$result" $((secs / 60)) $((secs % 60))
  STEP_CURRENT=""
}

step_summary() {
  local i
  printf '\n==================================================================\n'
  printf '== Summary (total %dm%02ds)\n' $((SECONDS / 60)) $((SECONDS % 60))
  printf '==================================================================\n'
  for i in "${!STEP_NAMES[@]}"; do
    printf '  %-44s %-8s %4dm%02ds\n' "${STEP_NAMES[$i]}" "${STEP_RESULTS[$i]}" \
      $((STEP_SECS[i] / 60)) $((STEP_SECS[i] % 60))
  done
  if [[ -n "$STEP_CURRENT" ]]; then
    local secs=$((SECONDS - STEP_STARTED))
    printf '  %-44s %-8s %4dm%02ds\n' "$STEP_CURRENT" "FAILED" $((secs / 60)) $((secs % 60))
  fi
}

# ---------------------------------------------------------------------------------------------
# Ports

# port_is_free PORT: nothing listens on 127.0.0.1:PORT and it can be bound.
port_is_free() {
  python3 - "$1" <<'PY'
import socket, sys
port = int(sys.argv[1])
s = socket.socket()
try:
    s.bind(("127.0.0.1", port))
except OSError:
    sys.exit(1)
finally:
    s.close()
PY
}

# free_port FIRST: FIRST or the next free port after it (tries 100).
free_port() {
  local port="$1" last=$(($1 + 100))
  while ((port < last)); do
    if port_is_free "$port"; then
      printf '%s\n' "$port"
      return 0
    fi
    port=$((port + 1))
  done
  log "no free port in $1..$last" >&2
  return 1
}

# ---------------------------------------------------------------------------------------------
# PostgreSQL

PG_DIR=""
PG_BIN=""
PG_PORT=""
PG_URL_BASE=""

pg_bin_dir() {
  local dir
  dir="$(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
  [[ -n "$dir" && -x "$dir/initdb" && -x "$dir/pg_ctl" ]] || return 1
  printf '%s\n' "$dir"
}

# pg_as_postgres CMD...: run as the postgres user from a directory it may enter.
pg_as_postgres() {
  (cd "$PG_DIR" && runuser -u postgres -- "$@")
}

pg_start() {
  PG_BIN="$(pg_bin_dir)" || { log "PostgreSQL server binaries not found under /usr/lib/postgresql"; return 1; }
  id postgres >/dev/null 2>&1 || { log "no postgres user (is the postgresql package installed?)"; return 1; }
  PG_PORT="$(free_port "${PG_PORT_WANTED:-55432}")"
  PG_DIR="$(mktemp -d /tmp/trustdesk-ci-pg.XXXXXX)"
  chown postgres:postgres "$PG_DIR"
  chmod 700 "$PG_DIR"
  log "initdb in $PG_DIR/data ($PG_BIN)"
  pg_as_postgres "$PG_BIN/initdb" -D "$PG_DIR/data" -U postgres -A trust -E UTF8 --locale=C --no-sync \
    >"$PG_DIR/initdb.log" 2>&1 || { cat "$PG_DIR/initdb.log"; return 1; }
  cat >>"$PG_DIR/data/postgresql.conf" <<EOF

# --- trustdesk CI: throwaway cluster, loopback only, speed over durability ---
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = '$PG_DIR'
max_connections = 300
fsync = off
synchronous_commit = off
full_page_writes = off
EOF
  log "starting PostgreSQL on 127.0.0.1:$PG_PORT"
  if ! pg_as_postgres "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 start >/dev/null; then
    tail -n 50 "$PG_DIR/server.log" || true
    return 1
  fi
  local db
  for db in trustdesk_test trustdesk_e2e; do
    pg_as_postgres "$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U postgres "$db"
  done
  PG_URL_BASE="postgres://postgres@127.0.0.1:$PG_PORT"
  log "PostgreSQL ready: $PG_URL_BASE/{trustdesk_test,trustdesk_e2e}"
}

pg_stop() {
  if [[ -n "$PG_DIR" && -d "$PG_DIR/data" ]]; then
    if [[ -f "$PG_DIR/data/postmaster.pid" ]]; then
      log "stopping PostgreSQL ($PG_DIR)"
      pg_as_postgres "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w -t 30 stop >/dev/null 2>&1 \
        || pg_as_postgres "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate -w -t 10 stop >/dev/null 2>&1 \
        || log "could not stop PostgreSQL in $PG_DIR"
    fi
    rm -rf "$PG_DIR"
  fi
  PG_DIR=""
}

# ---------------------------------------------------------------------------------------------
# TrustDesk servers

declare -A SERVER_PIDS=()
declare -A SERVER_LOGS=()
SERVER_URL=""
SERVER_LOG=""
SERVER_DATA_DIR=""
SERVER_PID=""

# server_start NAME PORT [VAR=VALUE...]: start `$TRUSTDESK_BIN serve --demo` from the repo root
# (Leaf views and openapi.yaml are read relative to it) and wait up to 120 s for /readyz.
server_start() {
  local name="$1" port="$2"
  shift 2
  ci_tmp_init
  SERVER_DATA_DIR="$CI_TMP/$name-data"
  SERVER_LOG="$CI_TMP/$name.log"
  SERVER_URL="http://127.0.0.1:$port"
  mkdir -p "$SERVER_DATA_DIR"
  port_is_free "$port" || { log "port $port is in use"; return 1; }
  log "starting $name: $TRUSTDESK_BIN serve --demo --hostname 127.0.0.1 --port $port (log $SERVER_LOG)"
  env TRUSTDESK_DATA_DIR="$SERVER_DATA_DIR" TRUSTDESK_PUBLIC_URL="$SERVER_URL" MAIL_TRANSPORT=file "$@" \
    "$TRUSTDESK_BIN" serve --demo --hostname 127.0.0.1 --port "$port" </dev/null >"$SERVER_LOG" 2>&1 &
  SERVER_PID=$!
  SERVER_PIDS[$name]=$SERVER_PID
  SERVER_LOGS[$name]=$SERVER_LOG
  local deadline=$((SECONDS + 120))
  while ((SECONDS < deadline)); do
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
      log "$name exited before it was ready; log:"
      tail -n 100 "$SERVER_LOG" || true
      unset 'SERVER_PIDS[$name]'
      return 1
    fi
    if curl -fsS -o /dev/null --max-time 2 "$SERVER_URL/readyz" 2>/dev/null; then
      log "$name ready at $SERVER_URL after $((120 - deadline + SECONDS)) s (pid $SERVER_PID)"
      return 0
    fi
    sleep 0.5
  done
  log "$name not ready within 120 s; log:"
  tail -n 100 "$SERVER_LOG" || true
  return 1
}

server_stop() {
  local name="$1" pid="${SERVER_PIDS[$1]:-}" i
  [[ -n "$pid" ]] || return 0
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for i in $(seq 1 50); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.2
    done
    if kill -0 "$pid" 2>/dev/null; then
      log "$name (pid $pid) ignored SIGTERM for 10 s; killing it"
      kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
  wait "$pid" 2>/dev/null || true
  unset 'SERVER_PIDS[$name]'
}

server_stop_all() {
  local name
  for name in "${!SERVER_PIDS[@]}"; do
    server_stop "$name"
  done
}

# server_log_tail NAME [LINES]
server_log_tail() {
  local file="${SERVER_LOGS[$1]:-}" lines="${2:-150}"
  [[ -n "$file" && -f "$file" ]] || return 0
  printf -- '----- last %s lines of %s -----\n' "$lines" "$file"
  tail -n "$lines" "$file" || true
  printf -- '----- end of %s -----\n' "$file"
}

ci_cleanup() {
  server_stop_all || true
  pg_stop || true
  if [[ -n "$CI_TMP" && -d "$CI_TMP" && -z "${CI_KEEP_TMP:-}" ]]; then
    rm -rf "$CI_TMP"
  fi
}
