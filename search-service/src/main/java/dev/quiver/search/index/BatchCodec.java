package dev.quiver.search.index;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import dev.quiver.search.api.MetadataValue;
import dev.quiver.search.api.RecordWrite;
import dev.quiver.search.api.WriteBatch;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The binary form of a {@link WriteBatch} in the write-ahead log, and of a record's metadata in its stored field.
 *
 * <p>Format version 1, little-endian throughout ({@code varint} is an unsigned LEB128 {@code int}):
 * <pre>
 * batch    := version:u8 operation:u8 count:varint record*
 * record   := id:string parts:u8 [embedding] [document:string] [metadata:map] [uri:string]
 *             (parts bit 0 = embedding, 1 = document, 2 = metadata, 3 = uri; an absent part is null)
 * embedding:= dimension:varint float32*dimension      (one bulk copy through a FloatBuffer view)
 * string   := length:varint utf8-byte*length
 * map      := count:varint (key:string value)*
 * value    := tag:u8 payload   (tags: see the TAG_ constants; arrays are count:varint element*)
 * metadata := version:u8 map   (the stored-field form, {@link #encodeMetadata})
 * </pre>
 * The first byte is always the format version so that a later version can still read old log entries. Integers
 * and floats of metadata are written as 8 raw bytes, so every value, including {@code -0.0}, round-trips exactly.
 * Decoding checks every length against the bytes that remain, so a corrupt entry fails with
 * {@link IllegalArgumentException} instead of a huge allocation.
 *
 * <p>Thread-safe: stateless, every call works on its own buffers.
 */
public final class BatchCodec {

    /** The version this class writes; the only one it reads so far. */
    static final byte FORMAT_VERSION = 1;

    private static final int PART_EMBEDDING = 1;
    private static final int PART_DOCUMENT = 1 << 1;
    private static final int PART_METADATA = 1 << 2;
    private static final int PART_URI = 1 << 3;
    private static final int KNOWN_PARTS = PART_EMBEDDING | PART_DOCUMENT | PART_METADATA | PART_URI;

    // Operation codes are spelled out rather than taken from ordinal(), so reordering the enum cannot change
    // what an old log entry means.
    private static final byte OPERATION_ADD = 0;
    private static final byte OPERATION_UPSERT = 1;
    private static final byte OPERATION_UPDATE = 2;
    private static final byte OPERATION_DELETE = 3;

    private static final byte TAG_NULL = 0;
    private static final byte TAG_STRING = 1;
    private static final byte TAG_INT = 2;
    private static final byte TAG_FLOAT = 3;
    private static final byte TAG_BOOL = 4;
    private static final byte TAG_STRING_ARRAY = 5;
    private static final byte TAG_INT_ARRAY = 6;
    private static final byte TAG_FLOAT_ARRAY = 7;
    private static final byte TAG_BOOL_ARRAY = 8;

    private BatchCodec() {
    }

    /** Encodes a batch; the result starts with {@link #FORMAT_VERSION}. */
    public static byte[] encode(WriteBatch batch) {
        requireNonNull(batch, "batch is null");
        List<RecordWrite> records = batch.records();
        Output output = new Output(estimateSize(records));
        output.putByte(FORMAT_VERSION);
        output.putByte(operationCode(batch.operation()));
        output.putVarint(records.size());
        for (RecordWrite record : records) {
            output.putString(record.id());
            float[] embedding = record.embedding();
            String document = record.document();
            Map<String, MetadataValue> metadata = record.metadata();
            String uri = record.uri();
            int parts = (embedding != null ? PART_EMBEDDING : 0)
                    | (document != null ? PART_DOCUMENT : 0)
                    | (metadata != null ? PART_METADATA : 0)
                    | (uri != null ? PART_URI : 0);
            output.putByte((byte) parts);
            if (embedding != null) {
                output.putVarint(embedding.length);
                output.putFloats(embedding);
            }
            if (document != null) {
                output.putString(document);
            }
            if (metadata != null) {
                putMap(output, metadata);
            }
            if (uri != null) {
                output.putString(uri);
            }
        }
        return output.toByteArray();
    }

    /**
     * Decodes what {@link #encode} wrote.
     *
     * @throws IllegalArgumentException if the bytes are truncated, corrupt or of an unknown format version
     */
    public static WriteBatch decode(byte[] bytes) {
        requireNonNull(bytes, "bytes is null");
        ByteBuffer input = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        try {
            checkVersion(input.get(), "batch");
            WriteBatch.Operation operation = operation(input.get());
            int count = getCount(input, 1);
            List<RecordWrite> records = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                String id = getString(input);
                int parts = input.get() & 0xFF;
                if ((parts & ~KNOWN_PARTS) != 0) {
                    throw new IllegalArgumentException("unknown record parts " + parts + " in record " + i);
                }
                float[] embedding = null;
                if ((parts & PART_EMBEDDING) != 0) {
                    embedding = new float[getCount(input, Float.BYTES)];
                    input.asFloatBuffer().get(embedding);
                    input.position(input.position() + embedding.length * Float.BYTES);
                }
                String document = (parts & PART_DOCUMENT) != 0 ? getString(input) : null;
                Map<String, MetadataValue> metadata = (parts & PART_METADATA) != 0 ? getMap(input) : null;
                String uri = (parts & PART_URI) != 0 ? getString(input) : null;
                records.add(new RecordWrite(id, embedding, document, metadata, uri));
            }
            checkFullyRead(input, "batch");
            return new WriteBatch(operation, records);
        } catch (BufferUnderflowException e) {
            throw new IllegalArgumentException("truncated batch of " + bytes.length + " bytes", e);
        }
    }

    /**
     * Encodes a metadata map for a record's stored field; the result starts with {@link #FORMAT_VERSION}. Every
     * variant, {@link MetadataValue.Null} and empty arrays included, round-trips; key order is kept.
     */
    public static byte[] encodeMetadata(Map<String, MetadataValue> metadata) {
        requireNonNull(metadata, "metadata is null");
        Output output = new Output(16 + metadata.size() * 24);
        output.putByte(FORMAT_VERSION);
        putMap(output, metadata);
        return output.toByteArray();
    }

    /**
     * Decodes what {@link #encodeMetadata} wrote into an unmodifiable map that keeps the encoded key order.
     *
     * @throws IllegalArgumentException if the bytes are truncated, corrupt or of an unknown format version
     */
    public static Map<String, MetadataValue> decodeMetadata(byte[] bytes) {
        requireNonNull(bytes, "bytes is null");
        ByteBuffer input = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        try {
            checkVersion(input.get(), "metadata");
            Map<String, MetadataValue> metadata = getMap(input);
            checkFullyRead(input, "metadata");
            return metadata;
        } catch (BufferUnderflowException e) {
            throw new IllegalArgumentException("truncated metadata of " + bytes.length + " bytes", e);
        }
    }

    private static byte operationCode(WriteBatch.Operation operation) {
        return switch (operation) {
            case ADD -> OPERATION_ADD;
            case UPSERT -> OPERATION_UPSERT;
            case UPDATE -> OPERATION_UPDATE;
            case DELETE -> OPERATION_DELETE;
        };
    }

    private static WriteBatch.Operation operation(byte code) {
        return switch (code) {
            case OPERATION_ADD -> WriteBatch.Operation.ADD;
            case OPERATION_UPSERT -> WriteBatch.Operation.UPSERT;
            case OPERATION_UPDATE -> WriteBatch.Operation.UPDATE;
            case OPERATION_DELETE -> WriteBatch.Operation.DELETE;
            default -> throw new IllegalArgumentException("unknown operation code: " + code);
        };
    }

    private static void checkVersion(byte version, String what) {
        if (version != FORMAT_VERSION) {
            throw new IllegalArgumentException("unsupported " + what + " format version: " + version);
        }
    }

    private static void checkFullyRead(ByteBuffer input, String what) {
        if (input.hasRemaining()) {
            throw new IllegalArgumentException(input.remaining() + " trailing bytes after " + what);
        }
    }

    /** A first guess at the encoded size, so that most batches are written without growing the buffer. */
    private static int estimateSize(List<RecordWrite> records) {
        long size = 16;
        for (RecordWrite record : records) {
            float[] embedding = record.embedding();
            size += 32 + record.id().length();
            if (embedding != null) {
                size += (long) embedding.length * Float.BYTES;
            }
            String document = record.document();
            if (document != null) {
                size += document.length();
            }
        }
        return (int) Math.min(size, Integer.MAX_VALUE - 16);
    }

    private static void putMap(Output output, Map<String, MetadataValue> metadata) {
        output.putVarint(metadata.size());
        for (Map.Entry<String, MetadataValue> entry : metadata.entrySet()) {
            output.putString(entry.getKey());
            putValue(output, requireNonNull(entry.getValue(), "metadata value is null"));
        }
    }

    private static void putValue(Output output, MetadataValue value) {
        switch (value) {
            case MetadataValue.Null ignored -> output.putByte(TAG_NULL);
            case MetadataValue.StringValue string -> {
                output.putByte(TAG_STRING);
                output.putString(string.value());
            }
            case MetadataValue.IntValue integer -> {
                output.putByte(TAG_INT);
                output.putLong(integer.value());
            }
            case MetadataValue.FloatValue number -> {
                output.putByte(TAG_FLOAT);
                output.putLong(Double.doubleToRawLongBits(number.value()));
            }
            case MetadataValue.BoolValue bool -> {
                output.putByte(TAG_BOOL);
                output.putByte(bool.value() ? (byte) 1 : (byte) 0);
            }
            case MetadataValue.StringArray array -> {
                output.putByte(TAG_STRING_ARRAY);
                output.putVarint(array.values().size());
                for (String element : array.values()) {
                    output.putString(element);
                }
            }
            case MetadataValue.IntArray array -> {
                output.putByte(TAG_INT_ARRAY);
                output.putVarint(array.values().size());
                for (long element : array.values()) {
                    output.putLong(element);
                }
            }
            case MetadataValue.FloatArray array -> {
                output.putByte(TAG_FLOAT_ARRAY);
                output.putVarint(array.values().size());
                for (double element : array.values()) {
                    output.putLong(Double.doubleToRawLongBits(element));
                }
            }
            case MetadataValue.BoolArray array -> {
                output.putByte(TAG_BOOL_ARRAY);
                output.putVarint(array.values().size());
                for (boolean element : array.values()) {
                    output.putByte(element ? (byte) 1 : (byte) 0);
                }
            }
        }
    }

    private static Map<String, MetadataValue> getMap(ByteBuffer input) {
        // Each entry needs at least two bytes (an empty key and a tag).
        int count = getCount(input, 2);
        LinkedHashMap<String, MetadataValue> metadata = LinkedHashMap.newLinkedHashMap(count);
        for (int i = 0; i < count; i++) {
            String key = getString(input);
            if (metadata.put(key, getValue(input)) != null) {
                throw new IllegalArgumentException("duplicate metadata key: " + key);
            }
        }
        return Collections.unmodifiableMap(metadata);
    }

    private static MetadataValue getValue(ByteBuffer input) {
        byte tag = input.get();
        return switch (tag) {
            case TAG_NULL -> new MetadataValue.Null();
            case TAG_STRING -> new MetadataValue.StringValue(getString(input));
            case TAG_INT -> new MetadataValue.IntValue(input.getLong());
            case TAG_FLOAT -> new MetadataValue.FloatValue(Double.longBitsToDouble(input.getLong()));
            case TAG_BOOL -> new MetadataValue.BoolValue(getBoolean(input));
            case TAG_STRING_ARRAY -> {
                int count = getCount(input, 1);
                List<String> values = new ArrayList<>(count);
                for (int i = 0; i < count; i++) {
                    values.add(getString(input));
                }
                yield new MetadataValue.StringArray(values);
            }
            case TAG_INT_ARRAY -> {
                int count = getCount(input, Long.BYTES);
                List<Long> values = new ArrayList<>(count);
                for (int i = 0; i < count; i++) {
                    values.add(input.getLong());
                }
                yield new MetadataValue.IntArray(values);
            }
            case TAG_FLOAT_ARRAY -> {
                int count = getCount(input, Double.BYTES);
                List<Double> values = new ArrayList<>(count);
                for (int i = 0; i < count; i++) {
                    values.add(Double.longBitsToDouble(input.getLong()));
                }
                yield new MetadataValue.FloatArray(values);
            }
            case TAG_BOOL_ARRAY -> {
                int count = getCount(input, 1);
                List<Boolean> values = new ArrayList<>(count);
                for (int i = 0; i < count; i++) {
                    values.add(getBoolean(input));
                }
                yield new MetadataValue.BoolArray(values);
            }
            default -> throw new IllegalArgumentException("unknown metadata value tag: " + tag);
        };
    }

    private static boolean getBoolean(ByteBuffer input) {
        byte value = input.get();
        if (value != 0 && value != 1) {
            throw new IllegalArgumentException("invalid boolean byte: " + value);
        }
        return value == 1;
    }

    private static String getString(ByteBuffer input) {
        int length = getCount(input, 1);
        String value = new String(input.array(), input.arrayOffset() + input.position(), length, UTF_8);
        input.position(input.position() + length);
        return value;
    }

    /** Reads a count of elements of at least {@code minBytesEach} bytes, checked against the remaining bytes. */
    private static int getCount(ByteBuffer input, int minBytesEach) {
        int count = getVarint(input);
        if ((long) count * minBytesEach > input.remaining()) {
            throw new IllegalArgumentException("count " + count + " exceeds the " + input.remaining()
                    + " remaining bytes");
        }
        return count;
    }

    private static int getVarint(ByteBuffer input) {
        int value = 0;
        for (int shift = 0; shift < 35; shift += 7) {
            int b = input.get() & 0xFF;
            value |= (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                if (value < 0) {
                    throw new IllegalArgumentException("negative varint: " + value);
                }
                return value;
            }
        }
        throw new IllegalArgumentException("varint longer than 5 bytes");
    }

    /**
     * A growable little-endian output buffer. Not thread-safe: one per {@code encode} call.
     */
    private static final class Output {

        private ByteBuffer buffer;

        Output(int initialCapacity) {
            buffer = ByteBuffer.allocate(Math.max(16, initialCapacity)).order(ByteOrder.LITTLE_ENDIAN);
        }

        void putByte(byte value) {
            ensure(1);
            buffer.put(value);
        }

        void putLong(long value) {
            ensure(Long.BYTES);
            buffer.putLong(value);
        }

        void putVarint(int value) {
            assert value >= 0 : "varint must not be negative: " + value;
            ensure(5);
            int remaining = value;
            while ((remaining & ~0x7F) != 0) {
                buffer.put((byte) ((remaining & 0x7F) | 0x80));
                remaining >>>= 7;
            }
            buffer.put((byte) remaining);
        }

        void putString(String value) {
            byte[] bytes = value.getBytes(UTF_8);
            putVarint(bytes.length);
            ensure(bytes.length);
            buffer.put(bytes);
        }

        /** Copies the floats in one bulk operation through a view that inherits the little-endian order. */
        void putFloats(float[] values) {
            int length = Math.multiplyExact(values.length, Float.BYTES);
            ensure(length);
            buffer.asFloatBuffer().put(values);
            buffer.position(buffer.position() + length);
        }

        byte[] toByteArray() {
            byte[] bytes = new byte[buffer.position()];
            System.arraycopy(buffer.array(), 0, bytes, 0, bytes.length);
            return bytes;
        }

        private void ensure(int extra) {
            if (buffer.remaining() >= extra) {
                return;
            }
            long needed = (long) buffer.position() + extra;
            long capacity = Math.max(needed, (long) buffer.capacity() * 2);
            if (capacity > Integer.MAX_VALUE - 16) {
                if (needed > Integer.MAX_VALUE - 16) {
                    throw new IllegalArgumentException("encoded batch exceeds 2 GiB");
                }
                capacity = needed;
            }
            ByteBuffer grown = ByteBuffer.allocate((int) capacity).order(ByteOrder.LITTLE_ENDIAN);
            buffer.flip();
            grown.put(buffer);
            buffer = grown;
        }
    }
}
