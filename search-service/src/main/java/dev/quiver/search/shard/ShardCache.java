package dev.quiver.search.shard;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * How many shards a node keeps open and how much local disk their files may take.
 *
 * @param closeAfterIdle      how long a shard goes without reads or writes before it is committed, checkpointed and
 *                            closed; the next request reopens it and replays the log after its commit
 * @param maxOpenShards       shards open at once; beyond it the least recently used ones that no reader holds close
 * @param localDiskBudgetBytes bytes the shard directories may take; beyond it the local files of closed shards that
 *                            a recorded checkpoint holds are deleted, least recently used first.
 *                            {@link Long#MAX_VALUE} for no budget
 */
public record ShardCache(Duration closeAfterIdle, int maxOpenShards, long localDiskBudgetBytes) {

    /** Never closes a shard for idleness or count, and never deletes local files. */
    public static final ShardCache UNBOUNDED = new ShardCache(Duration.ofDays(365_000), Integer.MAX_VALUE,
            Long.MAX_VALUE);

    public ShardCache {
        requireNonNull(closeAfterIdle, "closeAfterIdle is null");
        if (closeAfterIdle.isNegative()) {
            throw new IllegalArgumentException("closeAfterIdle must not be negative: " + closeAfterIdle);
        }
        if (maxOpenShards < 1) {
            throw new IllegalArgumentException("maxOpenShards must be positive: " + maxOpenShards);
        }
        if (localDiskBudgetBytes < 1) {
            throw new IllegalArgumentException("localDiskBudgetBytes must be positive: " + localDiskBudgetBytes);
        }
    }

    /** Whether local files are ever deleted to stay within a budget. */
    boolean hasDiskBudget() {
        return localDiskBudgetBytes != Long.MAX_VALUE;
    }
}
