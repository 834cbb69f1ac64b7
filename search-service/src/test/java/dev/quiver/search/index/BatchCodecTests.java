package dev.quiver.search.index;

import static dev.quiver.search.index.Records.metadata;
import static dev.quiver.search.index.Records.record;
import static dev.quiver.search.index.Records.vector;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quiver.search.api.MetadataValue;
import dev.quiver.search.api.RecordWrite;
import dev.quiver.search.api.WriteBatch;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class BatchCodecTests {

    @ParameterizedTest
    @EnumSource(WriteBatch.Operation.class)
    void roundTripsEmptyBatchOfEveryOperation(WriteBatch.Operation operation) {
        WriteBatch batch = new WriteBatch(operation, List.of());

        WriteBatch decoded = BatchCodec.decode(BatchCodec.encode(batch));

        assertThat(decoded.operation()).isEqualTo(operation);
        assertThat(decoded.records()).isEmpty();
    }

    @Test
    void roundTripsRecordsWithEveryPartAbsentOrPresent() {
        WriteBatch batch = new WriteBatch(WriteBatch.Operation.UPDATE, List.of(
                record("none", null, null, null, null),
                record("embedding", vector(1f, -2f), null, null, null),
                record("document", null, "text", null, null),
                record("metadata", null, null, metadata("k", 1), null),
                record("uri", null, null, null, "s3://bucket/key"),
                record("all", vector(0.25f), "", Map.of(), "")));

        WriteBatch decoded = BatchCodec.decode(BatchCodec.encode(batch));

        assertThat(decoded).usingRecursiveComparison().isEqualTo(batch);
    }

    @Test
    void roundTripsUnicodeInIdsDocumentsKeysAndValues() {
        WriteBatch batch = new WriteBatch(WriteBatch.Operation.ADD, List.of(record(
                "id-日本語-🎉", vector(1f), "Ünïcödé document ✓ 😀",
                metadata("ключ", "значение", "emoji 🎈", List.of("α", "β", "🦜")), "urn:é")));

        WriteBatch decoded = BatchCodec.decode(BatchCodec.encode(batch));

        assertThat(decoded).usingRecursiveComparison().isEqualTo(batch);
    }

    @Test
    void roundTripsEveryMetadataVariantExactly() {
        Map<String, MetadataValue> metadata = new LinkedHashMap<>();
        metadata.put("string", new MetadataValue.StringValue("value"));
        metadata.put("empty string", new MetadataValue.StringValue(""));
        metadata.put("int", new MetadataValue.IntValue(Long.MIN_VALUE));
        metadata.put("float", new MetadataValue.FloatValue(-0.0));
        metadata.put("nan", new MetadataValue.FloatValue(Double.NaN));
        metadata.put("true", new MetadataValue.BoolValue(true));
        metadata.put("false", new MetadataValue.BoolValue(false));
        metadata.put("strings", new MetadataValue.StringArray(List.of("a", "", "c")));
        metadata.put("ints", new MetadataValue.IntArray(List.of(Long.MAX_VALUE, 0L, -1L)));
        metadata.put("floats", new MetadataValue.FloatArray(List.of(1.5, Double.MIN_VALUE, -1e300)));
        metadata.put("bools", new MetadataValue.BoolArray(List.of(true, false)));
        metadata.put("empty array", new MetadataValue.IntArray(List.of()));
        metadata.put("null", new MetadataValue.Null());

        Map<String, MetadataValue> decoded = BatchCodec.decodeMetadata(BatchCodec.encodeMetadata(metadata));

        assertThat(decoded).isEqualTo(metadata);
        assertThat(decoded.keySet()).containsExactlyElementsOf(metadata.keySet());
        assertThat(((MetadataValue.FloatValue) decoded.get("float")).value()).isEqualTo(-0.0);
    }

    @Test
    void roundTripsEmptyMetadata() {
        assertThat(BatchCodec.decodeMetadata(BatchCodec.encodeMetadata(Map.of()))).isEmpty();
    }

    @Test
    void roundTripsSeededRandomVectorsBitForBit() {
        Random random = new Random(20251125L);
        List<RecordWrite> records = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            float[] embedding = new float[1 + random.nextInt(1536)];
            for (int d = 0; d < embedding.length; d++) {
                embedding[d] = (float) random.nextGaussian() * (random.nextBoolean() ? 1e-30f : 1e30f);
            }
            records.add(record("r" + i, embedding));
        }
        WriteBatch batch = new WriteBatch(WriteBatch.Operation.UPSERT, records);

        WriteBatch decoded = BatchCodec.decode(BatchCodec.encode(batch));

        assertThat(decoded.records()).hasSameSizeAs(records);
        for (int i = 0; i < records.size(); i++) {
            assertThat(decoded.records().get(i).embedding()).containsExactly(records.get(i).embedding());
        }
    }

    @Test
    void writesVersionFirstAndVectorsAsLittleEndianFloat32() {
        byte[] bytes = BatchCodec.encode(new WriteBatch(WriteBatch.Operation.ADD, List.of(record("a", vector(1f)))));

        // version, ADD, one record, id length 1, 'a', parts = embedding, dimension 1, then 1.0f little-endian.
        assertThat(bytes).containsExactly(1, 0, 1, 1, 'a', 1, 1, 0x00, 0x00, (byte) 0x80, 0x3F);
    }

    @Test
    void writesMetadataWithVersionFirst() {
        assertThat(BatchCodec.encodeMetadata(metadata("k", true))[0]).isEqualTo(BatchCodec.FORMAT_VERSION);
    }

    @Test
    void rejectsUnknownFormatVersion() {
        byte[] bytes = BatchCodec.encode(new WriteBatch(WriteBatch.Operation.DELETE, List.of(record("a", null))));
        bytes[0] = 9;

        assertThatThrownBy(() -> BatchCodec.decode(bytes))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("version: 9");
    }

    @Test
    void rejectsEveryTruncationOfABatch() {
        byte[] bytes = BatchCodec.encode(new WriteBatch(WriteBatch.Operation.UPSERT, List.of(
                record("a", vector(1f, 2f, 3f), "document", metadata("k", List.of(1, 2), "s", "v"), "uri"))));

        for (int length = 0; length < bytes.length; length++) {
            byte[] truncated = Arrays.copyOf(bytes, length);
            assertThatThrownBy(() -> BatchCodec.decode(truncated))
                    .as("truncated to %d of %d bytes", length, bytes.length)
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void rejectsTrailingBytes() {
        byte[] bytes = BatchCodec.encode(new WriteBatch(WriteBatch.Operation.ADD, List.of()));
        byte[] padded = Arrays.copyOf(bytes, bytes.length + 1);

        assertThatThrownBy(() -> BatchCodec.decode(padded))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("trailing");
    }
}
