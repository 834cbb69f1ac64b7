package dev.quiver.gateway.api;

import static java.util.Objects.requireNonNull;

import org.jspecify.annotations.Nullable;

/**
 * A collection to create from the console.
 *
 * @param name Chroma's name rule (field {@code name})
 * @param metric {@code l2}, {@code cosine} or {@code ip} (field {@code metric}), Chroma's {@code hnsw.space}
 * @param metadata a JSON object of the collection's metadata, or null or blank for none (field {@code metadata})
 * @param embeddingFunction the name of an embedding function the server runs ({@code default}), stored as Chroma's
 *                          {@code embedding_function} configuration so that documents and text queries are embedded
 *                          on the server; null or blank for none (field {@code embedding_function})
 */
public record NewCollection(String name, String metric, @Nullable String metadata,
        @Nullable String embeddingFunction) {

    public NewCollection {
        requireNonNull(name, "name is null");
        requireNonNull(metric, "metric is null");
    }

    /** A collection without an embedding function: its records come with their embeddings. */
    public NewCollection(String name, String metric, @Nullable String metadata) {
        this(name, metric, metadata, null);
    }
}
