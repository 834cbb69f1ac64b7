package dev.quiver.search.api;

import static java.util.Objects.requireNonNull;

/**
 * A collection's HNSW settings, as Chroma's {@code configuration.hnsw} names them.
 *
 * @param space          the distance space
 * @param constructionEf candidates considered while inserting (Chroma {@code ef_construction}; Lucene
 *                       {@code beamWidth})
 * @param searchEf       candidates considered while searching (Chroma {@code ef_search}; Lucene's {@code k} of the
 *                       approximate search before the top {@code n_results} are taken)
 * @param maxNeighbors   links per node (Chroma {@code max_neighbors}; Lucene {@code maxConn})
 * @param resizeFactor   accepted and echoed for compatibility; Lucene sizes its graph itself
 * @param syncThreshold  accepted and echoed for compatibility; Quiver's log replaces Chroma's sync
 * @param quantization   how the index stores the vectors it searches (Quiver's extension); fixed at creation
 */
public record HnswConfiguration(
        Metric space, int constructionEf, int searchEf, int maxNeighbors, double resizeFactor, int syncThreshold,
        Quantization quantization) {

    /** Chroma's defaults, with full-precision vectors. */
    public static final HnswConfiguration DEFAULT =
            new HnswConfiguration(Metric.L2, 100, 100, 16, 1.2, 1000, Quantization.NONE);

    public HnswConfiguration {
        requireNonNull(space, "space is null");
        requireNonNull(quantization, "quantization is null");
        if (constructionEf < 1) {
            throw new IllegalArgumentException("constructionEf must be positive: " + constructionEf);
        }
        if (searchEf < 1) {
            throw new IllegalArgumentException("searchEf must be positive: " + searchEf);
        }
        if (maxNeighbors < 2 || maxNeighbors > 512) {
            throw new IllegalArgumentException("maxNeighbors must be in [2, 512]: " + maxNeighbors);
        }
    }
}
