package dev.quiver.search.ownership;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * A node's lease on a shard as the database granted it.
 *
 * @param shard     the shard
 * @param owner     the node holding it
 * @param epoch     the lease's term, raised by one on every acquisition: writes and checkpoint manifests carry it,
 *                  and {@link JdbcShardLeases#holds} refuses any other
 * @param expiresAt when the lease becomes free unless renewed, by the database's clock
 */
public record ShardLease(ShardKey shard, NodeId owner, long epoch, Instant expiresAt) {

    public ShardLease {
        requireNonNull(shard, "shard is null");
        requireNonNull(owner, "owner is null");
        requireNonNull(expiresAt, "expiresAt is null");
        if (epoch <= 0) {
            throw new IllegalArgumentException("epoch must be positive: " + epoch);
        }
    }
}
