package dev.quiver.search.api;

import java.util.Optional;

/**
 * How a collection's HNSW index stores the vectors it searches, by the name of Quiver's
 * {@code configuration.hnsw.quantization} (an extension: Chroma has no such field). Fixed when the collection is
 * created, since every segment of the collection's shards is written in it.
 *
 * <p>Whatever the quantization, the caller's float vectors are kept: reads return them, and the distances a query
 * returns are computed on them, so quantization changes which candidates a search finds, never the distances.
 */
public enum Quantization {
    /** Full-precision float32 vectors: 4 bytes per dimension. Chroma's behaviour and the default. */
    NONE("none"),
    /**
     * One byte per dimension (Lucene's optimized scalar quantization) in the graph search, about a quarter of the
     * float vectors' memory; the candidates are rescored on the float vectors before the nearest are taken.
     */
    INT8("int8");

    private final String wireName;

    Quantization(String wireName) {
        this.wireName = wireName;
    }

    /** The name in {@code configuration.hnsw.quantization} and in the collections table. */
    public String wireName() {
        return wireName;
    }

    /** The quantization with this wire name, or empty when there is none. */
    public static Optional<Quantization> fromWireName(String name) {
        for (Quantization quantization : values()) {
            if (quantization.wireName.equals(name)) {
                return Optional.of(quantization);
            }
        }
        return Optional.empty();
    }
}
