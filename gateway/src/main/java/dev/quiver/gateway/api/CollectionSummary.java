package dev.quiver.gateway.api;

import static java.util.Objects.requireNonNull;

import dev.quiver.search.api.CollectionView;

/**
 * A collection with what the console shows of it.
 *
 * @param records     how many records it holds, acknowledged writes included (its counter)
 * @param storedBytes the bytes its records take, as the storage quota counts them (its counter)
 * @param diskBytes   the bytes of its index files on this node's disk (0 before the first write)
 */
public record CollectionSummary(CollectionView collection, long records, long storedBytes, long diskBytes) {

    public CollectionSummary {
        requireNonNull(collection, "collection is null");
    }
}
