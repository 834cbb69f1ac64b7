package dev.quiver.search.api;

import dev.quiver.common.QuotaLimit;
import org.jspecify.annotations.Nullable;

/**
 * The quotas a write is counted against in the transaction that logs it, decided by billing and passed here as
 * data. Null means unlimited.
 *
 * @param recordsPerCollection the most records the collection may hold after the write
 * @param storageBytes         the most bytes the tenant may store after the write, summed over its collections
 */
public record WriteLimits(@Nullable QuotaLimit recordsPerCollection, @Nullable QuotaLimit storageBytes) {

    /** No counted quota: for internal writes and for deletes, which only lower the counts. */
    public static final WriteLimits UNLIMITED = new WriteLimits(null, null);
}
