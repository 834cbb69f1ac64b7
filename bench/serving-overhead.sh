#!/usr/bin/env bash
# Quiver's serving overhead (issue #4): the server's CPU per query over HTTP against Lucene's HNSW called in-process
# on the same data, measured so that a busy machine disturbs it little. Starts and stops the standalone server
# itself, on loopback, and keeps its loaded data under bench/target/cache/serving-overhead; see bench/README.md.
#
# Usage: bench/serving-overhead.sh [--rebuild] [--vectors N] [--queries N] [--ef-search N] [--clients 1,8]
#                                  [--rounds N] [--fresh] [--systems quiver,lucene] [--server-jar JAR]
#                                  [--quiver-jvm "FLAGS"]
# Environment: JAVA_HOME (optional) selects the JDK, 21 or newer; otherwise `java` on PATH.
case "${1:-}" in -h|--help) sed -n '/^# Usage:/,/^# Environment:/p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2 ;; esac
exec "$(dirname "${BASH_SOURCE[0]}")/main.sh" ServingOverheadBench "$@"
