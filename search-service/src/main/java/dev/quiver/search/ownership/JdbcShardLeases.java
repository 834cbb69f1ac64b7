package dev.quiver.search.ownership;

import static java.util.Objects.requireNonNull;

import dev.quiver.search.api.CollectionId;
import java.net.URI;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.StringJoiner;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Shard leases in the control-plane schema: one row per shard, created by its first acquisition. Each change is
 * one conditional statement that reports whether it won, judged by the database's clock ({@code clock_timestamp()},
 * not {@code now()}, which would be the start of a long transaction), so two nodes never both win a lease and skew
 * between their clocks cannot make one. Thread-safe.
 *
 * <p>The epoch goes up by one on every acquisition and never comes back (rows live as long as their collection), so
 * "this node at this epoch" names one term of ownership. {@link #holds} checks a term inside a writer's own
 * transaction and locks the row, which makes the write and the check one atomic fact.
 */
public final class JdbcShardLeases {

    /*
     * Free means no owner, or an owner whose lease has expired. On a conflict PostgreSQL locks the existing row and
     * evaluates the WHERE against its newest version, so of two racing nodes the second sees the first's lease and
     * gets no row back. The SELECT form inserts nothing for a shard its collection does not have.
     */
    private static final String ACQUIRE = """
            insert into quiver.shard_leases as lease (collection_id, shard, owner_node, epoch, expires_at)
            select :collection, :shard, :node, 1, clock_timestamp() + :leaseMillis * interval '1 millisecond'
            where exists (select 1 from quiver.collections where id = :collection and :shard < shard_count)
            on conflict (collection_id, shard) do update
                set owner_node = excluded.owner_node, epoch = lease.epoch + 1, expires_at = excluded.expires_at
                where lease.owner_node is null or lease.expires_at <= clock_timestamp()
            returning epoch, expires_at
            """;
    /*
     * The owner at its epoch may renew even a lease that has just expired: nobody took it, since taking it would
     * have raised the epoch, so no other node has written under it.
     */
    private static final String RENEW = """
            update quiver.shard_leases set expires_at = clock_timestamp() + :leaseMillis * interval '1 millisecond'
            where collection_id = :collection and shard = :shard and owner_node = :node and epoch = :epoch
            returning expires_at
            """;
    /*
     * The rows are locked in key order, as ACQUIRE_ALL locks them, so two nodes' statements that touch the same
     * rows queue behind each other instead of deadlocking.
     */
    private static final String RENEW_ALL = """
            update quiver.shard_leases lease
            set expires_at = clock_timestamp() + :leaseMillis * interval '1 millisecond'
            from (select collection_id, shard from quiver.shard_leases where owner_node = :node
                    order by collection_id, shard for no key update) mine
            where lease.collection_id = mine.collection_id and lease.shard = mine.shard and lease.owner_node = :node
            returning lease.collection_id, lease.shard, lease.epoch, lease.expires_at
            """;
    /*
     * ACQUIRE for many shards in one statement. The keys travel as two comma-separated lists, which needs no
     * driver-specific array binding. Rows are inserted, and conflicting rows locked, in key order (see RENEW_ALL).
     */
    private static final String ACQUIRE_ALL = """
            insert into quiver.shard_leases as lease (collection_id, shard, owner_node, epoch, expires_at)
            select wanted.collection_id, wanted.shard, :node, 1,
                clock_timestamp() + :leaseMillis * interval '1 millisecond'
            from unnest(string_to_array(:collections, ',')::uuid[], string_to_array(:shards, ',')::integer[])
                as wanted (collection_id, shard)
            join quiver.collections collection
                on collection.id = wanted.collection_id and wanted.shard < collection.shard_count
            order by wanted.collection_id, wanted.shard
            on conflict (collection_id, shard) do update
                set owner_node = excluded.owner_node, epoch = lease.epoch + 1, expires_at = excluded.expires_at
                where lease.owner_node is null or lease.expires_at <= clock_timestamp()
            returning collection_id, shard, epoch, expires_at
            """;
    private static final String RELEASE = """
            update quiver.shard_leases set owner_node = null, expires_at = clock_timestamp()
            where collection_id = :collection and shard = :shard and owner_node = :node and epoch = :epoch
            """;
    private static final String RELEASE_ALL = """
            update quiver.shard_leases set owner_node = null, expires_at = clock_timestamp()
            where owner_node = :node
            """;
    /*
     * FOR SHARE, not FOR KEY SHARE: acquiring and renewing update non-key columns, which FOR KEY SHARE would let
     * through. Several fenced writes of the owner may hold the lock together; a take-over waits for all of them.
     */
    private static final String HOLDS = """
            select epoch from quiver.shard_leases
            where collection_id = :collection and shard = :shard and owner_node = :node and epoch = :epoch
            for share
            """;
    private static final String FIND_OWNER = """
            select lease.owner_node, node.advertise_url, lease.epoch
            from quiver.shard_leases lease join quiver.search_nodes node on node.id = lease.owner_node
            where lease.collection_id = :collection and lease.shard = :shard
                and lease.expires_at > clock_timestamp()
            """;
    private static final String ALL = """
            select collection_id, shard, owner_node, epoch,
                owner_node is not null and expires_at > clock_timestamp() as held
            from quiver.shard_leases
            """;
    private static final String SHARD_COUNTS = """
            select id, shard_count from quiver.collections
            """;

    private final JdbcClient jdbc;

    public JdbcShardLeases(JdbcClient jdbc) {
        this.jdbc = requireNonNull(jdbc, "jdbc is null");
    }

    /**
     * Takes the shard for {@code node} if it is free or its lease has expired, raising the epoch by one. Empty when
     * another node holds it, or when the collection has no such shard (deleted, or fewer shards).
     */
    public Optional<ShardLease> acquire(ShardKey shard, NodeId node, Duration leaseDuration) {
        return jdbc.sql(ACQUIRE)
                .param("collection", shard.collection().value())
                .param("shard", shard.shard())
                .param("node", node.value())
                .param("leaseMillis", leaseDuration.toMillis())
                .query((row, number) -> new ShardLease(shard, node, row.getLong("epoch"),
                        row.getObject("expires_at", OffsetDateTime.class).toInstant()))
                .optional();
    }

    /**
     * {@link #acquire} for many shards in one statement: the leases won, in no particular order. Shards held by
     * other nodes, and shards their collection does not have, are left out.
     */
    public List<ShardLease> acquireAll(Collection<ShardKey> shards, NodeId node, Duration leaseDuration) {
        if (shards.isEmpty()) {
            return List.of();
        }
        StringJoiner collections = new StringJoiner(",");
        StringJoiner numbers = new StringJoiner(",");
        for (ShardKey shard : shards) {
            collections.add(shard.collection().value().toString());
            numbers.add(Integer.toString(shard.shard()));
        }
        return jdbc.sql(ACQUIRE_ALL)
                .param("collections", collections.toString())
                .param("shards", numbers.toString())
                .param("node", node.value())
                .param("leaseMillis", leaseDuration.toMillis())
                .query((row, number) -> new ShardLease(shardOf(row), node, row.getLong("epoch"),
                        row.getObject("expires_at", OffsetDateTime.class).toInstant()))
                .list();
    }

    /**
     * Extends the lease by {@code leaseDuration} from now, if {@code lease.owner()} still holds it at
     * {@code lease.epoch()}. Empty when the lease is lost: released, or taken by another node.
     */
    public Optional<ShardLease> renew(ShardLease lease, Duration leaseDuration) {
        return jdbc.sql(RENEW)
                .param("collection", lease.shard().collection().value())
                .param("shard", lease.shard().shard())
                .param("node", lease.owner().value())
                .param("epoch", lease.epoch())
                .param("leaseMillis", leaseDuration.toMillis())
                .query((row, number) -> new ShardLease(lease.shard(), lease.owner(), lease.epoch(),
                        row.getObject("expires_at", OffsetDateTime.class).toInstant()))
                .optional();
    }

    /**
     * Extends every lease {@code node} is named owner of, in one statement, and returns them as renewed. A lease
     * the caller believes it holds and that is missing here is lost.
     */
    public List<ShardLease> renewAll(NodeId node, Duration leaseDuration) {
        return jdbc.sql(RENEW_ALL)
                .param("node", node.value())
                .param("leaseMillis", leaseDuration.toMillis())
                .query((row, number) -> new ShardLease(shardOf(row), node, row.getLong("epoch"),
                        row.getObject("expires_at", OffsetDateTime.class).toInstant()))
                .list();
    }

    /** Frees the shard at once if the lease's owner still holds it at its epoch; false when it was already lost. */
    public boolean tryRelease(ShardLease lease) {
        return jdbc.sql(RELEASE)
                .param("collection", lease.shard().collection().value())
                .param("shard", lease.shard().shard())
                .param("node", lease.owner().value())
                .param("epoch", lease.epoch())
                .update() == 1;
    }

    /** Frees every shard {@code node} is named owner of; the number freed. */
    public int releaseAll(NodeId node) {
        return jdbc.sql(RELEASE_ALL).param("node", node.value()).update();
    }

    /**
     * The fence: whether {@code node} holds the shard at {@code epoch}, checked inside the caller's transaction.
     * When true the row stays locked until that transaction ends, so no other node can take the shard before the
     * caller's write commits or rolls back; a take-over waits and then raises the epoch. When false the caller
     * must write nothing. Expiry is not checked: the lock and the epoch fence, and an expired lease nobody took
     * has had no other writer. Keep the transaction short: the owner's own renewal waits for the lock too.
     *
     * @throws IllegalStateException outside a transaction, where the lock would end with the statement
     */
    public boolean holds(ShardKey shard, NodeId node, long epoch) {
        if (!TransactionSynchronizationManager.isActualTransactionActive()) {
            throw new IllegalStateException("holds() must run in the transaction of the write it fences: " + shard);
        }
        return jdbc.sql(HOLDS)
                .param("collection", shard.collection().value())
                .param("shard", shard.shard())
                .param("node", node.value())
                .param("epoch", epoch)
                .query(Long.class)
                .optional()
                .isPresent();
    }

    /** The node holding the shard's unexpired lease and where it is reached; empty when nobody holds it. */
    public Optional<ShardOwner> findOwner(ShardKey shard) {
        return jdbc.sql(FIND_OWNER)
                .param("collection", shard.collection().value())
                .param("shard", shard.shard())
                .query((row, number) -> new ShardOwner(shard, new NodeId(row.getString("owner_node")),
                        URI.create(row.getString("advertise_url")), row.getLong("epoch")))
                .optional();
    }

    /** Every lease row, with whether it is held now by the database's clock. */
    List<LeaseState> all() {
        return jdbc.sql(ALL)
                .query((row, number) -> new LeaseState(shardOf(row), nodeOrNull(row.getString("owner_node")),
                        row.getLong("epoch"), row.getBoolean("held")))
                .list();
    }

    /** Every shard of every collection: each collection's numbers 0 to its shard count, exclusive. */
    List<ShardKey> shards() {
        List<ShardKey> shards = new ArrayList<>();
        jdbc.sql(SHARD_COUNTS).query(row -> {
            CollectionId collection = new CollectionId(row.getObject("id", UUID.class));
            int count = row.getInt("shard_count");
            for (int shard = 0; shard < count; shard++) {
                shards.add(new ShardKey(collection, shard));
            }
        });
        return shards;
    }

    private static ShardKey shardOf(ResultSet row) throws SQLException {
        return new ShardKey(new CollectionId(row.getObject("collection_id", UUID.class)), row.getInt("shard"));
    }

    private static @Nullable NodeId nodeOrNull(@Nullable String value) {
        return value == null ? null : new NodeId(value);
    }
}
