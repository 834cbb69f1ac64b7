package dev.quiver.search.ownership;

/**
 * Told when this node gains or loses a shard; the shard registry implements it to open a shard's writer and to stop
 * it. Both methods run on the ownership thread, one call at a time, and renewals wait behind them, so they must
 * return quickly (start the work, do not wait for it).
 */
public interface ShardOwnershipListener {

    /** Ignores every change, for a node whose shards nothing opens yet. */
    ShardOwnershipListener NONE = new ShardOwnershipListener() {
        @Override
        public void acquired(ShardLease lease) {
        }

        @Override
        public void lost(ShardKey shard) {
        }
    };

    /**
     * This node now holds the lease; every write for the shard must carry {@code lease.epoch()}. If this throws,
     * the lease is released and acquisition is tried again on a later round.
     */
    void acquired(ShardLease lease);

    /**
     * This node no longer holds the shard, or is about to release it: stop writing at once. Called before a
     * voluntary release, so the writer stops before another node can take the shard; after an involuntary loss the
     * epoch already fences any write still in flight.
     */
    void lost(ShardKey shard);
}
