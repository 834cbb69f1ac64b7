package dev.quiver.search.api;

import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A modification of a collection; null parts are left as they are. New metadata replaces the old as a whole.
 */
public record CollectionChange(
        @Nullable String newName,
        @Nullable Map<String, MetadataValue> newMetadata,
        @Nullable HnswConfiguration newHnsw) {

    public CollectionChange {
        newMetadata = newMetadata == null ? null : Map.copyOf(newMetadata);
    }
}
