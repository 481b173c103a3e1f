#!/usr/bin/env bash
# SUP-10 support line benchmark (docs/performance.md, "Support channels"): wrk on the signed
# /voice/pin webhook against the no-op GET /healthz in the same run, alternating rounds.
# Goal: /voice/pin at least 80% of /healthz's rate, p99 under 50 ms.
#   bash bench/support-channels/voice.sh            (DATABASE_URL=postgres://... for PostgreSQL)
# Needs wrk, openssl, and a release build (or TRUSTDESK_BIN).
set -euo pipefail
cd "$(dirname "$0")/../.."
BIN="${TRUSTDESK_BIN:-.build/release/trustdesk}"
[ -x "$BIN" ] || BIN=".build/debug/trustdesk"
PORT="${PORT:-18690}"
DURATION="${DURATION:-10s}"
TOKEN="bench-voice-token-0123456789abcdef"
DATA="$(mktemp -d)"
SCHEMA="bench_voice_$(date +%s)"
URL="http://127.0.0.1:$PORT"
echo "== machine: $(nproc) cores, $(uname -srm); binary $BIN${DATABASE_URL:+; PostgreSQL schema $SCHEMA}"
env TRUSTDESK_DATA_DIR="$DATA" TRUSTDESK_DATABASE_SCHEMA="$SCHEMA" TRUSTDESK_PUBLIC_URL="$URL" TRUSTDESK_VOICE_AUTH_TOKEN="$TOKEN" LOG_LEVEL=error \
  "$BIN" serve --demo --hostname 127.0.0.1 --port "$PORT" </dev/null >"$DATA/server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true; wait $SERVER 2>/dev/null || true; rm -rf "$DATA"' EXIT
for _ in $(seq 1 300); do curl -fsS -o /dev/null "$URL/readyz" 2>/dev/null && break; sleep 0.2; done
# The demo's Acme PIN from a fixed caller: the signature covers the URL and the sorted parameters.
CALL="CA$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
FROM="+14155550100"
TO="+18005550100"
BODY="CallSid=$CALL&Digits=4821&From=%2B${FROM#+}&To=%2B${TO#+}"
PAYLOAD="$URL/voice/pin?attempt=1CallSid${CALL}Digits4821From${FROM}To${TO}"
SIGNATURE="$(printf '%s' "$PAYLOAD" | openssl dgst -sha1 -hmac "$TOKEN" -binary | base64)"
export BODY SIGNATURE
check="$(curl -fsS -X POST -H "X-Twilio-Signature: $SIGNATURE" -H 'Content-Type: application/x-www-form-urlencoded' --data "$BODY" "$URL/voice/pin?attempt=1")"
grep -q "<Dial\|<Enqueue>pse" <<<"$check" || { echo "the signed PIN webhook did not route: $check"; exit 1; }
echo "== answer: $check"
echo "== load: $(uptime)"
wrk -t2 -c64 -d3s "$URL/healthz" >/dev/null
wrk -t2 -c64 -d3s -s bench/support-channels/pin.lua "$URL" >/dev/null
NOOP=() PIN=()
for round in $(seq 1 "${ROUNDS:-3}"); do
  out="$(wrk -t2 -c64 -d"$DURATION" --latency "$URL/healthz")"
  NOOP+=("$(awk '/Requests\/sec/ {print $2}' <<<"$out")")
  echo "-- round $round GET /healthz: $(awk '/Requests\/sec/ {print $2}' <<<"$out") req/s, p99 $(awk '$1 == "99%" {print $2}' <<<"$out"); load $(uptime | sed 's/.*average: //')"
  out="$(wrk -t2 -c64 -d"$DURATION" --latency -s bench/support-channels/pin.lua "$URL")"
  PIN+=("$(awk '/Requests\/sec/ {print $2}' <<<"$out")")
  echo "-- round $round POST /voice/pin: $(awk '/Requests\/sec/ {print $2}' <<<"$out") req/s, p99 $(awk '$1 == "99%" {print $2}' <<<"$out")$(grep -E "Non-2xx" <<<"$out" | sed 's/^/, /')"
done
median() { printf '%s\n' "$@" | sort -g | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}'; }
RATIOS=()
for i in "${!NOOP[@]}"; do RATIOS+=("$(awk -v s="${PIN[$i]}" -v n="${NOOP[$i]}" 'BEGIN {printf "%.1f", 100 * s / n}')"); done
echo "-- medians: /healthz $(median "${NOOP[@]}") req/s, /voice/pin $(median "${PIN[@]}") req/s"
echo "-- /voice/pin / /healthz per round (%): ${RATIOS[*]}; median $(median "${RATIOS[@]}") %"
