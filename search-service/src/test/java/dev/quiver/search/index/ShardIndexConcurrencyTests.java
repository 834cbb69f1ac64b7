package dev.quiver.search.index;

import static dev.quiver.search.index.Records.record;
import static org.assertj.core.api.Assertions.assertThat;

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
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShardIndexConcurrencyTests {

    private static final int BATCHES = 40;
    private static final int BATCH_SIZE = 50;
    private static final int READERS = 3;

    @TempDir
    Path directory;

    @Test
    void queriesRunConcurrentlyWithTheApplierAndSeeCountsOnlyGrow() throws Exception {
        float[][] vectors = Records.randomVectors(61L, BATCHES * BATCH_SIZE, 16);
        float[][] queries = Records.randomVectors(62L, 4, 16);
        Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
        AtomicBoolean applierDone = new AtomicBoolean();
        CountDownLatch readersStarted = new CountDownLatch(READERS);
        ExecutorService executor = Executors.newFixedThreadPool(READERS + 1);
        try (ShardIndex shard = Records.open(directory, Metric.COSINE)) {
            List<Future<Integer>> readers = new ArrayList<>();
            for (int r = 0; r < READERS; r++) {
                readers.add(executor.submit(() -> read(shard, queries, applierDone, readersStarted, failures)));
            }
            Future<?> applier = executor.submit(() -> {
                try {
                    readersStarted.await(30, TimeUnit.SECONDS);
                    for (int batch = 0; batch < BATCHES; batch++) {
                        List<RecordWrite> records = new ArrayList<>(BATCH_SIZE);
                        for (int i = 0; i < BATCH_SIZE; i++) {
                            int index = batch * BATCH_SIZE + i;
                            records.add(record("v" + index, vectors[index]));
                        }
                        shard.apply(batch + 1, new WriteBatch(WriteBatch.Operation.ADD, records));
                        shard.refresh();
                        if (batch % 10 == 9) {
                            shard.commit();
                        }
                    }
                } catch (Throwable e) {
                    failures.add(e);
                } finally {
                    applierDone.set(true);
                }
                return null;
            });

            applier.get(2, TimeUnit.MINUTES);
            int reads = 0;
            for (Future<Integer> reader : readers) {
                reads += reader.get(2, TimeUnit.MINUTES);
            }

            assertThat(failures).isEmpty();
            assertThat(reads).isPositive();
            assertThat(shard.count()).isEqualTo(BATCHES * BATCH_SIZE);
            assertThat(shard.visibleSequence()).isEqualTo(BATCHES);
        } finally {
            executor.shutdownNow();
            assertThat(executor.awaitTermination(1, TimeUnit.MINUTES)).isTrue();
        }
    }

    /** Reads until the applier is done; returns how many rounds it read. Counts must never shrink. */
    private static int read(
            ShardIndex shard, float[][] queries, AtomicBoolean applierDone, CountDownLatch started,
            Queue<Throwable> failures) {
        started.countDown();
        int rounds = 0;
        int lastCount = 0;
        long lastVisible = 0;
        try {
            // Bounded as well as stopped by the applier, so a stuck applier cannot make the test spin forever.
            while (!applierDone.get() && rounds < 100_000) {
                long visible = shard.visibleSequence();
                int count = shard.count();
                assertThat(visible).isGreaterThanOrEqualTo(lastVisible);
                assertThat(count).isGreaterThanOrEqualTo(lastCount);
                List<List<Hit>> results =
                        shard.query(queries, 10, RecordFilter.ALL, EnumSet.of(Include.EMBEDDINGS));
                for (List<Hit> hits : results) {
                    assertThat(hits.size()).isLessThanOrEqualTo(10);
                    for (Hit hit : hits) {
                        assertThat(hit.record().embedding()).hasSize(16);
                    }
                }
                List<StoredRecord> first = shard.get(RecordFilter.ALL, 0, 5, Include.none());
                if (!first.isEmpty()) {
                    assertThat(first.getFirst().id()).isEqualTo("v0");
                }
                lastVisible = visible;
                lastCount = count;
                rounds++;
            }
        } catch (Throwable e) {
            failures.add(e);
        }
        return rounds;
    }
}
