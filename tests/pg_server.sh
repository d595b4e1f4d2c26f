#!/usr/bin/env bash
# A throwaway PostgreSQL server for the store tests, on 127.0.0.1 only.
#
#   eval "$(tests/pg_server.sh start DIR)"   # prints: export PARALLAX_TEST_POSTGRES=postgresql://...
#   tests/pg_server.sh stop DIR
#
# DIR holds the cluster, its log and its socket (default /tmp/parallax-pg). The server trusts
# local connections and never listens off the loopback address: it is for tests, not for data.
# When no PostgreSQL binaries are found and apt-get is available as root, the Debian package is
# installed first (CI on a fresh machine). initdb refuses to run as root, so as root the cluster
# belongs to the `postgres` user the package creates.
set -euo pipefail

action=${1:-start}
dir=$(realpath -m "${2:-/tmp/parallax-pg}")
db=${PARALLAX_TEST_DB:-parallax_test}

find_bindir() {
    local d
    if command -v pg_config >/dev/null 2>&1 && [ -x "$(pg_config --bindir)/initdb" ]; then
        pg_config --bindir
        return
    fi
    for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
        if [ -x "$d/initdb" ]; then
            echo "$d"
            return
        fi
    done
    if command -v initdb >/dev/null 2>&1; then
        dirname "$(readlink -f "$(command -v initdb)")"
    fi
}

bindir=$(find_bindir)
if [ -z "$bindir" ] && [ "$action" = start ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "pg_server.sh: installing PostgreSQL from the Debian packages" >&2
        apt-get update -qq >&2
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
        bindir=$(find_bindir)
    fi
fi
if [ -z "$bindir" ]; then
    echo "pg_server.sh: no PostgreSQL binaries found (apt-get install postgresql)" >&2
    exit 1
fi

# Run as the cluster's owner: ourselves, or `postgres` when we are root.
as_owner() {
    if [ "$(id -u)" = 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

case "$action" in
start)
    mkdir -p "$dir"
    if [ "$(id -u)" = 0 ]; then
        chown postgres: "$dir"
    fi
    if [ ! -f "$dir/data/PG_VERSION" ]; then
        as_owner "$bindir/initdb" -D "$dir/data" -U postgres --auth=trust --encoding=UTF8 \
            --locale=C.UTF-8 >"$dir/initdb.log" 2>&1
    fi
    if [ -f "$dir/port" ] && as_owner "$bindir/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
        port=$(cat "$dir/port")
    else
        port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
        # fsync off: a crashed test server is thrown away, never recovered.
        as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
            -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
            start >&2
        echo "$port" | as_owner tee "$dir/port" >/dev/null
    fi
    if ! as_owner "$bindir/psql" -h 127.0.0.1 -p "$port" -U postgres -d postgres -tAc \
        "SELECT 1 FROM pg_database WHERE datname = '$db'" | grep -q 1; then
        as_owner "$bindir/createdb" -h 127.0.0.1 -p "$port" -U postgres "$db"
    fi
    echo "export PARALLAX_TEST_POSTGRES=postgresql://postgres@127.0.0.1:$port/$db"
    ;;
stop)
    if [ -f "$dir/data/PG_VERSION" ]; then
        as_owner "$bindir/pg_ctl" -D "$dir/data" -m fast -w stop >&2 || true
    fi
    ;;
*)
    echo "usage: $0 start|stop [DIR]" >&2
    exit 2
    ;;
esac
