package dev.quiver.search.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quiver.common.ErrorCode;
import dev.quiver.common.QuiverException;
import dev.quiver.search.api.CollectionView;
import dev.quiver.search.api.CreateCollection;
import dev.quiver.search.api.HnswConfiguration;
import dev.quiver.search.api.MetadataValue;
import dev.quiver.search.api.RecordWrite;
import dev.quiver.search.api.RestoreCollection;
import dev.quiver.search.api.StoredRecord;
import dev.quiver.search.api.WriteBatch;
import dev.quiver.search.api.WriteLimits;
import dev.quiver.search.counter.JdbcCollectionCounters;
import dev.quiver.search.counter.JdbcRecordSizes;
import dev.quiver.search.objectstore.FileObjectStore;
import dev.quiver.search.objectstore.ObjectStoreException;
import dev.quiver.search.objectstore.StoredObject;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Restores against a real PostgreSQL and a real object store, on a clock the test sets: a log truncated up to the
 * newest checkpoint, an upload that fails halfway through the copy, and a restored collection that outlives its
 * source and opens on another node.
 */
class CheckpointCollectionRestoreIT extends SearchNodeFixture {

    private InterruptingObjectStore interrupting;
    private FailingObjectStore store;

    @BeforeEach
    void openObjectStore() {
        interrupting = new InterruptingObjectStore(new FileObjectStore(temporary.resolve("objects")));
        store = new FailingObjectStore(interrupting);
    }

    @Test
    void whenTheLogIsTruncatedToTheNewestCheckpointThenARestoreStartsFromItAndAnEarlierTimeIsRefused() {
        SearchNode node = start(temporary.resolve("shards"), Duration.ZERO);
        CollectionView source = create(node, "truncated");
        node.write(source, batch(0, 100));
        clock.advance(Duration.ofMinutes(1));
        node.write(source, deletes(0, 0, 10));
        clock.advance(Duration.ofMinutes(1));
        assertThat(node.checkpoint(source)).isTrue();
        assertThat(node.logSequences(tenant, source)).as("retention 0s truncates through the checkpoint").isEmpty();
        Instant checkpointed = node.recordedCheckpoints(source).getLast().createdAt();
        clock.advance(Duration.ofMinutes(1));

        CollectionView restored = restore(node, source, "truncated-copy", clock.instant());

        assertThat(restored.logPosition()).isEqualTo(2);
        assertSameRecords(node.all(restored), node.all(source));
        assertThat(counters(node, restored)).isEqualTo(counters(node, source));
        assertThatThrownBy(() -> restore(node, source, "too-early", checkpointed.minusSeconds(1)))
                .isInstanceOfSatisfying(QuiverException.class, refused -> {
                    assertThat(refused.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
                    assertThat(refused.errors().getFirst().field()).isEqualTo("as_of");
                    assertThat(refused.getMessage()).contains(checkpointed.toString());
                });
    }

    @Test
    void whenAnUploadFailsDuringTheCopyThenNothingIsRestoredAndEveryCopiedObjectIsDeleted() {
        SearchNode node = start(temporary.resolve("shards"), Duration.ofHours(24));
        CollectionView source = create(node, "failing");
        node.write(source, batch(0, 100));
        assertThat(node.checkpoint(source)).isTrue();
        node.write(source, batch(1, 20));
        Set<String> stored = storedKeys();
        long collections = collectionCount(node);
        List<StoredRecord> expected = node.all(source);

        store.failUpload(2);
        assertThatThrownBy(() -> restore(node, source, "failing-copy", clock.instant()))
                .isInstanceOf(ObjectStoreException.class);

        assertThat(storedKeys()).isEqualTo(stored);
        assertThat(collectionCount(node)).isEqualTo(collections);
        CollectionView restored = restore(node, source, "failing-copy", clock.instant());
        assertSameRecords(node.all(restored), expected);
    }

    @Test
    void whenAnotherNodeTruncatesTheLogDuringARestoreThenItConflictsWithNothingWrittenAndARetryRestores() {
        SearchNode node = start(temporary.resolve("shards"), Duration.ofHours(24));
        CollectionView source = create(node, "raced");
        node.write(source, batch(0, 50));
        assertThat(node.checkpoint(source)).isTrue();
        node.write(source, batch(1, 50));
        node.write(source, deletes(0, 0, 5));
        List<StoredRecord> expected = node.all(source);
        long collections = collectionCount(node);
        // Another node, whose retention is over, checkpoints the source and truncates its log and old checkpoint.
        interrupting.beforeNextDownload(() -> {
            SearchNode other = start(temporary.resolve("other-shards"), Duration.ZERO);
            assertThat(other.checkpoint(source)).isTrue();
            assertThat(other.logSequences(tenant, source)).isEmpty();
        });

        assertThatThrownBy(() -> restore(node, source, "raced-copy", clock.instant()))
                .isInstanceOfSatisfying(QuiverException.class,
                        conflict -> assertThat(conflict.code()).isEqualTo(ErrorCode.CONFLICT));

        assertThat(collectionCount(node)).isEqualTo(collections);
        CollectionView restored = restore(node, source, "raced-copy", clock.instant());
        assertSameRecords(node.all(restored), expected);
    }

    @Test
    void restoredCollectionKeepsItsRecordsAfterTheSourceIsDeletedAndOpensOnAnotherNode() {
        SearchNode node = start(temporary.resolve("shards"), Duration.ofHours(24));
        CollectionView source = create(node, "deleted-later");
        node.write(source, batch(0, 100));
        assertThat(node.checkpoint(source)).isTrue();
        node.write(source, deletes(0, 50, 60));
        CollectionView restored = restore(node, source, "survivor", clock.instant());
        List<StoredRecord> expected = node.all(source);

        node.catalog.delete(node.current(source));
        node.checkpoints.purgeDeleted();
        assertThat(store.list(ObjectStoreCheckpoints.collectionPrefix(tenant, source.id()))).isEmpty();
        node.crash();
        SearchNode other = start(temporary.resolve("other-shards"), Duration.ofHours(24));

        assertThat(other.recordedCheckpoints(restored)).hasSize(1);
        assertSameRecords(other.all(restored), expected);
        assertThat(expected).hasSize(90);
    }

    @Test
    void aCollectionOfSeveralShardsIsRestoredShardByShardFromEachOnesCheckpointAndTheLog() {
        SearchNode node = start(temporary.resolve("shards"), Duration.ofHours(24));
        CollectionView source = node.catalog.create(new CreateCollection(database, "sharded", null,
                HnswConfiguration.DEFAULT, null, false).withShardCount(4));
        node.write(source, batch(0, 100));
        assertThat(node.checkpoint(source, 0)).isTrue();
        assertThat(node.checkpoint(source, 1)).isTrue();
        List<StoredRecord> asOfFirst = node.all(source);
        clock.advance(Duration.ofMinutes(1));
        Instant first = clock.instant();
        clock.advance(Duration.ofMinutes(1));
        node.write(source, deletes(0, 0, 10));
        node.write(source, batch(1, 50));
        assertThat(node.checkpoint(source, 2)).as("shard 3 has none: it replays the whole log").isTrue();
        clock.advance(Duration.ofMinutes(1));

        CollectionView restored = restore(node, source, "sharded-now", clock.instant());
        CollectionView earlier = restore(node, source, "sharded-earlier", first);

        assertThat(restored.shardCount()).isEqualTo(4);
        assertThat(node.current(restored).shardCount()).isEqualTo(4);
        assertSameRecords(node.all(restored), node.all(source));
        assertThat(counters(node, restored)).isEqualTo(counters(node, source));
        assertThat(node.recorded.listFrom(restored.id(), 2, 0)).extracting(RecordedCheckpoint::sequence)
                .containsExactly(3L);
        assertSameRecords(node.all(earlier), asOfFirst);
    }

    private CollectionView restore(SearchNode node, CollectionView source, String name, Instant asOf) {
        CheckpointCollectionRestore restores = new CheckpointCollectionRestore(store, node.recorded,
                node.checkpoints, node.wal, node.collections, new JdbcRecordSizes(node.jdbc),
                new JdbcCollectionCounters(node.jdbc),
                new TransactionTemplate(new DataSourceTransactionManager(postgres.getPostgresDatabase())),
                temporary.resolve("restores"), clock);
        return restores.restore(new RestoreCollection(node.current(source), database, name, asOf, null,
                WriteLimits.UNLIMITED));
    }

    private SearchNode start(Path shardsDirectory, Duration retention) {
        return started(new SearchNode(postgres.getPostgresDatabase(), shardsDirectory, store, retention, clock));
    }

    private CollectionView create(SearchNode node, String name) {
        return node.catalog.create(new CreateCollection(database, name, null, HnswConfiguration.DEFAULT, null,
                false));
    }

    private Set<String> storedKeys() {
        Set<String> keys = new HashSet<>();
        for (StoredObject object : store.list("tenants/" + tenant.value() + "/")) {
            keys.add(object.key());
        }
        return keys;
    }

    private static long collectionCount(SearchNode node) {
        return node.jdbc.sql("select count(*) from quiver.collections").query(Long.class).single();
    }

    private static List<Long> counters(SearchNode node, CollectionView collection) {
        return node.jdbc.sql("select record_count, stored_bytes from quiver.collections where id = :id")
                .param("id", collection.id().value())
                .query((rs, row) -> List.of(rs.getLong(1), rs.getLong(2)))
                .single();
    }

    private static void assertSameRecords(List<StoredRecord> actual, List<StoredRecord> expected) {
        assertThat(actual).usingRecursiveFieldByFieldElementComparator().containsExactlyElementsOf(expected);
    }

    /** Records {@code batch-i} with seeded vectors, a document and metadata. */
    private static WriteBatch batch(int batch, int size) {
        Random random = new Random(batch);
        List<RecordWrite> records = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            float[] embedding = new float[DIMENSION];
            for (int j = 0; j < DIMENSION; j++) {
                embedding[j] = random.nextFloat();
            }
            records.add(new RecordWrite("r-" + batch + "-" + i, embedding, "document " + batch + " " + i,
                    Map.of("batch", new MetadataValue.IntValue(batch), "tag",
                            new MetadataValue.StringValue("tag-" + (i % 7))), null));
        }
        return new WriteBatch(WriteBatch.Operation.ADD, records);
    }

    /** Deletes records {@code from} to {@code to} (exclusive) of a batch. */
    private static WriteBatch deletes(int batch, int from, int to) {
        List<RecordWrite> records = new ArrayList<>();
        for (int i = from; i < to; i++) {
            records.add(new RecordWrite("r-" + batch + "-" + i, null, null, null, null));
        }
        return new WriteBatch(WriteBatch.Operation.DELETE, records);
    }
}
