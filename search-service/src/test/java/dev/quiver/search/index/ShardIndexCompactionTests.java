package dev.quiver.search.index;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quiver.search.api.Hit;
import dev.quiver.search.api.Include;
import dev.quiver.search.api.Metric;
import dev.quiver.search.api.RecordFilter;
import dev.quiver.search.api.RecordWrite;
import dev.quiver.search.api.WriteBatch;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An idle shard is merged down to one segment in the background: until the merge is published searchers keep
 * the old segments, afterwards they see one segment with the same records and the same answers.
 */
class ShardIndexCompactionTests {

    @TempDir
    Path directory;

    @Test
    void compactionMergesSegmentsInTheBackgroundAndKeepsTheAnswers() throws InterruptedException {
        float[][] vectors = Records.randomVectors(5L, 600, 8);
        float[][] queries = Records.randomVectors(6L, 5, 8);
        try (ShardIndex index = ShardIndex.open(directory, Records.configuration(Metric.L2))) {
            // Each refresh flushes a segment of its own, as the snapshots of a bulk load do.
            for (int batch = 0; batch < 6; batch++) {
                var records = new ArrayList<RecordWrite>();
                for (int i = batch * 100; i < (batch + 1) * 100; i++) {
                    records.add(Records.record("r" + i, vectors[i]));
                }
                index.apply(batch + 1, new WriteBatch(WriteBatch.Operation.ADD, records));
                index.refresh();
            }
            assertThat(index.searchableSegments()).isGreaterThan(1);
            assertThat(index.searcherStale()).isFalse();
            List<List<Hit>> before = index.query(queries, 10, 1_000, RecordFilter.ALL, Set.of(Include.DISTANCES));

            index.compactInBackground(1);
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (index.merging() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }

            assertThat(index.merging()).isFalse();
            assertThat(index.searcherStale()).as("the merge is not published yet").isTrue();
            index.refresh();
            assertThat(index.searchableSegments()).isEqualTo(1);
            assertThat(index.count()).isEqualTo(600);
            assertThat(index.query(queries, 10, 1_000, RecordFilter.ALL, Set.of(Include.DISTANCES)))
                    .isEqualTo(before);
        }
    }
}
