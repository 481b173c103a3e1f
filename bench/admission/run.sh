#!/usr/bin/env bash
# Admission benchmarks (docs/performance.md, "SMS admission"). Not part of swift test or CI.
#
#   bash bench/admission/run.sh [POSTGRES_URL_FOR_BASELINE]
#
# Needs: a release build (swift build -c release --product trustdesk --scratch-path .build-release;
# set TRUSTDESK_BIN to use another binary), wrk, and for the baseline pgbench and a PostgreSQL
# database URL (a database of its own: the script creates a table in it).
set -euo pipefail
cd "$(dirname "$0")/../.."
if [[ -z "${TRUSTDESK_BIN:-}" && -x .build-release/release/trustdesk ]]; then TRUSTDESK_BIN=.build-release/release/trustdesk; fi
BIN="${TRUSTDESK_BIN:-$(swift build -c release --show-bin-path)/trustdesk}"
PG_URL="${1:-}"
PORT="${PORT:-18580}"
DURATION="${DURATION:-10s}"
TOKEN="bench-service-token-0123456789"
ACCOUNT="AC$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
DATA="$(mktemp -d)"
export ACCOUNT TOKEN

echo "== machine: $(nproc) cores, $(uname -srm); binary $BIN"
echo "== load: $(uptime)"
echo "== in-process decisions (one thread; accounts drawn uniformly at random unless skewed)"
# DECISIONS overrides the counts (a debug build needs far fewer to measure the same thing).
"$BIN" bench-admission --accounts 1 --decisions "${DECISIONS:-50000000}"
"$BIN" bench-admission --accounts 100000 --decisions "${DECISIONS:-20000000}"
"$BIN" bench-admission --accounts 100000 --decisions "${DECISIONS:-20000000}" --pattern skewed

echo "== HTTP (server on SQLite, 127.0.0.1:$PORT, wrk -t2 -c64 -d$DURATION)"
env TRUSTDESK_DATA_DIR="$DATA" TRUSTDESK_SERVICE_TOKEN="$TOKEN" LOG_LEVEL=error \
  "$BIN" serve --hostname 127.0.0.1 --port "$PORT" </dev/null >"$DATA/server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true; rm -rf "$DATA"' EXIT
for _ in $(seq 1 100); do curl -fsS -o /dev/null "http://127.0.0.1:$PORT/readyz" 2>/dev/null && break; sleep 0.2; done
# A cap no benchmark reaches, so every decision is an admission (the hot path).
# SQLite allows one writer: retry while the server's own writes hold the lock.
for _ in 1 2 3 4 5 6 7 8; do
  env TRUSTDESK_DATA_DIR="$DATA" "$BIN" trust-set-limit "$ACCOUNT" 100000000 --create 2>/dev/null && break
  sleep 0.5
done
sleep 2
echo "== load: $(uptime)"
# The no-op route and single admission alternate (ROUNDS each, after a warm-up of both), so that
# whatever else the machine or the fresh server does at a given moment falls on both; the ratio
# is of the medians (and the median of the rounds' ratios is printed too).
wrk -t2 -c64 -d3s "http://127.0.0.1:$PORT/healthz" >/dev/null
wrk -t2 -c64 -d3s -s bench/admission/single.lua "http://127.0.0.1:$PORT" >/dev/null
NOOP=() SINGLE=()
for round in $(seq 1 "${ROUNDS:-3}"); do
  out="$(wrk -t2 -c64 -d"$DURATION" --latency "http://127.0.0.1:$PORT/healthz")"
  NOOP+=("$(awk '/Requests\/sec/ {print $2}' <<<"$out")")
  echo "-- round $round no-op GET /healthz: $(awk '/Requests\/sec/ {print $2}' <<<"$out") req/s, p99 $(awk '$1 == "99%" {print $2}' <<<"$out")"
  out="$(wrk -t2 -c64 -d"$DURATION" --latency -s bench/admission/single.lua "http://127.0.0.1:$PORT")"
  SINGLE+=("$(awk '/Requests\/sec/ {print $2}' <<<"$out")")
  echo "-- round $round single admission: $(awk '/Requests\/sec/ {print $2}' <<<"$out") req/s, p99 $(awk '$1 == "99%" {print $2}' <<<"$out")$(grep -E "Non-2xx" <<<"$out" | sed 's/^/, /')"
done
median() { printf '%s\n' "$@" | sort -g | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}'; }
RATIOS=()
for i in "${!NOOP[@]}"; do RATIOS+=("$(awk -v s="${SINGLE[$i]}" -v n="${NOOP[$i]}" 'BEGIN {printf "%.1f", 100 * s / n}')"); done
echo "-- medians: no-op $(median "${NOOP[@]}") req/s, single $(median "${SINGLE[@]}") req/s, single/no-op $(awk -v s="$(median "${SINGLE[@]}")" -v n="$(median "${NOOP[@]}")" 'BEGIN {printf "%.1f %%", 100 * s / n}')"
echo "-- single/no-op per round (%): ${RATIOS[*]}; median $(median "${RATIOS[@]}") %"
echo "-- batch of ${BATCH:-1000} (decisions/s = requests/s x ${BATCH:-1000})"
wrk -t2 -c8 -d"$DURATION" --latency -s bench/admission/batch.lua "http://127.0.0.1:$PORT" | grep -E "Requests/sec|99%|Latency |Non-2xx"
# With a message SID per admission the journal writes each SID before the answer (one group
# commit per write of the journal): single and batch again, beside the same no-op baseline.
echo "-- with message SIDs (the journal writes them before answering)"
out="$(wrk -t2 -c64 -d"$DURATION" --latency "http://127.0.0.1:$PORT/healthz")"
echo "-- no-op GET /healthz: $(awk '/Requests\/sec/ {print $2}' <<<"$out") req/s, p99 $(awk '$1 == "99%" {print $2}' <<<"$out")"
out="$(SID_BATCH=0 wrk -t2 -c64 -d"$DURATION" --latency -s bench/admission/with_sid.lua "http://127.0.0.1:$PORT")"
echo "-- single admission with SID: $(awk '/Requests\/sec/ {print $2}' <<<"$out") req/s, p50 $(awk '$1 == "50%" {print $2}' <<<"$out"), p99 $(awk '$1 == "99%" {print $2}' <<<"$out")$(grep -E "Non-2xx" <<<"$out" | sed 's/^/, /')"
echo "-- batch of ${BATCH:-1000} with SIDs"
SID_BATCH="${BATCH:-1000}" wrk -t2 -c8 -d"$DURATION" --latency -s bench/admission/with_sid.lua "http://127.0.0.1:$PORT" | grep -E "Requests/sec|99%|Latency |Non-2xx"

if [[ -n "$PG_URL" ]]; then
  echo "== naive PostgreSQL row counter (one UPDATE per message, pgbench -c16 -j2 -T10)"
  psql -q "$PG_URL" -c "CREATE TABLE IF NOT EXISTS naive_sms_counter (account_sid text PRIMARY KEY, sent bigint NOT NULL)" \
    -c "INSERT INTO naive_sms_counter VALUES ('AC00000000000000000000000000000001', 0) ON CONFLICT DO NOTHING"
  PGBENCH="$(printf '%s\n' /usr/lib/postgresql/*/bin/pgbench | sort -V | tail -n 1)"
  "$PGBENCH" -n -c16 -j2 -T10 -f bench/admission/naive.sql "$PG_URL" 2>&1 | grep -E "^tps|latency average"
fi
