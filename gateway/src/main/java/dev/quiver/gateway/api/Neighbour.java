package dev.quiver.gateway.api;

import static java.util.Objects.requireNonNull;

import dev.quiver.search.api.StoredRecord;

/**
 * One query result.
 *
 * @param record with id, document, metadata and embedding
 * @param distance Chroma's distance for the collection's metric: lower is nearer
 */
public record Neighbour(StoredRecord record, float distance) {

    public Neighbour {
        requireNonNull(record, "record is null");
    }
}
