package dev.quiver.search.api;

import static java.util.Objects.requireNonNull;

/**
 * One nearest neighbour: the record and its similarity score (higher is closer, Lucene's convention for the
 * collection's metric). Convert to Chroma's distance with {@link Metric#distance(float)}.
 */
public record Hit(StoredRecord record, float score) {

    public Hit {
        requireNonNull(record, "record is null");
    }
}
