package dev.quiver.search.engine;

import dev.quiver.common.ErrorCode;
import dev.quiver.common.QuiverException;
import dev.quiver.search.api.CollectionView;
import dev.quiver.search.api.Hit;
import dev.quiver.search.api.Include;
import dev.quiver.search.api.RecordFilter;
import dev.quiver.search.api.RecordStore;
import dev.quiver.search.api.RecordWrite;
import dev.quiver.search.api.SearchRequest;
import dev.quiver.search.api.SearchResult;
import dev.quiver.search.api.StoredRecord;
import dev.quiver.search.api.WriteBatch;
import dev.quiver.search.api.WriteLimits;
import dev.quiver.search.api.WriteListener;
import dev.quiver.search.collection.JdbcCollections;
import dev.quiver.search.counter.JdbcCollectionCounters;
import dev.quiver.search.counter.JdbcRecordSizes;
import dev.quiver.search.merge.SearchMerge;
import dev.quiver.search.merge.ShardPartial;
import dev.quiver.search.shard.Shard;
import dev.quiver.search.shard.ShardRegistry;
import dev.quiver.search.wal.JdbcWal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.FutureTask;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The record store of this process. Writes go to the log in PostgreSQL (the commit is the acknowledgement) and
 * then wake the shard's applier; reads wait until the shard shows the log position the collection had when the
 * read began. Thread-safe.
 */
public final class LocalRecordStore implements RecordStore {

    private final LogAppender appender;
    private final ShardRegistry shards;
    /**
     * Runs searches: they are CPU-bound, so they go to platform threads sized to the cores instead of running on
     * the request's virtual thread, where a long search would hold a carrier thread that other requests need. The
     * one exception is a search that finds nothing else searching ({@link #search}).
     */
    private final ExecutorService searchPool;
    /** Searches submitted to the search pool and not finished yet; shared with {@link #withMaxStaleness} copies. */
    private final AtomicInteger pooledSearches;
    /** Whether a search runs on a request thread right now; see {@link #search}. Shared like the above. */
    private final AtomicBoolean directSearch;
    /** Null for strong reads; see {@link #withMaxStaleness}. */
    private final @Nullable Duration maxStaleness;

    public LocalRecordStore(JdbcCollections collections, JdbcWal wal, JdbcRecordSizes sizes,
            JdbcCollectionCounters counters, ShardRegistry shards, TransactionTemplate transactions,
            ExecutorService searchPool, CollectionCache cache, AppendMeters meters, List<WriteListener> listeners) {
        this(new LogAppender(collections, wal, sizes, counters, transactions, cache, meters, listeners), shards,
                searchPool);
    }

    public LocalRecordStore(LogAppender appender, ShardRegistry shards, ExecutorService searchPool) {
        this(appender, shards, searchPool, new AtomicInteger(), new AtomicBoolean(), null);
    }

    private LocalRecordStore(LogAppender appender, ShardRegistry shards, ExecutorService searchPool,
            AtomicInteger pooledSearches, AtomicBoolean directSearch, @Nullable Duration maxStaleness) {
        this.appender = appender;
        this.shards = shards;
        this.searchPool = searchPool;
        this.pooledSearches = pooledSearches;
        this.directSearch = directSearch;
        this.maxStaleness = maxStaleness;
    }

    /** The same store, pools and shards, whose reads wait only as {@link Shard#awaitVisible(long, Duration)} says. */
    @Override
    public LocalRecordStore withMaxStaleness(Duration maxStaleness) {
        if (maxStaleness.isNegative() || maxStaleness.isZero()) {
            throw new IllegalArgumentException("maxStaleness must be positive: " + maxStaleness);
        }
        return new LocalRecordStore(appender, shards, searchPool, pooledSearches, directSearch, maxStaleness);
    }

    /**
     * The ids of the records the filter matches, as the shard shows at least the view's log position: what a
     * delete by filter deletes. For a search node answering a gateway's delete.
     */
    public List<String> matchingIds(CollectionView collection, RecordFilter filter) {
        // Always strong: these ids are deleted, and a delete must see every write acknowledged before it.
        Shard shard = visibleShard(collection, null);
        try {
            return shard.index().matchingIds(filter);
        } finally {
            shard.release();
        }
    }

    /**
     * Logs a batch through the {@link LogAppender} (the commit acknowledges it), then tells the shard what the log
     * now holds (its apply lag) and wakes its applier.
     */
    @Override
    public void write(CollectionView collection, WriteBatch batch, WriteLimits limits) {
        if (batch.records().isEmpty()) {
            return;
        }
        long sequence = appender.append(collection, batch, limits);
        Shard shard = shards.shard(collection);
        shard.appended(sequence);
        shard.schedule();
    }

    @Override
    public int delete(CollectionView collection, RecordFilter filter) {
        if (filter.isEmpty()) {
            return 0;
        }
        List<String> ids;
        int deleted;
        if (filter.where() == null && filter.whereDocument() == null) {
            ids = filter.ids();
            deleted = ids.size();
        } else {
            // Chroma resolves a filtered delete to ids at the moment of the request and counts what matched.
            ids = matchingIds(collection, filter);
            deleted = ids.size();
        }
        List<RecordWrite> records = new ArrayList<>(ids.size());
        for (String id : ids) {
            records.add(new RecordWrite(id, null, null, null, null));
        }
        write(collection, new WriteBatch(WriteBatch.Operation.DELETE, records));
        return deleted;
    }

    @Override
    public List<StoredRecord> get(CollectionView collection, RecordFilter filter, int offset, int limit,
            Set<Include> include) {
        Shard shard = visibleShard(collection);
        try {
            return search(() -> shard.index().get(filter, offset, limit, include));
        } finally {
            shard.release();
        }
    }

    @Override
    public List<List<Hit>> query(CollectionView collection, float[][] queries, int nResults, RecordFilter filter,
            Set<Include> include) {
        Shard shard = visibleShard(collection);
        int searchEf = collection.hnsw().searchEf();
        try {
            return search(() -> shard.index().query(queries, nResults, searchEf, filter, include));
        } finally {
            shard.release();
        }
    }

    /**
     * Each shard's part of the answers ({@link #searchShard}), merged by {@link SearchMerge}, which a gateway in a
     * cluster does over the same parts from the search nodes.
     */
    @Override
    public List<SearchResult> search(CollectionView collection, List<SearchRequest> searches) {
        return SearchMerge.merge(searches, List.of(searchShard(collection, searches, true)));
    }

    /**
     * The shard's part of the answers to Search API requests ({@link ShardPartial}), as the shard shows at least
     * the view's log position: what a search node answers a gateway.
     *
     * @param onlyShard whether the part is merged alone (see {@link dev.quiver.search.index.ShardIndex#searchPartials})
     */
    public List<ShardPartial> searchShard(CollectionView collection, List<SearchRequest> searches,
            boolean onlyShard) {
        Shard shard = visibleShard(collection);
        int searchEf = collection.hnsw().searchEf();
        try {
            return search(() -> shard.index().searchPartials(searches, searchEf, onlyShard));
        } finally {
            shard.release();
        }
    }

    @Override
    public int count(CollectionView collection) {
        Shard shard = visibleShard(collection);
        try {
            return shard.index().count();
        } finally {
            shard.release();
        }
    }

    @Override
    public long diskBytes(CollectionView collection) {
        if (collection.logPosition() == 0) {
            // Nothing was ever written; an opened empty shard holds only Lucene's first commit point.
            return 0;
        }
        return shards.diskBytes(collection.id());
    }

    /**
     * Runs a search, on the request's own thread when nothing else is searching, else on the search pool.
     *
     * <p>The hand-off to the pool and back wakes two threads, which on a busy machine costs each a wait for a
     * core: measured, a lone query spent about a quarter of its time there. So the one search that finds the pool
     * idle runs directly. At most one does at a time, so CPU-bound work holds at most one carrier thread and
     * the others keep serving requests; under concurrency searches queue for the pool as before, where they
     * cannot crowd out the request threads.
     */
    private <T> T search(Callable<T> search) {
        if (pooledSearches.get() == 0 && directSearch.compareAndSet(false, true)) {
            try {
                return search.call();
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException("search failed", e);
            } finally {
                directSearch.set(false);
            }
        }
        return onSearchPool(search);
    }

    private <T> T onSearchPool(Callable<T> search) {
        // done() runs once whether the task ran, failed or was cancelled before it started.
        FutureTask<T> result = new FutureTask<>(search) {
            @Override
            protected void done() {
                pooledSearches.decrementAndGet();
            }
        };
        pooledSearches.incrementAndGet();
        try {
            searchPool.execute(result);
        } catch (RuntimeException e) {
            pooledSearches.decrementAndGet();
            throw e;
        }
        try {
            return result.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException("search failed", e.getCause());
        } catch (InterruptedException e) {
            result.cancel(true);
            Thread.currentThread().interrupt();
            throw new QuiverException(ErrorCode.UNAVAILABLE, "Interrupted while searching; retry the request");
        }
    }

    /**
     * The collection's shard once it shows the view's log position, with a reference that keeps it open: the caller
     * releases it in {@code finally}, after its search finished (the search may run on the search pool).
     */
    private Shard visibleShard(CollectionView collection) {
        return visibleShard(collection, maxStaleness);
    }

    private Shard visibleShard(CollectionView collection, @Nullable Duration maxStaleness) {
        Shard shard = shards.acquire(collection);
        try {
            shard.awaitVisible(collection.logPosition(), maxStaleness);
            return shard;
        } catch (RuntimeException e) {
            shard.release();
            throw e;
        }
    }
}
