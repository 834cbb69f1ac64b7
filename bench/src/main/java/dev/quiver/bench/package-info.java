/**
 * HTTP load generator for the Chroma v2 API: loads seeded random vectors, then measures load throughput, time to
 * queryable, query latency and recall against exact search, against Quiver or the real Chroma server alike.
 */
@NullMarked
package dev.quiver.bench;

import org.jspecify.annotations.NullMarked;
