#!/usr/bin/env bash
# Run a command against a throwaway PostgreSQL server: initdb in a temporary folder, start it on a free
# local port (trust authentication, loopback only, fsync off), export DATABASE_URL, run the command, then
# stop the server and delete the folder, whatever the command's outcome.
set -euo pipefail

pg_bin=$(dirname "$(ls -d /usr/lib/postgresql/*/bin/pg_ctl 2>/dev/null | sort -V | tail -n 1)")
[ -x "$pg_bin/pg_ctl" ] || pg_bin=$(dirname "$(command -v pg_ctl)")
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
workdir=$(mktemp -d /tmp/santelocale-pg.XXXXXX)
as_owner=()
if [ "$(id -u)" = "0" ]; then
  # initdb refuses to run as root: the server runs as the postgres system user.
  id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql postgres
  chown postgres "$workdir"
  as_owner=(runuser -u postgres --)
fi

cleanup() {
  "${as_owner[@]}" "$pg_bin/pg_ctl" -D "$workdir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$workdir"
}
trap cleanup EXIT

"${as_owner[@]}" "$pg_bin/initdb" -D "$workdir/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
"${as_owner[@]}" "$pg_bin/pg_ctl" -D "$workdir/data" -l "$workdir/server.log" -w \
  -o "-p $port -k $workdir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
  start >/dev/null
"${as_owner[@]}" "$pg_bin/createdb" -h 127.0.0.1 -p "$port" -U postgres santelocale

export DATABASE_URL="postgres://postgres@127.0.0.1:$port/santelocale"
echo "PostgreSQL jetable : $("$pg_bin/postgres" --version) sur le port $port"
"$@"
