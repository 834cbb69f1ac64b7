#!/usr/bin/env bash
# Runs a benchmark scenario against Quiver and its peers on the same data in one run, and writes a table, JSON and
# a PNG chart under bench/results/. The benchmark starts and stops every system itself, on loopback, one at a time.
#
# Usage: bench/run.sh SCENARIO [--rebuild] [benchmark flags...]
#
#   SCENARIO    quickstart | clustered-128 | clustered-768 | text-minilm   (see bench/README.md)
#   --rebuild   rebuild the jars even if they exist
#   flags       passed to the benchmark: --systems quiver,chroma,pgvector,lucene --vectors N --ef-search LIST ...
#
# Peers: the real Chroma server comes from npm through tools/real-chroma (needs node and npm); pgvector needs
# PostgreSQL 15 and the extension, which tools/pgvector/install.sh installs once (apt-get, as root). A peer that
# cannot start is reported as skipped with the reason, never dropped silently.
# Environment: JAVA_HOME (optional) selects the JDK, 21 or newer; otherwise `java` on PATH. BENCH_JVM_OPTS
# (optional) adds flags to the benchmark's own JVM, e.g. "-Xmx14g" for 1M x 768, whose request bodies are encoded
# before the clock starts.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

die() { echo "bench/run.sh: $*" >&2; exit 1; }
log() { echo "bench/run.sh: $*" >&2; }
usage() { sed -n '5,9p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2; }

[[ $# -ge 1 && "$1" != -* ]] || usage
scenario="$1"
shift
rebuild=false
systems="quiver,chroma,pgvector,lucene"
bench_flags=()
while [[ $# -gt 0 ]]; do
    case "$1" in
        --rebuild) rebuild=true; shift ;;
        --systems) [[ $# -ge 2 ]] || usage; systems="$2"; bench_flags+=("$1" "$2"); shift 2 ;;
        --systems=*) systems="${1#*=}"; bench_flags+=("$1"); shift ;;
        -h|--help) usage ;;
        *) bench_flags+=("$1"); shift ;;
    esac
done

java_bin="${JAVA_HOME:+$JAVA_HOME/bin/}java"
command -v "$java_bin" >/dev/null || die "no java: set JAVA_HOME or put java on PATH"

bench_jar=bench/target/quiver-bench.jar
server_jar=server/target/quiver-server.jar
if $rebuild || [[ ! -f "$bench_jar" || ! -f "$server_jar" ]]; then
    log "building the server and benchmark jars"
    ./mvnw -q -DskipTests -pl server,bench -am package
fi

# Installing needs root and apt; when it cannot, the benchmark reports pgvector as skipped with the reason.
if [[ ",$systems," == *",pgvector,"* ]] && ! tools/pgvector/install.sh --check >/dev/null 2>&1; then
    log "pgvector is not installed; trying tools/pgvector/install.sh"
    tools/pgvector/install.sh || log "pgvector could not be installed; it will be reported as skipped"
fi

# Exact search and the in-process Lucene peer use Lucene's SIMD code, which needs the incubator module.
# shellcheck disable=SC2086 # BENCH_JVM_OPTS holds several flags, split on spaces
exec "$java_bin" ${BENCH_JVM_OPTS:-} --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED \
    -jar "$bench_jar" "$scenario" "${bench_flags[@]}"
