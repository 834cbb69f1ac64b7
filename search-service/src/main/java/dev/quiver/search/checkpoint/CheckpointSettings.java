package dev.quiver.search.checkpoint;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * How shards are checkpointed and their logs truncated.
 *
 * @param logRetention how far back the log and checkpoints are kept, so a collection can be restored as of any time
 *                     within it; 0 truncates the log up to the newest checkpoint
 */
public record CheckpointSettings(Duration logRetention) {

    public CheckpointSettings {
        requireNonNull(logRetention, "logRetention is null");
        if (logRetention.isNegative()) {
            throw new IllegalArgumentException("logRetention must not be negative: " + logRetention);
        }
    }
}
