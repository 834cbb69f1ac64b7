package dev.quiver.search.ownership;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Several nodes in one JVM, each a {@link ShardOwnership} with its own loop, on one real PostgreSQL, with fast
 * intervals (heartbeat 100 ms, lease 1 s). A node that "dies" stops its loop without releasing anything.
 */
class ShardOwnershipIT {

    private static final Duration HEARTBEAT = Duration.ofMillis(100);
    private static final Duration LEASE = Duration.ofSeconds(1);
    private static final Duration SETTLE = Duration.ofSeconds(20);

    private final OwnershipDatabase database = OwnershipDatabase.get();
    private final JdbcClient jdbc = database.jdbc();
    private final List<Node> started = new ArrayList<>();
    private final List<ShardKey> shards = new ArrayList<>();

    @BeforeEach
    void collections() {
        database.clear();
        for (int i = 0; i < 20; i++) {
            shards.addAll(database.collection(1));
        }
        for (int i = 0; i < 10; i++) {
            shards.addAll(database.collection(4));
        }
    }

    @AfterEach
    void stopNodes() {
        for (Node node : started) {
            node.ownership().close();
        }
    }

    @Test
    void everyShardIsOwnedByExactlyOneLiveNodeWhereRendezvousPlacesIt() {
        Node a = start("node-a");
        Node b = start("node-b");
        Node c = start("node-c");

        awaitSettled(a, b, c);

        Set<ShardKey> union = new HashSet<>();
        int total = 0;
        for (Node node : List.of(a, b, c)) {
            total += node.ownership().ownedCount();
            union.addAll(node.ownership().owned().keySet());
            assertThat(node.ownership().liveNodes()).isEqualTo(3);
        }
        assertThat(total).as("no shard owned twice").isEqualTo(shards.size());
        assertThat(union).containsExactlyInAnyOrderElementsOf(shards);
        ShardKey sample = shards.get(7);
        Node owner = List.of(a, b, c).stream().filter(node -> node.ownership().owned().containsKey(sample))
                .findFirst().orElseThrow();
        assertThat(c.ownership().owner(sample)).hasValueSatisfying(found -> {
            assertThat(found.node()).isEqualTo(owner.id());
            assertThat(found.advertiseUrl()).isEqualTo(owner.url());
            assertThat(found.epoch()).isEqualTo(owner.ownership().owned().get(sample).epoch());
        });
    }

    @Test
    void whenANodeStopsHeartbeatingThenAfterItsLeasesExpireOnlyItsShardsMove() {
        // A longer lease than the other tests', so the window in which the dead node's shards must stay put is
        // wide enough to observe on a loaded machine.
        Duration lease = Duration.ofSeconds(3);
        Node a = start("node-a", lease);
        Node b = start("node-b", lease);
        Node c = start("node-c", lease);
        awaitSettled(a, b, c);
        Map<ShardKey, Row> before = table();
        a.listener().clear();
        b.listener().clear();
        Set<ShardKey> ofC = c.ownership().owned().keySet();
        assertThat(ofC).isNotEmpty();

        c.ownership().halt();

        // Its leases run for three seconds from its last renewal: until then nobody may take its shards.
        await().during(Duration.ofMillis(500)).atMost(Duration.ofMillis(1500))
                .until(() -> ofC.stream().allMatch(shard -> c.id().equals(ownerOf(shard))));
        awaitSettled(a, b);
        Map<ShardKey, Row> after = table();
        for (ShardKey shard : shards) {
            Row was = before.get(shard);
            Row is = after.get(shard);
            if (ofC.contains(shard)) {
                assertThat(is.owner()).as("shard %s of the dead node", shard).isIn(a.id(), b.id());
                assertThat(is.epoch()).as("shard %s of the dead node", shard).isEqualTo(was.epoch() + 1);
            } else {
                assertThat(is).as("shard %s of a live node", shard).isEqualTo(was);
            }
        }
        assertThat(a.listener().lost()).isEmpty();
        assertThat(b.listener().lost()).isEmpty();
        assertThat(a.ownership().liveNodes()).isEqualTo(2);
    }

    @Test
    void whenANodeJoinsThenItTakesOnlyItsShareAndOnlyFromOthers() {
        Node a = start("node-a");
        Node b = start("node-b");
        Node c = start("node-c");
        awaitSettled(a, b, c);
        Map<ShardKey, Row> before = table();
        for (Node node : List.of(a, b, c)) {
            node.listener().clear();
        }

        Node d = start("node-d");
        awaitSettled(a, b, c, d);

        Map<ShardKey, Row> after = table();
        RendezvousPlacement four = new RendezvousPlacement(List.of(a.id(), b.id(), c.id(), d.id()));
        Set<ShardKey> moved = new HashSet<>();
        for (ShardKey shard : shards) {
            if (!after.get(shard).equals(before.get(shard))) {
                moved.add(shard);
                assertThat(after.get(shard).owner()).isEqualTo(d.id());
                assertThat(after.get(shard).epoch()).isEqualTo(before.get(shard).epoch() + 1);
            }
        }
        assertThat(moved).isNotEmpty()
                .allMatch(shard -> four.owner(shard).equals(d.id()))
                .hasSize(d.ownership().ownedCount());
        List<ShardKey> given = new ArrayList<>();
        for (Node node : List.of(a, b, c)) {
            given.addAll(node.listener().lost());
            assertThat(node.ownership().lostLeases()).as("a hand-over is a release, not a loss").isZero();
        }
        assertThat(given).containsExactlyInAnyOrderElementsOf(moved);
    }

    @Test
    void theEpochGoesUpOnEveryChangeOfOwnerAndFencesTheOldOwner() {
        database.clear();
        ShardKey shard = database.collection(1).getFirst();
        shards.clear();
        shards.add(shard);
        NodeId x = new NodeId("node-x");
        NodeId y = new NodeId("node-y");
        NodeId winner = new RendezvousPlacement(List.of(x, y)).owner(shard);
        NodeId loser = winner.equals(x) ? y : x;
        JdbcShardLeases leases = new JdbcShardLeases(jdbc);

        Node first = start(loser.value());
        awaitSettled(first);
        assertThat(first.ownership().owned().get(shard).epoch()).isEqualTo(1);

        Node second = start(winner.value());
        awaitSettled(first, second);
        assertThat(table().get(shard)).isEqualTo(new Row(winner, 2));
        assertThat(first.listener().lost()).containsExactly(shard);
        assertThat(fencedWrite(leases, shard, loser, 1)).as("the first owner after a hand-over").isFalse();
        assertThat(fencedWrite(leases, shard, winner, 2)).isTrue();

        second.ownership().halt();
        await().atMost(SETTLE).until(() -> new Row(loser, 3).equals(table().get(shard)));
        assertThat(fencedWrite(leases, shard, winner, 2)).as("the dead owner after a take-over").isFalse();
        assertThat(fencedWrite(leases, shard, loser, 3)).isTrue();
        assertThat(first.listener().open()).containsEntry(shard, 3L);
    }

    @Test
    void aLeaseTakenFromTheNodeIsReportedLostAtItsNextRound() {
        Node a = start("node-a");
        awaitSettled(a);
        ShardKey shard = shards.getFirst();
        long epoch = a.ownership().owned().get(shard).epoch();
        jdbc.sql("insert into quiver.search_nodes (id, advertise_url, started_at, heartbeat_at) "
                + "values ('node-gone', 'http://127.0.0.1:9', now(), now() - interval '1 hour')").update();

        // As a node that took the expired lease would: a new owner at the next epoch, for the rest of a lease.
        jdbc.sql("""
                update quiver.shard_leases set owner_node = 'node-gone', epoch = epoch + 1,
                    expires_at = clock_timestamp() + interval '1 second'
                where collection_id = :collection and shard = :shard
                """)
                .param("collection", shard.collection().value())
                .param("shard", shard.shard())
                .update();

        await().atMost(Duration.ofSeconds(2)).until(() -> a.listener().lost().contains(shard));
        assertThat(a.ownership().lostLeases()).isEqualTo(1);
        assertThat(a.ownership().owned()).doesNotContainKey(shard);
        // The other node is not live, so once its lease expires the shard comes back, at yet another epoch.
        await().atMost(SETTLE).until(() -> new Row(a.id(), epoch + 2).equals(table().get(shard)));
        assertThat(a.listener().open()).containsEntry(shard, epoch + 2);
    }

    @Test
    void whenTheDatabaseHangsPastTheLeaseThenTheNodeReportsItsShardsLostAndLaterTakesThemBackAtTheNextEpoch()
            throws Exception {
        // Statements time out as ClusterConfiguration makes them, so a hanging round fails instead of blocking.
        JdbcTemplate timed = new JdbcTemplate(database.dataSource());
        timed.setQueryTimeout(1);
        Node a = start("node-a", Duration.ofSeconds(3), JdbcClient.create(timed));
        awaitSettled(a);
        Map<ShardKey, Row> before = table();

        try (Connection blocker = database.dataSource().getConnection()) {
            blocker.setAutoCommit(false);
            try (Statement statement = blocker.createStatement()) {
                statement.execute("lock table quiver.search_nodes in access exclusive mode");
            }

            await().atMost(Duration.ofSeconds(10)).until(() -> a.ownership().ownedCount() == 0);
            assertThat(a.listener().lost()).containsExactlyInAnyOrderElementsOf(shards);
            assertThat(a.listener().open()).isEmpty();
            assertThat(a.ownership().lostLeases()).isEqualTo(shards.size());
            blocker.rollback();
        }

        awaitSettled(a);
        Map<ShardKey, Row> after = table();
        for (ShardKey shard : shards) {
            assertThat(after.get(shard)).isEqualTo(new Row(a.id(), before.get(shard).epoch() + 1));
        }
    }

    @Test
    void aCleanShutdownHandsItsShardsOverWithoutWaitingForTheirLeases() {
        Duration longLease = Duration.ofSeconds(10);
        Node a = start("node-a", longLease);
        Node b = start("node-b", longLease);
        awaitSettled(a, b);
        Set<ShardKey> ofB = b.ownership().owned().keySet();

        b.ownership().close();

        assertThat(b.listener().lost()).containsExactlyInAnyOrderElementsOf(ofB);
        assertThat(new JdbcSearchNodes(jdbc).live(longLease)).extracting(SearchNode::id).containsExactly(a.id());
        await().atMost(Duration.ofSeconds(5)).until(() -> a.ownership().ownedCount() == shards.size());
        assertThat(a.ownership().lostLeases()).isZero();
    }

    @Test
    void aRestartedNodeWithTheSameIdTakesItsShardsBackAtOnceAtTheNextEpoch() {
        Duration longLease = Duration.ofSeconds(10);
        Node first = start("node-a", longLease);
        awaitSettled(first);
        first.ownership().halt();

        Node restarted = start("node-a", longLease);

        await().atMost(Duration.ofSeconds(5)).until(() -> restarted.ownership().ownedCount() == shards.size());
        assertThat(restarted.ownership().owned().values()).allSatisfy(lease -> assertThat(lease.epoch())
                .isEqualTo(2));
    }

    @Test
    void sharesOfANewCollectionAreTakenAtTheNextRound() {
        Node a = start("node-a");
        Node b = start("node-b");
        awaitSettled(a, b);

        shards.addAll(database.collection(8));

        awaitSettled(a, b);
    }

    @Test
    void whenACollectionIsDeletedThenItsShardsAreDroppedWithoutCountingALoss() {
        Node a = start("node-a");
        awaitSettled(a);
        ShardKey deleted = shards.getLast();
        List<ShardKey> ofDeleted = shards.stream().filter(shard -> shard.collection().equals(deleted.collection()))
                .toList();

        jdbc.sql("delete from quiver.collections where id = :id").param("id", deleted.collection().value()).update();
        shards.removeAll(ofDeleted);

        awaitSettled(a);
        assertThat(a.listener().lost()).containsExactlyInAnyOrderElementsOf(ofDeleted);
        assertThat(a.ownership().lostLeases()).isZero();
    }

    private Node start(String id) {
        return start(id, LEASE);
    }

    private Node start(String id, Duration lease) {
        return start(id, lease, jdbc);
    }

    private Node start(String id, Duration lease, JdbcClient client) {
        NodeId node = new NodeId(id);
        URI url = URI.create("http://127.0.0.1:" + (9000 + started.size()));
        RecordingListener listener = new RecordingListener();
        JdbcShardLeases leases = new JdbcShardLeases(client);
        ShardOwnership ownership = new ShardOwnership(node, () -> url, new JdbcSearchNodes(client), leases,
                new ShardOwners(leases, HEARTBEAT), listener, HEARTBEAT, lease);
        ownership.start();
        Node started = new Node(node, url, ownership, listener);
        this.started.add(started);
        return started;
    }

    /**
     * Waits until every shard is held in the table by the node placement puts it on among {@code live}, each node
     * knows exactly those shards at those epochs, and its listener has opened exactly them.
     */
    private void awaitSettled(Node... live) {
        List<NodeId> ids = new ArrayList<>();
        for (Node node : live) {
            ids.add(node.id());
        }
        RendezvousPlacement placement = new RendezvousPlacement(ids);
        await().atMost(SETTLE).pollInterval(Duration.ofMillis(100)).until(() -> {
            Map<ShardKey, Row> table = table();
            Map<NodeId, Map<ShardKey, Long>> expected = new HashMap<>();
            for (ShardKey shard : shards) {
                Row row = table.get(shard);
                if (row == null || !row.owner().equals(placement.owner(shard))) {
                    return false;
                }
                expected.computeIfAbsent(row.owner(), owner -> new HashMap<>()).put(shard, row.epoch());
            }
            for (Node node : live) {
                Map<ShardKey, Long> owned = new HashMap<>();
                node.ownership().owned().forEach((shard, lease) -> owned.put(shard, lease.epoch()));
                Map<ShardKey, Long> mine = expected.getOrDefault(node.id(), Map.of());
                if (!owned.equals(mine) || !node.listener().open().equals(mine)) {
                    return false;
                }
            }
            return true;
        });
    }

    /** The held leases: owner and epoch of every shard whose lease has not expired. */
    private Map<ShardKey, Row> table() {
        Map<ShardKey, Row> rows = new HashMap<>();
        for (LeaseState state : new JdbcShardLeases(jdbc).all()) {
            if (state.held() && state.owner() != null) {
                rows.put(state.shard(), new Row(state.owner(), state.epoch()));
            }
        }
        return rows;
    }

    private NodeId ownerOf(ShardKey shard) {
        Row row = table().get(shard);
        return row == null ? null : row.owner();
    }

    private boolean fencedWrite(JdbcShardLeases leases, ShardKey shard, NodeId node, long epoch) {
        return Boolean.TRUE.equals(database.transactions().execute(status -> leases.holds(shard, node, epoch)));
    }

    private record Row(NodeId owner, long epoch) {
    }

    private record Node(NodeId id, URI url, ShardOwnership ownership, RecordingListener listener) {
    }

    /** What a shard registry would have open: every acquired shard until it is lost. */
    private static final class RecordingListener implements ShardOwnershipListener {

        private final Map<ShardKey, Long> open = new ConcurrentHashMap<>();
        private final List<ShardKey> lost = new CopyOnWriteArrayList<>();

        @Override
        public void acquired(ShardLease lease) {
            assertThat(open).as("acquired twice without a loss between").doesNotContainKey(lease.shard());
            open.put(lease.shard(), lease.epoch());
        }

        @Override
        public void lost(ShardKey shard) {
            lost.add(shard);
            open.remove(shard);
        }

        Map<ShardKey, Long> open() {
            return Map.copyOf(open);
        }

        List<ShardKey> lost() {
            return List.copyOf(lost);
        }

        void clear() {
            lost.clear();
        }
    }
}
