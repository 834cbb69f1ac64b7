package dev.quiver.search.api;

/**
 * Restores a collection as of a past time, within the log's retention, into a new collection. The source is never
 * changed. Thread-safe.
 */
public interface CollectionRestore {

    /**
     * Creates a collection that holds exactly the source's records as of {@link RestoreCollection#asOf()}: its shard
     * starts from the source's newest checkpoint at or below that point, its log holds the source's entries after
     * that checkpoint up to that point, and its record and byte counters are counted from the restored records.
     *
     * @return the new collection, whose log position is the source's position as of the time
     * @throws dev.quiver.common.QuiverException         {@code INVALID_ARGUMENT} naming {@code as_of} when the time is
     *                                                  in the future, or before the earliest restorable time (which
     *                                                  the message gives); {@code ALREADY_EXISTS} when the name is
     *                                                  taken; {@code CONFLICT} when another node truncated the
     *                                                  source's log while it was being restored (a retry plans
     *                                                  again); nothing is written then
     * @throws dev.quiver.common.QuotaExceededException when the database would hold too many collections, the new
     *                                                  collection too many records, or the tenant too many bytes;
     *                                                  nothing is written then
     */
    CollectionView restore(RestoreCollection command);
}
