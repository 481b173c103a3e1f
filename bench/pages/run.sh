#!/usr/bin/env bash
# Page benchmark (issue 11): every page each kind of user is shown, at the demo world plus
# TICKETS seeded support tickets, timed from a client on the same machine, with `/healthz` as the
# same-run baseline (interleaved request by request). Never part of swift test or CI.
#
#   bash bench/pages/run.sh [--postgres URL] [--tickets 100000] [--samples 30] [--out DIR]
#
# TRUSTDESK_BIN picks the binary (default: a release build, built here). Prints one row per page
# shape (p50, p95, p95 over /healthz's p95) and writes them to OUT/pages-ENGINE.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT="$(pwd)"
source .ci/lib.sh

PG_URL="" TICKETS=100000 SAMPLES=30 OUT=""
while (($#)); do
  case "$1" in
    --postgres) PG_URL="$2"; shift 2 ;;
    --tickets) TICKETS="$2"; shift 2 ;;
    --samples) SAMPLES="$2"; shift 2 ;;
    --out) OUT="$2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done

VENV="${E2E_VENV:-$ROOT/e2e/.venv}"
if [[ ! -x "$VENV/bin/python" ]]; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q -r e2e/requirements.txt -c e2e/constraints.txt
fi
source bench/load/server.sh
load_setup pages
log "load before: $(uptime)"
# The demo world first (serve --demo seeds it into an empty database), then the tickets beside it.
load_server_start pages 18740
server_stop "pages-$engine"
started=$SECONDS
env TRUSTDESK_DATA_DIR="$SERVER_DATA_DIR" "${LOAD_SERVER_ENV[@]}" LOG_LEVEL=warning \
  "$TRUSTDESK_BIN" bench-seed-tickets --tickets "$TICKETS" 2>&1 | grep -v Migrator
log "seeded $TICKETS tickets in $((SECONDS - started)) s"
load_server_start pages 18740
"$VENV/bin/python" bench/pages/pages.py "$SERVER_URL" --samples "$SAMPLES" --label "$engine, $TICKETS tickets" \
  --out "$OUT/pages-$engine.md"
log "load after: $(uptime)"
cat "$OUT/pages-$engine.md"
