#!/usr/bin/env bash
# Starts a throwaway PostgreSQL 15 cluster with the pgvector extension on loopback, for the benchmark's "pgvector"
# peer. Needs tools/pgvector/install.sh to have run once on the machine.
#
# Usage: start.sh [--background] [--pid-file FILE] [--log-file FILE] PORT DIR
#
#   PORT        TCP port on 127.0.0.1
#   DIR         the cluster's folder (created if missing); the data directory is DIR/data. An existing cluster in
#               DIR is started again as it is (no initdb).
#   --background  start detached, wait until the server accepts connections, then exit 0. Log: --log-file,
#                 default DIR/server.log. Stop with stop.sh.
#   --pid-file    also write the postmaster's pid to FILE (it is always the first line of DIR/data/postmaster.pid)
#   Without --background the server runs in the foreground (exec), so Ctrl-C stops it.
#
# Settings are those of a benchmark on one machine, durable like the other systems: fsync and synchronous_commit
# on, trust authentication on 127.0.0.1 only, no Unix socket (so clusters never clash on a socket path and DIR may
# be long), shared_buffers large enough to hold the data set, maintenance_work_mem 1GB for index builds.
#
# PostgreSQL refuses to run as root: as root, DIR is handed to the user postgres and the server runs as postgres
# (runuser); as any other user it runs as that user.
#
# Environment (all optional):
#   PGVECTOR_SHARED_BUFFERS    shared_buffers (default 1GB)
#   PGVECTOR_START_TIMEOUT     seconds to wait for the server in --background mode (default 60)
set -euo pipefail

readonly PG_MAJOR=15
readonly PG_BIN="/usr/lib/postgresql/$PG_MAJOR/bin"
readonly VECTOR_SO="/usr/lib/postgresql/$PG_MAJOR/lib/vector.so"
script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

die() { echo "pgvector: $*" >&2; exit 1; }
log() { echo "pgvector: $*" >&2; }
usage() { sed -n '5,14p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2; }

# shellcheck source=../lib/start-args.sh
source "$script_dir/../lib/start-args.sh"
parse_start_args "$@"

[[ -x "$PG_BIN/postgres" && -f "$VECTOR_SO" ]] \
    || die "PostgreSQL $PG_MAJOR with pgvector is not installed; run $script_dir/install.sh (as root) first"

if [[ "$(id -u)" == 0 ]]; then
    id postgres >/dev/null 2>&1 || die "running as root but there is no user postgres to run the server as"
    as_server=(runuser -u postgres --)
    server_user=postgres
else
    as_server=()
    server_user="$(id -un)"
fi

mkdir -p "$dir"
dir="$(cd "$dir" && pwd)"
data="$dir/data"
log_file="${log_file:-$dir/server.log}"
mkdir -p "$(dirname "$log_file")"
log_file="$(cd "$(dirname "$log_file")" && pwd)/$(basename "$log_file")"

if [[ "$(id -u)" == 0 ]]; then
    # The server must reach DIR through every parent folder. Temporary folders made by mktemp or Java are mode 700
    # and owned by root; give "others" search permission (not read) on those below the temp root only, and refuse
    # elsewhere rather than open up someone's home folder.
    tmp_root="$(cd "${TMPDIR:-/tmp}" && pwd)"
    for target in "$dir" "$(dirname "$log_file")"; do
        path="$target"
        while [[ "$path" != / ]]; do
            if ! runuser -u postgres -- test -x "$path" 2>/dev/null; then
                if [[ "$path" == "$tmp_root"/* ]]; then
                    chmod o+x "$path"
                else
                    die "user postgres cannot enter $path; choose a DIR under $tmp_root or run: chmod o+x $path"
                fi
            fi
            path="$(dirname "$path")"
        done
    done
    chown postgres: "$dir"
    [[ -e "$log_file" ]] || : >"$log_file"
    chown postgres: "$log_file"
fi

# Something else on the port would make our server fail late with a confusing log; say it now.
if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    die "something already listens on 127.0.0.1:$port; choose another port"
fi

if [[ ! -f "$data/PG_VERSION" ]]; then
    log "creating a cluster in $data (initdb, user $server_user)"
    "${as_server[@]}" "$PG_BIN/initdb" -D "$data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >&2 \
        || die "initdb failed in $data"
    # The extension is created once, in single-user mode, so both modes (foreground exec and background) find it
    # in the database "postgres" without a client.
    echo "CREATE EXTENSION IF NOT EXISTS vector;" \
        | "${as_server[@]}" "$PG_BIN/postgres" --single -D "$data" -j postgres >/dev/null 2>>"$log_file" \
        || { tail -n 30 "$log_file" >&2 || true; die "CREATE EXTENSION vector failed in $data"; }
fi

settings=(
    -c listen_addresses=127.0.0.1 -p "$port" -c unix_socket_directories=
    -c "shared_buffers=${PGVECTOR_SHARED_BUFFERS:-1GB}"
    -c maintenance_work_mem=1GB -c max_parallel_maintenance_workers=1
    -c fsync=on -c synchronous_commit=on
    # A benchmark client holds a pool of connections, one per client thread; the default 100 is plenty.
    -c max_connections=100
)

if ! $background; then
    log "starting PostgreSQL on 127.0.0.1:$port (data $data), foreground"
    exec "${as_server[@]}" "$PG_BIN/postgres" -D "$data" "${settings[@]}"
fi

if [[ -n "$pid_file" ]]; then
    mkdir -p "$(dirname "$pid_file")"
    if [[ -f "$pid_file" ]] && kill -0 "$(cat "$pid_file")" 2>/dev/null; then
        die "already running with pid $(cat "$pid_file") (pid file $pid_file); stop it with stop.sh first"
    fi
fi

log "starting PostgreSQL on 127.0.0.1:$port (data $data, log $log_file)"
# pg_ctl -w returns once the postmaster reports "ready" in postmaster.pid, so connections are accepted after it.
"${as_server[@]}" "$PG_BIN/pg_ctl" -D "$data" -l "$log_file" -w -t "${PGVECTOR_START_TIMEOUT:-60}" \
    -o "$(printf '%q ' "${settings[@]}")" start >&2 \
    || { tail -n 30 "$log_file" >&2 || true; die "PostgreSQL did not start (log $log_file)"; }
pid="$(head -n 1 "$data/postmaster.pid")"
[[ "$pid" =~ ^[0-9]+$ ]] || die "no pid in $data/postmaster.pid"
[[ -z "$pid_file" ]] || echo "$pid" >"$pid_file"
log "PostgreSQL is up on 127.0.0.1:$port (pid $pid${pid_file:+, pid file $pid_file})"
