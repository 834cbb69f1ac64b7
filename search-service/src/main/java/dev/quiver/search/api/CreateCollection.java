package dev.quiver.search.api;

import static java.util.Objects.requireNonNull;

import dev.quiver.tenant.api.DatabaseView;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A request to create a collection; with {@code getOrCreate} an existing collection of that name is returned
 * unchanged instead of refusing.
 */
public record CreateCollection(
        DatabaseView database,
        String name,
        @Nullable Map<String, MetadataValue> metadata,
        HnswConfiguration hnsw,
        @Nullable String embeddingFunction,
        boolean getOrCreate) {

    public CreateCollection {
        requireNonNull(database, "database is null");
        requireNonNull(name, "name is null");
        requireNonNull(hnsw, "hnsw is null");
        metadata = metadata == null ? null : Map.copyOf(metadata);
    }
}
