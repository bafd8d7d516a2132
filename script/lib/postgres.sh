#!/usr/bin/env bash
# script/lib/postgres.sh: a PostgreSQL cluster of the project's own, for the
# production run (script/server --production) and its test, with Debian's
# `postgresql` package (installed by script/bootstrap) and no system service.
#
#   script/lib/postgres.sh start DIR PORT   # prints POSTGRES_* settings
#   script/lib/postgres.sh stop DIR
#
# With MESH_POSTGRES_THROWAWAY=1 (the tests) it does not wait for the disk
# (fsync off): faster, and data that a crash may lose.
#
# The cluster lives in DIR (data, log, socket). It listens on 127.0.0.1:PORT
# and on a unix socket in DIR/run; both ask for a password (SCRAM), except
# the socket for the user who owns the cluster (peer), and the socket's
# folder is that user's alone. The backend signs in as the role `backstage`
# (LOGIN CREATEDB, not a superuser: Backstage creates one database per
# plugin), whose generated password is in DIR/backstage.password (mode 600).
#
# PostgreSQL refuses to run as root. Run as root (as CI and containers do),
# the cluster belongs to the `postgres` system user that Debian's package
# creates, and its commands run through `runuser -u postgres`.
set -euo pipefail

pg_bin() {
  local dir
  dir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
  if [ -z "$dir" ] || [ ! -x "$dir/initdb" ]; then
    echo "PostgreSQL is not installed: run script/bootstrap (Debian's postgresql package)" >&2
    return 1
  fi
  printf '%s' "$dir"
}

# Runs a PostgreSQL command as the cluster's owner (from /, which the
# `postgres` user can always enter).
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    (cd / && runuser -u postgres -- "$@")
  else
    "$@"
  fi
}

postgres_start() {
  local dir="$1" port="$2" bin
  bin="$(pg_bin)"
  mkdir -p "$dir"
  dir="$(cd "$dir" && pwd)"
  local data="$dir/data" run="$dir/run" password_file="$dir/backstage.password"
  if [ "$(id -u)" -eq 0 ]; then
    id postgres >/dev/null 2>&1 || {
      echo "No 'postgres' user to run PostgreSQL as (root may not): install Debian's postgresql package (script/bootstrap)" >&2
      return 1
    }
    chown postgres: "$dir"
    as_owner test -w "$dir" || {
      echo "The postgres user cannot reach $dir (a parent folder is private, such as /root): set MESH_DEMO_DIR to a folder others can enter" >&2
      return 1
    }
  fi
  chmod 700 "$dir"
  if [ ! -f "$data/PG_VERSION" ]; then
    as_owner "$bin/initdb" -D "$data" --auth-local=peer --auth-host=scram-sha-256 \
      --encoding=UTF8 --locale=C.UTF-8 ${MESH_POSTGRES_THROWAWAY:+--no-sync} >"$dir/initdb.log" 2>&1 || {
      cat "$dir/initdb.log" >&2
      return 1
    }
  fi
  as_owner mkdir -p "$run"
  local options="-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories='$run' -c unix_socket_permissions=0700"
  if [ -n "${MESH_POSTGRES_THROWAWAY:-}" ]; then
    options="$options -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
  fi
  if ! as_owner "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
    as_owner "$bin/pg_ctl" -D "$data" -l "$dir/postgres.log" -w -t 60 start -o "$options" \
      >/dev/null || {
      tail -20 "$dir/postgres.log" >&2
      return 1
    }
  fi
  local actual_port
  actual_port="$(as_owner "$bin/psql" -h "$run" -p "$port" -d postgres -XAtc 'show port' 2>/dev/null || true)"
  if [ "$actual_port" != "$port" ]; then
    echo "PostgreSQL in $dir runs, but not on port $port; stop it first: script/lib/postgres.sh stop $dir" >&2
    return 1
  fi
  if [ ! -s "$password_file" ]; then
    (umask 077 && od -An -tx1 -N24 /dev/urandom | tr -d ' \n' >"$password_file")
  fi
  local password
  password="$(cat "$password_file")"
  # The role the backend uses: creates its databases, nothing more. (The
  # password goes through stdin, not the command line others can see.)
  printf '%s\n' \
    "SELECT 'CREATE ROLE backstage LOGIN CREATEDB' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'backstage') \\gexec" \
    "ALTER ROLE backstage PASSWORD '$password';" |
    as_owner "$bin/psql" -h "$run" -p "$port" -d postgres -XAq -v ON_ERROR_STOP=1 >/dev/null
  printf 'POSTGRES_HOST=127.0.0.1\nPOSTGRES_PORT=%s\nPOSTGRES_USER=backstage\nPOSTGRES_PASSWORD=%s\n' \
    "$port" "$password"
}

postgres_stop() {
  local dir="$1" bin
  bin="$(pg_bin)"
  if [ -f "$dir/data/postmaster.pid" ]; then
    as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w -t 60 stop >/dev/null 2>&1 || true
  fi
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  case "${1:-}" in
    start) [ $# -eq 3 ] || { echo "usage: $0 start DIR PORT" >&2; exit 2; }; postgres_start "$2" "$3" ;;
    stop) [ $# -eq 2 ] || { echo "usage: $0 stop DIR" >&2; exit 2; }; postgres_stop "$2" ;;
    *) echo "usage: $0 start DIR PORT | stop DIR" >&2; exit 2 ;;
  esac
fi
