package dev.quiver.search.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.quiver.search.api.CollectionId;
import dev.quiver.search.api.CollectionView;
import dev.quiver.search.api.CreateCollection;
import dev.quiver.search.api.HnswConfiguration;
import dev.quiver.search.api.RecordWrite;
import dev.quiver.search.api.StoredRecord;
import dev.quiver.search.api.WriteBatch;
import dev.quiver.search.objectstore.FileObjectStore;
import dev.quiver.search.objectstore.ObjectStore;
import dev.quiver.search.shard.Shard;
import dev.quiver.search.shard.ShardCache;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Cold shards on a real PostgreSQL and the filesystem object store: idle shards close and reopen with every record,
 * a cap on open shards closes the least recently used, a disk budget deletes the local files of closed shards that
 * a checkpoint holds and nothing else, and reads racing closes never fail. The tests call the registry's timer
 * tasks ({@code closeDue}, {@code evictDue}) themselves, so each step happens when the test says.
 */
class ColdShardsIT extends SearchNodeFixture {

    private static final Duration LONG = Duration.ofHours(1);

    private ObjectStore store;

    @BeforeEach
    void openObjectStore() {
        store = new FileObjectStore(temporary.resolve("objects"));
    }

    @Test
    void whenShardIsIdleThenItClosesCheckpointedAndTheNextReadReopensItWithEveryRecord() {
        SearchNode node = start(new ShardCache(Duration.ZERO, 1000, Long.MAX_VALUE));
        CollectionView collection = create(node, "idle");
        List<RecordWrite> written = writeBatches(node, collection, 3, 100);
        List<StoredRecord> before = node.all(collection);

        node.shards.closeDue();

        assertThat(node.shards.openShards()).isZero();
        assertThat(node.meters.get("closed.idle").counter().count()).isEqualTo(1);
        assertThat(node.recordedCheckpoints(collection)).as("the close checkpointed the final commit")
                .extracting(RecordedCheckpoint::sequence).contains(3L);

        List<StoredRecord> after = node.all(collection);

        assertThat(node.shards.openShards()).isEqualTo(1);
        assertThat(after).hasSize(written.size());
        assertThat(after).usingRecursiveFieldByFieldElementComparator().containsExactlyElementsOf(before);
        // Timed when the applier's first pass over the log ends, which a caught-up read does not wait for.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
                node.meters.get("cold.local").timer().count()).as("first open and reopen, both timed").isEqualTo(2));
    }

    @Test
    void whenAWriteArrivesForAClosedShardThenItReopensAndTheReadSeesTheWrite() {
        SearchNode node = start(new ShardCache(Duration.ZERO, 1000, Long.MAX_VALUE));
        CollectionView collection = create(node, "write-after-close");
        writeBatches(node, collection, 1, 50);
        assertThat(node.all(collection)).hasSize(50);
        node.shards.closeDue();
        assertThat(node.shards.openShards()).isZero();

        node.write(collection, batch(1, 50));

        assertThat(node.all(collection)).hasSize(100);
    }

    @Test
    void whenMoreShardsThanTheMaximumAreOpenThenTheLeastRecentlyUsedClose() {
        SearchNode node = start(new ShardCache(LONG, 2, Long.MAX_VALUE));
        CollectionView first = create(node, "first");
        CollectionView second = create(node, "second");
        CollectionView third = create(node, "third");
        writeBatches(node, first, 1, 50);
        assertThat(node.all(first)).hasSize(50);
        writeBatches(node, second, 1, 50);
        assertThat(node.all(second)).hasSize(50);

        writeBatches(node, third, 1, 50);

        assertThat(openCollections(node)).containsExactlyInAnyOrder(second.id(), third.id());
        assertThat(node.meters.get("closed.capacity").counter().count()).isEqualTo(1);

        assertThat(node.all(first)).as("reopened, with its records").hasSize(50);

        assertThat(openCollections(node)).containsExactlyInAnyOrder(first.id(), third.id());
        assertThat(node.all(second)).hasSize(50);
        assertThat(node.all(third)).hasSize(50);
        assertThat(node.shards.openShards()).isEqualTo(2);
    }

    @Test
    void whenDiskBudgetIsExceededThenOnlyCheckpointedClosedShardsLoseTheirFilesAndTheNextReadRestoresThem() {
        SearchNode node = start(new ShardCache(Duration.ZERO, 1000, 1));
        CollectionView checkpointed = create(node, "checkpointed");
        CollectionView notCheckpointed = create(node, "not-checkpointed");
        node.uncheckpointed.add(notCheckpointed.id());
        writeBatches(node, checkpointed, 2, 100);
        writeBatches(node, notCheckpointed, 2, 100);
        List<StoredRecord> checkpointedBefore = node.all(checkpointed);
        List<StoredRecord> notCheckpointedBefore = node.all(notCheckpointed);
        CollectionView open = create(node, "open");
        writeBatches(node, open, 1, 100);
        Shard held = node.shards.acquire(node.current(open), 0);
        try {
            node.shards.closeDue();
            assertThat(openCollections(node)).containsExactly(open.id());
            assertThat(node.shards.localDiskBytes()).isPositive();

            long deleted = node.shards.evictDue();

            assertThat(deleted).isPositive();
            assertThat(shardDirectory(checkpointed)).doesNotExist();
            assertThat(shardDirectory(notCheckpointed)).as("its commit is in no checkpoint").isDirectory();
            assertThat(shardDirectory(open)).as("open shards are never evicted").isDirectory();
            assertThat(node.meters.get("evicted").counter().count()).isEqualTo(1);
        } finally {
            held.release();
        }

        assertThat(node.all(checkpointed)).usingRecursiveFieldByFieldElementComparator()
                .containsExactlyElementsOf(checkpointedBefore);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
                node.meters.get("cold.restored").timer().count()).isEqualTo(1));
        assertThat(shardDirectory(checkpointed)).isDirectory();
        assertThat(node.all(notCheckpointed)).usingRecursiveFieldByFieldElementComparator()
                .containsExactlyElementsOf(notCheckpointedBefore);
        assertThat(node.all(open)).hasSize(100);
    }

    @Test
    void whenLogGrewAfterEvictionThenTheRestoredShardReplaysTheRest() {
        SearchNode node = start(new ShardCache(Duration.ZERO, 1000, 1));
        CollectionView collection = create(node, "grown");
        writeBatches(node, collection, 2, 100);
        assertThat(node.all(collection)).hasSize(200);
        node.shards.closeDue();
        node.shards.evictDue();
        assertThat(shardDirectory(collection)).doesNotExist();

        node.write(collection, batch(2, 100));

        assertThat(node.all(collection)).hasSize(300);
    }

    @Test
    void readsRacingIdleClosesNeverFailAndAlwaysSeeEveryRecord() throws Exception {
        SearchNode node = start(new ShardCache(Duration.ZERO, 1000, Long.MAX_VALUE));
        CollectionView collection = create(node, "racing");
        writeBatches(node, collection, 2, 50);
        ExecutorService readers = Executors.newFixedThreadPool(3);
        AtomicBoolean stop = new AtomicBoolean();
        try {
            List<Future<Integer>> reads = new ArrayList<>();
            for (int reader = 0; reader < 3; reader++) {
                reads.add(readers.submit(() -> {
                    int rounds = 0;
                    while (!stop.get()) {
                        assertThat(node.all(collection)).hasSize(100);
                        assertThat(node.records.count(node.current(collection))).isEqualTo(100);
                        rounds++;
                    }
                    return rounds;
                }));
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (node.meters.get("closed.idle").counter().count() < 100 && System.nanoTime() < deadline) {
                node.shards.closeDue();
            }
            stop.set(true);
            int rounds = 0;
            for (Future<Integer> read : reads) {
                rounds += read.get(30, TimeUnit.SECONDS);
            }
            assertThat(node.meters.get("closed.idle").counter().count()).as("closes raced the reads")
                    .isGreaterThanOrEqualTo(100);
            assertThat(rounds).isPositive();
        } finally {
            stop.set(true);
            readers.shutdownNow();
        }
        assertThat(node.all(collection)).hasSize(100);
    }

    @Test
    void onRestartOnlyShardsWhoseLocalCommitIsBehindTheirLogNeedOpening() {
        SearchNode first = start(new ShardCache(LONG, 1000, Long.MAX_VALUE));
        CollectionView caughtUp = create(first, "caught-up");
        CollectionView behind = create(first, "behind");
        CollectionView neverHere = create(first, "never-here");
        writeBatches(first, caughtUp, 1, 20);
        writeBatches(first, behind, 1, 20);
        assertThat(first.all(caughtUp)).hasSize(20);
        assertThat(first.all(behind)).hasSize(20);
        first.close();
        nodes.remove(first);
        // Another node, with shards of its own elsewhere, logs more for one collection.
        SearchNode elsewhere = start(temporary.resolve("elsewhere"), new ShardCache(LONG, 1000, Long.MAX_VALUE));
        elsewhere.write(behind, batch(1, 20));
        writeBatches(elsewhere, neverHere, 1, 20);

        SearchNode restarted = start(new ShardCache(LONG, 1000, Long.MAX_VALUE));

        assertThat(restarted.shards.behindLog(restarted.current(caughtUp), 0)).isFalse();
        assertThat(restarted.shards.behindLog(restarted.current(behind), 0)).isTrue();
        assertThat(restarted.shards.behindLog(restarted.current(neverHere), 0)).as("no local files: opened on use")
                .isFalse();
        assertThat(restarted.all(behind)).hasSize(40);
        assertThat(restarted.shards.behindLog(restarted.current(behind), 0)).as("open now").isFalse();
    }

    private SearchNode start(ShardCache cache) {
        return start(shardsDirectory, cache);
    }

    private SearchNode start(Path shards, ShardCache cache) {
        return started(new SearchNode(postgres.getPostgresDatabase(), shards, store, Duration.ZERO, clock,
                cache));
    }

    private CollectionView create(SearchNode node, String name) {
        return node.catalog.create(new CreateCollection(database, name, null, HnswConfiguration.DEFAULT, null,
                false));
    }

    private Path shardDirectory(CollectionView collection) {
        return shardsDirectory.resolve(collection.id().toString()).resolve("0");
    }

    private static Set<CollectionId> openCollections(SearchNode node) {
        return node.shards.shards().stream().map(Shard::collection).collect(Collectors.toSet());
    }

    private static List<RecordWrite> writeBatches(SearchNode node, CollectionView collection, int batches,
            int size) {
        List<RecordWrite> written = new ArrayList<>();
        for (int i = 0; i < batches; i++) {
            WriteBatch batch = batch(i, size);
            written.addAll(batch.records());
            node.write(collection, batch);
        }
        return written;
    }

    /** Records {@code batch-i} with seeded vectors and a document. */
    private static WriteBatch batch(int batch, int size) {
        Random random = new Random(batch);
        List<RecordWrite> records = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            float[] embedding = new float[DIMENSION];
            for (int j = 0; j < DIMENSION; j++) {
                embedding[j] = random.nextFloat();
            }
            records.add(new RecordWrite("r-" + batch + "-" + i, embedding, "document " + batch + " " + i, null,
                    null));
        }
        return new WriteBatch(WriteBatch.Operation.ADD, records);
    }
}
