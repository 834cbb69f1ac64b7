package dev.quiver.search.api;

import dev.quiver.common.TenantId;
import java.util.List;

/**
 * The record and byte counters every write keeps in its own transaction (no scan of records ever counts them).
 * A record's bytes are its id, its vector (4 bytes a dimension), its document and URI (UTF-8) and its metadata
 * (counted as the metadata-bytes quota counts it). Thread-safe.
 */
public interface StorageCounters {

    /** Every collection of every tenant, for storage metering; ordered by tenant, then collection id. */
    List<CollectionUsage> collections();

    /** The bytes the tenant stores, summed over its collections. */
    long tenantBytes(TenantId tenant);
}
