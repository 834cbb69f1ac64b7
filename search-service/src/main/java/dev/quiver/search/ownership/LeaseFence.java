package dev.quiver.search.ownership;

import static java.util.Objects.requireNonNull;

import dev.quiver.search.api.CollectionId;
import dev.quiver.search.checkpoint.CheckpointFence;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The leases this search node holds, as its ownership listener last heard of them, and the fence that checkpoints
 * and log truncations are written under: {@link JdbcShardLeases#holds} in the write's own transaction. The local map
 * only says which epoch to claim; the database decides. Thread-safe.
 */
public final class LeaseFence implements CheckpointFence {

    private final JdbcShardLeases leases;
    private final TransactionTemplate transactions;
    private final ConcurrentHashMap<ShardKey, ShardLease> held = new ConcurrentHashMap<>();

    public LeaseFence(JdbcShardLeases leases, TransactionTemplate transactions) {
        this.leases = requireNonNull(leases, "leases is null");
        this.transactions = requireNonNull(transactions, "transactions is null");
    }

    /** This node won the lease. */
    public void held(ShardLease lease) {
        held.put(lease.shard(), lease);
    }

    /** This node lost or gives up the shard. */
    public void lost(ShardKey shard) {
        held.remove(shard);
    }

    /** The lease this node holds on the shard; empty when it does not hold it. */
    public OptionalLong heldEpoch(ShardKey shard) {
        ShardLease lease = held.get(shard);
        return lease == null ? OptionalLong.empty() : OptionalLong.of(lease.epoch());
    }

    @Override
    public OptionalLong epoch(CollectionId collection, int shard) {
        return heldEpoch(new ShardKey(collection, shard));
    }

    @Override
    public boolean tryWrite(CollectionId collection, int shard, long epoch, Runnable write) {
        ShardKey key = new ShardKey(collection, shard);
        ShardLease lease = held.get(key);
        if (lease == null || lease.epoch() != epoch) {
            return false;
        }
        Boolean written = transactions.execute(status -> {
            if (!leases.holds(key, lease.owner(), epoch)) {
                return false;
            }
            write.run();
            return true;
        });
        return Boolean.TRUE.equals(written);
    }
}
