package dev.quiver.search.api;

/**
 * A collection's distance space, by its Chroma name, and the one place where a similarity score (higher is closer,
 * as Lucene's {@code VectorSimilarityFunction} computes it) becomes Chroma's distance (lower is closer).
 *
 * <p>Scores follow Lucene: {@code L2} scores {@code 1 / (1 + squaredDistance)}; {@code COSINE} scores
 * {@code (1 + cosine) / 2}; {@code IP} scores {@code 1 / (1 - dot)} when {@code dot < 0}, else {@code dot + 1}.
 */
public enum Metric {
    /** Squared Euclidean distance. */
    L2("l2") {
        @Override
        public float distance(float score) {
            return 1f / score - 1f;
        }
    },
    /** One minus the cosine similarity. */
    COSINE("cosine") {
        @Override
        public float distance(float score) {
            return 1f - (2f * score - 1f);
        }
    },
    /** One minus the dot product; negative when the dot product exceeds one. */
    IP("ip") {
        @Override
        public float distance(float score) {
            float dot = score < 1f ? 1f - 1f / score : score - 1f;
            return 1f - dot;
        }
    };

    private final String chromaName;

    Metric(String chromaName) {
        this.chromaName = chromaName;
    }

    /** Converts a similarity score of this metric into Chroma's distance. */
    public abstract float distance(float score);

    /** The name Chroma uses in {@code configuration.hnsw.space}. */
    public String chromaName() {
        return chromaName;
    }

    /** Finds the metric by its Chroma name, or throws {@link IllegalArgumentException}. */
    public static Metric fromChromaName(String name) {
        for (Metric metric : values()) {
            if (metric.chromaName.equals(name)) {
                return metric;
            }
        }
        throw new IllegalArgumentException("unknown space: " + name);
    }
}
