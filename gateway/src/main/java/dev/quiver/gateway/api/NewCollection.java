package dev.quiver.gateway.api;

import static java.util.Objects.requireNonNull;

import org.jspecify.annotations.Nullable;

/**
 * A collection to create from the console.
 *
 * @param name Chroma's name rule (field {@code name})
 * @param metric {@code l2}, {@code cosine} or {@code ip} (field {@code metric}), Chroma's {@code hnsw.space}
 * @param metadata a JSON object of the collection's metadata, or null or blank for none (field {@code metadata})
 */
public record NewCollection(String name, String metric, @Nullable String metadata) {

    public NewCollection {
        requireNonNull(name, "name is null");
        requireNonNull(metric, "metric is null");
    }
}
