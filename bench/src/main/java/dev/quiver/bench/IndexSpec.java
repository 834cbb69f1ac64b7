package dev.quiver.bench;

import static java.util.Objects.requireNonNull;

/**
 * The collection every engine creates for a run: the same space and graph parameters everywhere, so that recall
 * and throughput compare like with like.
 *
 * @param dim vector dimension
 * @param space distance space
 * @param maxNeighbors HNSW links per node (Chroma {@code max_neighbors}, pgvector {@code m}, Lucene
 *     {@code maxConn})
 * @param efConstruction HNSW build beam (Chroma {@code ef_construction}, pgvector {@code ef_construction}, Lucene
 *     {@code beamWidth})
 * @param quantization vector storage; systems without int8 report themselves as skipped for it
 */
record IndexSpec(int dim, Space space, int maxNeighbors, int efConstruction, Quantization quantization) {

    IndexSpec {
        requireNonNull(space, "space is null");
        requireNonNull(quantization, "quantization is null");
        if (dim < 1 || maxNeighbors < 2 || efConstruction < 1) {
            throw new IllegalArgumentException("bad index spec: dim %d, max_neighbors %d, ef_construction %d"
                    .formatted(dim, maxNeighbors, efConstruction));
        }
    }

    enum Quantization {
        NONE, INT8;

        String wireName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
