#!/usr/bin/env bash
# Ticket create throughput beside Request Tracker 5 (issue 15: "at least 10x RT5's create
# throughput with 8 concurrent clients"). docs/performance.md, "Ticket create against Request
# Tracker 5", has the results and what they mean. Not part of swift test; in CI only when
# TRUSTDESK_CI_RT5=1 (step `rt5` of .ci/run).
#
#   bash bench/rt5/run.sh [--count 400] [--concurrency 1,8] [--out DIR]
#                         [--rt-backend sqlite|postgres|both] [--rt-pg-url postgres://postgres@127.0.0.1:5432]
#                         [--rt-auth cookie|token] [--postgres URL] [--goal 10]
#
# For each RT backend: bench/rt5/setup.sh (installs RT5 from Debian the first time, restarts its
# server), COUNT creates (POST /REST/2.0/ticket) and COUNT baseline GETs of the queue
# (/REST/2.0/queue/ID) at each concurrency, then RT is stopped. Then TrustDesk alone:
# `serve --demo` on SQLite in a fresh data folder (and in a fresh PostgreSQL schema of --postgres
# URL's database), COUNT creates (POST /v1/Tickets, Acme's credential from the demo banner) and
# COUNT GET /healthz. One client for both (bench/rt5/creates.py). Writes OUT/rt5-*.json and
# OUT/rt5.md, and prints the load average before and after. Needs root (setup.sh).
#
# TRUSTDESK_BIN picks the binary (default: /work/bin/trustdesk-release-554bf71 when it exists,
# else a release build made here). Exits non-zero when any TrustDesk request was answered with a
# non-2xx status (RT5's are its own result: counted in its row, the first few printed), when RT5
# wrote fewer mails than it answered creates, or (with --goal R) when TrustDesk's creates/s at 8
# clients are under R times RT5's.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT="$(pwd)"
source .ci/lib.sh

COUNT=400 CONCURRENCY=1,8 OUT="" RT_BACKENDS=sqlite RT_PG_URL="postgres://postgres@127.0.0.1:5432" RT_AUTH=cookie PG_URL="" GOAL=0
while (($#)); do
  case "$1" in
    --count) COUNT="$2"; shift 2 ;;
    --concurrency) CONCURRENCY="$2"; shift 2 ;;
    --out) OUT="$2"; shift 2 ;;
    --rt-backend) RT_BACKENDS="$2"; shift 2 ;;
    --rt-pg-url) RT_PG_URL="$2"; shift 2 ;;
    --rt-auth) RT_AUTH="$2"; shift 2 ;;
    --postgres) PG_URL="$2"; shift 2 ;;
    --goal) GOAL="$2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
[[ "$RT_BACKENDS" == both ]] && RT_BACKENDS="sqlite postgres"
[[ "$RT_AUTH" == cookie || "$RT_AUTH" == token ]] || { echo "--rt-auth is cookie or token" >&2; exit 2; }

if [[ -z "${TRUSTDESK_BIN:-}" && -x /work/bin/trustdesk-release-554bf71 ]]; then
  TRUSTDESK_BIN=/work/bin/trustdesk-release-554bf71
fi
if [[ -z "${TRUSTDESK_BIN:-}" ]]; then
  swift build -c release --product trustdesk >/dev/null
  TRUSTDESK_BIN="$(swift build -c release --show-bin-path)/trustdesk"
fi
export TRUSTDESK_BIN
ci_tmp_init
OUT="${OUT:-$CI_TMP/rt5}"
mkdir -p "$OUT"
STATE="${RT5_STATE:-/var/lib/trustdesk-bench-rt5}"
trap 'server_stop_all; bash "$ROOT/bench/rt5/setup.sh" --stop || true; [[ -z "${CI_KEEP_TMP:-}" ]] && rm -rf "$CI_TMP"' EXIT

log "machine: $(nproc) cores, $(uname -srm); TrustDesk binary $TRUSTDESK_BIN"
log "load before: $(uptime)"
RESULTS=()

# --- Request Tracker 5 ---------------------------------------------------------------------------
for backend in $RT_BACKENDS; do
  bash bench/rt5/setup.sh --backend "$backend" --pg-url "$RT_PG_URL" >/dev/null
  # shellcheck disable=SC1091
  source "$STATE/rt5.env"
  AUTH=()
  if [[ "$RT_AUTH" == cookie ]]; then
    # A web session, signed in once: RT checks the password (bcrypt, cost 12) at sign-in only.
    # REST2 takes the session cookie; a POST with it must come with a Referer of RT's own
    # address (RestrictReferrer, RT's CSRF check).
    jar="$CI_TMP/rt5-cookies"
    curl -fsS -o /dev/null -c "$jar" --data-urlencode "user=$RT_USER" --data-urlencode "pass=$RT_PASSWORD" \
      "$RT_URL/NoAuth/Login.html"
    cookie="$(awk '$6 ~ /^RT_SID_/ {print $6 "=" $7}' "$jar")"
    [[ -n "$cookie" ]] || { log "RT sign-in gave no session cookie"; exit 1; }
    AUTH=(--header "Cookie: $cookie" --header "Referer: $RT_URL/")
  else
    # RT's documented way for API clients: each request's token is checked with bcrypt (cost 12).
    AUTH=(--token "$RT_TOKEN")
  fi
  mbox_before="$(cat /var/lib/request-tracker5/*.mbox 2>/dev/null | grep -c '^X-RT-Ticket:' || true)"
  log "RT5 $RT_VERSION on $backend ($RT_WORKERS Starlet workers, $RT_AUTH auth): $COUNT requests per kind and concurrency"
  python3 bench/rt5/creates.py measure --server rt5 --server-label "RT5 ($backend, $RT_AUTH)" --url "$RT_URL" "${AUTH[@]}" \
    --create-path /REST/2.0/ticket \
    --create-json '{"Queue": "Bench", "Subject": "Bench ticket {n}", "Content": "Opened by bench/rt5: a customer cannot send SMS to one carrier since this morning.", "Requestor": "bench@bench.invalid"}' \
    --baseline-path "/REST/2.0/queue/$RT_QUEUE_ID" --count "$COUNT" --concurrency "$CONCURRENCY" \
    --out "$OUT/rt5-rt-$backend-$RT_AUTH.json"
  RESULTS+=("$OUT/rt5-rt-$backend-$RT_AUTH.json")
  # Each create runs RT's scrips; "On Create Autoreply To Requestors" renders and writes one mail.
  mbox_after="$(cat /var/lib/request-tracker5/*.mbox 2>/dev/null | grep -c '^X-RT-Ticket:' || true)"
  mails=$((mbox_after - mbox_before))
  creates="$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["created"])' "$OUT/rt5-rt-$backend-$RT_AUTH.json")"
  log "RT5 wrote $mails autoreply mails for its $creates creates answered 2xx (warm-up included)"
  echo "$backend $creates $mails" >>"$OUT/rt5-mails.txt"
  bash bench/rt5/setup.sh --stop
done

# --- TrustDesk -------------------------------------------------------------------------------
engines=(sqlite)
[[ -n "$PG_URL" ]] && engines+=(postgres)
for engine in "${engines[@]}"; do
  env_vars=(LOG_LEVEL=warning)
  if [[ "$engine" == postgres ]]; then
    schema="rt5_$(head -c 6 /dev/urandom | od -An -tx1 | tr -d ' \n')"
    env_vars+=(DATABASE_URL="$PG_URL" TRUSTDESK_DATABASE_SCHEMA="$schema" TRUSTDESK_SECRET_KEY="rt5-bench-secret-key-0123456789abcdef")
  fi
  server_start "rt5-trustdesk-$engine" "$(free_port 18822)" "${env_vars[@]}"
  sid="$(sed -E 's/\x1b\[[0-9;]*[A-Za-z]//g' "$SERVER_LOG" | sed -nE 's/.*Account SID:[[:space:]]*(AC[0-9a-f]{32}).*/\1/p' | head -n 1)"
  token="$(sed -E 's/\x1b\[[0-9;]*[A-Za-z]//g' "$SERVER_LOG" | sed -nE 's/.*Auth token:[[:space:]]*([^[:space:]"`]+).*/\1/p' | head -n 1)"
  [[ -n "$sid" && -n "$token" ]] || { log "no demo credential in $SERVER_LOG"; exit 1; }
  log "TrustDesk ($engine): $COUNT requests per kind and concurrency"
  python3 bench/rt5/creates.py measure --server trustdesk --server-label "TrustDesk ($engine)" --url "$SERVER_URL" \
    --user "$sid" --password "$token" --create-path /v1/Tickets \
    --create-json '{"subject": "Bench ticket {n}", "description": "Opened by bench/rt5: a customer cannot send SMS to one carrier since this morning.", "product": "messaging", "priority": 3}' \
    --baseline-path /healthz --count "$COUNT" --concurrency "$CONCURRENCY" --out "$OUT/rt5-trustdesk-$engine.json"
  RESULTS+=("$OUT/rt5-trustdesk-$engine.json")
  server_stop "rt5-trustdesk-$engine"
  if [[ "$engine" == postgres ]]; then
    psql -q "$PG_URL" -c "set client_min_messages = warning" -c "drop schema if exists $schema cascade" >/dev/null || true
  fi
done

log "load after: $(uptime)"
python3 bench/rt5/creates.py report "${RESULTS[@]}" --fail-on-errors --min-ratio "$GOAL" \
  --label "$(date -u '+%Y-%m-%d %H:%M UTC'), $COUNT requests per row, TrustDesk $(basename "$TRUSTDESK_BIN")" \
  --out "$OUT/rt5.md"
# Every RT5 create answered 2xx wrote its autoreply, or RT5 did less than a create and the run is wrong.
while read -r backend creates mails; do
  ((mails >= creates)) || { log "RT5 ($backend): $mails mails for $creates creates"; exit 1; }
done <"$OUT/rt5-mails.txt"
if [[ "$OUT" == "$CI_TMP"/* && -z "${CI_KEEP_TMP:-}" ]]; then
  log "results printed above (no --out: the temporary $OUT is removed)"
else
  log "results in $OUT/rt5.md"
fi
