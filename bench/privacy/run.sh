#!/usr/bin/env bash
# Privacy benchmarks (docs/performance.md, "Privacy"). Never part of `swift test` or CI.
#   bash bench/privacy/run.sh [TICKETS] [COMMENTS] [USAGE_ROWS] [ACCOUNTS]      SQLite, fresh folder
#   DATABASE_URL=postgres://... bash bench/privacy/run.sh ...                    PostgreSQL, fresh schema
# Build with `swift build -c release` first for representative numbers.
set -euo pipefail
cd "$(dirname "$0")/../.."
binary=".build/release/trustdesk"
[ -x "$binary" ] || binary=".build/debug/trustdesk"
data="$(mktemp -d "${TMPDIR:-/tmp}/trustdesk-bench-privacy.XXXXXX")"
schema="bench_privacy_$(date +%s)"
echo "binary $binary, data $data${DATABASE_URL:+, schema $schema}"
TRUSTDESK_DATA_DIR="$data" TRUSTDESK_DATABASE_SCHEMA="$schema" \
  "$binary" bench-privacy --tickets "${1:-10000}" --comments "${2:-50000}" --usage-rows "${3:-200000}" --accounts "${4:-2000}" 2>&1 | grep -v Migrator
echo "done; remove $data${DATABASE_URL:+ and DROP SCHEMA $schema CASCADE} when finished"
