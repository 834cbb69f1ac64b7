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
 * @param shardCount        how many shards the records are spread over, by {@code ShardRouting}; fixed at creation
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
        int version,
        int shardCount) {

    /**
     * The metadata key through which a client chooses the shard count of a new collection. Metadata, not
     * configuration: Chroma's clients (the chromadb npm client among them) rebuild {@code configuration} from the
     * keys they know and drop the others, while metadata reaches the server exactly as the caller wrote it. The
     * key stays in the collection's metadata, so a get shows it back.
     */
    public static final String SHARD_COUNT_KEY = "quiver:shard_count";

    public CollectionView {
        requireNonNull(id, "id is null");
        requireNonNull(database, "database is null");
        requireNonNull(name, "name is null");
        requireNonNull(hnsw, "hnsw is null");
        if (shardCount < 1) {
            throw new IllegalArgumentException("shardCount must be positive: " + shardCount);
        }
        metadata = metadata == null ? null : Map.copyOf(metadata);
    }

    /** A collection of one shard, as every collection was before collections had several. */
    public CollectionView(CollectionId id, DatabaseView database, String name,
            @Nullable Map<String, MetadataValue> metadata, HnswConfiguration hnsw, @Nullable String embeddingFunction,
            @Nullable Integer dimension, long logPosition, int version) {
        this(id, database, name, metadata, hnsw, embeddingFunction, dimension, logPosition, version, 1);
    }

    /** This view with another log position (what a read must include), everything else as it is. */
    public CollectionView withLogPosition(long position) {
        return new CollectionView(id, database, name, metadata, hnsw, embeddingFunction, dimension, position, version,
                shardCount);
    }
}
