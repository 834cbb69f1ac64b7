package dev.quiver.search.ownership;

import static java.util.Objects.requireNonNull;

import dev.quiver.search.api.CollectionId;

/** One shard of a collection: numbers run from 0 to the collection's shard count, exclusive. */
public record ShardKey(CollectionId collection, int shard) {

    public ShardKey {
        requireNonNull(collection, "collection is null");
        if (shard < 0) {
            throw new IllegalArgumentException("shard must not be negative: " + shard);
        }
    }

    @Override
    public String toString() {
        return collection + "/" + shard;
    }
}
