#!/usr/bin/env bash
# Support desk benchmark (docs/performance.md). Never part of `swift test` or CI.
#   bash bench/support.sh [TICKETS] [COMMENTS]            SQLite in a fresh temporary folder
#   DATABASE_URL=postgres://... bash bench/support.sh ...   PostgreSQL, in a fresh schema
# Build with `swift build -c release` first for representative numbers.
set -euo pipefail
cd "$(dirname "$0")/.."
tickets="${1:-1000000}"
comments="${2:-5000000}"
binary=".build/release/trustdesk"
[ -x "$binary" ] || binary=".build/debug/trustdesk"
data="$(mktemp -d "${TMPDIR:-/tmp}/trustdesk-bench.XXXXXX")"
schema="bench_support_$(date +%s)"
echo "binary $binary, data $data${DATABASE_URL:+, schema $schema}"
TRUSTDESK_DATA_DIR="$data" TRUSTDESK_DATABASE_SCHEMA="$schema" \
  "$binary" bench-support --tickets "$tickets" --comments "$comments" 2>&1 | grep -v Migrator
echo "done; remove $data${DATABASE_URL:+ and DROP SCHEMA $schema CASCADE} when finished"
