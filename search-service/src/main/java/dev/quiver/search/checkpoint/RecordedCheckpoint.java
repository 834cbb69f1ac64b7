package dev.quiver.search.checkpoint;

import static java.util.Objects.requireNonNull;

import dev.quiver.common.TenantId;
import dev.quiver.search.api.CollectionId;
import java.time.Instant;
import java.util.List;

/**
 * A checkpoint as PostgreSQL records it, once its files and manifest are in the object store.
 *
 * @param fileKeys the objects its manifest names, so unneeded file objects are found without reading manifests
 */
record RecordedCheckpoint(TenantId tenant, CollectionId collection, int shard, long sequence, long epoch,
        String manifestKey, long bytes, List<String> fileKeys, Instant createdAt) {

    RecordedCheckpoint {
        requireNonNull(tenant, "tenant is null");
        requireNonNull(collection, "collection is null");
        requireNonNull(manifestKey, "manifestKey is null");
        requireNonNull(createdAt, "createdAt is null");
        fileKeys = List.copyOf(fileKeys);
    }
}
