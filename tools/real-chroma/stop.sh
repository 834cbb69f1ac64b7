#!/usr/bin/env bash
# Stops a real Chroma server started with `start.sh --background`.
#
# Usage: stop.sh PORT | stop.sh --pid-file FILE
#
# Once it has served requests the Chroma server ignores SIGTERM and SIGINT, so this sends SIGTERM, waits a short
# grace period (REAL_CHROMA_STOP_GRACE seconds, default 1) and then sends SIGKILL.
set -euo pipefail

script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cache="${REAL_CHROMA_CACHE:-$script_dir/.cache}"
die() { echo "real-chroma: $*" >&2; exit 1; }
log() { echo "real-chroma: $*" >&2; }

pid_file=""
case "${1:-}" in
    --pid-file) [[ $# -eq 2 ]] || die "usage: stop.sh PORT | stop.sh --pid-file FILE"; pid_file="$2" ;;
    ''|-h|--help) die "usage: stop.sh PORT | stop.sh --pid-file FILE" ;;
    *) [[ $# -eq 1 && "$1" =~ ^[0-9]+$ ]] || die "usage: stop.sh PORT | stop.sh --pid-file FILE"
       pid_file="$cache/run/chroma-$1.pid" ;;
esac

[[ -f "$pid_file" ]] || { log "no pid file $pid_file; nothing to stop"; exit 0; }
pid="$(cat "$pid_file")"
[[ "$pid" =~ ^[0-9]+$ ]] || die "pid file $pid_file does not hold a pid"

if ! kill -0 "$pid" 2>/dev/null; then
    log "pid $pid is not running; removing stale $pid_file"
    rm -f "$pid_file"
    exit 0
fi
# Guard against a recycled pid: only signal a process that is our chroma CLI.
if [[ -r "/proc/$pid/cmdline" ]] && ! tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q 'chromadb/dist/cli.mjs run'; then
    die "pid $pid is not a chroma server started by start.sh; not killing it (remove $pid_file if stale)"
fi

grace="${REAL_CHROMA_STOP_GRACE:-1}"
kill -TERM "$pid" 2>/dev/null || true
deadline=$(( $(date +%s%N) + grace * 1000000000 ))
while kill -0 "$pid" 2>/dev/null && (( $(date +%s%N) < deadline )); do sleep 0.1; done
if kill -0 "$pid" 2>/dev/null; then
    kill -KILL "$pid" 2>/dev/null || true
    # Wait (bounded) until it is gone or only a zombie waiting for its parent to reap it.
    for _ in $(seq 1 100); do
        kill -0 "$pid" 2>/dev/null || break
        [[ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" == Z ]] && break
        sleep 0.05
    done
    log "killed chroma pid $pid (SIGKILL)"
else
    log "chroma pid $pid exited after SIGTERM"
fi
rm -f "$pid_file"
