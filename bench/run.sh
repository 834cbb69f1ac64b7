#!/usr/bin/env bash
# Runs a Quiver benchmark scenario end to end: builds what is missing, starts a throw-away server on loopback, runs
# the load generator against it, then stops the server and deletes its data, whatever happened.
#
# Usage: bench/run.sh SCENARIO [--target quiver|chroma | --url URL] [--rebuild] [benchmark flags...]
#
#   SCENARIO        quickstart
#   --target quiver start Quiver from server/target/quiver-server.jar (default)
#   --target chroma start the real Chroma server with tools/real-chroma/start.sh, for comparison
#   --url URL       use a server that is already running (loopback only); nothing is started or stopped
#   --rebuild       rebuild the jars even if they exist
#   other flags     passed to the benchmark (--vectors, --dim, --space, ...; see bench/README.md)
#
# Environment: JAVA_HOME (optional) selects the JDK; otherwise `java` on PATH. Needs curl.
set -euo pipefail

readonly READY_TIMEOUT_SECONDS=120
readonly QUIVER_STOP_GRACE_SECONDS=10

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

die() { echo "bench/run.sh: $*" >&2; exit 1; }
log() { echo "bench/run.sh: $*" >&2; }
usage() { sed -n '5,13p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2; }

[[ $# -ge 1 && "$1" != -* ]] || usage
scenario="$1"
shift
target=quiver
url=""
rebuild=false
bench_flags=()
while [[ $# -gt 0 ]]; do
    case "$1" in
        --target) [[ $# -ge 2 ]] || usage; target="$2"; shift 2 ;;
        --target=*) target="${1#*=}"; shift ;;
        --url) [[ $# -ge 2 ]] || usage; url="$2"; shift 2 ;;
        --url=*) url="${1#*=}"; shift ;;
        --rebuild) rebuild=true; shift ;;
        -h|--help) usage ;;
        *) bench_flags+=("$1"); shift ;;
    esac
done
[[ "$target" == quiver || "$target" == chroma ]] || die "--target must be quiver or chroma, got '$target'"

java_bin="${JAVA_HOME:+$JAVA_HOME/bin/}java"
command -v "$java_bin" >/dev/null || die "no java: set JAVA_HOME or put java on PATH"
command -v curl >/dev/null || die "curl is not on PATH"

# --- build what is missing ------------------------------------------------------------------------------------------
bench_jar=bench/target/quiver-bench.jar
server_jar=server/target/quiver-server.jar
modules=()
if $rebuild || [[ ! -f "$bench_jar" ]]; then modules+=(bench); fi
if [[ -z "$url" && "$target" == quiver ]] && { $rebuild || [[ ! -f "$server_jar" ]]; }; then modules+=(server); fi
if [[ ${#modules[@]} -gt 0 ]]; then
    log "building $(IFS=,; echo "${modules[*]}")"
    ./mvnw -q -DskipTests -pl "$(IFS=,; echo "${modules[*]}")" -am package
fi

# The benchmark computes exact neighbours with Lucene's SIMD code, which needs the incubator module.
run_bench() {
    "$java_bin" --add-modules jdk.incubator.vector -jar "$bench_jar" "$scenario" "$@" "${bench_flags[@]}"
}

if [[ -n "$url" ]]; then
    run_bench --url "$url"
    exit
fi

# --- start a throw-away server, stopped and deleted on any exit -----------------------------------------------------
work="$(mktemp -d "${TMPDIR:-/tmp}/quiver-bench.XXXXXX")"
data_dir="$work/data"
server_log="$work/server.log"
server_pid=""

stop_server() {
    if [[ "$target" == chroma ]]; then
        [[ -f "$work/chroma.pid" ]] && tools/real-chroma/stop.sh --pid-file "$work/chroma.pid" || true
    elif [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
        kill -TERM "$server_pid" 2>/dev/null || true
        # Give Quiver time to close its shards cleanly, then make sure it is gone.
        for _ in $(seq 1 $(( QUIVER_STOP_GRACE_SECONDS * 10 ))); do
            kill -0 "$server_pid" 2>/dev/null || break
            sleep 0.1
        done
        kill -KILL "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
}
cleanup() {
    local status=$?
    trap - EXIT
    stop_server
    rm -rf "$work"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# A random high port that nothing answers on; a clash with a later listener only fails the start, loudly.
free_port() {
    local port
    for _ in $(seq 1 50); do
        port=$(( 20000 + RANDOM % 40000 ))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            echo "$port"
            return
        fi
    done
    die "no free port found on 127.0.0.1"
}
port="$(free_port)"
server_url="http://127.0.0.1:$port"

if [[ "$target" == chroma ]]; then
    tools/real-chroma/start.sh --background --pid-file "$work/chroma.pid" --log-file "$server_log" "$port" "$data_dir"
    server_pid="$(cat "$work/chroma.pid")"
else
    mkdir -p "$data_dir"
    # As ./quiver starts it: on JDK 25+ from the extracted jar with the start-up class cache (server/aot-cache.sh).
    launch=(-jar "$server_jar")
    java_feature="$("$java_bin" -XshowSettings:properties -version 2>&1 \
        | awk -F'= ' '/java.specification.version/ {print $2}' | cut -d. -f1)"
    if [[ "$java_feature" -ge 25 ]]; then
        launch=(-XX:AOTCache="$(server/aot-cache.sh "$java_bin" "$server_jar")" -jar server/target/aot/quiver-server.jar)
    fi
    log "starting Quiver on $server_url (data $data_dir)"
    "$java_bin" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED "${launch[@]}" \
        --server.port="$port" --quiver.data-dir="$data_dir" >"$server_log" 2>&1 </dev/null &
    server_pid=$!
    deadline=$(( SECONDS + READY_TIMEOUT_SECONDS ))
    until curl -fsS --max-time 2 -o /dev/null "$server_url/api/v2/heartbeat" 2>/dev/null; do
        if ! kill -0 "$server_pid" 2>/dev/null; then
            tail -n 40 "$server_log" >&2 || true
            die "Quiver exited before answering GET /api/v2/heartbeat"
        fi
        if (( SECONDS >= deadline )); then
            tail -n 40 "$server_log" >&2 || true
            die "Quiver did not answer GET /api/v2/heartbeat within ${READY_TIMEOUT_SECONDS}s"
        fi
        sleep 0.2
    done
    log "Quiver is up (pid $server_pid)"
fi

if ! run_bench --url "$server_url" --pid "$server_pid" --data-dir "$data_dir" --label "$target"; then
    log "benchmark failed; last lines of the server log:"
    tail -n 40 "$server_log" >&2 || true
    exit 1
fi
