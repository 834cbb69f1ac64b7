#!/usr/bin/env bash
# Runs one of the benchmark module's programs by its class name, building the server and benchmark jars first if
# they are missing (or always, with --rebuild). The scripts beside it (cold-shards.sh, text-search.sh,
# serving-overhead.sh) name their program and document its flags.
#
# Usage: bench/main.sh CLASS [--rebuild] [FLAGS...]   (CLASS without its package, e.g. ColdShardsBench)
# Environment: JAVA_HOME (optional) selects the JDK, 21 or newer; otherwise `java` on PATH.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

[[ $# -ge 1 ]] || { sed -n '6,7p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2; }
main="$1"
shift
rebuild=false
flags=()
for arg in "$@"; do
    case "$arg" in
        --rebuild) rebuild=true ;;
        *) flags+=("$arg") ;;
    esac
done

java_bin="${JAVA_HOME:+$JAVA_HOME/bin/}java"
command -v "$java_bin" >/dev/null || { echo "bench/main.sh: no java: set JAVA_HOME" >&2; exit 1; }

if $rebuild || [[ ! -f bench/target/quiver-bench.jar || ! -f server/target/quiver-server.jar ]]; then
    echo "bench/main.sh: building the server and benchmark jars" >&2
    ./mvnw -q -DskipTests -pl server,bench -am package
fi

exec "$java_bin" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -cp bench/target/quiver-bench.jar -Dloader.main="dev.quiver.bench.$main" \
    org.springframework.boot.loader.launch.PropertiesLauncher ${flags[@]+"${flags[@]}"}
