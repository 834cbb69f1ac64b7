package dev.quiver.search.api;

import static java.util.Objects.requireNonNull;

import dev.quiver.tenant.api.DatabaseView;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A collection as read from the catalogue at one moment.
 *
 * @param metadata          the collection's metadata, null when it has none
 * @param embeddingFunction the collection's embedding function configuration as the client sent it (raw JSON),
 *                          null when none
 * @param dimension         the vector dimension, fixed by the first write; null before it
 * @param logPosition       the sequence of the last batch acknowledged; a read must see at least this
 */
public record CollectionView(
        CollectionId id,
        DatabaseView database,
        String name,
        @Nullable Map<String, MetadataValue> metadata,
        HnswConfiguration hnsw,
        @Nullable String embeddingFunction,
        @Nullable Integer dimension,
        long logPosition,
        int version) {

    public CollectionView {
        requireNonNull(id, "id is null");
        requireNonNull(database, "database is null");
        requireNonNull(name, "name is null");
        requireNonNull(hnsw, "hnsw is null");
        metadata = metadata == null ? null : Map.copyOf(metadata);
    }
}
