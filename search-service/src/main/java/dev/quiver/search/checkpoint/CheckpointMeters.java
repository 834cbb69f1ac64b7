package dev.quiver.search.checkpoint;

import static java.util.Objects.requireNonNull;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;

/**
 * The checkpoint meters of a node, built once and shared by every shard.
 *
 * @param taken    checkpoints recorded
 * @param failures checkpoints or truncations that failed and will be tried again
 * @param duration the time of each recorded checkpoint, from the snapshot to the PostgreSQL row
 * @param uploaded bytes of index files uploaded (files already in the store are not counted again)
 */
public record CheckpointMeters(Counter taken, Counter failures, Timer duration, Counter uploaded) {

    public CheckpointMeters {
        requireNonNull(taken, "taken is null");
        requireNonNull(failures, "failures is null");
        requireNonNull(duration, "duration is null");
        requireNonNull(uploaded, "uploaded is null");
    }
}
