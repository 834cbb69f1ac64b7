#!/usr/bin/env bash
# Text search latency on one Quiver process (issue #9): where_document ($contains, $regex) with the trigram index and
# with the scan it replaced, and the Search API's hybrid ranking (rrf of $knn by text and $bm25) beside its parts.
# Starts and stops the standalone server itself, on loopback; see bench/README.md.
#
# Usage: bench/text-search.sh [--rebuild] [--documents N] [--hybrid-documents N] [--vectors-file FILE] [--queries N]
#                             [--where-queries N] [--hybrid true|false] [--results-dir DIR] [--cache-dir DIR]
# Environment: JAVA_HOME (optional) selects the JDK, 21 or newer; otherwise `java` on PATH.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

rebuild=false
flags=()
for arg in "$@"; do
    case "$arg" in
        --rebuild) rebuild=true ;;
        -h|--help) sed -n '6,7p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
        *) flags+=("$arg") ;;
    esac
done

java_bin="${JAVA_HOME:+$JAVA_HOME/bin/}java"
command -v "$java_bin" >/dev/null || { echo "bench/text-search.sh: no java: set JAVA_HOME" >&2; exit 1; }

if $rebuild || [[ ! -f bench/target/quiver-bench.jar || ! -f server/target/quiver-server.jar ]]; then
    echo "bench/text-search.sh: building the server and benchmark jars" >&2
    ./mvnw -q -DskipTests -pl server,bench -am package
fi

exec "$java_bin" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED \
    -cp bench/target/quiver-bench.jar -Dloader.main=dev.quiver.bench.TextSearchBench \
    org.springframework.boot.loader.launch.PropertiesLauncher ${flags[@]+"${flags[@]}"}
