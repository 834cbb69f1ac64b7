package dev.quiver.bench;

import org.apache.lucene.util.VectorUtil;

/**
 * Chroma's distance spaces, computed exactly as the server reports them: lower means closer, and
 * {@code l2} is the squared Euclidean distance (no square root), as observed on the real server.
 * Thread-safe: stateless.
 */
enum Space {
    L2("l2") {
        @Override
        float distance(float[] a, float[] b) {
            return VectorUtil.squareDistance(a, b);
        }
    },
    COSINE("cosine") {
        @Override
        float distance(float[] a, float[] b) {
            return 1f - VectorUtil.cosine(a, b);
        }
    },
    IP("ip") {
        @Override
        float distance(float[] a, float[] b) {
            return 1f - VectorUtil.dotProduct(a, b);
        }
    };

    private final String wireName;

    Space(String wireName) {
        this.wireName = wireName;
    }

    /** The distance Chroma returns for these two vectors; both must have the same length. */
    abstract float distance(float[] a, float[] b);

    /** The name used in {@code configuration.hnsw.space}. */
    String wireName() {
        return wireName;
    }

    static Space fromWireName(String name) {
        for (Space space : values()) {
            if (space.wireName.equals(name)) {
                return space;
            }
        }
        throw new IllegalArgumentException("space must be l2, cosine or ip: " + name);
    }
}
