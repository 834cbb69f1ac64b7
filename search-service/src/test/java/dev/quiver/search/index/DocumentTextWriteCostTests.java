package dev.quiver.search.index;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quiver.search.api.Metric;
import dev.quiver.search.api.RecordWrite;
import dev.quiver.search.api.WriteBatch;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Prints what a 10,000-record load with documents costs the applier, so the cost of indexing documents for BM25
 * can be compared with the load before it existed. The time is printed, never asserted: speed is the benchmark's
 * business, and a shared build machine makes any bound flaky. What is asserted is that every record arrived.
 */
class DocumentTextWriteCostTests {

    private static final int RECORDS = 10_000;
    private static final int BATCH = 500;
    private static final int DIMENSION = 64;
    private static final int WORDS_PER_DOCUMENT = 40;

    @TempDir
    Path directory;

    @Test
    void loadsTenThousandRecordsWithDocumentsAndPrintsTheTime() {
        List<WriteBatch> batches = batches(new Random(42));
        long best = Long.MAX_VALUE;
        for (int run = 0; run < 3; run++) {
            Path shardDirectory = directory.resolve("run-" + run);
            long started = System.nanoTime();
            try (ShardIndex shard = Records.open(shardDirectory, Metric.COSINE)) {
                long sequence = 1;
                for (WriteBatch batch : batches) {
                    shard.apply(sequence++, batch);
                }
                shard.refresh();
                shard.commit();
                best = Math.min(best, System.nanoTime() - started);
                assertThat(shard.count()).isEqualTo(RECORDS);
            }
        }
        System.out.printf("DocumentTextWriteCostTests: %,d records (%d dimensions, %d-word documents) applied, "
                + "refreshed and committed in %.0f ms (best of 3)%n", RECORDS, DIMENSION, WORDS_PER_DOCUMENT,
                best / 1e6);
    }

    /** Documents of words from a Zipf-like vocabulary, as text is, and random vectors; fixed seed. */
    private static List<WriteBatch> batches(Random random) {
        String[] vocabulary = new String[5_000];
        for (int i = 0; i < vocabulary.length; i++) {
            vocabulary[i] = "w" + Integer.toString(i, 36);
        }
        List<WriteBatch> batches = new ArrayList<>();
        List<RecordWrite> records = new ArrayList<>(BATCH);
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < RECORDS; i++) {
            float[] vector = new float[DIMENSION];
            for (int d = 0; d < DIMENSION; d++) {
                vector[d] = (float) random.nextGaussian();
            }
            text.setLength(0);
            for (int w = 0; w < WORDS_PER_DOCUMENT; w++) {
                // Squaring a uniform draw favours low ranks: a few words are common, most are rare.
                double u = random.nextDouble();
                text.append(vocabulary[(int) (u * u * vocabulary.length)]).append(' ');
            }
            records.add(new RecordWrite("id-" + i, vector, text.toString(), null, null));
            if (records.size() == BATCH) {
                batches.add(new WriteBatch(WriteBatch.Operation.ADD, records));
                records = new ArrayList<>(BATCH);
            }
        }
        return batches;
    }
}
