/**
 * Open shards, the appliers that bring them up to the log, and reads at a log position.
 */
@NullMarked
package dev.quiver.search.shard;

import org.jspecify.annotations.NullMarked;
