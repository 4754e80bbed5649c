#!/usr/bin/env bash
# Bits per sample of the whole store for the MIT-BIH records in the shared
# data: `jumeau ingest` of every record (signals, pyramid, annotations and all
# metadata), then the store file's size × 8 / samples, with the share of each
# table from SQLite's dbstat. Usage: bench/store_size.sh BUILD_DIR [DATA_DIR]
set -euo pipefail
BUILD=${1:-build}
DATA=${2:-${JUMEAU_TEST_DATA:-$(dirname "$0")/../../shared/data}}
STORE=${TMPDIR:-/tmp}/jumeau-bench-mitdb.jumeau
rm -f "$STORE" "$STORE-wal" "$STORE-shm"
"$BUILD/jumeau/cli/jumeau" init "$STORE" >/dev/null
"$BUILD/jumeau/cli/jumeau" ingest "$STORE" "$DATA"/wfdb/mitdb/*.hea >/dev/null
SAMPLES=$(sqlite3 "$STORE" "SELECT sum(sample_count) FROM streams")
BYTES=$(stat -c %s "$STORE")
echo "records: $(sqlite3 "$STORE" "SELECT count(*) FROM sources")  samples: $SAMPLES  store bytes: $BYTES"
awk -v b="$BYTES" -v n="$SAMPLES" 'BEGIN { printf "whole store: %.3f bits/sample\n", b * 8 / n }'
sqlite3 "$STORE" "SELECT name, sum(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC" |
  awk -F'|' -v n="$SAMPLES" '{ printf "  %-28s %10d bytes  %.3f bits/sample\n", $1, $2, $2 * 8 / n }'
rm -f "$STORE" "$STORE-wal" "$STORE-shm"
