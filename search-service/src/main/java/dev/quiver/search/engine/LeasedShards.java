package dev.quiver.search.engine;

import static java.util.Objects.requireNonNull;

import dev.quiver.search.api.CollectionView;
import dev.quiver.search.collection.JdbcCollections;
import dev.quiver.search.ownership.LeaseFence;
import dev.quiver.search.ownership.ShardKey;
import dev.quiver.search.ownership.ShardLease;
import dev.quiver.search.ownership.ShardOwnershipListener;
import dev.quiver.search.shard.ShardRegistry;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A search node's shards follow its leases: a shard is opened (restored from its checkpoint, then replaying the log)
 * when the node wins its lease, and closed without committing when it loses it. Opening runs on its own executor,
 * since a restore may download for a while and ownership rounds must not wait; closing runs at once, so the writer
 * stops before a released lease is free for another node. Thread-safe.
 *
 * <p>Invariant: a shard stays open only while {@link LeaseFence} names its lease. An open that finishes after the
 * lease was lost meanwhile closes the shard again.
 */
public final class LeasedShards implements ShardOwnershipListener {

    private static final Logger log = LoggerFactory.getLogger(LeasedShards.class);

    private final LeaseFence fence;
    private final ShardRegistry shards;
    private final JdbcCollections collections;
    private final Executor opener;

    public LeasedShards(LeaseFence fence, ShardRegistry shards, JdbcCollections collections, Executor opener) {
        this.fence = requireNonNull(fence, "fence is null");
        this.shards = requireNonNull(shards, "shards is null");
        this.collections = requireNonNull(collections, "collections is null");
        this.opener = requireNonNull(opener, "opener is null");
    }

    @Override
    public void acquired(ShardLease lease) {
        fence.held(lease);
        try {
            opener.execute(() -> open(lease));
        } catch (RejectedExecutionException e) {
            // Shutting down: the shard is opened by whichever node takes it next.
            fence.lost(lease.shard());
            throw e;
        }
    }

    @Override
    public void lost(ShardKey shard) {
        fence.lost(shard);
        shards.release(shard);
    }

    /**
     * Opens the shard of a lease won.
     * 1. Read the collection; a collection deleted since has nothing to open.
     * 2. Open the shard: restore from its newest checkpoint if the local copy is missing or older, then replay.
     * 3. If the lease went meanwhile, close it again: {@link #lost} may have run before the shard was open.
     */
    private void open(ShardLease lease) {
        ShardKey key = lease.shard();
        if (fence.heldEpoch(key).orElse(-1) != lease.epoch()) {
            return;
        }
        try {
            Optional<CollectionView> collection = collections.findById(key.collection());
            if (collection.isEmpty() || key.shard() >= collection.get().shardCount()) {
                return;
            }
            shards.shard(collection.get(), key.shard());
            log.info("Opened shard {} at epoch {}", key, lease.epoch());
        } catch (RuntimeException e) {
            log.warn("Cannot open shard {} won at epoch {}; the first read retries", key, lease.epoch(), e);
        }
        if (fence.heldEpoch(key).orElse(-1) != lease.epoch()) {
            shards.release(key);
        }
    }
}
