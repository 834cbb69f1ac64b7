package dev.quiver.search.api;

import static java.util.Objects.requireNonNull;

import dev.quiver.common.QuotaLimit;
import dev.quiver.tenant.api.DatabaseView;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A request to create a collection; with {@code getOrCreate} an existing collection of that name is returned
 * unchanged instead of refusing.
 *
 * @param collectionLimit the most collections the database may hold, or null for no limit; returning an existing
 *                        collection for {@code getOrCreate} never counts against it
 */
public record CreateCollection(
        DatabaseView database,
        String name,
        @Nullable Map<String, MetadataValue> metadata,
        HnswConfiguration hnsw,
        @Nullable String embeddingFunction,
        boolean getOrCreate,
        @Nullable QuotaLimit collectionLimit) {

    /** A request with no limit on the database's number of collections. */
    public CreateCollection(DatabaseView database, String name, @Nullable Map<String, MetadataValue> metadata,
            HnswConfiguration hnsw, @Nullable String embeddingFunction, boolean getOrCreate) {
        this(database, name, metadata, hnsw, embeddingFunction, getOrCreate, null);
    }

    /** This request, refused when the database would then hold more collections than {@code limit} allows. */
    public CreateCollection withCollectionLimit(QuotaLimit limit) {
        return new CreateCollection(database, name, metadata, hnsw, embeddingFunction, getOrCreate, limit);
    }

    public CreateCollection {
        requireNonNull(database, "database is null");
        requireNonNull(name, "name is null");
        requireNonNull(hnsw, "hnsw is null");
        metadata = metadata == null ? null : Map.copyOf(metadata);
    }
}
