#!/usr/bin/env bash
# Locust journeys (bench/load/journeys.py) against a fresh `trustdesk serve --demo`, background
# jobs running, with `/healthz` under the same tool, users and spawn rate as the same-run baseline.
#
#   bash bench/load/journeys.sh [--postgres URL] [--users 50] [--rate 10] [--time 3m] [--out DIR]
#
# Locust 2.47.0 runs from its own venv (bench/load/.venv-locust; Debian ships only 2.12.1). The
# generator runs on the same machine as the server: its CPU is taken from the server's.
# TRUSTDESK_BIN picks the binary (default: a release build, built here), LOAD_PORT the first port
# to try (default 18720), LOAD_CLASSES the journeys' user classes (default: all three,
# "Customer Staff Pipeline"; name a subset to find which one slows another). Exits non-zero on
# any failed request.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT="$(pwd)"
source .ci/lib.sh

PG_URL="" USERS=50 RATE=10 TIME=3m OUT=""
while (($#)); do
  case "$1" in
    --postgres) PG_URL="$2"; shift 2 ;;
    --users) USERS="$2"; shift 2 ;;
    --rate) RATE="$2"; shift 2 ;;
    --time) TIME="$2"; shift 2 ;;
    --out) OUT="$2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done

VENV="${LOCUST_VENV:-$ROOT/bench/load/.venv-locust}"
if [[ ! -x "$VENV/bin/locust" ]]; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q "locust==2.47.0" "pyotp==2.9.0"
fi
source bench/load/server.sh
load_setup journeys
load_server_start journeys "${LOAD_PORT:-18720}"
# Acme's account SID and auth token, as the demo prints them (e2e/helpers.py reads them the same way).
read -r SID AUTH < <(python3 - "$SERVER_LOG" <<'PY'
import re, sys
text = re.sub(r"\x1b\[[0-9;]*[A-Za-z]", "", open(sys.argv[1]).read())
print(re.search(r"Account SID:\s*(AC[0-9a-f]{32})", text).group(1), re.search(r"Auth token:\s*([^\s\"'`]+)", text).group(1))
PY
)

run_locust() {  # run_locust NAME USER_CLASSES...
  local name="$1"; shift
  TRUSTDESK_SID="$SID" TRUSTDESK_TOKEN="$AUTH" TRUSTDESK_SERVICE_TOKEN="$TOKEN" \
    "$VENV/bin/locust" -f bench/load/journeys.py --headless -u "$USERS" -r "$RATE" -t "$TIME" \
    --host "$SERVER_URL" --csv "$OUT/$engine-$name" --only-summary --stop-timeout 10 "$@" >"$OUT/$engine-$name.log" 2>&1 || true
}

log "baseline: /healthz, $USERS users, $TIME"
run_locust baseline Baseline
log "journeys: $USERS users, $TIME"
# shellcheck disable=SC2086 # one word per class
run_locust journeys ${LOAD_CLASSES:-Customer Staff Pipeline}
uptime

status=0
python3 - "$OUT/$engine-baseline_stats.csv" "$OUT/$engine-journeys_stats.csv" "$engine" "$USERS" <<'PY' || status=$?
import csv, sys
def rows(path):
    return {r["Name"]: r for r in csv.DictReader(open(path)) if r["Type"] or r["Name"] == "Aggregated"}
base, load, engine, users = rows(sys.argv[1]), rows(sys.argv[2]), sys.argv[3], sys.argv[4]
healthz = float(base["GET /healthz"]["Requests/s"])
print(f"\n{engine}, {users} users. Baseline GET /healthz: {healthz:.1f} req/s, p95 {base['GET /healthz']['95%']} ms")
print(f"{'step':44} {'requests':>8} {'fails':>5} {'req/s':>7} {'p50':>5} {'p95':>5} {'p99':>5}")
failures = 0
for name, r in sorted(load.items(), key=lambda kv: kv[0] == "Aggregated"):
    failures += int(r["Failure Count"]) if name != "Aggregated" else 0
    print(f"{name:44} {r['Request Count']:>8} {r['Failure Count']:>5} {float(r['Requests/s']):>7.1f} {r['50%']:>5} {r['95%']:>5} {r['99%']:>5}")
total = float(load["Aggregated"]["Requests/s"])
print(f"all journey steps together: {total:.1f} req/s = {total / healthz:.2f}x of /healthz's rate in the same run")
sys.exit(1 if failures else 0)
PY
server_stop "journeys-$engine"
if grep -q "Fatal error" "$SERVER_LOG"; then echo "the server crashed:"; tail -50 "$SERVER_LOG"; status=1; fi
exit "$status"
