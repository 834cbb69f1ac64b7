package dev.quiver.search.engine;

import dev.quiver.common.ErrorCode;
import dev.quiver.common.QuiverException;
import dev.quiver.common.TenantId;
import dev.quiver.search.api.CollectionView;
import dev.quiver.search.api.LoggedWrite;
import dev.quiver.search.api.RecordWrite;
import dev.quiver.search.api.WriteBatch;
import dev.quiver.search.api.WriteLimits;
import dev.quiver.search.api.WriteListener;
import dev.quiver.search.collection.JdbcCollections;
import dev.quiver.search.counter.JdbcCollectionCounters;
import dev.quiver.search.counter.JdbcRecordSizes;
import dev.quiver.search.counter.RecordSizes;
import dev.quiver.search.index.BatchCodec;
import dev.quiver.search.wal.JdbcWal;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The write path up to the acknowledgement: a batch appended to the collection's log in PostgreSQL, with its
 * counters, limits and write listeners in the same transaction. Standalone, the local record store then wakes the
 * shard; a gateway of a cluster stops here, and the search node that owns the shard is woken by the log's
 * notification (a write listener). Thread-safe.
 */
public final class LogAppender {

    private final JdbcCollections collections;
    private final JdbcWal wal;
    private final JdbcRecordSizes sizes;
    private final JdbcCollectionCounters counters;
    private final TransactionTemplate transactions;
    private final CollectionCache cache;
    private final AppendMeters meters;
    private final List<WriteListener> listeners;

    public LogAppender(JdbcCollections collections, JdbcWal wal, JdbcRecordSizes sizes,
            JdbcCollectionCounters counters, TransactionTemplate transactions, CollectionCache cache,
            AppendMeters meters, List<WriteListener> listeners) {
        this.collections = collections;
        this.wal = wal;
        this.sizes = sizes;
        this.counters = counters;
        this.transactions = transactions;
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
     *
     * @return the sequence of the logged batch; the collection's log position when the batch was empty
     */
    public long append(CollectionView collection, WriteBatch batch, WriteLimits limits) {
        if (batch.records().isEmpty()) {
            return collection.logPosition();
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
        return committed.sequence();
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
