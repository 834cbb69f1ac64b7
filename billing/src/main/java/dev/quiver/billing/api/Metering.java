package dev.quiver.billing.api;

import dev.quiver.search.api.CollectionView;

/**
 * Meters what requests cost. Writes are metered inside the transaction that logs them (a
 * {@link dev.quiver.search.api.WriteListener}); reads are reported here by the gateway once answered; storage is
 * sampled from the search module's counters. Thread-safe.
 */
public interface Metering {

    /**
     * Meters one answered read.
     *
     * @param records the records the read returned, summed over its queries
     * @param queries the query vectors (1 for get and count)
     */
    void read(CollectionView collection, int queries, long records);
}
