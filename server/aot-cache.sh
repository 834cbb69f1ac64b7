#!/usr/bin/env bash
# Prepares the ahead-of-time class cache that halves Quiver's start-up on JDK 25 or newer (JEP 483 and 514), and
# prints its path. Usage: server/aot-cache.sh JAVA SERVER_JAR
#
# Most of a restart is the JVM loading and linking the classes of Spring, Tomcat, Flyway and Lucene; the cache holds
# them already parsed and linked. It cannot hold classes from the jars nested in the Spring Boot jar, so the jar is
# extracted first (server/target/aot/quiver-server.jar plus lib/), and the cache is recorded by one training start
# that stops after the application context refreshed, on a throw-away data directory. Both are redone only when the
# jar is newer than the extracted copy. Run the server as: java -XX:AOTCache=<printed path> -jar
# server/target/aot/quiver-server.jar. A cache that does not match the JVM or the jars is ignored with a warning.
set -euo pipefail
java=$1
jar=$2
dir="$(dirname "$jar")/aot"
cache="$dir/quiver.aot"
if [ ! -f "$cache" ] || [ "$jar" -nt "$dir/quiver-server.jar" ]; then
    echo "Preparing the start-up cache (once per build, about half a minute)..." >&2
    rm -rf "$dir"
    "$java" -Djarmode=tools -jar "$jar" extract --destination "$dir" >&2
    # The extracted launcher jar is named after the built one; give it a fixed name.
    extracted="$dir/$(basename "$jar")"
    [ "$extracted" = "$dir/quiver-server.jar" ] || mv "$extracted" "$dir/quiver-server.jar"
    scratch="$(mktemp -d "${TMPDIR:-/tmp}/quiver-aot.XXXXXX")"
    trap 'rm -rf "$scratch"' EXIT
    "$java" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -XX:AOTCacheOutput="$cache" \
        -Dspring.context.exit=onRefresh -jar "$dir/quiver-server.jar" --server.port=0 \
        --quiver.data-dir="$scratch" >"$scratch/training.log" 2>&1 \
        || { tail -n 40 "$scratch/training.log" >&2; echo "server/aot-cache.sh: training start failed" >&2; exit 1; }
    # The recorded start-up must not count as newer than the jar it was made from.
    touch -r "$jar" "$dir/quiver-server.jar"
fi
echo "$cache"
