package dev.quiver.search.api;

import static java.util.Objects.requireNonNull;

import dev.quiver.tenant.api.DatabaseId;
import dev.quiver.common.TenantId;

/**
 * A collection's counters as its writes keep them: exact as of the last committed write, read without scanning.
 *
 * @param records the records the collection holds
 * @param bytes   the bytes its records take (see {@link StorageCounters} for how they are counted)
 */
public record CollectionUsage(TenantId tenant, DatabaseId database, CollectionId collection, long records,
        long bytes) {

    public CollectionUsage {
        requireNonNull(tenant, "tenant is null");
        requireNonNull(database, "database is null");
        requireNonNull(collection, "collection is null");
    }
}
