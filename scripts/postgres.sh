#!/usr/bin/env bash
# A throwaway PostgreSQL server for the test suite: its own cluster in a temp dir, on a free port, trust auth on
# 127.0.0.1, fsync off. Installs PostgreSQL with apt when it is missing and we are root.
#
#   eval "$(scripts/postgres.sh start)"       # prints TEST_POSTGRES_URL=... and TEST_POSTGRES_DIR=...
#   scripts/postgres.sh stop "$TEST_POSTGRES_DIR"
#   scripts/postgres.sh pause "$TEST_POSTGRES_DIR"    # shut the server down, keeping its data (an outage)
#   scripts/postgres.sh resume "$TEST_POSTGRES_DIR"   # start it again, on the same port
#
# And a durable server for `npm run start:cluster`, kept in a directory of your choosing (created on first use;
# fsync on), with a `routing` database:
#   eval "$(scripts/postgres.sh serve DIR PORT)"      # prints DATABASE_URL=...
#   scripts/postgres.sh halt DIR
#
# Progress and errors go to stderr; only the assignments go to stdout.
set -euo pipefail

marker="routing-test-cluster"

# The newest server under /usr/lib/postgresql (Debian, Ubuntu), else whatever is on PATH (Homebrew, Fedora).
find_bindir() {
  local dir
  dir="$(find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -name bin -type d 2>/dev/null | sort -V | tail -n 1)"
  if [ -n "$dir" ] && [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ]; then
    echo "$dir"
  elif command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
    dirname "$(command -v initdb)"
  fi
}

# initdb and pg_ctl refuse to run as root: as root, run them as the postgres user.
as_owner() {
  if [ "$(id -u)" -ne 0 ]; then
    "$@"
  elif command -v runuser >/dev/null 2>&1; then
    runuser -u postgres -- "$@"
  else
    su postgres -s /bin/sh -c "$(printf '%q ' "$@")"
  fi
}

install_postgres() {
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "PostgreSQL not found: installing it with apt-get" >&2
    apt-get update >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends postgresql >&2
    return
  fi
  cat >&2 <<'MSG'
The test suite runs against PostgreSQL too, and no PostgreSQL server binaries (initdb, pg_ctl) were found.
Either install PostgreSQL (Debian/Ubuntu: `sudo apt-get install postgresql`; macOS: `brew install postgresql`),
or point the tests at a server you already have, as a superuser that may create databases:
  TEST_POSTGRES_URL=postgres://user:password@host:5432/postgres npm test
MSG
  exit 1
}

# The server binaries, installed first when missing (as root with apt).
server_bindir() {
  local bindir
  bindir="$(find_bindir)"
  if [ -z "$bindir" ]; then
    install_postgres
    bindir="$(find_bindir)"
    [ -n "$bindir" ] || { echo "PostgreSQL was installed but initdb was not found" >&2; exit 1; }
  fi
  if [ "$(id -u)" -eq 0 ] && ! id postgres >/dev/null 2>&1; then
    echo "running as root, but there is no postgres user to run the server as" >&2
    exit 1
  fi
  echo "$bindir"
}

# A new data directory in DIR/data; extra arguments go to initdb (--no-sync for throwaway servers).
init_data() {
  local bindir="$1" dir="$2"
  shift 2
  [ "$(id -u)" -ne 0 ] || chown -R postgres: "$dir"
  # An ICU en-US default collation where the server supports it (15+), as production servers usually sort text by
  # a language collation: tests then catch a query that relies on SQLite's byte order without saying so.
  local locale_args=(--locale=C --encoding=UTF8)
  if "$bindir/initdb" --help | grep -q -- '--icu-locale'; then
    locale_args+=(--locale-provider=icu --icu-locale=en-US)
  fi
  if ! as_owner "$bindir/initdb" -D "$dir/data" -U postgres --auth=trust "$@" "${locale_args[@]}" \
    >"$dir/initdb.log" 2>&1; then
    # Servers built without ICU: the plain C locale.
    rm -rf "$dir/data"
    as_owner "$bindir/initdb" -D "$dir/data" -U postgres --auth=trust "$@" --locale=C --encoding=UTF8 \
      >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
  fi
}

start() {
  local bindir dir port url attempt
  bindir="$(server_bindir)"
  dir="$(mktemp -d "${TMPDIR:-/tmp}/routing-postgres.XXXXXX")"
  touch "$dir/$marker"
  init_data "$bindir" "$dir" --no-sync

  # A free port can be taken between asking and binding: try a few.
  for attempt in 1 2 3; do
    port="$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")"
    # Kept for `resume`, which starts the server again exactly as here.
    echo "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" \
      >"$dir/server-options"
    if as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start -o "$(cat "$dir/server-options")" \
      >&2; then
      url="postgres://postgres@127.0.0.1:$port/postgres"
      echo "TEST_POSTGRES_URL=$url"
      echo "TEST_POSTGRES_DIR=$dir"
      return
    fi
    echo "PostgreSQL did not start on port $port (attempt $attempt):" >&2
    tail -n 5 "$dir/server.log" >&2 || true
  done
  rm -rf "$dir"
  exit 1
}

check_dir() {
  if [ -z "$2" ] || [ ! -f "$2/$marker" ]; then
    echo "usage: $0 $1 DIR, with the TEST_POSTGRES_DIR that start printed" >&2
    exit 1
  fi
}

# A fast shutdown: PostgreSQL ends every session (SQLSTATE 57P01) and refuses new connections until resumed.
pause() {
  check_dir pause "${1:-}"
  as_owner "$(find_bindir)/pg_ctl" -D "$1/data" -m fast -w stop >&2
}

resume() {
  check_dir resume "${1:-}"
  as_owner "$(find_bindir)/pg_ctl" -D "$1/data" -l "$1/server.log" -w -t 60 start -o "$(cat "$1/server-options")" >&2
}

stop() {
  local dir="${1:-}" bindir
  check_dir stop "$dir"
  bindir="$(find_bindir)"
  if [ -f "$dir/data/postmaster.pid" ] && [ -n "$bindir" ]; then
    as_owner "$bindir/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$dir"
}

durable_marker="routing-local-server"

serve() {
  local dir="${1:-}" port="${2:-}" bindir
  if [ -z "$dir" ] || [ -z "$port" ]; then
    echo "usage: $0 serve DIR PORT" >&2
    exit 1
  fi
  bindir="$(server_bindir)"
  mkdir -p "$dir"
  dir="$(cd "$dir" && pwd)"
  if [ ! -f "$dir/data/PG_VERSION" ]; then
    echo "Creating a PostgreSQL server in $dir (kept across starts)" >&2
    touch "$dir/$durable_marker"
    init_data "$bindir" "$dir"
  fi
  echo "-p $port -k $dir -c listen_addresses=127.0.0.1" >"$dir/server-options"
  if ! as_owner "$bindir/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
    as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start -o "$(cat "$dir/server-options")" >&2
  fi
  local exists
  exists="$("$bindir/psql" -h 127.0.0.1 -p "$port" -U postgres -d postgres -tAc \
    "select 1 from pg_database where datname = 'routing'")"
  [ "$exists" = "1" ] || "$bindir/psql" -h 127.0.0.1 -p "$port" -U postgres -d postgres -qc 'create database routing' >&2
  echo "DATABASE_URL=postgres://postgres@127.0.0.1:$port/routing"
}

halt() {
  local dir="${1:-}"
  if [ -z "$dir" ] || [ ! -f "$dir/$durable_marker" ]; then
    echo "usage: $0 halt DIR, with the DIR given to serve" >&2
    exit 1
  fi
  as_owner "$(find_bindir)/pg_ctl" -D "$dir/data" -m fast -w stop >&2
}

case "${1:-}" in
  start) start ;;
  stop) stop "${2:-}" ;;
  pause) pause "${2:-}" ;;
  resume) resume "${2:-}" ;;
  serve) serve "${2:-}" "${3:-}" ;;
  halt) halt "${2:-}" ;;
  *)
    echo "usage: $0 start | $0 stop DIR | $0 pause DIR | $0 resume DIR | $0 serve DIR PORT | $0 halt DIR" >&2
    exit 1
    ;;
esac
