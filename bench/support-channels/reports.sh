#!/usr/bin/env bash
# SUP-16 reports benchmark (docs/performance.md, "Support channels"). Never part of swift test or CI.
#   bash bench/support-channels/reports.sh [TICKETS]                          SQLite in a fresh folder
#   DATABASE_URL=postgres://... bash bench/support-channels/reports.sh [TICKETS]   PostgreSQL, fresh schema
# To time again on data an earlier run seeded (another binary, A B A B), name it:
#   DATA=/tmp/trustdesk-bench-reports.XXXXXX bash bench/support-channels/reports.sh
#   DATABASE_URL=postgres://... SCHEMA=bench_reports_NNN bash bench/support-channels/reports.sh
# Build with `swift build -c release` first (or set TRUSTDESK_BIN) for representative numbers.
set -euo pipefail
cd "$(dirname "$0")/../.."
tickets="${1:-1000000}"
binary="${TRUSTDESK_BIN:-.build/release/trustdesk}"
[ -x "$binary" ] || binary=".build/debug/trustdesk"
reuse=()
if [ -n "${DATA:-}${SCHEMA:-}" ]; then reuse=(--reuse); fi
data="${DATA:-$(mktemp -d "${TMPDIR:-/tmp}/trustdesk-bench-reports.XXXXXX")}"
schema="${SCHEMA:-bench_reports_$(date +%s)}"
echo "binary $binary, data $data${DATABASE_URL:+, schema $schema}; load: $(uptime)"
TRUSTDESK_DATA_DIR="$data" TRUSTDESK_DATABASE_SCHEMA="$schema" \
  "$binary" bench-support-reports --tickets "$tickets" --samples "${SAMPLES:-100}" "${reuse[@]}" 2>&1 | grep -v Migrator
echo "load after: $(uptime)"
echo "done; remove $data${DATABASE_URL:+ and DROP SCHEMA $schema CASCADE} when finished"
