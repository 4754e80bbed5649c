#!/usr/bin/env bash
# End-to-end FHIR and VCF ingest into the store (issue 3), ours and the
# references in the same run, each pinned to one core (taskset -c $CORE),
# wall time and max RSS by GNU time. Prints a markdown table at the end.
# Usage: bench/ingest_clinical.sh BUILD_DIR
#   env: FHIR_COPIES (400: 1,000,400 resources; a folder 4x bigger is made
#   too), VCF_COPIES (100), CORE (0), TMPDIR (/tmp), JUMEAU_TEST_DATA.
# Inputs are generated once under $TMPDIR (about 5.3 GB of FHIR NDJSON and
# 0.2 GB of VCF with the defaults) and kept for later runs; stores are
# fresh for every run and deleted afterwards.
set -euo pipefail
BUILD=$(cd "${1:-build}" && pwd)
cd "$(dirname "$0")/.."
DATA=${JUMEAU_TEST_DATA:-$(cd .. && pwd)/shared/data}
TMP=${TMPDIR:-/tmp}
CORE=${CORE:-0}
FHIR_COPIES=${FHIR_COPIES:-400}
VCF_COPIES=${VCF_COPIES:-100}
JUMEAU=$BUILD/jumeau/cli/jumeau
FHIR_BENCH=$BUILD/bench/fhir_bench
SRC_FHIR=$DATA/fhir/bulk_ndjson_10patients
SRC_VCF=$DATA/vcf/tiny1000G.vcf.gz
STORE=$TMP/jumeau-bench-clinical.jumeau
LOG=$TMP/jumeau-bench-clinical.log
PIN=(taskset -c "$CORE")
: >"$LOG"

[ -x "$JUMEAU" ] || { echo "build $JUMEAU first" >&2; exit 1; }
[ -d "$SRC_FHIR" ] || { echo "missing $SRC_FHIR" >&2; exit 1; }
[ -f "$SRC_VCF" ] || { echo "missing $SRC_VCF" >&2; exit 1; }

load() { uptime | sed 's/.*load average: //'; }

# Inputs, made once.
fhir_folder() {  # COPIES -> folder path
  local dir=$TMP/jumeau-bench-fhir-bulk-$1
  if ! grep -q "^Resources:" "$dir/README.md" 2>/dev/null; then
    rm -rf "$dir"
    python3 bench/make_fhir_bulk.py "$SRC_FHIR" "$dir" "$1" >&2
  fi
  echo "$dir"
}
fhir_resources() { sed -n 's/^Resources: \([0-9]*\) in \([0-9]*\) bytes.*/\1/p' "$1/README.md"; }
fhir_bytes() { sed -n 's/^Resources: \([0-9]*\) in \([0-9]*\) bytes.*/\2/p' "$1/README.md"; }
FHIR_1X=$(fhir_folder "$FHIR_COPIES")
FHIR_4X=$(fhir_folder $((FHIR_COPIES * 4)))
VCF_BIG=$TMP/jumeau-bench-tiny1000G-x$VCF_COPIES.vcf.gz
if [ ! -f "$VCF_BIG" ]; then
  python3 bench/make_vcf_copies.py "$SRC_VCF" "$VCF_COPIES" | bgzip -c >"$VCF_BIG.part"
  mv "$VCF_BIG.part" "$VCF_BIG"
fi
# Like the original, no ##contig lines: bcftools takes the contigs from the
# index when writing BCF (tabix index, as beside tiny1000G.vcf.gz).
[ -f "$VCF_BIG.tbi" ] || tabix -f -p vcf "$VCF_BIG"

# timed NAME CMD...: runs CMD under GNU time, pinned; sets ELAPSED and CPU
# (user + system, s) and RSS_MB; appends the command's output to $LOG.
timed() {
  local name=$1
  shift
  echo "== $name: $*" >>"$LOG"
  /usr/bin/time -o "$TMP/jumeau-bench-clinical.time" -f "%e %U %S %M" "${PIN[@]}" "$@" >>"$LOG" 2>&1
  local user sys rss_kb
  read -r ELAPSED user sys rss_kb <"$TMP/jumeau-bench-clinical.time"
  CPU=$(awk -v u="$user" -v s="$sys" 'BEGIN{printf "%.2f", u + s}')
  RSS_MB=$(awk -v k="$rss_kb" 'BEGIN{printf "%.0f", k/1024}')
  echo "   $name: ${ELAPSED} s wall, $CPU s CPU, max RSS ${RSS_MB} MB" >>"$LOG"
}
fresh_store() {
  rm -f "$STORE" "$STORE-wal" "$STORE-shm"
  "$JUMEAU" init "$STORE" >/dev/null
}
rate() { awk -v n="$1" -v t="$2" 'BEGIN{ if (t <= 0) t = 0.01; r = n / t;
  if (r >= 1e6) printf "%.2f M", r / 1e6; else printf "%.0f k", r / 1e3 }'; }
commas() { echo "$1" | sed ':a;s/\B[0-9]\{3\}\>/,&/;ta'; }

ROWS=()
# row WHAT COUNT: one table line from ELAPSED, CPU and RSS_MB.
row() {
  ROWS+=("| $1 | $ELAPSED | $CPU | $(rate "$2" "$ELAPSED") | $(rate "$2" "$CPU") | $RSS_MB | $(load) |")
}
LOAD_START=$(load)

# 1. FHIR: jumeau ingest of the 1x and 4x folders into a fresh store.
for dir in "$FHIR_1X" "$FHIR_4X"; do
  n=$(fhir_resources "$dir")
  mb=$(( $(fhir_bytes "$dir") / 1000000 ))
  fresh_store
  timed "jumeau ingest $(basename "$dir")" "$JUMEAU" ingest "$STORE" "$dir"
  store_mb=$(( $(stat -c %s "$STORE") / 1000000 ))
  row "FHIR Bulk NDJSON, $(commas "$n") resources ($mb MB): **\`jumeau ingest\`** into a fresh store ($store_mb MB)" "$n"
done
rm -f "$STORE" "$STORE-wal" "$STORE-shm"

# References on the 1x folder's bytes: our reader alone, simdjson alone,
# Python's json, and reading the bytes (cat).
n=$(fhir_resources "$FHIR_1X")
if [ -x "$FHIR_BENCH" ]; then
  for b in BM_FhirReaderFolder BM_SimdjsonFolder; do
    timed "$b" env JUMEAU_BENCH_FHIR_DIR="$FHIR_1X" "$FHIR_BENCH" --benchmark_filter="^$b/"
    what="our reader alone (FhirReader::AddFolder to a counting sink, fhir_bench)"
    [ "$b" = BM_SimdjsonFolder ] && what="simdjson load_many parse alone (no FHIR extraction, fhir_bench)"
    row "$what, same $(commas "$n") resources" "$n"
  done
fi
timed "python json" python3 -c '
import glob, json, sys
n = 0
for f in sorted(glob.glob(sys.argv[1] + "/*.000.ndjson")):
    with open(f, "rb") as fh:
        for line in fh:
            json.loads(line); n += 1
print(n, "resources parsed")' "$FHIR_1X"
row "\`python3\` \`json.loads\` per line (parse alone), same resources" "$n"
timed "cat" sh -c "cat '$FHIR_1X'/*.ndjson >/dev/null"
row "\`cat\` of the same files to /dev/null (reading the bytes)" "$n"

# 2. VCF: jumeau ingest vs bcftools view on the same file.
for vcf in "$SRC_VCF" "$VCF_BIG"; do
  samples=$(bcftools query -l "$vcf" | wc -l)
  variants=$(bcftools view -H "$vcf" 2>/dev/null | wc -l)
  g=$((samples * variants))
  label="$(basename "$vcf"), $(commas "$samples") samples × $(commas "$variants") variants"
  fresh_store
  timed "jumeau ingest $(basename "$vcf")" "$JUMEAU" ingest "$STORE" "$vcf"
  store_mb=$(( $(stat -c %s "$STORE") / 1000000 ))
  row "VCF $label: **\`jumeau ingest\`** into a fresh store ($store_mb MB)" "$g"
  timed "bcftools view $(basename "$vcf")" bcftools view -Ou -o /dev/null "$vcf"
  row "VCF same file: \`bcftools view -Ou -o /dev/null\`" "$g"
done
rm -f "$STORE" "$STORE-wal" "$STORE-shm"

echo "machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p'); pinned to core $CORE"
echo "load average at start: $LOAD_START; at end: $(load)"
echo
echo "Rates are items per second: FHIR resources, or VCF genotypes (samples × variants)."
echo
echo "| what | wall s | CPU s | rate, wall | rate, CPU | max RSS MB | load after (1, 5, 15 min) |"
echo "|---|---|---|---|---|---|---|"
printf '%s\n' "${ROWS[@]}"
echo
echo "(command output: $LOG)"
