#!/usr/bin/env bash
# SUP-2 inbound mail benchmark: starts a fresh `serve --demo` and runs inbound.py against it.
#   bash bench/support-channels/inbound.sh [MAILS]     (DATABASE_URL=postgres://... for PostgreSQL)
set -euo pipefail
cd "$(dirname "$0")/../.."
BIN="${TRUSTDESK_BIN:-.build/release/trustdesk}"
[ -x "$BIN" ] || BIN=".build/debug/trustdesk"
PORT="${PORT:-18691}"
TOKEN="bench-inbound-token-0123456789abcdef"
DATA="$(mktemp -d)"
SCHEMA="bench_inbound_$(date +%s)"
URL="http://127.0.0.1:$PORT"
PYTHON="${PYTHON:-e2e/.venv/bin/python}"
env TRUSTDESK_DATA_DIR="$DATA" TRUSTDESK_DATABASE_SCHEMA="$SCHEMA" TRUSTDESK_PUBLIC_URL="$URL" TRUSTDESK_INBOUND_MAIL_TOKEN="$TOKEN" \
  TRUSTDESK_INBOUND_MAIL_DOMAIN=reply.trustdesk.example.com LOG_LEVEL=error \
  "$BIN" serve --demo --hostname 127.0.0.1 --port "$PORT" </dev/null >"$DATA/server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true; wait $SERVER 2>/dev/null || true; rm -rf "$DATA"' EXIT
for _ in $(seq 1 300); do curl -fsS -o /dev/null "$URL/readyz" 2>/dev/null && break; sleep 0.2; done
SID="$(grep -o 'Account SID: AC[0-9a-f]*' "$DATA/server.log" | head -n1 | awk '{print $3}')"
AUTH="$(grep -o 'Auth token: [^ ]*' "$DATA/server.log" | head -n1 | awk '{print $3}')"
echo "== binary $BIN${DATABASE_URL:+, PostgreSQL schema $SCHEMA}; load: $(uptime)"
"$PYTHON" bench/support-channels/inbound.py "$URL" "$TOKEN" "$SID" "$AUTH" "${1:-1000}"
