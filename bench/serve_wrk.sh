#!/usr/bin/env bash
# `jumeau serve` under wrk on loopback: window queries of the example ECG at
# screen resolution (2,000 points), random windows from 10 s to the whole
# recording, every request authenticated and audited. Prints wrk's latency
# distribution, the server's RSS sampled over the run and the server's CPU
# time per request (user + system, from /proc: a figure that holds on a busy
# machine, where requests/s depend on what else runs).
# Usage: bench/serve_wrk.sh BUILD_DIR [DURATION_S=30] [CONNECTIONS=8] [THREADS=8]
# STORE=FILE PATIENT=P: windows over every stream of P in that store instead
# of the example's MLII (a token is added to the store: give a scratch copy),
# e.g. the 24-hour 12-lead record store_bench leaves in $TMPDIR, whose 518 M
# samples far exceed the server's decoded-chunk cache.
set -euo pipefail
BUILD=${1:-build}
DURATION=${2:-30}
CONNECTIONS=${3:-8}
SERVER_THREADS=${4:-8}
POINTS=${POINTS:-2000}
cd "$(dirname "$0")/.."
JUMEAU="$BUILD/jumeau/cli/jumeau"
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)"; exit 1; }
work=$(mktemp -d)
trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT
PATIENT=${PATIENT:-example}
if [ -n "${STORE:-}" ]; then
  store=$STORE
else
  store=$work/p.jumeau
  "$JUMEAU" example --out "$work/example" >/dev/null
  "$JUMEAU" init "$store" >/dev/null
  "$JUMEAU" ingest "$store" "$work/example/ecg.hea" "$work/example/eeg.edf" \
    "$work/example/history.json" --patient example >/dev/null
fi
token=$("$JUMEAU" token create "$store" --role clinician --label bench |
        sed -n 's/^token [0-9]* (clinician): //p')
"$JUMEAU" serve "$store" --port 0 --threads "$SERVER_THREADS" > "$work/serve.log" 2>&1 &
server=$!
url=""
for _ in $(seq 1 100); do
  url=$(sed -n 's|^jumeau: serving .* on \(http://[0-9.]*:[0-9]*\)/.*|\1|p' "$work/serve.log")
  [ -n "$url" ] && break
  sleep 0.1
done
[ -n "$url" ] || { cat "$work/serve.log"; exit 1; }
if [ -n "${STORE:-}" ]; then
  streams=$(curl -s -H "Authorization: Bearer $token" "$url/api/v1/patients/$PATIENT/streams")
else
  streams="{\"items\": [$(curl -s -H "Authorization: Bearer $token" "$url/api/v1/patients/example/streams/MLII")]}"
fi
# 1,000 random windows (seeded) of a random stream, 10 s .. the whole stream,
# $POINTS points each (default 2,000).
python3 - "$streams" "$POINTS" "$PATIENT" > "$work/paths.lua" <<'PY'
import json, random, sys
streams = json.loads(sys.argv[1])["items"]
points, patient = int(sys.argv[2]), sys.argv[3]
rng = random.Random(1)
print("paths = {")
for _ in range(1000):
    s = rng.choice(streams) if len(streams) > 1 else streams[0]
    start, end = int(round(s["start_s"] * 1e9)), int(round(s["end_s"] * 1e9))
    length = int(10e9 * ((end - start) / 10e9) ** rng.random())
    a = rng.randint(start, max(start, end - length))
    print(f'  "/api/v1/patients/{patient}/streams/{s["id"]}/window?from={a}&to={a + length}&points={points}",')
print("}")
PY
cat >> "$work/paths.lua" <<LUA
local i = 0
request = function()
  i = i % #paths + 1
  return wrk.format("GET", paths[i], { ["Authorization"] = "Bearer $token" })
end
LUA
rss() { awk '/VmRSS/ {print $2}' "/proc/$server/status"; }
# utime + stime of the server process, in clock ticks.
cpu_ticks() { sed 's/^.*) //' "/proc/$server/stat" | awk '{print $12 + $13}'; }
echo "server $url, $SERVER_THREADS worker threads; wrk -t2 -c$CONNECTIONS -d${DURATION}s"
echo "RSS before: $(rss) kB"
( for _ in $(seq 1 $((DURATION / 5))); do sleep 5; echo "RSS $(date +%T): $(rss) kB"; done ) &
sampler=$!
ticks_before=$(cpu_ticks)
wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency -s "$work/paths.lua" "$url" |
  tee "$work/wrk.out"
ticks_after=$(cpu_ticks)
wait $sampler || true
requests=$(sed -n 's/^ *\([0-9]*\) requests in.*/\1/p' "$work/wrk.out")
awk -v t=$((ticks_after - ticks_before)) -v hz="$(getconf CLK_TCK)" -v n="$requests" \
  'BEGIN { if (n > 0) printf "server CPU: %.1f s for %d requests, %.0f us a request\n", t / hz, n, 1e6 * t / hz / n }'
echo "RSS after: $(rss) kB"
kill -TERM $server && wait $server || true   # stops and flushes the audit trail
audited=$("$JUMEAU" audit "$store" --limit 100000000 --json | grep -c '"action"' || true)
echo "audit entries written: $audited"
