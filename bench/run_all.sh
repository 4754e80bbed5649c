#!/usr/bin/env bash
# Runs every benchmark of BENCHMARKS.md in one go: bench/run_all.sh BUILD_DIR.
# Each program prints ours next to the reference measured in the same run.
set -euo pipefail
BUILD=${1:-build}
cd "$(dirname "$0")/.."
for b in edf_bench wfdb_bench codec_bench store_bench ingest_bench fhir_bench vcf_bench \
    device_csv_bench qrs_bench dsp_bench cardio_bench enkf_bench brain_bench progression_bench \
    serve_bench; do
  if [ -x "$BUILD/bench/$b" ]; then
    echo "== $b"
    "$BUILD/bench/$b"
  fi
done
if [ -x bench/compression_compare.sh ]; then
  echo "== compression_compare"
  bench/compression_compare.sh "$BUILD"
fi
echo "== ingest_memory"
bench/ingest_memory.sh "$BUILD"
echo "== ingest_clinical"
bench/ingest_clinical.sh "$BUILD"
echo "== calibration_bench (100 patients, 2 threads, seed 1)"
"$BUILD/bench/calibration_bench" 100 2 1 all
