package dev.quiver.search.index;

import static dev.quiver.search.index.Records.add;
import static dev.quiver.search.index.Records.delete;
import static dev.quiver.search.index.Records.metadata;
import static dev.quiver.search.index.Records.record;
import static dev.quiver.search.index.Records.update;
import static dev.quiver.search.index.Records.upsert;
import static dev.quiver.search.index.Records.vector;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quiver.search.api.Hit;
import dev.quiver.search.api.Include;
import dev.quiver.search.api.Metric;
import dev.quiver.search.api.RecordFilter;
import dev.quiver.search.api.StoredRecord;
import dev.quiver.search.api.WriteBatch;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShardIndexDurabilityTests {

    private static final Set<Include> ALL_PARTS =
            EnumSet.of(Include.DOCUMENTS, Include.EMBEDDINGS, Include.METADATAS, Include.URIS);

    /** A log: batch i has sequence i + 1. Exercises every operation and a merge that must keep the order. */
    private static final List<WriteBatch> LOG = List.of(
            add(record("a", vector(1f, 0f, 0f), "alpha", metadata("n", 1, "tags", List.of("x")), "uri:a"),
                    record("b", vector(0f, 1f, 0f), "beta", null, null)),
            add(record("c", vector(0f, 0f, 1f), null, metadata("n", 3), null)),
            update(record("a", vector(2f, 2f, 0f), null, metadata("n", null, "m", 2.5), null)),
            delete("b"),
            upsert(record("d", vector(1f, 1f, 1f), "delta", null, null),
                    record("c", null, "gamma", metadata("flag", true), null)));

    @TempDir
    Path directory;

    @Test
    void aNewIndexHasCommittedNothing() {
        try (ShardIndex shard = Records.open(directory, Metric.COSINE)) {
            assertThat(shard.committedSequence()).isZero();
            assertThat(shard.visibleSequence()).isZero();
            assertThat(shard.count()).isZero();
        }
    }

    @Test
    void reopeningACommittedIndexRestoresItsSequenceAndRecords() {
        List<StoredRecord> before;
        List<Hit> hitsBefore;
        try (ShardIndex shard = Records.open(directory, Metric.COSINE)) {
            replay(shard, 0, LOG.size());
            shard.commit();
            shard.refresh();
            before = shard.get(RecordFilter.ALL, 0, Integer.MAX_VALUE, ALL_PARTS);
            hitsBefore = shard.query(new float[][] {vector(1f, 1f, 0f)}, 3, RecordFilter.ALL, ALL_PARTS).getFirst();
            assertThat(shard.committedSequence()).isEqualTo(LOG.size());
        }

        try (ShardIndex shard = Records.open(directory, Metric.COSINE)) {
            assertThat(shard.committedSequence()).isEqualTo(LOG.size());
            assertThat(shard.visibleSequence()).isEqualTo(LOG.size());
            assertThat(shard.get(RecordFilter.ALL, 0, Integer.MAX_VALUE, ALL_PARTS))
                    .usingRecursiveComparison().isEqualTo(before);
            assertThat(shard.query(new float[][] {vector(1f, 1f, 0f)}, 3, RecordFilter.ALL, ALL_PARTS).getFirst())
                    .usingRecursiveComparison().isEqualTo(hitsBefore);
        }
    }

    @Test
    void closingWithoutCommitLosesOnlyTheUncommittedBatchesAndReplayRestoresThem() {
        List<StoredRecord> afterTwo;
        List<StoredRecord> afterAll;
        try (ShardIndex shard = Records.open(directory, Metric.L2)) {
            replay(shard, 0, 2);
            shard.commit();
            shard.refresh();
            afterTwo = shard.get(RecordFilter.ALL, 0, Integer.MAX_VALUE, ALL_PARTS);
            replay(shard, 2, LOG.size());
            shard.refresh();
            afterAll = shard.get(RecordFilter.ALL, 0, Integer.MAX_VALUE, ALL_PARTS);
        }

        try (ShardIndex shard = Records.open(directory, Metric.L2)) {
            assertThat(shard.committedSequence()).isEqualTo(2);
            assertThat(shard.get(RecordFilter.ALL, 0, Integer.MAX_VALUE, ALL_PARTS))
                    .usingRecursiveComparison().isEqualTo(afterTwo);

            replay(shard, (int) shard.committedSequence(), LOG.size());
            shard.refresh();

            assertThat(shard.get(RecordFilter.ALL, 0, Integer.MAX_VALUE, ALL_PARTS))
                    .usingRecursiveComparison().isEqualTo(afterAll);
        }
        assertThat(afterAll).extracting(StoredRecord::id).containsExactly("a", "c", "d");
    }

    @Test
    void reopeningWithAnotherSpaceFails() {
        try (ShardIndex shard = Records.open(directory, Metric.L2)) {
            replay(shard, 0, 1);
            shard.commit();
        }

        assertThatThrownBy(() -> Records.open(directory, Metric.IP))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ip");
    }

    @Test
    void aSecondOpenOfTheSameDirectoryFailsWhileTheFirstIsOpen() {
        try (ShardIndex shard = Records.open(directory, Metric.L2)) {
            assertThatThrownBy(() -> Records.open(directory, Metric.L2))
                    .isInstanceOf(UncheckedIOException.class)
                    .hasMessageContaining(directory.toString());
            assertThat(shard.count()).isZero();
        }
    }

    @Test
    void reportsDiskAndHeapBytes() {
        try (ShardIndex shard = Records.open(directory, Metric.L2)) {
            replay(shard, 0, LOG.size());
            assertThat(shard.ramBytesUsed()).isPositive();

            shard.commit();

            assertThat(shard.diskBytes()).isPositive();
        }
    }

    private static void replay(ShardIndex shard, int fromIndex, int toIndex) {
        for (int i = fromIndex; i < toIndex; i++) {
            shard.apply(i + 1, LOG.get(i));
        }
    }
}
