#!/usr/bin/env bash
# Many small tenants on one Quiver process (issue #8): 10,000 collections, resident memory while 100 at a time are
# touched and after they close again, and the first-query latency of cold (closed and evicted) 10,000-record
# collections. Starts and stops the standalone server itself, on loopback; see bench/README.md.
#
# Usage: bench/cold-shards.sh [--rebuild] [--collections N] [--records N] [--touch N] [--rounds N] [--large N]
#                             [--large-records N] [--threads N] [--results-dir DIR]
# Environment: JAVA_HOME (optional) selects the JDK, 21 or newer; otherwise `java` on PATH.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

rebuild=false
flags=()
for arg in "$@"; do
    case "$arg" in
        --rebuild) rebuild=true ;;
        -h|--help) sed -n '6,8p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
        *) flags+=("$arg") ;;
    esac
done

java_bin="${JAVA_HOME:+$JAVA_HOME/bin/}java"
command -v "$java_bin" >/dev/null || { echo "bench/cold-shards.sh: no java: set JAVA_HOME" >&2; exit 1; }

if $rebuild || [[ ! -f bench/target/quiver-bench.jar || ! -f server/target/quiver-server.jar ]]; then
    echo "bench/cold-shards.sh: building the server and benchmark jars" >&2
    ./mvnw -q -DskipTests -pl server,bench -am package
fi

exec "$java_bin" -cp bench/target/quiver-bench.jar -Dloader.main=dev.quiver.bench.ColdShardsBench \
    org.springframework.boot.loader.launch.PropertiesLauncher ${flags[@]+"${flags[@]}"}
