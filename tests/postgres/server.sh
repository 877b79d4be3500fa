#!/usr/bin/env bash
# A throw-away PostgreSQL server for the test suite: Debian's `postgresql` package (installed
# here when running as root and missing), a fresh cluster in a temporary folder, trust
# authentication on 127.0.0.1 only. Prints the URL to use as TEST_DATABASE_URL.
#   tests/postgres/server.sh start   # idempotent
#   tests/postgres/server.sh stop
set -euo pipefail
# Below Linux's ephemeral range (32768-60999), so that no client socket of the suite holds it.
PORT="${PG_TEST_PORT:-25432}"
DATA="${PG_TEST_DATA:-/tmp/committee-pg-$(id -u)-$PORT}"  # per user: /tmp is shared
URL="postgresql://postgres@127.0.0.1:$PORT/postgres"

bin_dir() {
    local found
    found=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
    if [ -z "$found" ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        echo "postgres: installing Debian's postgresql for the test suite" >&2
        apt-get update -qq >&2
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
        found=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
    fi
    [ -n "$found" ] || { echo "postgres: no PostgreSQL server on this machine" >&2; exit 1; }
    echo "$found"
}

# The server refuses to run as root: run it as the package's postgres user then.
as_owner() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "${1:-start}" in
start)
    BIN=$(bin_dir)
    if [ ! -s "$DATA/PG_VERSION" ]; then
        mkdir -p "$DATA"
        [ "$(id -u)" = 0 ] && chown postgres: "$DATA"
        as_owner "$BIN/initdb" -D "$DATA" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
    fi
    if ! as_owner "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; then
        # Durability is not wanted for a throw-away server: it only slows the suite down.
        if ! as_owner "$BIN/pg_ctl" -D "$DATA" -w -t 60 -l "$DATA/server.log" start -o \
            "-h 127.0.0.1 -p $PORT -k $DATA -c fsync=off -c synchronous_commit=off \
             -c full_page_writes=off -c max_connections=300" >/dev/null; then
            echo "postgres: the server did not start; its log ends:" >&2
            tail -5 "$DATA/server.log" >&2
            exit 1
        fi
    fi
    echo "$URL"
    ;;
stop)
    BIN=$(bin_dir)
    as_owner "$BIN/pg_ctl" -D "$DATA" -w stop -m fast >/dev/null 2>&1 || true
    ;;
*)
    echo "usage: $0 start|stop" >&2; exit 2
    ;;
esac
