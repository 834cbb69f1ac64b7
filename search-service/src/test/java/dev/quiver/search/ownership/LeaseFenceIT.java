package dev.quiver.search.ownership;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The fence of checkpoints and log truncations on a real PostgreSQL: a write runs only while this node holds the
 * shard at the epoch it claims, checked in the write's own transaction, so a node that lost the lease writes nothing.
 */
class LeaseFenceIT {

    private static final Duration LEASE = Duration.ofSeconds(30);
    private static final NodeId FIRST = new NodeId("fence-a");
    private static final NodeId SECOND = new NodeId("fence-b");

    private final OwnershipDatabase database = OwnershipDatabase.get();
    private final JdbcClient jdbc = database.jdbc();
    private final JdbcShardLeases leases = new JdbcShardLeases(jdbc);
    private final LeaseFence fence = new LeaseFence(leases, database.transactions());

    @BeforeEach
    void emptyCluster() {
        database.clear();
        JdbcSearchNodes nodes = new JdbcSearchNodes(jdbc);
        nodes.register(FIRST, URI.create("http://127.0.0.1:8001"));
        nodes.register(SECOND, URI.create("http://127.0.0.1:8002"));
        jdbc.sql("create table if not exists quiver.fence_writes (epoch bigint not null)").update();
        jdbc.sql("delete from quiver.fence_writes").update();
    }

    @Test
    void theHolderWritesUnderItsEpoch() {
        ShardKey shard = database.collection(1).getFirst();
        ShardLease lease = leases.acquire(shard, FIRST, LEASE).orElseThrow();
        fence.held(lease);

        boolean written = fence.tryWrite(shard.collection(), shard.shard(), lease.epoch(), () -> write(lease));

        assertThat(written).isTrue();
        assertThat(fence.epoch(shard.collection(), shard.shard())).hasValue(lease.epoch());
        assertThat(writes()).isEqualTo(1);
    }

    @Test
    void whenAnotherNodeTookTheShardThenTheOldOwnerWritesNothing() {
        ShardKey shard = database.collection(1).getFirst();
        ShardLease old = leases.acquire(shard, FIRST, Duration.ofMillis(300)).orElseThrow();
        fence.held(old);
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50))
                .until(() -> leases.acquire(shard, SECOND, LEASE), Optional::isPresent);

        boolean written = fence.tryWrite(shard.collection(), shard.shard(), old.epoch(), () -> write(old));

        assertThat(written).as("the node still believes it holds the shard, but the database says no").isFalse();
        assertThat(writes()).isZero();
    }

    @Test
    void aShardNotHeldHasNoEpochAndAcceptsNoWrite() {
        ShardKey shard = database.collection(1).getFirst();
        ShardLease lease = leases.acquire(shard, FIRST, LEASE).orElseThrow();
        fence.held(lease);
        fence.lost(shard);

        assertThat(fence.epoch(shard.collection(), shard.shard())).isEmpty();
        assertThat(fence.tryWrite(shard.collection(), shard.shard(), lease.epoch(), () -> write(lease))).isFalse();
        assertThat(writes()).isZero();
    }

    @Test
    void aWriteClaimingAnotherEpochThanTheLeaseHeldIsRefused() {
        ShardKey shard = database.collection(1).getFirst();
        ShardLease lease = leases.acquire(shard, FIRST, LEASE).orElseThrow();
        fence.held(lease);

        assertThat(fence.tryWrite(shard.collection(), shard.shard(), lease.epoch() + 1, () -> write(lease)))
                .isFalse();
        assertThat(writes()).isZero();
    }

    private void write(ShardLease lease) {
        jdbc.sql("insert into quiver.fence_writes (epoch) values (:epoch)").param("epoch", lease.epoch()).update();
    }

    private long writes() {
        return jdbc.sql("select count(*) from quiver.fence_writes").query(Long.class).single();
    }
}
