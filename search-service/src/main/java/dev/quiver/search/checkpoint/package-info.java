/**
 * Checkpoints of shards in the object store: uploading committed index files and their manifests, recording them
 * in PostgreSQL, truncating the log they cover, and restoring a shard directory from the newest one.
 */
@NullMarked
package dev.quiver.search.checkpoint;

import org.jspecify.annotations.NullMarked;
