package dev.quiver.gateway.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quiver.billing.api.Plan;
import dev.quiver.billing.api.Quota;
import dev.quiver.billing.api.TenantLimits;
import dev.quiver.common.QuotaExceededException;
import dev.quiver.search.api.MetadataValue;
import dev.quiver.search.api.RecordBytes;
import dev.quiver.search.api.RecordWrite;
import dev.quiver.search.api.WriteBatch;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RecordQuotasTests {

    private final TenantLimits limits = TenantLimits.of(plan(), Map.of(
            Quota.MAX_DIMENSION, 3L,
            Quota.RECORDS_PER_BATCH, 2L,
            Quota.DOCUMENT_BYTES, 4L,
            Quota.METADATA_KEYS, 2L,
            Quota.METADATA_BYTES, 10L));

    @Test
    void acceptsABatchExactlyAtEveryLimit() {
        RecordQuotas.check(limits, batch(record("a", new float[3], "abcd", Map.of("k", text("123456789"))),
                record("b", null, "éé", Map.of("x", bool(), "y", bool()))), "Add");
    }

    @Test
    void refusesABatchWithTooManyRecordsNamingItsSize() {
        assertRefused(batch(record("a", null, null, null), record("b", null, null, null),
                record("c", null, null, null)), "records_per_batch", 2, 3);
    }

    @Test
    void refusesAnEmbeddingWiderThanThePlanAllows() {
        assertRefused(batch(record("a", new float[4], null, null)), "max_dimension", 3, 4);
    }

    @Test
    void countsDocumentsInUtf8BytesNotCharacters() {
        assertRefused(batch(record("a", null, "ééé", null)), "document_bytes", 4, 6);
    }

    @Test
    void refusesTheRecordWithTheMostMetadataKeys() {
        Map<String, MetadataValue> three = new LinkedHashMap<>();
        three.put("a", bool());
        three.put("b", bool());
        three.put("c", bool());
        assertRefused(batch(record("a", null, null, Map.of("a", bool())), record("b", null, null, three)),
                "metadata_keys", 2, 3);
    }

    @Test
    void countsMetadataBytesAsKeysPlusEncodedValues() {
        assertThat(RecordBytes.metadata(Map.of("ab", text("é")))).isEqualTo(4);
        assertThat(RecordBytes.metadata(Map.of("n", new MetadataValue.FloatArray(List.of(1.0, 2.0)))))
                .isEqualTo(17);
        assertThat(RecordBytes.metadata(Map.of("s", new MetadataValue.StringArray(List.of("ab", "c")))))
                .isEqualTo(4);
        assertThat(RecordBytes.metadata(Map.of("gone", new MetadataValue.Null()))).isEqualTo(4);
        assertRefused(batch(record("a", null, null, Map.of("key", new MetadataValue.IntValue(7)))),
                "metadata_bytes", 10, 11);
    }

    @Test
    void refusesAPatchThatTakesTheStoredRecordOverTheKeyLimitOnceMerged() {
        // Stored {a}; the patch adds b and c: on its own two keys (allowed), merged three.
        Map<String, Map<String, MetadataValue>> stored = Map.of("r", Map.of("a", bool()));
        Map<String, MetadataValue> patch = new LinkedHashMap<>();
        patch.put("b", bool());
        patch.put("c", bool());
        WriteBatch update = new WriteBatch(WriteBatch.Operation.UPDATE, List.of(record("r", null, null, patch)));
        RecordQuotas.check(limits, update, "Update");

        assertThatThrownBy(() -> RecordQuotas.checkMerged(limits, update, stored))
                .isInstanceOfSatisfying(QuotaExceededException.class, refusal -> {
                    assertThat(refusal.quota()).isEqualTo("metadata_keys");
                    assertThat(refusal.current()).isEqualTo(3);
                    assertThat(refusal.getMessage()).contains("for action 'Update'");
                });
    }

    @Test
    void mergesPatchesInBatchOrderWithNullRemovingAKeyAndIgnoresUpdatesOfUnknownIds() {
        Map<String, Map<String, MetadataValue>> stored = Map.of("r", Map.of("a", bool(), "b", bool()));
        Map<String, MetadataValue> removeA = new LinkedHashMap<>();
        removeA.put("a", new MetadataValue.Null());
        removeA.put("c", bool());
        WriteBatch update = new WriteBatch(WriteBatch.Operation.UPDATE, List.of(
                record("r", null, null, removeA),
                record("unknown", null, null, Map.of("x", bool(), "y", bool(), "z", bool()))));

        RecordQuotas.checkMerged(limits, update, stored);

        // Upsert of a new id starts from nothing; the same id patched twice accumulates.
        WriteBatch upsert = batch(record("n", null, null, Map.of("a", bool())),
                record("n", null, null, Map.of("b", bool())), record("n", null, null, Map.of("c", bool())));
        assertThatThrownBy(() -> RecordQuotas.checkMerged(limits, upsert, Map.of()))
                .isInstanceOfSatisfying(QuotaExceededException.class,
                        refusal -> assertThat(refusal.current()).isEqualTo(3));
        assertThat(RecordQuotas.mergesMetadata(upsert)).isTrue();
        assertThat(RecordQuotas.mergesMetadata(new WriteBatch(WriteBatch.Operation.ADD,
                List.of(record("n", null, null, Map.of("a", bool())))))).isFalse();
    }

    private void assertRefused(WriteBatch batch, String quota, long limit, long current) {
        assertThatThrownBy(() -> RecordQuotas.check(limits, batch, "Upsert"))
                .isInstanceOfSatisfying(QuotaExceededException.class, refusal -> {
                    assertThat(refusal.quota()).isEqualTo(quota);
                    assertThat(refusal.limit()).isEqualTo(limit);
                    assertThat(refusal.current()).isEqualTo(current);
                    assertThat(refusal.getMessage()).contains("for action 'Upsert'");
                });
    }

    private static WriteBatch batch(RecordWrite... records) {
        return new WriteBatch(WriteBatch.Operation.UPSERT, List.of(records));
    }

    private static RecordWrite record(String id, float[] embedding, String document,
            Map<String, MetadataValue> metadata) {
        return new RecordWrite(id, embedding, document, metadata, null);
    }

    private static MetadataValue text(String value) {
        return new MetadataValue.StringValue(value);
    }

    private static MetadataValue bool() {
        return new MetadataValue.BoolValue(true);
    }

    private static Plan plan() {
        Map<Quota, Long> limits = new EnumMap<>(Quota.class);
        for (Quota quota : Quota.values()) {
            limits.put(quota, 1000L);
        }
        return new Plan("test", 0, "USD", 0, 0, 0, 0, 0, 0, limits);
    }
}
