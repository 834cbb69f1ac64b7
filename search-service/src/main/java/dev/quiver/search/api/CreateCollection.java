package dev.quiver.search.api;

import static java.util.Objects.requireNonNull;

import dev.quiver.common.ErrorCode;
import dev.quiver.common.QuiverException;
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
 * @param shardCount      how many shards the records are spread over, or null for the node's default; the catalogue
 *                        checks it against its bounds
 */
public record CreateCollection(
        DatabaseView database,
        String name,
        @Nullable Map<String, MetadataValue> metadata,
        HnswConfiguration hnsw,
        @Nullable String embeddingFunction,
        boolean getOrCreate,
        @Nullable QuotaLimit collectionLimit,
        @Nullable Integer shardCount) {

    /** A request with no limit on the database's number of collections and the default shard count. */
    public CreateCollection(DatabaseView database, String name, @Nullable Map<String, MetadataValue> metadata,
            HnswConfiguration hnsw, @Nullable String embeddingFunction, boolean getOrCreate) {
        this(database, name, metadata, hnsw, embeddingFunction, getOrCreate, null, null);
    }

    /** A request with the default shard count. */
    public CreateCollection(DatabaseView database, String name, @Nullable Map<String, MetadataValue> metadata,
            HnswConfiguration hnsw, @Nullable String embeddingFunction, boolean getOrCreate,
            @Nullable QuotaLimit collectionLimit) {
        this(database, name, metadata, hnsw, embeddingFunction, getOrCreate, collectionLimit, null);
    }

    /** This request, refused when the database would then hold more collections than {@code limit} allows. */
    public CreateCollection withCollectionLimit(QuotaLimit limit) {
        return new CreateCollection(database, name, metadata, hnsw, embeddingFunction, getOrCreate, limit,
                shardCount);
    }

    /** This request with {@code shardCount} shards (null for the default). */
    public CreateCollection withShardCount(@Nullable Integer count) {
        return new CreateCollection(database, name, metadata, hnsw, embeddingFunction, getOrCreate, collectionLimit,
                count);
    }

    /**
     * The shard count a new collection's metadata asks for under {@link CollectionView#SHARD_COUNT_KEY}; null when
     * the key is absent. Its range is the catalogue's to check, against the node's bounds.
     *
     * @throws QuiverException {@code INVALID_ARGUMENT} naming the field when the value is not an integer
     */
    public static @Nullable Integer shardCountOf(@Nullable Map<String, MetadataValue> metadata) {
        MetadataValue value = metadata == null ? null : metadata.get(CollectionView.SHARD_COUNT_KEY);
        if (value == null) {
            return null;
        }
        if (value instanceof MetadataValue.IntValue number) {
            return (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, number.value()));
        }
        String field = "metadata." + CollectionView.SHARD_COUNT_KEY;
        throw QuiverException.invalidField(ErrorCode.INVALID_ARGUMENT, field, "type",
                "Validation error: " + field + ": must be an integer, got " + value);
    }

    public CreateCollection {
        requireNonNull(database, "database is null");
        requireNonNull(name, "name is null");
        requireNonNull(hnsw, "hnsw is null");
        metadata = metadata == null ? null : Map.copyOf(metadata);
    }
}
