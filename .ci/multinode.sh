#!/usr/bin/env bash
# PT-4 multi-node check: 3 `trustdesk serve` processes on one PostgreSQL database, one account
# capped at 10,000 SMS, hammered concurrently through all three; the nodes together must admit
# at most 10,000 and at least 9,900, and refuse the rest with 63038.
#
#   bash .ci/multinode.sh postgres://postgres@127.0.0.1:5432/trustdesk_multinode
#
# The database must exist (it is migrated here). TRUSTDESK_BIN defaults to the debug build.
# Called by .ci/run (step "multi-node admission") with the throwaway cluster.
set -euo pipefail
cd "$(dirname "$0")/.."
source .ci/lib.sh

DB_URL="${1:?usage: multinode.sh DATABASE_URL}"
TRUSTDESK_BIN="${TRUSTDESK_BIN:-$(swift build --show-bin-path)/trustdesk}"
TOKEN="multinode-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
ACCOUNT="AC$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
LIMIT=10000
trap 'server_stop_all' EXIT

URLS=()
for i in 1 2 3; do
  if ((i == 2)); then
    # The first node migrated the database; set the cap before the others start.
    env DATABASE_URL="$DB_URL" TRUSTDESK_DATA_DIR="$(mktemp -d)" "$TRUSTDESK_BIN" trust-set-limit "$ACCOUNT" "$LIMIT" --create
  fi
  port="$(free_port $((18480 + i * 10)))"
  server_start "multinode-$i" "$port" DATABASE_URL="$DB_URL" TRUSTDESK_SERVICE_TOKEN="$TOKEN" \
    TRUSTDESK_SECRET_KEY="multinode-secret-key-0123456789abcdef" LOG_LEVEL=warning
  URLS+=("$SERVER_URL")
done

timeout 90 python3 .ci/multinode/hammer.py "$ACCOUNT" "$LIMIT" "$TOKEN" "${URLS[@]}"
