package dev.quiver.search.api;

import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * Writes and reads of a collection's records. A write returns once the batch is durable in the log (the
 * acknowledgement); every read sees every write acknowledged before the read began. Batches are validated by the
 * caller except for the dimension, which is checked again here against the collection under its lock. Thread-safe.
 */
public interface RecordStore {

    /** The widest vector a collection may hold (Lucene's HNSW format is raised from 1024 to this). */
    int MAX_DIMENSION = 4096;

    /**
     * Logs the batch durably; throws {@code DIMENSION_MISMATCH} when its vectors do not fit the collection, and a
     * {@code QuotaExceededException} when the collection's records or the tenant's bytes would pass a limit, in
     * which case nothing is logged or counted.
     */
    void write(CollectionView collection, WriteBatch batch, WriteLimits limits);

    /** Logs the batch durably, counted against no limit. */
    default void write(CollectionView collection, WriteBatch batch) {
        write(collection, batch, WriteLimits.UNLIMITED);
    }

    /**
     * Deletes the records the filter matches and returns Chroma's count: the number of ids sent when only ids are
     * given, otherwise the number of records matched. An empty filter deletes nothing.
     */
    int delete(CollectionView collection, RecordFilter filter);

    /** Matching records in insertion order, after skipping {@code offset}, at most {@code limit}. */
    List<StoredRecord> get(CollectionView collection, RecordFilter filter, int offset, int limit,
            Set<Include> include);

    /** For each query vector, the {@code nResults} nearest matching records, nearest first. */
    List<List<Hit>> query(CollectionView collection, float[][] queries, int nResults, RecordFilter filter,
            Set<Include> include);

    /**
     * Runs searches of Chroma's Search API (see {@link SearchRequest}) over one snapshot of the collection, which
     * includes every write acknowledged before the call; one result per search, in order. Vectors of {@link Rank.Knn}
     * leaves must have the collection's dimension (a collection without vectors yet has no knn candidates).
     *
     * @throws IllegalArgumentException if a query vector has another dimension than the collection's
     */
    List<SearchResult> search(CollectionView collection, List<SearchRequest> searches);

    int count(CollectionView collection);

    /**
     * This store with bounded staleness for its reads: a read may answer, without waiting, from a shard that does
     * not show the collection's log position yet, as long as that shard shows everything the log held at some time
     * no earlier than {@code maxStaleness} before the read. Writes are unchanged. A store that only reads strongly
     * returns itself: a strong read satisfies every bound.
     *
     * @param maxStaleness positive
     */
    default RecordStore withMaxStaleness(Duration maxStaleness) {
        return this;
    }

    /**
     * The bytes of the collection's index files on this node's disk, summed over its shards, without opening a
     * closed shard; 0 before the first write.
     */
    long diskBytes(CollectionView collection);
}
