#!/usr/bin/env bash
# Status page benchmarks (docs/performance.md, "Status page"). Never part of `swift test` or CI.
#
#   bash bench/status/run.sh                         SQLite, fresh temporary data folders
#   DATABASE_URL=postgres://... bash bench/status/run.sh   parts 2 and 3 on PostgreSQL too
#   PARTS="http sqlite postgres" (the default) picks: http = part 1, sqlite / postgres = parts 2
#   and 3 on that database (postgres needs DATABASE_URL; it runs in a fresh schema).
#
# Needs a release build (swift build -c release --product trustdesk; TRUSTDESK_BIN to use another
# binary), wrk, python3 and curl. Parts:
#   1. HTTP: /api/v2/summary.json (50 components, 20 unresolved incidents of 10 updates, 10
#      maintenances) with Accept-Encoding: gzip, then without, against /healthz on the same
#      server, alternating, three rounds, wrk -t2 -c64;
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
PARTS="${PARTS:-http sqlite postgres}"
# Only the PostgreSQL pass may use the database URL: the SQLite parts must not inherit it.
PG_URL="${DATABASE_URL:-}"
unset DATABASE_URL
part() { [[ " $PARTS " == *" $1 "* ]]; }
INCIDENTS="${INCIDENTS:-10000}"
DATA="$(mktemp -d "${TMPDIR:-/tmp}/trustdesk-bench-status.XXXXXX")"
SERVER=""
cleanup() { [[ -n "$SERVER" ]] && kill "$SERVER" 2>/dev/null; wait 2>/dev/null; rm -rf "$DATA"; }
trap cleanup EXIT

echo "== machine: $(nproc) cores, $(uname -srm); binary $BIN; load: $(uptime | sed 's/.*load/load/')"

serve() { # serve DATA_DIR [env...]
  local dir="$1"; shift
  env TRUSTDESK_DATA_DIR="$dir" LOG_LEVEL=error "$@" "$BIN" serve --hostname 127.0.0.1 --port "$PORT" </dev/null >"$dir/server.log" 2>&1 &
  SERVER=$!
  for _ in $(seq 1 150); do curl -fsS -o /dev/null "http://127.0.0.1:$PORT/readyz" 2>/dev/null && return; sleep 0.2; done
  echo "server did not start"; cat "$dir/server.log"; exit 1
}
stop() { kill "$SERVER"; wait "$SERVER" 2>/dev/null || true; SERVER=""; }

if part http; then
echo "== 1. HTTP: summary.json against /healthz (SQLite, wrk -t2 -c64 -d$DURATION, alternating)"
echo "   summary.json is asked with Accept-Encoding: gzip, as Statuspage clients poll it; the plain (identity) rate follows"
mkdir -p "$DATA/page"
TRUSTDESK_DATA_DIR="$DATA/page" "$BIN" bench-status --page-only 2>&1 | grep -v Migrator
serve "$DATA/page"
curl -fsS -o /dev/null "http://127.0.0.1:$PORT/api/v2/summary.json"
echo "summary.json is $(curl -fsS "http://127.0.0.1:$PORT/api/v2/summary.json" | wc -c) bytes, $(curl -fsS -H 'Accept-Encoding: gzip' "http://127.0.0.1:$PORT/api/v2/summary.json" | wc -c) gzipped"
rate() { # rate PATH [wrk args...]
  local path="$1"; shift
  wrk -t2 -c64 -d"$DURATION" "$@" "http://127.0.0.1:$PORT$path" | awk '/Requests\/sec/ {print $2}'
}
for round in 1 2 3; do
  healthz=$(rate /healthz)
  gzip=$(rate /api/v2/summary.json -H 'Accept-Encoding: gzip')
  identity=$(rate /api/v2/summary.json)
  echo "round $round: /healthz $healthz req/s; summary.json gzip $gzip req/s ($(awk -v a="$gzip" -v b="$healthz" 'BEGIN {printf "%.2f", a / b}')x), identity $identity req/s ($(awk -v a="$identity" -v b="$healthz" 'BEGIN {printf "%.2f", a / b}')x); load $(uptime | sed 's/.*average: //')"
done
for encoding in gzip identity; do
  etag=$(curl -fsS -o /dev/null -D - -H "Accept-Encoding: $encoding" "http://127.0.0.1:$PORT/api/v2/summary.json" | awk -F': ' 'tolower($1)=="etag" {print $2}' | tr -d '\r')
  echo "If-None-Match ($encoding, ETag $etag): $(curl -s -o /dev/null -w '%{http_code}' -H "Accept-Encoding: $encoding" -H "If-None-Match: $etag" "http://127.0.0.1:$PORT/api/v2/summary.json")"
done
stop
fi

run_bench() { # run_bench DATA_DIR [env...]
  local dir="$1"; shift
  mkdir -p "$dir"
  env TRUSTDESK_DATA_DIR="$dir" "$@" "$BIN" bench-status --subscribers "$SUBSCRIBERS" --incidents "$INCIDENTS" 2>&1 | grep -v Migrator | tee "$dir/bench.txt"
}

deep_page() { # deep_page DATA_DIR LABEL [env...]: part 3, against the database part 2 filled
  local dir="$1" label="$2"; shift 2
  echo "== 3. HTTP: history deep page at $INCIDENTS incidents ($label, 200 sequential requests)"
  local deep
  deep=$(awk -F'before=' '/deep history page/ {print $2}' "$dir/bench.txt")
  serve "$dir" "$@"
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
}

if part sqlite; then
  echo "== 2. bench-status on SQLite; load: $(uptime | sed 's/.*load/load/')"
  run_bench "$DATA/sqlite"
  deep_page "$DATA/sqlite" SQLite
fi
if part postgres && [[ -n "$PG_URL" ]]; then
  schema="bench_status_$(date +%s)"
  echo "== 2. bench-status on PostgreSQL (schema $schema; drop it when finished); load: $(uptime | sed 's/.*load/load/')"
  run_bench "$DATA/pg" DATABASE_URL="$PG_URL" TRUSTDESK_DATABASE_SCHEMA="$schema"
  deep_page "$DATA/pg" PostgreSQL DATABASE_URL="$PG_URL" TRUSTDESK_DATABASE_SCHEMA="$schema"
fi
