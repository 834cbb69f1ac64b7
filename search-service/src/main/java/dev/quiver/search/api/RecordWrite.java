package dev.quiver.search.api;

import static java.util.Objects.requireNonNull;

import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One record of a write batch. For {@code ADD} and {@code UPSERT} the embedding is present; for {@code UPDATE} any
 * part may be null, meaning "keep what is stored"; for {@code DELETE} only the id matters.
 *
 * @param embedding  the caller's vector, not normalised; null when the write leaves it unchanged
 * @param document   the document text; null when absent (add) or unchanged (update, upsert of an existing record)
 * @param metadata   metadata to store (add) or merge key by key (upsert, update); {@link MetadataValue.Null}
 *                   values remove a key; null when absent or unchanged
 * @param uri        the record's URI; null when absent or unchanged
 */
public record RecordWrite(
        String id,
        float @Nullable [] embedding,
        @Nullable String document,
        @Nullable Map<String, MetadataValue> metadata,
        @Nullable String uri) {

    public RecordWrite {
        requireNonNull(id, "id is null");
    }
}
