#!/usr/bin/env bash
# ctest driver of the dashboard's browser test: builds a store from
# `jumeau example` (ingested, analysed, with a cardiovascular twin, and a
# progression twin fitted on four more example histories, and an Epileptor
# brain twin), starts `jumeau serve` on
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
# A progression twin: four more example histories make the cohort of a
# population model of systolic pressure; the example patient is personalised.
# Every example is born in 1958: the peers' birth years are moved (1950, 1954,
# 1962, 1966) so that the cohort differs in the age at which pressure rises
# and the personalised band is not degenerate.
for seed in 2 3 4 5; do
  "$jumeau" example --out "$out/example$seed" --seed $seed --ecg-minutes 1 >/dev/null
  sed -i "s/\"birthDate\": \"1958-/\"birthDate\": \"$((1942 + 4 * seed))-/" "$out/example$seed/history.json"
  "$jumeau" ingest "$store" "$out/example$seed/history.json" --patient "peer$seed" >/dev/null
done
"$jumeau" cohort fit "$store" --model logistic --features 8480-6 --range 8480-6=80:200 \
  --iterations 1000 --out "$out/bp-model.json" >/dev/null
"$jumeau" twin build "$store" example --model progression --from-cohort "$out/bp-model.json" \
  --threshold 8480-6:140 --until 2045 >/dev/null
# A brain twin: the Epileptor hypothesis on a four-region connectome.
mkdir -p "$out/connectome"
printf 'lF 40 30 40\nrF 40 -30 40\nlP -40 30 40\nrP -40 -30 40\n' > "$out/connectome/centres.txt"
printf '0 1 1 1\n1 0 1 1\n1 1 0 1\n1 1 1 0\n' > "$out/connectome/weights.txt"
printf '0 60 60 60\n60 0 60 60\n60 60 0 60\n60 60 60 0\n' > "$out/connectome/tract_lengths.txt"
"$jumeau" twin build "$store" example --model brain --connectome "$out/connectome" \
  --brain-model epileptor --ez lF >/dev/null
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
