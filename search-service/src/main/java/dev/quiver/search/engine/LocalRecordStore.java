package dev.quiver.search.engine;

import dev.quiver.common.ErrorCode;
import dev.quiver.common.QuiverException;
import dev.quiver.common.TenantId;
import dev.quiver.search.api.CollectionView;
import dev.quiver.search.api.Hit;
import dev.quiver.search.api.Include;
import dev.quiver.search.api.LoggedWrite;
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
import dev.quiver.search.counter.RecordSizes;
import dev.quiver.search.index.BatchCodec;
import dev.quiver.search.shard.Shard;
import dev.quiver.search.shard.ShardRegistry;
import dev.quiver.search.wal.JdbcWal;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
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

    private final JdbcCollections collections;
    private final JdbcWal wal;
    private final JdbcRecordSizes sizes;
    private final JdbcCollectionCounters counters;
    private final ShardRegistry shards;
    private final TransactionTemplate transactions;
    /**
     * Runs searches: they are CPU-bound, so they go to platform threads sized to the cores instead of running on
     * the request's virtual thread, where a long search would hold a carrier thread that other requests need. The
     * one exception is a search that finds nothing else searching ({@link #search}).
     */
    private final ExecutorService searchPool;
    /** Searches submitted to the search pool and not finished yet. */
    private final AtomicInteger pooledSearches = new AtomicInteger();
    /** Whether a search runs on a request thread right now; see {@link #search}. */
    private final AtomicBoolean directSearch = new AtomicBoolean();
    private final CollectionCache cache;
    private final AppendMeters meters;
    private final List<WriteListener> listeners;

    public LocalRecordStore(JdbcCollections collections, JdbcWal wal, JdbcRecordSizes sizes,
            JdbcCollectionCounters counters, ShardRegistry shards, TransactionTemplate transactions,
            ExecutorService searchPool, CollectionCache cache, AppendMeters meters, List<WriteListener> listeners) {
        this.collections = collections;
        this.wal = wal;
        this.sizes = sizes;
        this.counters = counters;
        this.shards = shards;
        this.transactions = transactions;
        this.searchPool = searchPool;
        this.cache = cache;
        this.meters = meters;
        this.listeners = List.copyOf(listeners);
    }

    /**
     * Logs a batch.
     * 1. Encode it and count its records' sizes before the transaction, so the row lock is held only for the
     *    statements below.
     * 2. Advance the collection's log position, which locks its row until commit and fixes the dimension if this
     *    is the first batch with vectors; refuse a batch whose dimension differs (the transaction rolls back). The
     *    lock also makes the collection's counters, read here, exact until commit.
     * 3. Store the records' sizes, which gives the exact change in records and bytes (an ADD of an existing id
     *    adds nothing; an upsert of one replaces its parts).
     * 4. Refuse a write that would take the collection past its records limit, or the tenant past its storage
     *    limit: a write growing the storage first takes the tenant's storage lock, so concurrent writes to its
     *    other collections are summed one after another and cannot pass the limit together. Writes that only
     *    shrink take no lock. The refusal rolls back steps 2 and 3, so nothing is logged or counted.
     * 5. Add the change to the collection's counters, insert the batch into the tenant's log, and tell the write
     *    listeners (metering) in the same transaction. The commit acknowledges the write.
     * 6. Tell the collection cache, before the client hears of it, so that a read it sends next includes the
     *    batch; evict the collection if this batch may have fixed its dimension.
     * 7. Tell the shard what the log now holds (its apply lag) and wake its applier.
     */
    @Override
    public void write(CollectionView collection, WriteBatch batch, WriteLimits limits) {
        if (batch.records().isEmpty()) {
            return;
        }
        byte[] payload = BatchCodec.encode(batch);
        RecordSizes recordSizes = RecordSizes.of(batch);
        Integer dimension = dimension(batch);
        TenantId tenant = collection.database().tenant().id();
        long started = System.nanoTime();
        JdbcCollections.Advance committed;
        try {
            committed = transactions.execute(status -> {
                JdbcCollections.Advance advance = collections.advance(collection.id(), dimension)
                        .orElseThrow(() -> notFound(collection));
                if (dimension != null && advance.dimension() != null && !dimension.equals(advance.dimension())) {
                    throw new QuiverException(ErrorCode.DIMENSION_MISMATCH, "Collection expecting embedding with "
                            + "dimension of " + advance.dimension() + ", got " + dimension);
                }
                JdbcRecordSizes.Change change = sizes.write(tenant, collection.id(), recordSizes);
                String action = batch.operation().action();
                if (limits.recordsPerCollection() != null && change.records() > 0) {
                    limits.recordsPerCollection().check(action, advance.records() + change.records());
                }
                if (limits.storageBytes() != null && change.bytes() > 0) {
                    counters.lockTenant(tenant);
                    limits.storageBytes().check(action, counters.tenantBytes(tenant) + change.bytes());
                }
                counters.count(collection.id(), change);
                wal.append(tenant, collection.id(), advance.sequence(), batch.records().size(), payload);
                LoggedWrite logged = new LoggedWrite(collection, batch.operation(), batch.records().size(),
                        payload.length, change.records(), change.bytes());
                for (WriteListener listener : listeners) {
                    listener.logged(logged);
                }
                return advance;
            });
        } catch (RuntimeException | Error e) {
            meters.failed().record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
            throw e;
        }
        meters.succeeded().record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
        meters.entries().increment();
        cache.acknowledge(collection.id(), committed.sequence());
        if (collection.dimension() == null && committed.dimension() != null) {
            cache.invalidate(collection.id());
        }
        Shard shard = shards.shard(collection);
        shard.appended(committed.sequence());
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
            Shard shard = visibleShard(collection);
            try {
                ids = shard.index().matchingIds(filter);
            } finally {
                shard.release();
            }
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

    @Override
    public List<SearchResult> search(CollectionView collection, List<SearchRequest> searches) {
        Shard shard = visibleShard(collection);
        int searchEf = collection.hnsw().searchEf();
        return search(() -> shard.index().search(searches, searchEf));
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
        Shard shard = shards.acquire(collection);
        try {
            shard.awaitVisible(collection.logPosition());
            return shard;
        } catch (RuntimeException e) {
            shard.release();
            throw e;
        }
    }

    private static @Nullable Integer dimension(WriteBatch batch) {
        for (RecordWrite record : batch.records()) {
            if (record.embedding() != null) {
                return record.embedding().length;
            }
        }
        return null;
    }

    private static QuiverException notFound(CollectionView collection) {
        return new QuiverException(ErrorCode.COLLECTION_NOT_FOUND,
                "Collection [" + collection.id() + "] does not exist.");
    }
}
