package dev.quiver.search.index;

import static dev.quiver.search.index.Records.metadata;
import static dev.quiver.search.index.Records.record;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quiver.search.api.Hit;
import dev.quiver.search.api.Include;
import dev.quiver.search.api.Metric;
import dev.quiver.search.api.RecordFilter;
import dev.quiver.search.api.RecordWrite;
import dev.quiver.search.api.StoredRecord;
import dev.quiver.search.api.WriteBatch;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A shard whose Lucene writes run on several index threads must give exactly the results of one that runs them on
 * the applier thread, and must commit only what its lanes have written.
 */
class ShardIndexParallelApplyTests {

    private static final int INDEX_THREADS = 4;
    private static final int DIMENSION = 8;
    private static final Set<Include> EVERYTHING =
            EnumSet.of(Include.EMBEDDINGS, Include.DOCUMENTS, Include.METADATAS, Include.URIS);

    @TempDir
    Path directory;

    private ExecutorService indexPool;

    @BeforeEach
    void startIndexPool() {
        // More threads than the test machine may have cores, so lanes really interleave.
        indexPool = Executors.newFixedThreadPool(INDEX_THREADS);
    }

    @AfterEach
    void stopIndexPool() throws InterruptedException {
        indexPool.shutdown();
        assertThat(indexPool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    }

    @ParameterizedTest
    @EnumSource(Metric.class)
    void repeatedIdsAcrossAddUpsertUpdateAndDeleteGiveTheSingleThreadedResult(Metric metric) {
        List<WriteBatch> batches = repeatedIdBatches(71L, 12, 60, 40);
        float[][] queries = Records.randomVectors(72L, 5, DIMENSION);
        try (ShardIndex serial = ShardIndex.open(directory.resolve("serial"), Records.configuration(metric));
                ShardIndex parallel = ShardIndex.open(
                        directory.resolve("parallel"), Records.configuration(metric), indexPool, INDEX_THREADS,
                        WhereDocumentIndex.TRIGRAMS)) {
            long sequence = 0;
            for (WriteBatch batch : batches) {
                sequence++;
                serial.apply(sequence, batch);
                parallel.apply(sequence, batch);
                // Refresh only now and then, so later batches decide against an overlay of several earlier ones
                // while the lanes may still be writing them.
                if (sequence % 7 == 0) {
                    assertThat(parallel.refresh()).isEqualTo(serial.refresh()).isEqualTo(sequence);
                    assertSameContents(parallel, serial, queries);
                }
            }
            serial.refresh();
            parallel.refresh();

            assertThat(serial.count()).isPositive();
            assertSameContents(parallel, serial, queries);
        }
    }

    @Test
    void commitAfterConcurrentAppliesRecordsEveryRecordAcrossAReopen() {
        int batches = 20;
        int batchSize = 100;
        float[][] vectors = Records.randomVectors(73L, batches * batchSize, DIMENSION);
        Set<String> expected = new HashSet<>();
        try (ShardIndex shard =
                ShardIndex.open(directory, Records.configuration(Metric.L2), indexPool, INDEX_THREADS,
                        WhereDocumentIndex.TRIGRAMS)) {
            for (int batch = 0; batch < batches; batch++) {
                List<RecordWrite> records = new ArrayList<>(batchSize);
                for (int i = 0; i < batchSize; i++) {
                    int index = batch * batchSize + i;
                    records.add(record("r" + index, vectors[index]));
                    expected.add("r" + index);
                }
                shard.apply(batch + 1, new WriteBatch(WriteBatch.Operation.ADD, records));
            }
            // No refresh: the commit alone must wait for the lanes.
            shard.commit();
            assertThat(shard.committedSequence()).isEqualTo(batches);
        }

        try (ShardIndex reopened = Records.open(directory, Metric.L2)) {
            assertThat(reopened.committedSequence()).isEqualTo(batches);
            assertThat(reopened.count()).isEqualTo(batches * batchSize);
            List<StoredRecord> records = reopened.get(RecordFilter.ALL, 0, Integer.MAX_VALUE, Include.none());
            List<String> ids = new ArrayList<>(records.size());
            for (StoredRecord record : records) {
                ids.add(record.id());
            }
            assertThat(ids).hasSize(batches * batchSize).containsExactlyInAnyOrderElementsOf(expected);
            // Insertion order survives the reopen although the lanes wrote the records in no particular order.
            assertThat(ids.getFirst()).isEqualTo("r0");
            assertThat(ids.getLast()).isEqualTo("r" + (batches * batchSize - 1));
        }
    }

    @Test
    void whenTheIndexPoolRejectsWritesThenTheShardFailsAndCommitsNothingMore() {
        float[][] vectors = Records.randomVectors(74L, 2, DIMENSION);
        try (ShardIndex shard =
                ShardIndex.open(directory, Records.configuration(Metric.L2), indexPool, INDEX_THREADS,
                        WhereDocumentIndex.TRIGRAMS)) {
            shard.apply(1, Records.add(record("a", vectors[0])));
            shard.commit();
            indexPool.shutdown();

            assertThatThrownBy(() -> shard.apply(2, Records.add(record("b", vectors[1]))))
                    .isInstanceOf(IllegalStateException.class)
                    .hasRootCauseInstanceOf(RejectedExecutionException.class);
            assertThatThrownBy(shard::commit).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(shard::refresh).isInstanceOf(IllegalStateException.class);
            assertThat(shard.committedSequence()).isEqualTo(1);
        }

        try (ShardIndex reopened = Records.open(directory, Metric.L2)) {
            assertThat(reopened.committedSequence()).isEqualTo(1);
            assertThat(reopened.count()).isEqualTo(1);
        }
    }

    /**
     * Rounds of four batches over a pool of ids: ADD, UPSERT, UPDATE and DELETE of overlapping random ids, each
     * batch repeating some ids (first wins in ADD, last wins in UPSERT and UPDATE), with metadata patches that set
     * and remove keys, and upserts and updates that keep the stored embedding.
     */
    private static List<WriteBatch> repeatedIdBatches(long seed, int rounds, int idPool, int batchSize) {
        Random random = new Random(seed);
        List<WriteBatch> batches = new ArrayList<>();
        int version = 0;
        for (int round = 0; round < rounds; round++) {
            for (WriteBatch.Operation operation : WriteBatch.Operation.values()) {
                List<RecordWrite> records = new ArrayList<>(batchSize);
                for (int i = 0; i < batchSize; i++) {
                    String id = "id" + random.nextInt(idPool);
                    version++;
                    records.add(switch (operation) {
                        case ADD -> record(id, vector(random), "added " + version,
                                metadata("round", round, "kind", "add"), "uri:" + version);
                        // Some upserts of an existing id omit the embedding; a new id gets one so the batch is valid.
                        case UPSERT -> record(id, random.nextInt(3) == 0 ? null : vector(random),
                                random.nextBoolean() ? null : "upserted " + version,
                                metadata("round", round, "kind", random.nextBoolean() ? null : "upsert"), null);
                        case UPDATE -> record(id, random.nextBoolean() ? null : vector(random),
                                random.nextBoolean() ? null : "updated " + version,
                                metadata("updated", version, "round", random.nextBoolean() ? null : round),
                                random.nextBoolean() ? null : "uri:" + version);
                        case DELETE -> record(id, null);
                    });
                }
                batches.add(new WriteBatch(operation, ensureUpsertsAreValid(operation, records, batches)));
            }
        }
        return batches;
    }

    /** Gives an embedding to each upsert without one whose id may not exist, so no batch is rejected. */
    private static List<RecordWrite> ensureUpsertsAreValid(
            WriteBatch.Operation operation, List<RecordWrite> records, List<WriteBatch> earlier) {
        if (operation != WriteBatch.Operation.UPSERT) {
            return records;
        }
        Set<String> live = liveIds(earlier);
        List<RecordWrite> valid = new ArrayList<>(records.size());
        for (RecordWrite write : records) {
            if (write.embedding() == null && !live.contains(write.id())) {
                write = new RecordWrite(write.id(), vector(new Random(write.id().hashCode())), write.document(),
                        write.metadata(), write.uri());
            }
            valid.add(write);
            if (write.embedding() != null) {
                live.add(write.id());
            }
        }
        return valid;
    }

    /** The ids that exist after the batches, by Chroma's rules (only existence matters here). */
    private static Set<String> liveIds(List<WriteBatch> batches) {
        Set<String> live = new HashSet<>();
        for (WriteBatch batch : batches) {
            for (RecordWrite write : batch.records()) {
                switch (batch.operation()) {
                    case ADD, UPSERT -> live.add(write.id());
                    case UPDATE -> {
                        // Never creates a record.
                    }
                    case DELETE -> live.remove(write.id());
                }
            }
        }
        return live;
    }

    private static float[] vector(Random random) {
        float[] vector = new float[DIMENSION];
        for (int i = 0; i < DIMENSION; i++) {
            vector[i] = random.nextFloat() * 2f - 1f;
        }
        return vector;
    }

    /**
     * Same records, parts and insertion order, and the same exhaustive query answers (n_results covers every record,
     * so each search is exact and independent of how the lanes split the graphs).
     */
    private static void assertSameContents(ShardIndex actual, ShardIndex expected, float[][] queries) {
        assertThat(actual.count()).isEqualTo(expected.count());
        assertThat(actual.get(RecordFilter.ALL, 0, Integer.MAX_VALUE, EVERYTHING))
                .usingRecursiveComparison()
                .isEqualTo(expected.get(RecordFilter.ALL, 0, Integer.MAX_VALUE, EVERYTHING));
        int all = Math.max(1, expected.count());
        List<List<Hit>> actualHits = actual.query(queries, all, RecordFilter.ALL, EVERYTHING);
        List<List<Hit>> expectedHits = expected.query(queries, all, RecordFilter.ALL, EVERYTHING);
        assertThat(actualHits).usingRecursiveComparison().isEqualTo(expectedHits);
    }
}
