package dev.quiver.search.ownership;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/** The lease and node statements against a real PostgreSQL, judged by its clock. */
class JdbcShardLeasesIT {

    private static final Duration LEASE = Duration.ofSeconds(30);
    private static final NodeId FIRST = new NodeId("node-a");
    private static final NodeId SECOND = new NodeId("node-b");

    private final OwnershipDatabase database = OwnershipDatabase.get();
    private final JdbcClient jdbc = database.jdbc();
    private final JdbcShardLeases leases = new JdbcShardLeases(jdbc);
    private final JdbcSearchNodes nodes = new JdbcSearchNodes(jdbc);

    @BeforeEach
    void emptyCluster() {
        database.clear();
        nodes.register(FIRST, URI.create("http://127.0.0.1:8001"));
        nodes.register(SECOND, URI.create("http://127.0.0.1:8002"));
        jdbc.sql("""
                create table if not exists quiver.fenced_writes (shard text not null, node text not null,
                    epoch bigint not null)
                """).update();
        jdbc.sql("delete from quiver.fenced_writes").update();
    }

    @Test
    void whenAShardWasNeverLeasedThenAcquireTakesItAtEpochOne() {
        ShardKey shard = database.collection(1).getFirst();

        ShardLease lease = leases.acquire(shard, FIRST, LEASE).orElseThrow();

        assertThat(lease.owner()).isEqualTo(FIRST);
        assertThat(lease.epoch()).isEqualTo(1);
        assertThat(lease.expiresAt()).isAfter(databaseNow().plus(LEASE).minusSeconds(5));
    }

    @Test
    void whenALeaseIsHeldThenAnotherNodeCannotAcquireIt() {
        ShardKey shard = database.collection(1).getFirst();
        leases.acquire(shard, FIRST, LEASE).orElseThrow();

        assertThat(leases.acquire(shard, SECOND, LEASE)).isEmpty();
        assertThat(leases.acquire(shard, FIRST, LEASE)).as("not even its owner takes it twice").isEmpty();
    }

    @Test
    void whenALeaseExpiresThenAnotherNodeTakesTheShardAtTheNextEpoch() {
        ShardKey shard = database.collection(1).getFirst();
        leases.acquire(shard, FIRST, Duration.ofMillis(300)).orElseThrow();

        ShardLease taken = await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50))
                .until(() -> leases.acquire(shard, SECOND, LEASE), Optional::isPresent).orElseThrow();

        assertThat(taken.owner()).isEqualTo(SECOND);
        assertThat(taken.epoch()).isEqualTo(2);
    }

    @Test
    void theOwnerRenewsAtItsEpochAndANodeThatLostTheLeaseCannot() {
        ShardKey shard = database.collection(1).getFirst();
        ShardLease first = leases.acquire(shard, FIRST, Duration.ofSeconds(1)).orElseThrow();

        ShardLease renewed = leases.renew(first, LEASE).orElseThrow();
        assertThat(renewed.expiresAt()).isAfter(first.expiresAt());
        assertThat(renewed.epoch()).isEqualTo(first.epoch());

        database.expireAll();
        ShardLease second = leases.acquire(shard, SECOND, LEASE).orElseThrow();

        assertThat(leases.renew(first, LEASE)).as("renewal by the old owner").isEmpty();
        assertThat(leases.renew(new ShardLease(shard, SECOND, first.epoch(), first.expiresAt()), LEASE))
                .as("renewal at an old epoch").isEmpty();
        assertThat(leases.renew(second, LEASE)).isPresent();
    }

    @Test
    void anExpiredLeaseNobodyTookCanStillBeRenewedByItsOwner() {
        ShardKey shard = database.collection(1).getFirst();
        ShardLease lease = leases.acquire(shard, FIRST, LEASE).orElseThrow();
        database.expireAll();

        assertThat(leases.renew(lease, LEASE)).isPresent();
        assertThat(leases.acquire(shard, SECOND, LEASE)).isEmpty();
    }

    @Test
    void renewAllExtendsEveryLeaseOfTheNodeAndNoOther() {
        List<ShardKey> shards = database.collection(3);
        leases.acquire(shards.get(0), FIRST, Duration.ofSeconds(1)).orElseThrow();
        leases.acquire(shards.get(1), FIRST, Duration.ofSeconds(1)).orElseThrow();
        leases.acquire(shards.get(2), SECOND, Duration.ofSeconds(1)).orElseThrow();

        List<ShardLease> renewed = leases.renewAll(FIRST, LEASE);

        assertThat(renewed).extracting(ShardLease::shard).containsExactlyInAnyOrder(shards.get(0), shards.get(1));
        assertThat(renewed).allSatisfy(lease -> assertThat(lease.expiresAt())
                .isAfter(databaseNow().plus(LEASE).minusSeconds(5)));
    }

    @Test
    void releaseFreesTheShardAtOnceButOnlyForTheOwnerAtItsEpoch() {
        ShardKey shard = database.collection(1).getFirst();
        ShardLease lease = leases.acquire(shard, FIRST, LEASE).orElseThrow();

        assertThat(leases.tryRelease(new ShardLease(shard, SECOND, lease.epoch(), lease.expiresAt()))).isFalse();
        assertThat(leases.tryRelease(lease)).isTrue();
        ShardLease taken = leases.acquire(shard, SECOND, LEASE).orElseThrow();

        assertThat(taken.epoch()).isEqualTo(2);
        assertThat(leases.tryRelease(lease)).as("a second release of the old lease").isFalse();
    }

    @Test
    void whenTheOwnerChangedThenAFencedWriteOfTheOldOwnerIsRefusedAndTheNewOwnersIsKept() {
        ShardKey shard = database.collection(1).getFirst();
        ShardLease old = leases.acquire(shard, FIRST, LEASE).orElseThrow();
        database.expireAll();
        ShardLease current = leases.acquire(shard, SECOND, LEASE).orElseThrow();

        boolean oldWrote = fencedWrite(shard, old.owner(), old.epoch());
        boolean currentWrote = fencedWrite(shard, current.owner(), current.epoch());

        assertThat(oldWrote).isFalse();
        assertThat(currentWrote).isTrue();
        assertThat(jdbc.sql("select node from quiver.fenced_writes").query(String.class).list())
                .containsExactly(SECOND.value());
    }

    @Test
    void aTakeOverWaitsForAFencedWriteInProgressAndThenRaisesTheEpoch() throws Exception {
        ShardKey shard = database.collection(1).getFirst();
        ShardLease old = leases.acquire(shard, FIRST, LEASE).orElseThrow();
        database.expireAll();
        CountDownLatch fenceChecked = new CountDownLatch(1);
        CountDownLatch commit = new CountDownLatch(1);
        TransactionTemplate transactions = database.transactions();

        try (ExecutorService threads = Executors.newFixedThreadPool(2)) {
            Future<Boolean> write = threads.submit(() -> transactions.execute(status -> {
                boolean holds = leases.holds(shard, old.owner(), old.epoch());
                insertWrite(shard, old.owner(), old.epoch());
                fenceChecked.countDown();
                awaitLatch(commit);
                return holds;
            }));
            assertThat(fenceChecked.await(10, TimeUnit.SECONDS)).isTrue();
            CompletableFuture<Optional<ShardLease>> takeOver = CompletableFuture.supplyAsync(
                    () -> leases.acquire(shard, SECOND, LEASE), threads);

            await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> !takeOver.isDone());
            commit.countDown();

            assertThat(write.get(10, TimeUnit.SECONDS)).as("the old owner still held the expired lease").isTrue();
            ShardLease taken = takeOver.get(10, TimeUnit.SECONDS).orElseThrow();
            assertThat(taken.epoch()).isEqualTo(old.epoch() + 1);
        }
        assertThat(fencedWrite(shard, old.owner(), old.epoch())).as("after the take-over").isFalse();
    }

    @Test
    void holdsOutsideATransactionIsAProgrammingError() {
        ShardKey shard = database.collection(1).getFirst();

        assertThatThrownBy(() -> leases.holds(shard, FIRST, 1))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("transaction");
    }

    @Test
    void twoNodesRacingForTheSameExpiredShardNeverBothWin() throws Exception {
        List<ShardKey> shards = database.collection(4);
        for (ShardKey shard : shards) {
            leases.acquire(shard, FIRST, LEASE).orElseThrow();
        }
        int rounds = 100;
        CyclicBarrier start = new CyclicBarrier(2);

        try (ExecutorService racers = Executors.newFixedThreadPool(2)) {
            for (int round = 0; round < rounds; round++) {
                database.expireAll();
                ShardKey shard = shards.get(round % shards.size());
                long epochBefore = epoch(shard);
                List<Future<Optional<ShardLease>>> attempts = new ArrayList<>();
                for (NodeId node : List.of(FIRST, SECOND)) {
                    attempts.add(racers.submit(() -> {
                        start.await(10, TimeUnit.SECONDS);
                        return leases.acquire(shard, node, LEASE);
                    }));
                }
                List<ShardLease> won = new ArrayList<>();
                for (Future<Optional<ShardLease>> attempt : attempts) {
                    attempt.get(10, TimeUnit.SECONDS).ifPresent(won::add);
                }

                assertThat(won).as("round %d", round).hasSize(1);
                assertThat(won.getFirst().epoch()).isEqualTo(epochBefore + 1);
                assertThat(epoch(shard)).isEqualTo(epochBefore + 1);
            }
        }
    }

    @Test
    void acquireAllTakesTheFreeAndExpiredShardsAndLeavesHeldAndMissingOnes() {
        List<ShardKey> shards = database.collection(4);
        leases.acquire(shards.get(0), SECOND, LEASE).orElseThrow();
        leases.acquire(shards.get(1), SECOND, Duration.ofSeconds(1)).orElseThrow();
        jdbc.sql("update quiver.shard_leases set expires_at = clock_timestamp() - interval '1 second' "
                + "where shard = 1").update();
        ShardKey missing = new ShardKey(shards.getFirst().collection(), 4);
        List<ShardKey> wanted = new ArrayList<>(shards);
        wanted.add(missing);

        List<ShardLease> won = leases.acquireAll(wanted, FIRST, LEASE);

        assertThat(won).extracting(ShardLease::shard)
                .containsExactlyInAnyOrder(shards.get(1), shards.get(2), shards.get(3));
        assertThat(won).allSatisfy(lease -> assertThat(lease.owner()).isEqualTo(FIRST));
        assertThat(won).filteredOn(lease -> lease.shard().equals(shards.get(1)))
                .extracting(ShardLease::epoch).containsExactly(2L);
        assertThat(leases.acquireAll(List.of(), FIRST, LEASE)).isEmpty();
    }

    @Test
    void twoNodesAcquiringOverlappingShardsTogetherSplitThemWithoutDeadlock() throws Exception {
        List<ShardKey> shards = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            shards.addAll(database.collection(4));
        }
        CyclicBarrier start = new CyclicBarrier(2);

        try (ExecutorService racers = Executors.newFixedThreadPool(2)) {
            for (int round = 0; round < 20; round++) {
                database.expireAll();
                List<Future<List<ShardLease>>> attempts = new ArrayList<>();
                for (NodeId node : List.of(FIRST, SECOND)) {
                    List<ShardKey> mine = new ArrayList<>(shards);
                    java.util.Collections.shuffle(mine, new java.util.Random(round * 2L + node.value().length()));
                    attempts.add(racers.submit(() -> {
                        start.await(10, TimeUnit.SECONDS);
                        return leases.acquireAll(mine, node, LEASE);
                    }));
                }
                List<ShardKey> won = new ArrayList<>();
                for (Future<List<ShardLease>> attempt : attempts) {
                    attempt.get(10, TimeUnit.SECONDS).forEach(lease -> won.add(lease.shard()));
                }

                assertThat(won).as("round %d", round).containsExactlyInAnyOrderElementsOf(shards);
            }
        }
    }

    @Test
    void aShardItsCollectionDoesNotHaveIsNeverLeased() {
        ShardKey first = database.collection(2).getFirst();

        assertThat(leases.acquire(new ShardKey(first.collection(), 2), FIRST, LEASE)).isEmpty();
        assertThat(leases.shards()).containsExactlyInAnyOrder(first, new ShardKey(first.collection(), 1));
    }

    @Test
    void deletingACollectionDeletesItsLeases() {
        ShardKey shard = database.collection(1).getFirst();
        leases.acquire(shard, FIRST, LEASE).orElseThrow();

        jdbc.sql("delete from quiver.collections where id = :id").param("id", shard.collection().value()).update();

        assertThat(leases.all()).isEmpty();
        assertThat(leases.shards()).isEmpty();
    }

    @Test
    void theOwnerIsFoundWithItsAddressWhileItsLeaseLasts() {
        ShardKey shard = database.collection(1).getFirst();
        ShardLease lease = leases.acquire(shard, FIRST, LEASE).orElseThrow();

        assertThat(leases.findOwner(shard))
                .contains(new ShardOwner(shard, FIRST, URI.create("http://127.0.0.1:8001"), lease.epoch()));

        database.expireAll();
        assertThat(leases.findOwner(shard)).isEmpty();
    }

    @Test
    void ownersAreReadOnceAPerTimeToLiveUntilForgotten() {
        ShardKey shard = database.collection(1).getFirst();
        ShardLease lease = leases.acquire(shard, FIRST, LEASE).orElseThrow();
        ShardOwners owners = new ShardOwners(leases, Duration.ofHours(1));
        assertThat(owners.owner(shard)).map(ShardOwner::node).contains(FIRST);

        leases.tryRelease(lease);
        leases.acquire(shard, SECOND, LEASE).orElseThrow();

        assertThat(owners.owner(shard)).as("within the time-to-live").map(ShardOwner::node).contains(FIRST);
        owners.forget(shard);
        assertThat(owners.owner(shard)).map(ShardOwner::node).contains(SECOND);
        assertThat(new ShardOwners(leases, Duration.ZERO).owner(shard)).map(ShardOwner::epoch).contains(2L);
    }

    @Test
    void aNodeIsLiveWhileItsHeartbeatIsWithinTheLeaseDuration() {
        NodeId silent = new NodeId("node-silent");
        nodes.register(silent, URI.create("http://127.0.0.1:8003"));
        jdbc.sql("update quiver.search_nodes set heartbeat_at = clock_timestamp() - interval '20 seconds' "
                + "where id = :id").param("id", silent.value()).update();

        assertThat(nodes.live(Duration.ofSeconds(10))).extracting(SearchNode::id).containsExactly(FIRST, SECOND);
        assertThat(nodes.live(Duration.ofSeconds(60))).extracting(SearchNode::id)
                .containsExactly(FIRST, SECOND, silent);

        assertThat(nodes.tryHeartbeat(silent)).isTrue();
        assertThat(nodes.live(Duration.ofSeconds(10))).extracting(SearchNode::id).contains(silent);
    }

    @Test
    void whenANodeDeregistersThenItsLeasesAreFreeAtOnceAndItsHeartbeatsAreRefused() {
        ShardKey shard = database.collection(1).getFirst();
        leases.acquire(shard, FIRST, LEASE).orElseThrow();

        nodes.deregister(FIRST);

        assertThat(nodes.tryHeartbeat(FIRST)).isFalse();
        assertThat(nodes.live(LEASE)).extracting(SearchNode::id).containsExactly(SECOND);
        assertThat(leases.acquire(shard, SECOND, LEASE)).map(ShardLease::epoch).contains(2L);
    }

    private boolean fencedWrite(ShardKey shard, NodeId node, long epoch) {
        return Boolean.TRUE.equals(database.transactions().execute(status -> {
            if (!leases.holds(shard, node, epoch)) {
                return false;
            }
            insertWrite(shard, node, epoch);
            return true;
        }));
    }

    private void insertWrite(ShardKey shard, NodeId node, long epoch) {
        jdbc.sql("insert into quiver.fenced_writes (shard, node, epoch) values (:shard, :node, :epoch)")
                .param("shard", shard.toString())
                .param("node", node.value())
                .param("epoch", epoch)
                .update();
    }

    private long epoch(ShardKey shard) {
        return jdbc.sql("select epoch from quiver.shard_leases where collection_id = :collection and shard = :shard")
                .param("collection", shard.collection().value())
                .param("shard", shard.shard())
                .query(Long.class)
                .single();
    }

    private java.time.Instant databaseNow() {
        return jdbc.sql("select clock_timestamp()").query(java.time.OffsetDateTime.class).single().toInstant();
    }

    private static void awaitLatch(CountDownLatch latch) {
        try {
            if (!latch.await(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("latch not released within 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
