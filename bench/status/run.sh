#!/usr/bin/env bash
# Status page benchmarks (docs/performance.md, "Status page"). Never part of `swift test` or CI.
#
#   bash bench/status/run.sh                         SQLite, fresh temporary data folders
#   DATABASE_URL=postgres://... bash bench/status/run.sh   the fan-out and history part on PostgreSQL too
#
# Needs a release build (swift build -c release --product trustdesk; TRUSTDESK_BIN to use another
# binary), wrk, python3 and curl. Parts:
#   1. HTTP: /api/v2/summary.json (50 components, 20 unresolved incidents of 10 updates, 10
#      maintenances) against /healthz on the same server, alternating, wrk -t2 -c64;
#   2. `trustdesk bench-status`: fan-out of one update to SUBSCRIBERS subscribers against a raw
#      multi-row INSERT of as many outbox rows, the SLA breach pass beside it, snapshot rebuild,
#      history deep page at INCIDENTS incidents;
#   3. HTTP: the history's deep page, 200 sequential requests, p50/p95.
set -euo pipefail
cd "$(dirname "$0")/../.."
BIN="${TRUSTDESK_BIN:-.build/release/trustdesk}"
[[ -x "$BIN" ]] || BIN=".build/debug/trustdesk"
PORT="${PORT:-18480}"
DURATION="${DURATION:-10s}"
SUBSCRIBERS="${SUBSCRIBERS:-100000}"
INCIDENTS="${INCIDENTS:-10000}"
DATA="$(mktemp -d "${TMPDIR:-/tmp}/trustdesk-bench-status.XXXXXX")"
SERVER=""
cleanup() { [[ -n "$SERVER" ]] && kill "$SERVER" 2>/dev/null; wait 2>/dev/null; rm -rf "$DATA"; }
trap cleanup EXIT

echo "== machine: $(nproc) cores, $(uname -srm); binary $BIN; load: $(uptime | sed 's/.*load/load/')"

serve() { # serve DATA_DIR
  env TRUSTDESK_DATA_DIR="$1" LOG_LEVEL=error "$BIN" serve --hostname 127.0.0.1 --port "$PORT" </dev/null >"$1/server.log" 2>&1 &
  SERVER=$!
  for _ in $(seq 1 150); do curl -fsS -o /dev/null "http://127.0.0.1:$PORT/readyz" 2>/dev/null && return; sleep 0.2; done
  echo "server did not start"; cat "$1/server.log"; exit 1
}
stop() { kill "$SERVER"; wait "$SERVER" 2>/dev/null || true; SERVER=""; }

echo "== 1. HTTP: summary.json against /healthz (SQLite, wrk -t2 -c64 -d$DURATION, alternating)"
mkdir -p "$DATA/page"
TRUSTDESK_DATA_DIR="$DATA/page" "$BIN" bench-status --page-only 2>&1 | grep -v Migrator
serve "$DATA/page"
curl -fsS -o /dev/null "http://127.0.0.1:$PORT/api/v2/summary.json"
echo "summary.json is $(curl -fsS "http://127.0.0.1:$PORT/api/v2/summary.json" | wc -c) bytes"
for round in 1 2; do
  for path in /healthz /api/v2/summary.json; do
    rate=$(wrk -t2 -c64 -d"$DURATION" "http://127.0.0.1:$PORT$path" | awk '/Requests\/sec/ {print $2}')
    echo "round $round $path $rate req/s"
  done
done
etag=$(curl -fsSI "http://127.0.0.1:$PORT/api/v2/summary.json" | awk -F': ' 'tolower($1)=="etag" {print $2}' | tr -d '\r')
echo "If-None-Match: $(curl -s -o /dev/null -w '%{http_code}' -H "If-None-Match: $etag" "http://127.0.0.1:$PORT/api/v2/summary.json")"
stop

run_bench() { # run_bench DATA_DIR [env...]
  local dir="$1"; shift
  mkdir -p "$dir"
  env TRUSTDESK_DATA_DIR="$dir" "$@" "$BIN" bench-status --subscribers "$SUBSCRIBERS" --incidents "$INCIDENTS" 2>&1 | grep -v Migrator | tee "$dir/bench.txt"
}

echo "== 2. bench-status on SQLite"
run_bench "$DATA/sqlite"
if [[ -n "${DATABASE_URL:-}" ]]; then
  schema="bench_status_$(date +%s)"
  echo "== 2. bench-status on PostgreSQL (schema $schema; drop it when finished)"
  run_bench "$DATA/pg" TRUSTDESK_DATABASE_SCHEMA="$schema"
fi

echo "== 3. HTTP: history deep page at $INCIDENTS incidents (SQLite, 200 sequential requests)"
deep=$(awk -F'before=' '/deep history page/ {print $2}' "$DATA/sqlite/bench.txt")
serve "$DATA/sqlite"
python3 - "$PORT" "$deep" <<'PY'
import sys, time, urllib.request
port, cursor = sys.argv[1], sys.argv[2]
url = f"http://127.0.0.1:{port}/status/history?before={cursor}"
for _ in range(10):
    urllib.request.urlopen(url).read()
samples = []
for _ in range(200):
    start = time.perf_counter()
    body = urllib.request.urlopen(url).read()
    samples.append((time.perf_counter() - start) * 1000)
samples.sort()
assert b"Past incident" in body
print(f"history deep page: p50 {samples[100]:.2f} ms, p95 {samples[190]:.2f} ms, max {samples[-1]:.2f} ms (n=200)")
PY
stop
