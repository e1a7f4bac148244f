#!/usr/bin/env bash
# Starts a throwaway PostgreSQL on 127.0.0.1:55432 for the store's PostgreSQL test and prints the URL to use as
# YAODIAN_TEST_DATABASE_URL. Needs Debian's postgresql package and root (the server runs as user postgres).
# Usage: eval "$(scripts/test-postgres.sh start)"; ...; scripts/test-postgres.sh stop
set -euo pipefail
port=${PGPORT_TEST:-55432}
dir=/tmp/yaodian-pg-$port
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
case "${1:-start}" in
  start)
    [ -n "$bin" ] || { echo "echo 'postgresql is not installed: the PostgreSQL store test will be skipped' >&2"; exit 0; }
    rm -rf "$dir" && mkdir -p "$dir" && chown postgres "$dir"
    su postgres -s /bin/sh -c "'$bin/initdb' -D '$dir/data' -A trust -U yaodian -E UTF8 >'$dir/initdb.log' 2>&1"
    su postgres -s /bin/sh -c "'$bin/pg_ctl' -D '$dir/data' -l '$dir/server.log' -w -o \"-p $port -k $dir -c listen_addresses=127.0.0.1\" start >/dev/null"
    su postgres -s /bin/sh -c "'$bin/createdb' -h 127.0.0.1 -p $port -U yaodian yaodian_test"
    echo "export YAODIAN_TEST_DATABASE_URL=postgres://yaodian@127.0.0.1:$port/yaodian_test"
    ;;
  stop)
    [ -d "$dir/data" ] && su postgres -s /bin/sh -c "'$bin/pg_ctl' -D '$dir/data' -m fast stop >/dev/null" || true
    rm -rf "$dir"
    ;;
esac
