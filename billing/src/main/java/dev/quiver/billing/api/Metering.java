package dev.quiver.billing.api;

import dev.quiver.search.api.CollectionView;

/**
 * Meters what requests cost, in whole units per tenant, database and collection.
 *
 * <ul>
 *   <li><b>Write units</b>: {@code ceil(bytes logged / 1024)} per batch (add, upsert, update or delete), from the
 *       size of the batch's log entry. They are metered by a {@link dev.quiver.search.api.WriteListener} that
 *       inserts one event into the outbox inside the transaction that logs the batch: a batch that commits is
 *       metered exactly once, one that rolls back not at all, whatever crashes.</li>
 *   <li><b>Read units</b>: for a query, per query vector {@code ceil(max(n_results, searchEf) * dimension / 16384)}
 *       (the candidates its search scans, 16 Ki vector components a unit), plus one per record returned; for a get,
 *       one per record returned; for a count, 1. Every answered read costs at least 1. Reads are reported here and
 *       counted in memory, then written to the outbox in one batch every {@code quiver.billing.read-flush-interval}
 *       (1 s) and at shutdown: a process killed outright loses at most that last interval of read units. That
 *       errs towards billing less, never twice.</li>
 *   <li><b>Embedding units</b>: one per text the server embeds (a document added, upserted or updated without an
 *       embedding, or a query text), whatever its length. A text costs at most 256 word pieces of inference, since
 *       longer ones are cut, so a flat price per text stays fair and a client can predict it without the model's
 *       tokenizer. Counted in memory and flushed with the read units, once the write is logged or the query
 *       embedded: work refused before that is not billed.</li>
 *   <li><b>Storage</b>: byte-hours. Every {@code quiver.billing.storage-sample-interval} one process samples the
 *       bytes each collection stores ({@link dev.quiver.search.api.StorageCounters}) and meters them for the time
 *       since the previous sample, rounded down to whole byte-hours.</li>
 * </ul>
 *
 * <p>Events are rolled up hourly and daily (UTC) by {@link Usage}'s source. Thread-safe.
 */
public interface Metering {

    /**
     * Meters one answered read. Cheap: counts in memory and never blocks on the database.
     *
     * @param queries  the query vectors searched; 0 for a get or a count, which search no vectors
     * @param nResults the neighbours asked per query vector; ignored when {@code queries} is 0
     * @param records  the records the read returned, summed over its queries; 0 for a count
     */
    void read(CollectionView collection, int queries, int nResults, long records);

    /**
     * Meters texts the server embedded for {@code collection}. Cheap: counts in memory and never blocks on the
     * database.
     *
     * @param texts documents or query texts embedded, at least 1
     */
    void embedded(CollectionView collection, int texts);
}
