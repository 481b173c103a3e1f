#!/usr/bin/env bash
# Concurrent writes against a fresh `trustdesk serve --demo` (background jobs running), with a
# raw-insert baseline measured in the same run on the same database engine and disk.
#
#   bash bench/load/run.sh [--postgres URL] [--clients 16] [--seconds 60] [--no-baseline] [--out DIR]
#
# SQLite by default (a fresh data folder); --postgres runs the server on that database, in a
# fresh schema. TRUSTDESK_BIN picks the binary (default: a release build, built here).
# Fails on any 5xx, connection error or undeserved 4xx (bench/load/writes.py says which).
# The baseline: one row per transaction into a scratch table, one writer, for SQLite with
# Python's sqlite3 in WAL mode and SQLite's default synchronous=FULL (what the server uses);
# for PostgreSQL with pgbench and as many clients as the load.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT="$(pwd)"
source .ci/lib.sh

PG_URL="" CLIENTS=16 SECONDS_RUN=60 BASELINE=1 OUT=""
while (($#)); do
  case "$1" in
    --postgres) PG_URL="$2"; shift 2 ;;
    --clients) CLIENTS="$2"; shift 2 ;;
    --seconds) SECONDS_RUN="$2"; shift 2 ;;
    --no-baseline) BASELINE=0; shift ;;
    --out) OUT="$2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done

PYTHON="${PYTHON:-$ROOT/e2e/.venv/bin/python}"
[[ -x "$PYTHON" ]] || PYTHON=python3
source bench/load/server.sh
load_setup load
load_server_start load 18700
read -r SID AUTH < <("$PYTHON" -c "import sys; sys.path.insert(0, 'e2e'); import helpers; print(*helpers.parse_demo_credentials(open('$SERVER_LOG').read()))")

baseline_json="null"
if ((BASELINE)); then
  if [[ "$engine" == sqlite ]]; then
    baseline_json="$("$PYTHON" - "$SERVER_DATA_DIR/baseline.sqlite" <<'PY'
import json, sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("PRAGMA journal_mode=WAL")
db.execute("CREATE TABLE rows (id INTEGER PRIMARY KEY, subject TEXT, body TEXT, created_at TEXT)")
n, start = 0, time.time()
while time.time() - start < 10:
    db.execute("BEGIN IMMEDIATE")
    db.execute("INSERT INTO rows (subject, body, created_at) VALUES (?, ?, ?)", (f"row {n}", "x" * 200, "2026-01-01T00:00:00Z"))
    db.execute("COMMIT")
    n += 1
elapsed = time.time() - start
print(json.dumps({"engine": "sqlite", "tool": "python sqlite3, 1 row per transaction, 1 writer", "commits_per_second": round(n / elapsed, 1)}))
PY
)"
  else
    pgbench="$(pg_bin_dir)/pgbench"
    psql "$PG_URL" -q -c "CREATE TABLE IF NOT EXISTS $schema.baseline_rows (id bigserial PRIMARY KEY, subject text, body text, created_at timestamptz)"
    script="$CI_TMP/insert.sql"
    echo "INSERT INTO $schema.baseline_rows (subject, body, created_at) VALUES ('row', repeat('x', 200), now());" >"$script"
    tps="$("$pgbench" -n -c "$CLIENTS" -j 2 -T 10 -f "$script" "$PG_URL" 2>/dev/null | awk '/^tps/ {print $3; exit}')"
    baseline_json="{\"engine\": \"postgres\", \"tool\": \"pgbench, 1 row per transaction, $CLIENTS clients\", \"commits_per_second\": ${tps:-0}}"
  fi
fi

status=0
"$PYTHON" bench/load/writes.py --url "$SERVER_URL" --data-dir "$SERVER_DATA_DIR" --sid "$SID" --token "$AUTH" \
  --service-token "$TOKEN" --clients "$CLIENTS" --seconds "$SECONDS_RUN" --json "$OUT/load-$engine.json" || status=$?

"$PYTHON" - "$OUT/load-$engine.json" "$baseline_json" <<'PY'
import json, sys
load = json.load(open(sys.argv[1]))
baseline = json.loads(sys.argv[2])
print(f"\n{load['clients']} clients, {load['seconds']} s: {load['successful_writes']} writes, "
      f"{load['writes_per_second']}/s, errors {load['errors']}")
for op, row in load["operations"].items():
    print(f"  {op:16} ok {row['ok']:6}  refused {row['refused_as_expected']:4}  errors {row['errors']:3}  "
          f"p50 {row['p50_ms']} ms  p95 {row['p95_ms']} ms  p99 {row['p99_ms']} ms")
if baseline:
    print(f"baseline ({baseline['tool']}): {baseline['commits_per_second']} commits/s; "
          f"TrustDesk writes/s at {load['writes_per_second'] / baseline['commits_per_second']:.4f}x of it")
PY
server_stop "load-$engine"
if grep -q "Fatal error" "$SERVER_LOG"; then echo "the server crashed:"; tail -50 "$SERVER_LOG"; status=1; fi
exit "$status"
