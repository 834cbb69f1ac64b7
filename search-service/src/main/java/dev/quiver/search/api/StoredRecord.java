package dev.quiver.search.api;

import static java.util.Objects.requireNonNull;

import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A record as read back. Parts that were not asked for in {@link Include} are null, as are parts the record does
 * not have. Metadata is null when the record has none (an empty map is never returned, as in Chroma).
 *
 * @param embedding the vector exactly as the caller wrote it (not normalised)
 */
public record StoredRecord(
        String id,
        float @Nullable [] embedding,
        @Nullable String document,
        @Nullable Map<String, MetadataValue> metadata,
        @Nullable String uri) {

    public StoredRecord {
        requireNonNull(id, "id is null");
    }
}
