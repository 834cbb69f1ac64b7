package dev.quiver.search.api;

import dev.quiver.common.TenantId;
import java.util.List;
import java.util.Optional;

/**
 * The record and byte counters every write keeps in its own transaction (no scan of records ever counts them).
 * A record's bytes are counted as {@link RecordBytes} counts them: its id, its vector (4 bytes a dimension), its
 * document and URI (UTF-8) and its metadata (as the metadata-bytes quota counts it). The counters follow the log,
 * so they include acknowledged writes a shard may not show yet. Thread-safe.
 */
public interface StorageCounters {

    /** Every collection of every tenant, for storage metering; ordered by tenant, then collection id. */
    List<CollectionUsage> collections();

    /** The tenant's collections, ordered by collection id. */
    List<CollectionUsage> collections(TenantId tenant);

    /** One collection's counters; empty when it does not exist. */
    Optional<CollectionUsage> findCollection(CollectionId collection);

    /** The bytes the tenant stores, summed over its collections. */
    long tenantBytes(TenantId tenant);
}
