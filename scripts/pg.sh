#!/usr/bin/env bash
# Private PostgreSQL for development and tests: Debian's server binaries, a
# cluster in the git-ignored .data/pg folder, listening on 127.0.0.1 only.
#   scripts/pg.sh start|stop|status|url|createdb NAME
# ZT_PG_PORT (default 54329) chooses the port. As root the server runs as the
# "postgres" system user, because PostgreSQL refuses to run as root.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
port=${ZT_PG_PORT:-54329}
data="$root/.data/pg"

find_bin() {
  local name=$1 dir
  for dir in /usr/lib/postgresql/*/bin; do
    [ -x "$dir/$name" ] && { echo "$dir/$name"; return; }
  done
  command -v "$name" || true
}

as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

ensure_installed() {
  if [ -z "$(find_bin initdb)" ]; then
    echo "pg.sh: PostgreSQL server not found; installing Debian's postgresql package" >&2
    if [ "$(id -u)" != 0 ]; then echo "pg.sh: run as root or install postgresql" >&2; exit 1; fi
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  fi
}

url() { echo "postgres://postgres@127.0.0.1:$port/postgres?sslmode=disable"; }

start() {
  ensure_installed
  local initdb pg_ctl
  initdb=$(find_bin initdb); pg_ctl=$(find_bin pg_ctl)
  mkdir -p "$root/.data"
  if [ ! -s "$data/PG_VERSION" ]; then
    mkdir -p "$data"
    [ "$(id -u)" = 0 ] && chown postgres:postgres "$data"
    as_owner "$initdb" -D "$data" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >/dev/null
  fi
  if as_owner "$pg_ctl" -D "$data" status >/dev/null 2>&1; then url; return; fi
  as_owner "$pg_ctl" -D "$data" -l "$data/server.log" -w -t 60 start \
    -o "-p $port -k $data -c listen_addresses=127.0.0.1 -c fsync=on -c max_connections=300 -c shared_buffers=256MB" >/dev/null
  url
}

stop() {
  local pg_ctl; pg_ctl=$(find_bin pg_ctl)
  [ -s "$data/PG_VERSION" ] || return 0
  as_owner "$pg_ctl" -D "$data" -m fast -w stop >/dev/null 2>&1 || true
}

createdb() {
  local name=$1
  [[ $name =~ ^[a-z_][a-z0-9_]*$ ]] || { echo "pg.sh: bad database name $name" >&2; exit 2; }
  if ! psql "$(url)" -Atqc "SELECT 1 FROM pg_database WHERE datname = '$name'" | grep -q 1; then
    psql "$(url)" -qc "CREATE DATABASE $name" >/dev/null
  fi
}

status() { as_owner "$(find_bin pg_ctl)" -D "$data" status; }

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  url) url ;;
  createdb) createdb "${2:?database name}" ;;
  *) echo "usage: $0 start|stop|status|url|createdb NAME" >&2; exit 2 ;;
esac
