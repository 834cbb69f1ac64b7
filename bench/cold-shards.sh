#!/usr/bin/env bash
# Many small tenants on one Quiver process (issue #8): 10,000 collections, resident memory while 100 at a time are
# touched and after they close again, and the first-query latency of cold (closed and evicted) 10,000-record
# collections. Starts and stops the standalone server itself, on loopback; see bench/README.md.
#
# Usage: bench/cold-shards.sh [--rebuild] [--collections N] [--records N] [--touch N] [--rounds N] [--large N]
#                             [--large-records N] [--threads N] [--results-dir DIR]
# Environment: JAVA_HOME (optional) selects the JDK, 21 or newer; otherwise `java` on PATH.
case "${1:-}" in -h|--help) sed -n '/^# Usage:/,/^# Environment:/p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2 ;; esac
exec "$(dirname "${BASH_SOURCE[0]}")/main.sh" ColdShardsBench "$@"
