#!/usr/bin/env bash
# Request Tracker 5 from Debian for the create benchmark (issue 15; docs/performance.md, "Ticket
# create against Request Tracker 5"): installs it unattended, initialises its database, makes
# the queue, user and REST2 token the benchmark uses, and (re)starts RT's standalone server
# (`rt-server`: Starlet, preforking) on 127.0.0.1 only. Idempotent: a second run reuses the
# packages, the database and the user, and restarts the server.
#
#   bash bench/rt5/setup.sh [--backend sqlite|postgres] [--pg-url postgres://postgres@127.0.0.1:5432]
#                           [--port 18821] [--workers 8]
#   bash bench/rt5/setup.sh --stop        # stops the server this script started
#
# sqlite: the database dbconfig-common makes at install (rt5-db-sqlite), in
#   /var/lib/dbconfig-common/sqlite3/request-tracker5/rtdb.
# postgres: database and role `rt5bench` on the server of --pg-url (its superuser, trust auth on
#   loopback, creates them); RT's configuration then points there until the next sqlite setup.
#
# Needs root (apt-get, /etc/request-tracker5). What it changes on the machine: Debian packages
# (request-tracker5, rt5-db-sqlite, rt5-db-postgresql, rt5-standalone, msmtp-mta as the mail
# transport the packages require: nothing is sent, RT writes its mail to mbox files), the file
# /etc/request-tracker5/RT_SiteConfig.d/90-trustdesk-bench.pm, the group of RT_SiteConfig.pm
# (www-data may read it), and its state in $RT5_STATE (default /var/lib/trustdesk-bench-rt5).
# Prints RT_URL, RT_USER, RT_PASSWORD and RT_TOKEN lines, also kept in $RT5_STATE/rt5.env.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT="$(pwd)"

BACKEND=sqlite PG_URL="postgres://postgres@127.0.0.1:5432" PORT=18821 WORKERS=8 STOP=""
while (($#)); do
  case "$1" in
    --backend) BACKEND="$2"; shift 2 ;;
    --pg-url) PG_URL="$2"; shift 2 ;;
    --port) PORT="$2"; shift 2 ;;
    --workers) WORKERS="$2"; shift 2 ;;
    --stop) STOP=1; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
[[ "$BACKEND" == sqlite || "$BACKEND" == postgres ]] || { echo "--backend is sqlite or postgres" >&2; exit 2; }

STATE="${RT5_STATE:-/var/lib/trustdesk-bench-rt5}"
RT_LIB=/usr/share/request-tracker5/lib
RT_SERVER=/usr/share/request-tracker5/libexec/rt-server
SITE_D=/etc/request-tracker5/RT_SiteConfig.d
BENCH_CONF="$SITE_D/90-trustdesk-bench.pm"
SQLITE_DB=/var/lib/dbconfig-common/sqlite3/request-tracker5/rtdb
log() { printf '[rt5 %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }

mkdir -p "$STATE"
chmod 700 "$STATE"

stop_server() {
  local pid
  [[ -f "$STATE/rt-server.pid" ]] || return 0
  pid="$(cat "$STATE/rt-server.pid")"
  # Only the process this script started (its pid file), and only while it is still rt-server.
  if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null && grep -q rt-server "/proc/$pid/cmdline" 2>/dev/null; then
    log "stopping rt-server (pid $pid)"
    kill "$pid"
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
  fi
  rm -f "$STATE/rt-server.pid"
}

if [[ -n "$STOP" ]]; then
  stop_server
  exit 0
fi
[[ "$(id -u)" == 0 ]] || { echo "setup.sh needs root (apt-get, /etc/request-tracker5)" >&2; exit 1; }

# --- 1. Packages -------------------------------------------------------------------------------
PACKAGES=(request-tracker5 rt5-db-sqlite rt5-db-postgresql rt5-standalone msmtp-mta)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f '${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  log "installing ${missing[*]} (Debian)"
  # The answers dbconfig-common and the package would ask for: an SQLite database made at
  # install, no cron jobs, and the address the standalone server answers on.
  debconf-set-selections <<EOF
request-tracker5 request-tracker5/dbconfig-install boolean true
request-tracker5 request-tracker5/database-type select sqlite3
request-tracker5 request-tracker5/rtname string trustdesk-bench
request-tracker5 request-tracker5/organization string bench.invalid
request-tracker5 request-tracker5/install-cronjobs boolean false
request-tracker5 request-tracker5/webbaseurl string http://127.0.0.1:$PORT
EOF
  started=$SECONDS
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >/dev/null
  apt-get install -y -q --no-install-recommends "${PACKAGES[@]}" >"$STATE/apt-install.log" 2>&1 \
    || { tail -n 40 "$STATE/apt-install.log"; exit 1; }
  echo "$((SECONDS - started))" >"$STATE/install-seconds"
  log "installed in $((SECONDS - started)) s (log $STATE/apt-install.log)"
else
  log "packages already installed ($(dpkg-query -W -f '${Version}' request-tracker5))"
fi
# Debian leaves RT_SiteConfig.pm readable by root only (a web server's config handler would fix
# it); rt-server runs as www-data, like RT under Apache.
chgrp www-data /etc/request-tracker5/RT_SiteConfig.pm
chmod 640 /etc/request-tracker5/RT_SiteConfig.pm

# --- 2. Configuration --------------------------------------------------------------------------
# The standalone server at the root of its port; mail to mbox files in /var/lib/request-tracker5
# (every scrip still runs and renders its template: only the hand-off to an MTA is left out);
# warnings to the server's stderr (there is no syslog daemon here).
if [[ "$BACKEND" == postgres ]]; then
  PG_HOST="$(python3 -c 'import sys, urllib.parse as u; p = u.urlsplit(sys.argv[1]); print(p.hostname or "127.0.0.1", p.port or 5432)' "$PG_URL")"
  [[ -f "$STATE/pg-password" ]] || head -c 18 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$STATE/pg-password"
  DB_CONF="Set(\$DatabaseType, 'Pg');
Set(\$DatabaseHost, '${PG_HOST% *}');
Set(\$DatabasePort, '${PG_HOST#* }');
Set(\$DatabaseName, 'rt5bench');
Set(\$DatabaseUser, 'rt5bench');
Set(\$DatabasePassword, '$(cat "$STATE/pg-password")');
Set(\$DatabaseAdmin, 'postgres');"
else
  DB_CONF="# the database of 51-dbconfig-common.pm (SQLite)"
fi
umask 027
cat >"$BENCH_CONF" <<EOF
# Written by TrustDesk's bench/rt5/setup.sh (backend: $BACKEND). Remove it to undo.
Set(\$WebDomain, '127.0.0.1');
Set(\$WebPort, $PORT);
Set(\$WebBaseURL, "http://127.0.0.1:$PORT");
Set(\$WebPath, "");
Set(\$MailCommand, 'mbox');
Set(\$LogToSyslog, undef);
Set(\$LogToSTDERR, 'warning');
$DB_CONF
1;
EOF
chgrp www-data "$BENCH_CONF"
umask 022

# --- 3. Database -------------------------------------------------------------------------------
stop_server
if [[ "$BACKEND" == postgres ]]; then
  if [[ "$(psql "$PG_URL/postgres" -Atc "select count(*) from pg_database where datname = 'rt5bench'")" == 0 ]] \
    || [[ "$(psql "$PG_URL/rt5bench" -Atc "select to_regclass('public.tickets') is not null")" != t ]]; then
    log "initialising RT's database rt5bench on $PG_URL"
    started=$SECONDS
    psql -q "$PG_URL/postgres" -c "set client_min_messages = warning" -c "drop database if exists rt5bench" >/dev/null
    /usr/sbin/rt-setup-database-5 --action init --dba postgres --dba-password '' \
      </dev/null >"$STATE/setup-database-postgres.log" 2>&1 \
      || { tail -n 40 "$STATE/setup-database-postgres.log"; exit 1; }
    log "database initialised in $((SECONDS - started)) s"
  else
    log "reusing RT's database rt5bench on $PG_URL"
    # The state folder may be newer than the database (its password made again): keep them equal.
    psql -q "$PG_URL/postgres" -c "alter role rt5bench password '$(cat "$STATE/pg-password")'" >/dev/null
  fi
else
  # Read-only, so that a missing file stays missing (the sqlite3 command is not always installed).
  has_tickets="$(python3 - "$SQLITE_DB" 2>/dev/null <<'PY' || true
import sqlite3, sys
db = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
print(db.execute("select count(*) from sqlite_master where name = 'Tickets'").fetchone()[0])
PY
)"
  if [[ "$has_tickets" != 1 ]]; then
    log "initialising RT's SQLite database $SQLITE_DB"
    /usr/sbin/rt-setup-database-5 --action init --skip-create </dev/null >"$STATE/setup-database-sqlite.log" 2>&1 \
      || { tail -n 40 "$STATE/setup-database-sqlite.log"; exit 1; }
    chgrp www-data "$SQLITE_DB" && chmod 660 "$SQLITE_DB"
  else
    log "reusing RT's SQLite database $SQLITE_DB"
  fi
fi

# --- 4. Queue, user, token ---------------------------------------------------------------------
[[ -f "$STATE/password" ]] || head -c 18 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$STATE/password"
PASSWORD="$(cat "$STATE/password")"
TOKEN_FILE="$STATE/token-$BACKEND"
make_token=""
[[ -s "$TOKEN_FILE" ]] || make_token=1
out="$(MAKE_TOKEN="$make_token" perl -I"$RT_LIB" "$ROOT/bench/rt5/setup.pl" "$PASSWORD" 2>"$STATE/setup-objects.log")" \
  || { cat "$STATE/setup-objects.log" >&2; exit 1; }
if [[ -n "$make_token" ]]; then
  sed -n 's/^RT_TOKEN=//p' <<<"$out" >"$TOKEN_FILE"
fi
log "queue Bench and user bench ready ($(tr '\n' ' ' <<<"$out" | sed 's/RT_TOKEN=[^ ]*/RT_TOKEN=.../'))"

# --- 5. Server ---------------------------------------------------------------------------------
# Starlet, RT's default for rt-server: WORKERS preforked processes (RT loaded once, before the
# fork), keep-alive on, and no worker recycling during a run.
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
port_free "$PORT" || { log "port $PORT is in use"; exit 1; }
log "starting rt-server on 127.0.0.1:$PORT ($WORKERS workers, log appended to $STATE/rt-server.log)"
echo "== $(date -u '+%Y-%m-%d %H:%M:%S') rt-server, backend $BACKEND" >>"$STATE/rt-server.log"
(cd /var/lib/request-tracker5 && exec setsid runuser -u www-data -- "$RT_SERVER" --host 127.0.0.1 --port "$PORT" \
  --max-workers "$WORKERS" --max-reqs-per-child 1000000 --max-keepalive-reqs 1000000 \
  </dev/null >>"$STATE/rt-server.log" 2>&1) &
echo $! >"$STATE/rt-server.pid"
# runuser stays the parent of the server, so the pid file's process is the one to stop.
for _ in $(seq 1 150); do
  code="$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 -H "Authorization: token $(cat "$TOKEN_FILE")" \
    "http://127.0.0.1:$PORT/REST/2.0/queues/all" || true)"
  [[ "$code" == 200 ]] && break
  kill -0 "$(cat "$STATE/rt-server.pid")" 2>/dev/null || { tail -n 40 "$STATE/rt-server.log"; exit 1; }
  sleep 0.2
done
[[ "$code" == 200 ]] || { log "rt-server not ready: last answer $code"; tail -n 40 "$STATE/rt-server.log"; exit 1; }
log "RT $(dpkg-query -W -f '${Version}' request-tracker5) ($BACKEND) ready at http://127.0.0.1:$PORT"

cat >"$STATE/rt5.env" <<EOF
RT_URL=http://127.0.0.1:$PORT
RT_BACKEND=$BACKEND
RT_VERSION=$(dpkg-query -W -f '${Version}' request-tracker5)
RT_USER=bench
RT_PASSWORD=$PASSWORD
RT_TOKEN=$(cat "$TOKEN_FILE")
RT_QUEUE_ID=$(sed -n 's/^RT_QUEUE_ID=//p' <<<"$out")
RT_WORKERS=$WORKERS
EOF
cat "$STATE/rt5.env"
