package dev.quiver.search.api;

import static java.util.Objects.requireNonNull;

import dev.quiver.common.QuotaLimit;
import dev.quiver.tenant.api.DatabaseView;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * A request to restore a collection as of a past time into a new collection of the same tenant, with the source's
 * configuration (metric, index parameters, metadata, embedding function).
 *
 * @param source          the collection to restore, already resolved as the caller may see it; it is only read
 * @param database        where the new collection goes: the source's database or another of its tenant
 * @param name            the new collection's name, already validated
 * @param asOf            the time to restore as of: the new collection holds every batch of the source's log
 *                        appended at or before it, and none after
 * @param collectionLimit the most collections {@code database} may hold, or null for no limit
 * @param limits          the records and storage quotas the new collection's records count against
 */
public record RestoreCollection(
        CollectionView source,
        DatabaseView database,
        String name,
        Instant asOf,
        @Nullable QuotaLimit collectionLimit,
        WriteLimits limits) {

    public RestoreCollection {
        requireNonNull(source, "source is null");
        requireNonNull(database, "database is null");
        requireNonNull(name, "name is null");
        requireNonNull(asOf, "asOf is null");
        requireNonNull(limits, "limits is null");
        if (!source.database().tenant().id().equals(database.tenant().id())) {
            throw new IllegalArgumentException("a collection is restored within its tenant: "
                    + source.database().tenant().id() + " is not " + database.tenant().id());
        }
    }
}
