#!/usr/bin/env bash
# The issue-4 goal "full ECG analysis of a 24-hour 12-lead record at 500 Hz
# in under 5 s": a 24-hour synthetic ECG at 500 Hz (`jumeau example
# --ecg-minutes 1440 --ecg-rate 500`, two leads; the ecg analysis reads the
# first two leads of a record whatever their number, so ten more leads would
# add storage, not analysis work), ingested into a fresh store, then
# `jumeau analyze --what ecg` (QRS on two leads, beats, rhythm flags) and
# `--what hrv` (5-minute windows), each timed on one core.
# Usage: bench/analyze_24h.sh BUILD_DIR
set -euo pipefail
BUILD=${1:-build}
J="$BUILD/jumeau/cli/jumeau"
WORK=${TMPDIR:-/tmp}/jumeau-bench-ecg24h
mkdir -p "$WORK"
if [ ! -f "$WORK/example/ecg.hea" ]; then
  "$J" example --out "$WORK/example" --ecg-minutes 1440 --ecg-rate 500 > /dev/null
fi
rm -f "$WORK/store.jumeau"*
"$J" init "$WORK/store.jumeau" > /dev/null
run() {  # label, command...
  local label=$1; shift
  /usr/bin/time -f "%e %U %S %M" -o "$WORK/time.txt" taskset -c 0 "$@" > "$WORK/out.txt"
  read -r wall user sys rss < "$WORK/time.txt"
  printf '| %s | %.2f s | %.2f s | %d MB |\n' "$label" "$wall" \
    "$(echo "$user + $sys" | bc)" $((rss / 1024))
}
echo "load: $(uptime | sed 's/.*load average: //')"
echo "| step | wall | CPU | max RSS |"
echo "|---|---|---|---|"
run "ingest ecg.hea (2 x 43.2 M samples, WFDB 212)" "$J" ingest "$WORK/store.jumeau" \
  "$WORK/example/ecg.hea" --patient bench
run "analyze --what ecg" "$J" analyze "$WORK/store.jumeau" bench --what ecg
grep -E "beats" "$WORK/out.txt" | sed 's/^ */  /'
run "analyze --what hrv" "$J" analyze "$WORK/store.jumeau" bench --what hrv
grep -E "windows" "$WORK/out.txt" | sed 's/^ */  /'
"$J" score-beats "$WORK/store.jumeau" bench --reference atr --test ecg/1 | tail -1
