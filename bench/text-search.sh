#!/usr/bin/env bash
# Text search latency on one Quiver process (issue #9): where_document ($contains, $regex) with the trigram index and
# with the scan it replaced, and the Search API's hybrid ranking (rrf of $knn by text and $bm25) beside its parts.
# Starts and stops the standalone server itself, on loopback; see bench/README.md.
#
# Usage: bench/text-search.sh [--rebuild] [--documents N] [--hybrid-documents N] [--vectors-file FILE] [--queries N]
#                             [--where-queries N] [--hybrid true|false] [--embed-only] [--results-dir DIR] [--cache-dir DIR]
# Environment: JAVA_HOME (optional) selects the JDK, 21 or newer; otherwise `java` on PATH.
case "${1:-}" in -h|--help) sed -n '/^# Usage:/,/^# Environment:/p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2 ;; esac
exec "$(dirname "${BASH_SOURCE[0]}")/main.sh" TextSearchBench "$@"
