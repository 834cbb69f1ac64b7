#!/usr/bin/env bash
# Stops a cluster started with start.sh: a fast shutdown (SIGINT to the postmaster: open transactions are rolled
# back, the server writes a checkpoint and exits), waiting until it is gone.
#
# Usage: stop.sh --pid-file FILE | stop.sh DIR
#
#   FILE  the pid file given to start.sh --pid-file (removed once the server is down)
#   DIR   the DIR given to start.sh; the pid is read from DIR/data/postmaster.pid
#
# Environment (optional):
#   PGVECTOR_STOP_TIMEOUT  seconds to wait for the fast shutdown (default 60); after it the postmaster gets SIGQUIT
#                          (immediate shutdown: crash recovery on the next start, no data loss)
set -euo pipefail

die() { echo "pgvector: $*" >&2; exit 1; }
log() { echo "pgvector: $*" >&2; }
readonly USAGE="usage: stop.sh --pid-file FILE | stop.sh DIR"

pid_file=""
case "${1:-}" in
    --pid-file) [[ $# -eq 2 ]] || die "$USAGE"; pid_file="$2" ;;
    ''|-h|--help|-*) die "$USAGE" ;;
    *) [[ $# -eq 1 ]] || die "$USAGE"; pid_file="$1/data/postmaster.pid" ;;
esac

[[ -f "$pid_file" ]] || { log "no pid file $pid_file; nothing to stop"; exit 0; }
pid="$(head -n 1 "$pid_file")"
[[ "$pid" =~ ^[0-9]+$ ]] || die "pid file $pid_file does not hold a pid"

# A pid that is gone, or a zombie whose parent (often init, after pg_ctl exited) has not reaped it yet, is stopped.
running() {
    kill -0 "$pid" 2>/dev/null && [[ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" != Z ]]
}
remove_pid_file() {
    # DIR/data/postmaster.pid belongs to the server, which removes it itself on a clean exit.
    [[ "$pid_file" == */data/postmaster.pid ]] || rm -f "$pid_file"
}

if ! running; then
    log "pid $pid is not running; nothing to stop"
    remove_pid_file
    exit 0
fi
# Guard against a recycled pid: only signal a PostgreSQL postmaster.
if [[ "$(cat "/proc/$pid/comm" 2>/dev/null)" != postgres ]]; then
    die "pid $pid is not a PostgreSQL server; not signalling it (remove $pid_file if stale)"
fi

timeout_s="${PGVECTOR_STOP_TIMEOUT:-60}"
kill -INT "$pid"
deadline=$(( SECONDS + timeout_s ))
while running && (( SECONDS < deadline )); do sleep 0.1; done
if running; then
    log "no fast shutdown within ${timeout_s}s; immediate shutdown (SIGQUIT) of pid $pid"
    kill -QUIT "$pid" 2>/dev/null || true
    deadline=$(( SECONDS + 10 ))
    while running && (( SECONDS < deadline )); do sleep 0.1; done
    running && die "pid $pid is still running after SIGQUIT"
fi
log "PostgreSQL pid $pid stopped"
remove_pid_file
