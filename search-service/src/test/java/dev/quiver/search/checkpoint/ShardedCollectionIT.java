package dev.quiver.search.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quiver.common.ErrorCode;
import dev.quiver.common.FieldError;
import dev.quiver.common.QuiverException;
import dev.quiver.search.api.CollectionChange;
import dev.quiver.search.api.CollectionView;
import dev.quiver.search.api.CreateCollection;
import dev.quiver.search.api.Hit;
import dev.quiver.search.api.HnswConfiguration;
import dev.quiver.search.api.Include;
import dev.quiver.search.api.MetadataValue;
import dev.quiver.search.api.Metric;
import dev.quiver.search.api.Quantization;
import dev.quiver.search.api.RecordFilter;
import dev.quiver.search.api.RecordWrite;
import dev.quiver.search.api.StoredRecord;
import dev.quiver.search.api.Where;
import dev.quiver.search.api.WriteBatch;
import dev.quiver.search.index.ShardRouting;
import dev.quiver.search.objectstore.FileObjectStore;
import dev.quiver.search.objectstore.ObjectStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A collection of several shards answers exactly as a collection of one shard holding the same records: the
 * standalone path, with a real PostgreSQL and a real object store.
 */
class ShardedCollectionIT extends SearchNodeFixture {

    /** Beyond the records of a test, so every search is exhaustive and exact, on one shard as on four. */
    private static final HnswConfiguration EXACT =
            new HnswConfiguration(Metric.L2, 100, 10_000, 16, 1.2, 1000, Quantization.NONE);
    private static final Set<Include> EVERY_PART =
            EnumSet.of(Include.DOCUMENTS, Include.EMBEDDINGS, Include.METADATAS, Include.URIS);

    private ObjectStore store;

    @BeforeEach
    void openObjectStore() {
        store = new FileObjectStore(temporary.resolve("objects"));
    }

    @Test
    void fourShardsAnswerQueriesGetsAndCountsAsOneShardDoes() {
        SearchNode node = start(Duration.ofHours(24));
        CollectionView one = create(node, "one", 1);
        CollectionView four = create(node, "four", 4);
        assertThat(four.shardCount()).isEqualTo(4);
        assertThat(node.current(four).shardCount()).isEqualTo(4);

        for (CollectionView collection : List.of(one, four)) {
            for (int i = 0; i < 4; i++) {
                node.write(collection, ShardCheckpointsIT.batch(i, 150));
            }
            node.write(collection, upserts());
            node.write(collection, updates());
            node.records.delete(node.current(collection), new RecordFilter(List.of("r-0-1", "r-1-2", "absent"),
                    null, null));
            node.records.delete(node.current(collection), new RecordFilter(null,
                    new Where.Compare("tag", Where.Operator.EQ, new MetadataValue.StringValue("tag-3")), null));
        }

        assertSameAnswers(node, one, four);
        int[] perShard = new int[4];
        for (int shard = 0; shard < 4; shard++) {
            perShard[shard] = node.records.count(node.current(four), shard);
            assertThat(perShard[shard]).as("shard %d holds its share", shard).isPositive();
        }
        assertThat(perShard[0] + perShard[1] + perShard[2] + perShard[3])
                .as("each upserted or updated id is on exactly one shard").isEqualTo(node.records.count(
                        node.current(one)));
        RecordFilter upserted = new RecordFilter(List.of("new-1"), null, null);
        int holder = ShardRouting.shardOf("new-1", 4);
        for (int shard = 0; shard < 4; shard++) {
            assertThat(node.records.getOrdered(node.current(four), shard, upserted, 10, Include.none()).records())
                    .hasSize(shard == holder ? 1 : 0);
        }
    }

    @Test
    void restartsAfterACleanCloseAndAfterACrashKeepEveryShard() {
        SearchNode first = start(Duration.ofHours(24));
        CollectionView one = create(first, "one", 1);
        CollectionView four = create(first, "four", 4);
        for (CollectionView collection : List.of(one, four)) {
            for (int i = 0; i < 3; i++) {
                first.write(collection, ShardCheckpointsIT.batch(i, 100));
            }
        }
        assertSameAnswers(first, one, four);
        first.close();
        nodes.remove(first);

        SearchNode second = start(Duration.ofHours(24));
        assertSameAnswers(second, one, four);
        second.write(one, upserts());
        second.write(four, upserts());
        second.crash();
        nodes.remove(second);

        SearchNode third = start(Duration.ofHours(24));
        assertSameAnswers(third, one, four);
        assertThat(third.records.count(third.current(four))).isEqualTo(305);
    }

    @Test
    void logIsTruncatedOnlyOnceTheSlowestShardHasACheckpoint() {
        SearchNode node = start(Duration.ZERO);
        CollectionView collection = create(node, "truncated", 4);
        for (int i = 0; i < 3; i++) {
            node.write(collection, ShardCheckpointsIT.batch(i, 50));
        }

        for (int shard = 0; shard < 3; shard++) {
            assertThat(node.checkpoint(collection, shard)).isTrue();
        }
        assertThat(node.logSequences(tenant, collection)).as("shard 3 has no checkpoint yet")
                .containsExactly(1L, 2L, 3L);

        assertThat(node.checkpoint(collection, 3)).isTrue();
        assertThat(node.logSequences(tenant, collection)).as("every shard holds the log now").isEmpty();

        node.write(collection, ShardCheckpointsIT.batch(3, 50));
        assertThat(node.checkpoint(collection, 1)).isTrue();
        assertThat(node.logSequences(tenant, collection)).as("shards 0, 2 and 3 hold only up to 3")
                .containsExactly(4L);
        List<StoredRecord> before = node.all(collection);
        node.crash();
        nodes.remove(node);
        deleteLocalShards();

        SearchNode restored = start(Duration.ZERO);
        assertThat(restored.all(collection)).as("every shard restored from its checkpoint plus the log")
                .extracting(StoredRecord::id).containsExactlyElementsOf(ids(before));
        assertThat(restored.records.count(restored.current(collection))).isEqualTo(200);
    }

    @Test
    void refusesBadShardCountsWithNothingCreated() {
        SearchNode node = start(Duration.ofHours(24));
        String field = "metadata." + CollectionView.SHARD_COUNT_KEY;

        assertRefused(() -> create(node, "zero", 0), field, "range");
        assertRefused(() -> create(node, "too-many", 65), field, "range");
        assertRefused(() -> node.catalog.create(new CreateCollection(database, "text", Map.of(
                CollectionView.SHARD_COUNT_KEY, new MetadataValue.StringValue("4")), EXACT, null, false)),
                field, "type");
        assertRefused(() -> node.catalog.create(new CreateCollection(database, "explicit", null, EXACT, null,
                false).withShardCount(-1)), field, "range");

        for (String name : List.of("zero", "too-many", "text", "explicit")) {
            assertThat(node.catalog.findByName(database, name)).as(name).isEmpty();
        }
        assertThat(node.catalog.create(new CreateCollection(database, "default", null, EXACT, null, false))
                .shardCount()).isEqualTo(1);
        assertThat(create(node, "most", 64).shardCount()).isEqualTo(64);
    }

    @Test
    void theShardCountCannotChangeAndStaysInTheMetadata() {
        SearchNode node = start(Duration.ofHours(24));
        CollectionView four = create(node, "four", 4);
        Map<String, MetadataValue> other = Map.of(CollectionView.SHARD_COUNT_KEY, new MetadataValue.IntValue(2));

        assertRefused(() -> node.catalog.modify(four, new CollectionChange(null, other, null)),
                "new_metadata." + CollectionView.SHARD_COUNT_KEY, "immutable");
        node.catalog.modify(four, new CollectionChange(null, Map.of("topic", new MetadataValue.StringValue("a")),
                null));

        CollectionView modified = node.current(four);
        assertThat(modified.shardCount()).isEqualTo(4);
        assertThat(modified.metadata()).containsEntry("topic", new MetadataValue.StringValue("a"))
                .containsEntry(CollectionView.SHARD_COUNT_KEY, new MetadataValue.IntValue(4));
    }

    @Test
    void deletingACollectionDeletesEveryShardsDirectory() throws IOException {
        SearchNode node = start(Duration.ofHours(24));
        CollectionView four = create(node, "four", 4);
        node.write(four, ShardCheckpointsIT.batch(0, 40));
        assertThat(node.all(four)).hasSize(40);
        Path directory = shardsDirectory.resolve(four.id().toString());
        try (var shards = Files.list(directory)) {
            assertThat(shards.map(path -> path.getFileName().toString()).toList())
                    .containsExactlyInAnyOrder("0", "1", "2", "3");
        }
        assertThat(node.records.diskBytes(node.current(four))).isPositive();

        node.catalog.delete(node.current(four));

        assertThat(directory).doesNotExist();
    }

    /** Query, get (whole and paged, filtered or not) and count agree between the two collections. */
    private static void assertSameAnswers(SearchNode node, CollectionView one, CollectionView four) {
        CollectionView oneNow = node.current(one);
        CollectionView fourNow = node.current(four);
        assertThat(node.records.count(fourNow)).isEqualTo(node.records.count(oneNow));
        assertThat(ids(node.all(four))).containsExactlyElementsOf(ids(node.all(one)));
        RecordFilter tagged = new RecordFilter(null,
                new Where.Compare("tag", Where.Operator.NE, new MetadataValue.StringValue("tag-1")), null);
        for (RecordFilter filter : List.of(RecordFilter.ALL, tagged)) {
            for (int[] page : new int[][] {{0, 7}, {5, 20}, {33, 50}, {0, 1000}, {290, 30}}) {
                List<StoredRecord> expected = node.records.get(oneNow, filter, page[0], page[1], EVERY_PART);
                List<StoredRecord> actual = node.records.get(fourNow, filter, page[0], page[1], EVERY_PART);
                assertThat(ids(actual)).as("page %d+%d", page[0], page[1]).containsExactlyElementsOf(ids(expected));
                for (int i = 0; i < expected.size(); i++) {
                    assertThat(actual.get(i).document()).isEqualTo(expected.get(i).document());
                    assertThat(actual.get(i).metadata()).isEqualTo(expected.get(i).metadata());
                    assertThat(actual.get(i).embedding()).isEqualTo(expected.get(i).embedding());
                }
            }
            float[][] queries = queries(5);
            List<List<Hit>> expected = node.records.query(oneNow, queries, 10, filter, EVERY_PART);
            List<List<Hit>> actual = node.records.query(fourNow, queries, 10, filter, EVERY_PART);
            assertThat(actual).hasSameSizeAs(expected);
            for (int q = 0; q < queries.length; q++) {
                assertThat(actual.get(q)).extracting(hit -> hit.record().id())
                        .containsExactlyElementsOf(expected.get(q).stream().map(hit -> hit.record().id()).toList());
                assertThat(actual.get(q)).extracting(Hit::score)
                        .containsExactlyElementsOf(expected.get(q).stream().map(Hit::score).toList());
            }
        }
    }

    /** Upserts: replacing existing records (which keep their place) and adding new ones. */
    private static WriteBatch upserts() {
        List<RecordWrite> records = new ArrayList<>();
        Random random = new Random(42);
        for (int i = 0; i < 10; i++) {
            records.add(new RecordWrite(i % 2 == 0 ? "r-2-" + i : "new-" + i, vector(random), "upserted " + i,
                    Map.of("tag", new MetadataValue.StringValue("upserted")), null));
        }
        return new WriteBatch(WriteBatch.Operation.UPSERT, records);
    }

    /** Updates of metadata only, one to an id that does not exist. */
    private static WriteBatch updates() {
        List<RecordWrite> records = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            records.add(new RecordWrite("r-3-" + i, null, null, Map.of("tag", new MetadataValue.StringValue(
                    "updated")), null));
        }
        records.add(new RecordWrite("missing", null, null, Map.of("tag", new MetadataValue.StringValue("x")),
                null));
        return new WriteBatch(WriteBatch.Operation.UPDATE, records);
    }

    private static float[][] queries(int count) {
        Random random = new Random(7);
        float[][] queries = new float[count][];
        for (int i = 0; i < count; i++) {
            queries[i] = vector(random);
        }
        return queries;
    }

    private static float[] vector(Random random) {
        float[] vector = new float[DIMENSION];
        for (int j = 0; j < DIMENSION; j++) {
            vector[j] = random.nextFloat();
        }
        return vector;
    }

    private static List<String> ids(List<StoredRecord> records) {
        return records.stream().map(StoredRecord::id).toList();
    }

    private static void assertRefused(Runnable action, String field, String rule) {
        assertThatThrownBy(action::run).isInstanceOfSatisfying(QuiverException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
            assertThat(e.errors()).extracting(FieldError::field, FieldError::rule)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple(field, rule));
        });
    }

    private void deleteLocalShards() {
        dev.quiver.common.FileTrees.deleteRecursively(shardsDirectory);
    }

    private SearchNode start(Duration retention) {
        return started(new SearchNode(postgres.getPostgresDatabase(), shardsDirectory, store, retention, clock));
    }

    private CollectionView create(SearchNode node, String name, int shardCount) {
        return node.catalog.create(new CreateCollection(database, name, Map.of(CollectionView.SHARD_COUNT_KEY,
                new MetadataValue.IntValue(shardCount)), EXACT, null, false));
    }
}
