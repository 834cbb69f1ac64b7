package dev.quiver.search.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RecordBytesTests {

    @Test
    void countsUtf8BytesAsJavasEncoderWritesThem() {
        for (String text : List.of("", "abc", "é", "€", "😀", "a😀b", "\uD800", "x\uDC00y", "\u0000")) {
            assertThat(RecordBytes.utf8(text)).as(text)
                    .isEqualTo(text.getBytes(StandardCharsets.UTF_8).length);
        }
    }

    @Test
    void countsMetadataAsKeysPlusEncodedValues() {
        Map<String, MetadataValue> metadata = new LinkedHashMap<>();
        metadata.put("ab", new MetadataValue.StringValue("é"));
        metadata.put("n", new MetadataValue.IntValue(7));
        metadata.put("f", new MetadataValue.FloatValue(1.5));
        metadata.put("b", new MetadataValue.BoolValue(true));
        metadata.put("s", new MetadataValue.StringArray(List.of("ab", "c")));
        metadata.put("i", new MetadataValue.IntArray(List.of(1L, 2L)));
        metadata.put("d", new MetadataValue.FloatArray(List.of(1.0)));
        metadata.put("t", new MetadataValue.BoolArray(List.of(true, false, true)));
        metadata.put("gone", new MetadataValue.Null());

        // 4 + (1 + 8) + (1 + 8) + (1 + 1) + (1 + 3) + (1 + 16) + (1 + 8) + (1 + 3) + 4
        assertThat(RecordBytes.metadata(metadata)).isEqualTo(62);
    }

    @Test
    void countsFourBytesAVectorDimension() {
        assertThat(RecordBytes.vector(128)).isEqualTo(512);
        assertThat(RecordBytes.vector(0)).isZero();
    }
}
