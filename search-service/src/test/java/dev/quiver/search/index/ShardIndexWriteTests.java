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

import dev.quiver.search.api.Include;
import dev.quiver.search.api.Metric;
import dev.quiver.search.api.RecordFilter;
import dev.quiver.search.api.StoredRecord;
import dev.quiver.search.api.WriteBatch;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ShardIndexWriteTests {

    private static final Set<Include> ALL_PARTS =
            EnumSet.of(Include.DOCUMENTS, Include.EMBEDDINGS, Include.METADATAS, Include.URIS);

    @TempDir
    Path directory;

    private ShardIndex shard;
    private long sequence;

    @BeforeEach
    void openShard() {
        shard = Records.open(directory, Metric.L2);
    }

    @AfterEach
    void closeShard() {
        shard.close();
    }

    @Test
    void addIgnoresAnIdThatAlreadyExists() {
        apply(add(record("a", vector(1f, 0f), "first", null, null)));
        shard.refresh();

        apply(add(record("a", vector(0f, 1f), "second", null, null)));
        shard.refresh();

        StoredRecord stored = single("a");
        assertThat(stored.document()).isEqualTo("first");
        assertThat(stored.embedding()).containsExactly(1f, 0f);
        assertThat(shard.count()).isEqualTo(1);
    }

    @Test
    void addIgnoresAnIdWrittenByAnEarlierBatchThatIsNotYetRefreshed() {
        apply(add(record("a", vector(1f, 0f), "first", null, null)));
        apply(add(record("a", vector(0f, 1f), "second", null, null)));
        shard.refresh();

        assertThat(single("a").document()).isEqualTo("first");
        assertThat(shard.count()).isEqualTo(1);
    }

    @Test
    void addKeepsTheFirstOccurrenceOfAnIdWithinABatch() {
        apply(add(
                record("a", vector(1f, 0f), "first", null, null),
                record("b", vector(1f, 1f)),
                record("a", vector(0f, 1f), "second", null, null)));
        shard.refresh();

        assertThat(single("a").document()).isEqualTo("first");
        assertThat(ids(RecordFilter.ALL)).containsExactly("a", "b");
    }

    @Test
    void upsertInsertsAnUnknownId() {
        apply(upsert(record("a", vector(1f, 2f), "document", metadata("k", 1), "uri")));
        shard.refresh();

        StoredRecord stored = single("a");
        assertThat(stored.embedding()).containsExactly(1f, 2f);
        assertThat(stored.document()).isEqualTo("document");
        assertThat(stored.metadata()).isEqualTo(metadata("k", 1));
        assertThat(stored.uri()).isEqualTo("uri");
    }

    @Test
    void upsertMergesMetadataKeyByKeyAndKeepsOmittedParts() {
        apply(add(record("a", vector(1f, 2f), "document", metadata("a", 1, "b", "x"), "uri")));
        shard.refresh();

        apply(upsert(record("a", vector(3f, 4f), null, metadata("b", "y", "c", true), null)));
        shard.refresh();

        StoredRecord stored = single("a");
        assertThat(stored.embedding()).containsExactly(3f, 4f);
        assertThat(stored.document()).isEqualTo("document");
        assertThat(stored.metadata()).isEqualTo(metadata("a", 1, "b", "y", "c", true));
        assertThat(stored.uri()).isEqualTo("uri");
    }

    @Test
    void upsertAppliesRepeatsInOrderSoTheLastOccurrenceWins() {
        apply(upsert(
                record("a", vector(1f, 0f), "first", metadata("k", 1, "only-first", true), null),
                record("a", vector(0f, 1f), "last", metadata("k", 2), null)));
        shard.refresh();

        StoredRecord stored = single("a");
        assertThat(stored.embedding()).containsExactly(0f, 1f);
        assertThat(stored.document()).isEqualTo("last");
        assertThat(stored.metadata()).isEqualTo(metadata("k", 2, "only-first", true));
        assertThat(shard.count()).isEqualTo(1);
    }

    @Test
    void upsertWithoutEmbeddingKeepsTheStoredVector() {
        apply(add(record("a", vector(1f, 2f), "document", null, null)));
        shard.refresh();

        apply(upsert(record("a", null, "new document", null, null)));
        shard.refresh();

        StoredRecord stored = single("a");
        assertThat(stored.embedding()).containsExactly(1f, 2f);
        assertThat(stored.document()).isEqualTo("new document");
    }

    @Test
    void rejectsAnUpsertOfANewIdWithoutEmbeddingBeforeWritingAnyOfTheBatch() {
        assertThatThrownBy(() -> apply(upsert(record("a", vector(1f, 2f)), record("a", null), record("b", null))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("new record b");
        shard.refresh();

        assertThat(shard.count()).isZero();
    }

    @Test
    void updateMergesIntoAnExistingRecordSeenOnlyThroughTheOverlay() {
        apply(add(record("a", vector(1f, 2f), "document", metadata("a", 1), "uri")));
        apply(update(record("a", null, "new document", metadata("b", 2.5), null)));
        shard.refresh();

        StoredRecord stored = single("a");
        assertThat(stored.embedding()).containsExactly(1f, 2f);
        assertThat(stored.document()).isEqualTo("new document");
        assertThat(stored.metadata()).isEqualTo(metadata("a", 1, "b", 2.5));
        assertThat(stored.uri()).isEqualTo("uri");
    }

    @Test
    void updateOfAnUnknownIdChangesNothing() {
        apply(add(record("a", vector(1f, 2f))));
        apply(update(record("zz", vector(5f, 5f), "document", metadata("k", 1), null)));
        shard.refresh();

        assertThat(ids(RecordFilter.ALL)).containsExactly("a");
    }

    @Test
    void nullMetadataValueRemovesTheKey() {
        apply(add(record("a", vector(1f, 2f), null, metadata("keep", 1, "drop", "x"), null)));
        shard.refresh();

        apply(update(record("a", null, null, metadata("drop", null), null)));
        shard.refresh();

        assertThat(single("a").metadata()).isEqualTo(metadata("keep", 1));
    }

    @Test
    void removingTheLastKeyLeavesNoMetadata() {
        apply(add(record("a", vector(1f, 2f), null, metadata("only", 1), null)));
        apply(upsert(record("a", vector(1f, 2f), null, metadata("only", null), null)));
        shard.refresh();

        assertThat(single("a").metadata()).isNull();
    }

    @Test
    void emptyMetadataAndEmptyArraysAreStoredAsAbsent() {
        apply(add(
                record("empty", vector(1f, 2f), null, metadata(), null),
                record("empty-array", vector(1f, 2f), null, metadata("x", List.of()), null),
                record("mixed", vector(1f, 2f), null, metadata("x", List.of(), "y", 1), null)));
        shard.refresh();

        assertThat(single("empty").metadata()).isNull();
        assertThat(single("empty-array").metadata()).isNull();
        assertThat(single("mixed").metadata()).isEqualTo(metadata("y", 1));
    }

    @Test
    void deleteRemovesListedIdsAndIgnoresUnknownOnes() {
        apply(add(record("a", vector(1f, 2f)), record("b", vector(1f, 2f)), record("c", vector(1f, 2f))));
        apply(delete("b", "zz"));
        shard.refresh();

        assertThat(ids(RecordFilter.ALL)).containsExactly("a", "c");
        assertThat(shard.count()).isEqualTo(2);
    }

    @Test
    void addAfterDeleteCreatesANewRecordAtTheEndOfInsertionOrder() {
        apply(add(record("a", vector(1f, 2f), "old", null, null), record("b", vector(1f, 2f))));
        shard.refresh();
        apply(delete("a"));
        apply(add(record("a", vector(3f, 4f), "new", null, null)));
        shard.refresh();

        assertThat(ids(RecordFilter.ALL)).containsExactly("b", "a");
        assertThat(single("a").document()).isEqualTo("new");
    }

    @Test
    void updatesAndUpsertsKeepTheInsertionOrder() {
        apply(add(record("a", vector(1f, 2f))));
        apply(add(record("b", vector(1f, 2f)), record("c", vector(1f, 2f))));
        shard.refresh();

        apply(update(record("a", vector(9f, 9f))));
        apply(upsert(record("b", vector(8f, 8f)), record("d", vector(7f, 7f))));
        shard.refresh();

        assertThat(ids(RecordFilter.ALL)).containsExactly("a", "b", "c", "d");
    }

    @Test
    void writesBecomeVisibleOnlyAfterRefresh() {
        apply(add(record("a", vector(1f, 2f))));

        assertThat(shard.count()).isZero();
        assertThat(shard.visibleSequence()).isZero();

        assertThat(shard.refresh()).isEqualTo(sequence);
        assertThat(shard.count()).isEqualTo(1);
        assertThat(shard.visibleSequence()).isEqualTo(sequence);
    }

    @Test
    void rejectsASequenceThatDoesNotIncrease() {
        shard.apply(5, add(record("a", vector(1f, 2f))));

        assertThatThrownBy(() -> shard.apply(5, add(record("b", vector(1f, 2f)))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("5");
    }

    @Test
    void rejectsABatchWithAMismatchedDimensionBeforeWritingAnyOfIt() {
        apply(add(record("a", vector(1f, 2f))));

        assertThatThrownBy(() -> apply(add(record("b", vector(1f, 2f)), record("c", vector(1f, 2f, 3f)))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expected 2");
        shard.refresh();
        assertThat(ids(RecordFilter.ALL)).containsExactly("a");
    }

    @Test
    void rejectsAnAddWithoutEmbedding() {
        assertThatThrownBy(() -> apply(add(record("a", null))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no embedding");
    }

    @Test
    void rejectsANonFiniteEmbedding() {
        assertThatThrownBy(() -> apply(add(record("a", vector(1f, Float.NaN)))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not finite");
    }

    @Test
    void acceptsVectorsWiderThanLucenesDefaultLimit() {
        float[] wide = Records.randomVectors(7L, 1, 3072)[0];

        apply(add(record("wide", wide)));
        shard.refresh();

        assertThat(single("wide").embedding()).containsExactly(wide);
    }

    @Test
    void storesIdsAndValuesLongerThanLucenesTermLimit() {
        String longId = "i".repeat(40_000);
        String longValue = "v".repeat(40_000);
        apply(add(record(longId, vector(1f, 2f), null, metadata("k", longValue), null)));
        shard.refresh();

        assertThat(shard.get(new RecordFilter(List.of(longId), null, null), 0, 10, ALL_PARTS))
                .extracting(StoredRecord::id)
                .containsExactly(longId);
    }

    @ParameterizedTest
    @EnumSource(Metric.class)
    void returnsTheCallersEmbeddingExactlyInEverySpace(Metric metric) {
        shard.close();
        shard = Records.open(directory.resolve(metric.chromaName()), metric);
        float[] original = vector(0.5f, -1.25f, 2f, 1e-3f, 123.456f);

        apply(add(record("a", original)));
        shard.refresh();

        assertThat(single("a").embedding()).containsExactly(original);
    }

    private void apply(WriteBatch batch) {
        sequence++;
        shard.apply(sequence, batch);
    }

    private StoredRecord single(String id) {
        List<StoredRecord> records = shard.get(new RecordFilter(List.of(id), null, null), 0, 10, ALL_PARTS);
        assertThat(records).hasSize(1);
        return records.getFirst();
    }

    private List<String> ids(RecordFilter filter) {
        return shard.matchingIds(filter);
    }
}
