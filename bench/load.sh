#!/usr/bin/env bash
# `make load`: the load test of docs/performance.md. Not in CI.
#
# Sets up a throwaway PostgreSQL database (as .ci/run does, so run it as root on a machine with
# PostgreSQL), loads the demo programme into it, serves it with `alongside serve` on loopback,
# and runs locust headless: LOAD_USERS simulated users (default 50) for LOAD_TIME (default 10m)
# doing the journeys of bench/locustfile.py. Writes var/load/ (LOAD_OUT; locust's CSV files and
# summary.json with p50/p95 per page) and fails if any request failed (locust exits
# non-zero when any request failed).
#
# LOAD_DATABASE_URL points it at an existing database that holds a demo programme instead (as
# `make bench` does with its scale databases): nothing is made, loaded or dropped.
set -euo pipefail
cd "$(dirname "$0")/.."
users="${LOAD_USERS:-50}"
duration="${LOAD_TIME:-10m}"
port="${LOAD_PORT:-8765}"
workers="${LOAD_WORKERS:-4}"
out="${LOAD_OUT:-var/load}"
bin=".venv/bin"

if ! pg_isready -q -h 127.0.0.1 -p 5432; then
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql)" main start
  for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
fi
db="alongside_load_$$"
data="$(mktemp -d)"
server=""
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  if [ -z "${LOAD_DATABASE_URL:-}" ]; then
    su postgres -c "dropdb --if-exists ${db}"
    su postgres -c "psql -q -c 'DROP ROLE IF EXISTS ${db}'"
  fi
  rm -rf "$data"
}
trap cleanup EXIT
export ALONGSIDE_DATA_DIR="$data" ALONGSIDE_ENV=development
if [ -n "${LOAD_DATABASE_URL:-}" ]; then
  export DATABASE_URL="$LOAD_DATABASE_URL"
  echo "== using the demo programme already in ${DATABASE_URL##*/}"
else
  su postgres -c "psql -q -v ON_ERROR_STOP=1 -c \"CREATE ROLE ${db} LOGIN PASSWORD '${db}'\""
  su postgres -c "createdb -O ${db} ${db}"
  export DATABASE_URL="postgres://${db}:${db}@127.0.0.1:5432/${db}"
  echo "== loading the demo programme into PostgreSQL"
  "$bin/alongside" migrate -v0
  "$bin/alongside" demo --no-serve >/dev/null
fi
echo "== alongside serve on 127.0.0.1:${port} (${workers} workers)"
"$bin/alongside" serve --bind "127.0.0.1:${port}" --workers "$workers" >"$data/serve.log" 2>&1 &
server=$!
for _ in $(seq 1 60); do
  curl -fsS -o /dev/null "http://127.0.0.1:${port}/accounts/login/" 2>/dev/null && break; sleep 1
done
curl -fsS -o /dev/null "http://127.0.0.1:${port}/accounts/login/"

echo "== locust: ${users} users for ${duration}"
mkdir -p "$out"
LOAD_SUMMARY="$out/summary.json" "$bin/locust" -f bench/locustfile.py --headless \
  --host "http://127.0.0.1:${port}" --users "$users" --spawn-rate "$(( users < 10 ? users : 10 ))" \
  --run-time "$duration" --csv "$out/locust" --only-summary --stop-timeout 30
