#!/usr/bin/env bash
# ctest driver of the dashboard's browser test: builds a store from
# `jumeau example` (ingested, analysed, with a twin), starts `jumeau serve` on
# a free loopback port, runs dashboard_test.mjs in headless chromium, stops
# the server. Skips (exit 77) when node, chromium or web/node_modules is
# absent, except under CI=true where that fails.
# Usage: run_dashboard_test.sh JUMEAU_BINARY SOURCE_DIR OUT_DIR
set -uo pipefail
jumeau=$1 src=$2 out=$3
skip() {
  echo "dashboard test skipped: $1"
  if [ "${CI:-}" = "true" ]; then echo "CI=true: failing instead"; exit 1; fi
  exit 77
}
command -v node >/dev/null || skip "node is not installed (scripts/install-deps)"
chromium=${CHROMIUM:-/usr/bin/chromium}
[ -x "$chromium" ] || skip "$chromium is not installed (scripts/install-deps)"
[ -d "$src/web/node_modules/playwright-core" ] || skip "web/node_modules is missing (run: npm ci --prefix web)"

rm -rf "$out" && mkdir -p "$out"
store="$out/patient.jumeau"
set -e
"$jumeau" example --out "$out/example" >/dev/null
"$jumeau" init "$store" >/dev/null
"$jumeau" ingest "$store" "$out/example/ecg.hea" "$out/example/eeg.edf" \
  "$out/example/history.json" --patient example >/dev/null
"$jumeau" analyze "$store" example >/dev/null
"$jumeau" twin build "$store" example >/dev/null
token=$("$jumeau" token create "$store" --role clinician --label dashboard-test | sed -n 's/^token [0-9]* (clinician): //p')
set +e
"$jumeau" serve "$store" --port 0 --web "$src/web" > "$out/serve.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null' EXIT
url=""
for _ in $(seq 1 100); do
  url=$(sed -n 's|^jumeau: serving .* on \(http://[0-9.]*:[0-9]*\)/.*|\1|p' "$out/serve.log")
  [ -n "$url" ] && break
  sleep 0.1
done
[ -n "$url" ] || { echo "server did not start:"; cat "$out/serve.log"; exit 1; }
echo "dashboard test against $url (screenshots in $out)"
node "$src/tests/web/dashboard_test.mjs" "$url" "$token" "$out/screenshots" "$src/web"
status=$?
"$jumeau" audit "$store" --limit 5
exit $status
