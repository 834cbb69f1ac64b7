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
import dev.quiver.search.index.OrderedRecords;
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
     * The ids of the records the filter matches, as every shard shows at least the view's log position: what a
     * delete by filter deletes. Shard by shard, each in insertion order.
     */
    public List<String> matchingIds(CollectionView collection, RecordFilter filter) {
        List<String> ids = new ArrayList<>();
        for (int number = 0; number < collection.shardCount(); number++) {
            ids.addAll(matchingIds(collection, number, filter));
        }
        return ids;
    }

    /** The ids one shard holds that the filter matches; for a search node answering a gateway's delete. */
    public List<String> matchingIds(CollectionView collection, int number, RecordFilter filter) {
        // Always strong: these ids are deleted, and a delete must see every write acknowledged before it.
        Shard shard = visibleShard(collection, number, null);
        try {
            return shard.index().matchingIds(filter);
        } finally {
            shard.release();
        }
    }

    /**
     * Logs a batch through the {@link LogAppender} (the commit acknowledges it), then tells each of the collection's
     * shards what the log now holds (its apply lag) and wakes its applier: every shard reads the one log, and one
     * whose records the batch does not touch still moves past the entry, so its checkpoint lets the log go.
     */
    @Override
    public void write(CollectionView collection, WriteBatch batch, WriteLimits limits) {
        if (batch.records().isEmpty()) {
            return;
        }
        long sequence = appender.append(collection, batch, limits);
        for (int number = 0; number < collection.shardCount(); number++) {
            Shard shard = shards.shard(collection, number);
            shard.appended(sequence);
            shard.schedule();
        }
    }

    /**
     * Deletes by ids, or by a filter resolved to ids first (on every shard): the delete batch then routes each id to
     * the one shard that holds it.
     */
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

    /**
     * One shard's records as {@link #get}; with several shards, each is read from its start up to
     * {@code offset + limit} records on the search pool, and the pages merge by insertion order before the offset
     * and limit apply, so paging gives what a collection of one shard gives.
     */
    @Override
    public List<StoredRecord> get(CollectionView collection, RecordFilter filter, int offset, int limit,
            Set<Include> include) {
        if (collection.shardCount() == 1) {
            Shard shard = visibleShard(collection, 0);
            try {
                return search(() -> shard.index().get(filter, offset, limit, include));
            } finally {
                shard.release();
            }
        }
        int perShard = (int) Math.min(Integer.MAX_VALUE, (long) offset + limit);
        List<OrderedRecords> pages = onEveryShard(collection,
                shard -> shard.index().getOrdered(filter, perShard, include));
        return ShardMerge.records(pages, offset, limit);
    }

    /** One shard's first {@code limit} matching records with their insertion orders, for a gateway's merge. */
    public OrderedRecords getOrdered(CollectionView collection, int number, RecordFilter filter, int limit,
            Set<Include> include) {
        Shard shard = visibleShard(collection, number);
        try {
            return search(() -> shard.index().getOrdered(filter, limit, include));
        } finally {
            shard.release();
        }
    }

    /** With several shards, each answers its top {@code nResults} on the search pool and the lists merge. */
    @Override
    public List<List<Hit>> query(CollectionView collection, float[][] queries, int nResults, RecordFilter filter,
            Set<Include> include) {
        if (collection.shardCount() == 1) {
            return query(collection, 0, queries, nResults, filter, include);
        }
        int searchEf = collection.hnsw().searchEf();
        List<List<List<Hit>>> answers = onEveryShard(collection,
                shard -> shard.index().query(queries, nResults, searchEf, filter, include));
        return ShardMerge.hits(answers, queries.length, nResults);
    }

    /** One shard's nearest records, for a gateway's merge. */
    public List<List<Hit>> query(CollectionView collection, int number, float[][] queries, int nResults,
            RecordFilter filter, Set<Include> include) {
        Shard shard = visibleShard(collection, number);
        int searchEf = collection.hnsw().searchEf();
        try {
            return search(() -> shard.index().query(queries, nResults, searchEf, filter, include));
        } finally {
            shard.release();
        }
    }

    /**
     * Each shard's part of the answers ({@link #searchShard}), merged by {@link SearchMerge}, which a gateway in a
     * cluster does over the same parts from the search nodes. Several shards search in parallel on the pool.
     */
    @Override
    public List<SearchResult> search(CollectionView collection, List<SearchRequest> searches) {
        if (collection.shardCount() == 1) {
            return SearchMerge.merge(searches, List.of(searchShard(collection, 0, searches, true)));
        }
        int searchEf = collection.hnsw().searchEf();
        List<List<ShardPartial>> parts = onEveryShard(collection,
                shard -> shard.index().searchPartials(searches, searchEf, false));
        return SearchMerge.merge(searches, parts);
    }

    /**
     * One shard's part of the answers to Search API requests ({@link ShardPartial}), as the shard shows at least
     * the view's log position: what a search node answers a gateway.
     *
     * @param onlyShard whether the part is merged alone (see {@link dev.quiver.search.index.ShardIndex#searchPartials})
     */
    public List<ShardPartial> searchShard(CollectionView collection, int number, List<SearchRequest> searches,
            boolean onlyShard) {
        Shard shard = visibleShard(collection, number);
        int searchEf = collection.hnsw().searchEf();
        try {
            return search(() -> shard.index().searchPartials(searches, searchEf, onlyShard));
        } finally {
            shard.release();
        }
    }

    @Override
    public int count(CollectionView collection) {
        int count = 0;
        for (int number = 0; number < collection.shardCount(); number++) {
            count += count(collection, number);
        }
        return count;
    }

    /** The records one shard holds. */
    public int count(CollectionView collection, int number) {
        Shard shard = visibleShard(collection, number);
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
        return shards.diskBytes(collection);
    }

    /**
     * Runs {@code read} on every shard of the collection in parallel on the search pool, each once its shard shows
     * the view's log position, and returns the answers in shard order.
     * 1. Take a reference on every shard and wake the appliers of those behind, so they catch up at once rather
     *    than one after another.
     * 2. Wait until each is visible, then submit its read; the references are released once every read ended.
     */
    private <T> List<T> onEveryShard(CollectionView collection, ShardRead<T> read) {
        int count = collection.shardCount();
        List<Shard> acquired = new ArrayList<>(count);
        List<FutureTask<T>> reads = new ArrayList<>(count);
        try {
            for (int number = 0; number < count; number++) {
                Shard shard = shards.acquire(collection, number);
                acquired.add(shard);
                if (shard.index().visibleSequence() < collection.logPosition()) {
                    shard.schedule();
                }
            }
            for (Shard shard : acquired) {
                shard.awaitVisible(collection.logPosition(), maxStaleness);
                reads.add(submit(() -> read.run(shard)));
            }
            List<T> answers = new ArrayList<>(count);
            for (FutureTask<T> task : reads) {
                answers.add(await(task));
            }
            return answers;
        } finally {
            for (FutureTask<T> task : reads) {
                if (!task.isDone()) {
                    // A read that failed others still runs on its shard: the shard stays referenced until it ends.
                    awaitQuietly(task);
                }
            }
            for (Shard shard : acquired) {
                shard.release();
            }
        }
    }

    /** A read of one shard. */
    @FunctionalInterface
    private interface ShardRead<T> {
        T run(Shard shard);
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
        return await(submit(search));
    }

    /** Queues the search on the search pool, counted in {@link #pooledSearches} until it ends. */
    private <T> FutureTask<T> submit(Callable<T> search) {
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
        return result;
    }

    private static <T> T await(FutureTask<T> result) {
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

    /** Waits for a read to end, whatever its outcome, so its shard is not released under it. */
    private static void awaitQuietly(FutureTask<?> task) {
        boolean interrupted = false;
        while (true) {
            try {
                task.get();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            } catch (ExecutionException | java.util.concurrent.CancellationException e) {
                break;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The shard once it shows the view's log position, with a reference that keeps it open: the caller releases it
     * in {@code finally}, after its search finished (the search may run on the search pool).
     */
    private Shard visibleShard(CollectionView collection, int number) {
        return visibleShard(collection, number, maxStaleness);
    }

    private Shard visibleShard(CollectionView collection, int number, @Nullable Duration maxStaleness) {
        Shard shard = shards.acquire(collection, number);
        try {
            shard.awaitVisible(collection.logPosition(), maxStaleness);
            return shard;
        } catch (RuntimeException e) {
            shard.release();
            throw e;
        }
    }
}
