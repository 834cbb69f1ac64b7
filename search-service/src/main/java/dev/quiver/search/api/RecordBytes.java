package dev.quiver.search.api;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * How Quiver counts a record's bytes, for the per-record metadata quota and for the storage a collection holds:
 * a record takes the UTF-8 bytes of its id, 4 bytes a dimension of its vector, the UTF-8 bytes of its document and
 * URI, and its {@link #metadata metadata bytes}. These are the bytes the caller sent, not the bytes Lucene or
 * PostgreSQL spend on them, so a bill does not change when an index format does. Stateless.
 */
public final class RecordBytes {

    private RecordBytes() {
    }

    /**
     * The bytes of one record's metadata: the UTF-8 bytes of every key, plus for each value the UTF-8 bytes of a
     * string, 8 bytes for an integer or a float and 1 byte for a boolean, an array counting the sum of its elements.
     * A {@link MetadataValue.Null} (a removal in a patch) counts its key only.
     */
    public static long metadata(Map<String, MetadataValue> metadata) {
        long bytes = 0;
        for (Map.Entry<String, MetadataValue> entry : metadata.entrySet()) {
            bytes += utf8(entry.getKey()) + value(entry.getValue());
        }
        return bytes;
    }

    /** The bytes of a vector of {@code dimension} 32-bit floats. */
    public static long vector(int dimension) {
        return (long) Float.BYTES * dimension;
    }

    /** The UTF-8 bytes of a text, counted without building the encoded array. */
    public static long utf8(String text) {
        long bytes = 0;
        int length = text.length();
        for (int i = 0; i < length; i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < length
                    && Character.isLowSurrogate(text.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else if (Character.isSurrogate(c)) {
                // Java's encoder writes an unpaired surrogate as one '?', so the count matches getBytes(UTF_8).
                bytes += 1;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }

    private static long value(MetadataValue value) {
        return switch (value) {
            case MetadataValue.StringValue string -> utf8(string.value());
            case MetadataValue.IntValue integer -> Long.BYTES;
            case MetadataValue.FloatValue number -> Double.BYTES;
            case MetadataValue.BoolValue bool -> 1;
            case MetadataValue.StringArray array -> {
                long sum = 0;
                for (String element : array.values()) {
                    sum += utf8(element);
                }
                yield sum;
            }
            case MetadataValue.IntArray array -> (long) Long.BYTES * array.values().size();
            case MetadataValue.FloatArray array -> (long) Double.BYTES * array.values().size();
            case MetadataValue.BoolArray array -> array.values().size();
            case MetadataValue.Null absent -> 0;
        };
    }
}
