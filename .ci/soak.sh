#!/usr/bin/env bash
# kill -9 soak (issue 15): 3 nodes on one PostgreSQL and 1 on SQLite under mixed writes, a random
# node SIGKILLed every 20-40 s and restarted, then `.ci/soak/check.py` on what happened, then the
# checker's own test (it must fail on doctored logs), on this run and on a synthetic one.
#
#   bash .ci/soak.sh postgres://postgres@127.0.0.1:5432/db          # 3 minutes (CI)
#   SOAK_MINUTES=15 bash .ci/soak.sh postgres://...                  # the long run, by hand
#
# The database must exist; the soak uses a fresh schema in it. TRUSTDESK_BIN defaults to the
# debug build, PYTHON to the e2e venv (requests, pytest). SOAK_OUT keeps the run directory
# (logs, JSON lines, database exports) somewhere else than a temporary one. SOAK_PORT_BASE
# (default 18300) is the first of the five ports it uses (SMTP sink and four nodes). SOAK_MINUTES
# is a whole number. Loopback only.
set -euo pipefail
cd "$(dirname "$0")/.."

DB_URL="${1:?usage: soak.sh DATABASE_URL}"
TRUSTDESK_BIN="${TRUSTDESK_BIN:-$(swift build --show-bin-path)/trustdesk}"
PYTHON="${PYTHON:-e2e/.venv/bin/python}"
MINUTES="${SOAK_MINUTES:-3}"
OUT="${SOAK_OUT:-$(mktemp -d /tmp/trustdesk-soak.XXXXXX)}"
mkdir -p "$OUT"

echo "[soak] $MINUTES min, binary $TRUSTDESK_BIN, run directory $OUT"
rc=0
timeout $((MINUTES * 60 + 600)) "$PYTHON" .ci/soak/soak.py --bin "$TRUSTDESK_BIN" --pg-url "$DB_URL" --minutes "$MINUTES" --out "$OUT" || rc=$?
if ((rc != 0)); then
  echo "[soak] the soak itself failed (exit $rc); last lines of each node's log:"
  for log in "$OUT"/*.log; do echo "----- $log"; tail -n 30 "$log"; done
  exit "$rc"
fi
"$PYTHON" .ci/soak/check.py "$OUT" || rc=$?
SOAK_RUN_DIR="$OUT" "$PYTHON" -m pytest -q -p no:cacheprovider .ci/soak/test_check.py || rc=$?
if ((rc != 0)); then
  echo "[soak] FAILED; the run directory is kept: $OUT"
  exit "$rc"
fi
[[ -n "${SOAK_OUT:-}" ]] || rm -rf "$OUT"
