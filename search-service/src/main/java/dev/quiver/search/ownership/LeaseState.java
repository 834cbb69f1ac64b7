package dev.quiver.search.ownership;

import static java.util.Objects.requireNonNull;

import org.jspecify.annotations.Nullable;

/**
 * A lease row as one read saw it.
 *
 * @param shard the shard
 * @param owner the node named as owner, null when released
 * @param epoch the row's epoch
 * @param held  whether the lease was held at the read: an owner, and not expired by the database's clock
 */
record LeaseState(ShardKey shard, @Nullable NodeId owner, long epoch, boolean held) {

    LeaseState {
        requireNonNull(shard, "shard is null");
    }
}
