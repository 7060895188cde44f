#!/usr/bin/env bash
# Starts throwaway PostgreSQL and Redis servers for the test suites (from Debian's packages) and
# prints the variables that point the tests at them. Used by .ci/run; developers run it too:
#   eval "$(scripts/start-test-services.sh)" && npm test
set -euo pipefail

PG_PORT=${FMS_TEST_PG_PORT:-55432}
REDIS_PORT=${FMS_TEST_REDIS_PORT:-56379}
STATE=${FMS_TEST_STATE:-/tmp/fms-test-services}
mkdir -p "$STATE"

pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [ -z "$pg_bin" ]; then
  echo "PostgreSQL is not installed: apt-get install postgresql" >&2
  exit 1
fi

if ! "$pg_bin/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT"; then
  rm -rf "$STATE/pg"
  mkdir -p "$STATE/pg"
  chown -R postgres:postgres "$STATE/pg" 2>/dev/null || true
  as_pg() { if [ "$(id -u)" = 0 ]; then su postgres -s /bin/sh -c "$*"; else sh -c "$*"; fi; }
  as_pg "$pg_bin/initdb -D $STATE/pg/data -A trust -U postgres --no-sync >$STATE/pg/initdb.log 2>&1"
  # random_page_cost as docs/operators.md recommends for SSDs (PostgreSQL's 4 models spinning
  # disks): the plan test (test/query-plans.test.ts) and the bench see the plans a deployment sees.
  as_pg "$pg_bin/pg_ctl -D $STATE/pg/data -l $STATE/pg/server.log -w -o \"-p $PG_PORT -k $STATE/pg -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300 -c random_page_cost=1.1\" start >/dev/null"
fi

if ! redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1; then
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --daemonize yes --save '' --appendonly no \
    --logfile "$STATE/redis.log" --dir "$STATE" >/dev/null
  for _ in $(seq 1 50); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
fi

echo "export FMS_TEST_POSTGRES_URL=postgres://postgres@127.0.0.1:$PG_PORT/postgres"
echo "export FMS_TEST_REDIS_URL=redis://127.0.0.1:$REDIS_PORT"
