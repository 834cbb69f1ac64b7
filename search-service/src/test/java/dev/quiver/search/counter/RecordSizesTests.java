package dev.quiver.search.counter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quiver.search.api.MetadataValue;
import dev.quiver.search.api.RecordWrite;
import dev.quiver.search.api.WriteBatch;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

class RecordSizesTests {

    @Test
    void addCountsEveryPartAndAbsentPartsAsZero() {
        RecordSizes sizes = RecordSizes.of(new WriteBatch(WriteBatch.Operation.ADD, List.of(
                new RecordWrite("é1", new float[3], "doc", Map.of("k", new MetadataValue.IntValue(1)), "s3://x"),
                new RecordWrite("r2", new float[3], null, null, null))));

        assertThat(sizes.size()).isEqualTo(2);
        assertThat(sizes.ids()[0]).isEqualTo("é1".getBytes(StandardCharsets.UTF_8));
        assertThat(sizes.vector()).containsExactly(12, 12);
        assertThat(sizes.document()).containsExactly(3, 0);
        assertThat(sizes.uri()).containsExactly(6, 0);
        assertThat(sizes.metadata()).containsExactly(9, 0);
    }

    @Test
    void addKeepsTheFirstOccurrenceOfAnId() {
        RecordSizes sizes = RecordSizes.of(new WriteBatch(WriteBatch.Operation.ADD, List.of(
                record("a", 2, "first", null), record("b", 2, null, null), record("a", 4, "second one", null))));

        assertThat(ids(sizes)).containsExactly("a", "b");
        assertThat(sizes.vector()).containsExactly(8, 8);
        assertThat(sizes.document()).containsExactly(5, 0);
    }

    @Test
    void upsertFoldsRepeatsPartByPartWithTheLastPartGivenWinning() {
        RecordSizes sizes = RecordSizes.of(new WriteBatch(WriteBatch.Operation.UPSERT, List.of(
                record("a", 2, "first", null), record("a", null, "second one", null), record("a", 3, null, null))));

        assertThat(ids(sizes)).containsExactly("a");
        assertThat(sizes.vector()).containsExactly(12);
        assertThat(sizes.document()).containsExactly(10);
        assertThat(sizes.uri()).containsExactly((Integer) null);
        assertThat(sizes.metadata()).containsExactly((Integer) null);
    }

    @Test
    void updateLeavesPartsItDoesNotSendUnchangedAndCountsTheLargerOfMergedMetadata() {
        RecordSizes sizes = RecordSizes.of(new WriteBatch(WriteBatch.Operation.UPDATE, List.of(
                record("a", null, null, Map.of("long key", new MetadataValue.StringValue("value"))),
                record("a", null, null, Map.of("k", new MetadataValue.BoolValue(true))))));

        assertThat(sizes.vector()).containsExactly((Integer) null);
        assertThat(sizes.document()).containsExactly((Integer) null);
        assertThat(sizes.metadata()).containsExactly(13);
    }

    @Test
    void deleteNeedsOnlyTheDistinctIds() {
        RecordSizes sizes = RecordSizes.of(new WriteBatch(WriteBatch.Operation.DELETE, List.of(
                record("a", null, null, null), record("b", null, null, null), record("a", null, null, null))));

        assertThat(ids(sizes)).containsExactly("a", "b");
    }

    private static RecordWrite record(String id, @Nullable Integer dimension, @Nullable String document,
            @Nullable Map<String, MetadataValue> metadata) {
        return new RecordWrite(id, dimension == null ? null : new float[dimension], document, metadata, null);
    }

    private static List<String> ids(RecordSizes sizes) {
        return Arrays.stream(sizes.ids()).map(id -> new String(id, StandardCharsets.UTF_8)).toList();
    }
}
