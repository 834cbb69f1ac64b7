package dev.quiver.search.api;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * One metadata value as Chroma accepts it: a scalar (string, 64-bit integer, 64-bit float, boolean) or an array
 * of one scalar type. Integers and floats compare equal when their numeric values are equal (3 == 3.0), as in
 * Chroma; a string never equals a number. {@link Null} only appears in update patches, where it removes the key.
 */
public sealed interface MetadataValue {

    record StringValue(String value) implements MetadataValue {
        public StringValue {
            requireNonNull(value, "value is null");
        }
    }

    record IntValue(long value) implements MetadataValue {
    }

    record FloatValue(double value) implements MetadataValue {
    }

    record BoolValue(boolean value) implements MetadataValue {
    }

    /** An array of strings; every element has the same type by construction. */
    record StringArray(List<String> values) implements MetadataValue {
        public StringArray {
            values = List.copyOf(values);
        }
    }

    record IntArray(List<Long> values) implements MetadataValue {
        public IntArray {
            values = List.copyOf(values);
        }
    }

    record FloatArray(List<Double> values) implements MetadataValue {
        public FloatArray {
            values = List.copyOf(values);
        }
    }

    record BoolArray(List<Boolean> values) implements MetadataValue {
        public BoolArray {
            values = List.copyOf(values);
        }
    }

    /** In an update or upsert patch: remove this key from the stored metadata. Never stored. */
    record Null() implements MetadataValue {
    }
}
