#!/usr/bin/env bash
# Peak memory of `jumeau ingest` on a large generated EDF (default 2 GB:
# 64 channels × 512 Hz × 32,000 s), measured by GNU time's maximum resident
# set size. Usage: bench/ingest_memory.sh BUILD_DIR [SECONDS]
set -euo pipefail
BUILD=${1:-build}
SECONDS_OF_DATA=${2:-32000}
TMP=${TMPDIR:-/tmp}
EDF=$TMP/jumeau-bench-64ch-512hz-${SECONDS_OF_DATA}s.edf
STORE=$TMP/jumeau-bench-memory.jumeau
[ -f "$EDF" ] || "$BUILD/bench/make_edf" "$EDF" 64 512 "$SECONDS_OF_DATA"
rm -f "$STORE" "$STORE-wal" "$STORE-shm"
"$BUILD/jumeau/cli/jumeau" init "$STORE" >/dev/null
echo "source: $EDF ($(stat -c %s "$EDF") bytes)"
/usr/bin/time -f "elapsed_s=%e max_rss_kb=%M" "$BUILD/jumeau/cli/jumeau" ingest "$STORE" "$EDF" --patient bench
echo "store: $(stat -c %s "$STORE") bytes"
rm -f "$STORE" "$STORE-wal" "$STORE-shm"
