#!/usr/bin/env bash
# Browser tests: start the whole product (embedded ledger, fresh database and
# data folder, demo data) and drive it with headless Chromium through
# playwright-core. Screenshots land in test-artifacts/screenshots/.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
port=${ZT_BROWSER_TEST_PORT:-18080}
db=zt_browser_test
data=$(mktemp -d /tmp/zonetrace-browser.XXXXXX)
log="$root/test-artifacts/browser-server.log"
mkdir -p test-artifacts/screenshots

url=$(scripts/pg.sh start)
psql "$url" -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db" >/dev/null
dburl=${url/\/postgres\?//$db?}

# National messages are dropped into a folder of the data directory, as
# into a Single Window client's import folder; the trade platform's basic
# data arrives in another, which the basic data test fills.
mkdir -p "$data/basic-data"
bin/zonetrace run --data "$data" --db "$dburl" --listen "127.0.0.1:$port" --demo \
  --customs-outbox-dir "$data/customs-outbox" --customs-area 2305 --customs-sysid Z8 \
  --basic-data-dir "$data/basic-data" >"$log" 2>&1 &
server=$!
cleanup() {
  kill "$server" 2>/dev/null || true
  wait "$server" 2>/dev/null || true
  rm -rf "$data"
}
trap cleanup EXIT

for _ in $(seq 1 120); do
  # The node serves HTTPS only, with a certificate of its data folder's dev
  # TLS CA.
  if grep -q "is running at https://" "$log" && curl -fsS --cacert "$data/tls/ca/cert.pem" "https://127.0.0.1:$port/readyz" >/dev/null 2>&1; then
    break
  fi
  kill -0 "$server" 2>/dev/null || { echo "browser-test: server exited"; cat "$log"; exit 1; }
  sleep 0.5
done

cd web
# ZT_E2E picks test files (relative to web/), e.g. ZT_E2E=e2e/alerts.e2e.mjs.
if [ -n "${ZT_E2E:-}" ]; then
  # shellcheck disable=SC2086 # a list of files
  ZT_URL="https://127.0.0.1:$port" ZT_BASIC_DATA_DIR="$data/basic-data" node --test $ZT_E2E
else
  ZT_URL="https://127.0.0.1:$port" ZT_BASIC_DATA_DIR="$data/basic-data" npm run --silent test:e2e
fi
