package dev.quiver.search.engine;

import dev.quiver.search.api.CollectionId;
import dev.quiver.search.api.CollectionView;
import dev.quiver.search.collection.JdbcCollections;
import dev.quiver.tenant.api.DatabaseView;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Collections by id, and the last log position this process acknowledged for each, kept in memory when this
 * process is the only writer of its PostgreSQL (standalone mode), so that a record request needs no SQL at all.
 *
 * <p>Why this is exact, not merely fresh enough: with one writer, every change to a collection row goes through
 * this process, which evicts the entry once the change has committed ({@link #invalidate}), and every log append
 * is acknowledged through {@link #acknowledge}, before the client hears of it. The position a read must include is
 * therefore the larger of the row's position when it was cached and the last one acknowledged here, which is what
 * PostgreSQL would have answered. A change that is not a log append and not a modify or delete is the dimension,
 * fixed by the first batch with vectors; its writer evicts the entry too.
 *
 * <p>When other processes may write (several gateways on one PostgreSQL), nothing is cached: the collection row is
 * read on every request, one round trip that also gives the log position the read must include.
 *
 * <p>Only found rows are cached. A lookup caches its row only if no eviction happened since it started (the
 * generation), so a row read just before a change committed never outlives the change's eviction. Thread-safe;
 * lookups that hit take no lock.
 */
public final class CollectionCache {

    private final JdbcCollections collections;
    private final boolean enabled;
    private final ConcurrentHashMap<CollectionId, CollectionView> byId = new ConcurrentHashMap<>();
    /** The last log position acknowledged by this process, per collection; only grows. */
    private final ConcurrentHashMap<CollectionId, Long> acknowledged = new ConcurrentHashMap<>();
    /** Bumped by every eviction; see the class comment. */
    private final AtomicLong generation = new AtomicLong();
    /** Orders caching a looked-up row against evicting it; never held during SQL. */
    private final ReentrantLock lock = new ReentrantLock();

    /**
     * @param soleWriter whether this process is the only one that writes collections and logs to its PostgreSQL;
     *                   only then is anything cached
     */
    public CollectionCache(JdbcCollections collections, boolean soleWriter) {
        this.collections = collections;
        this.enabled = soleWriter;
    }

    /** The collection, with the log position a read of it must include; another database's is not found. */
    Optional<CollectionView> findById(DatabaseView database, CollectionId id) {
        if (!enabled) {
            return collections.findById(database, id);
        }
        CollectionView cached = byId.get(id);
        if (cached == null) {
            long started = generation.get();
            Optional<CollectionView> found = collections.findById(database, id);
            if (found.isEmpty()) {
                return found;
            }
            cached = found.get();
            lock.lock();
            try {
                if (generation.get() == started) {
                    byId.put(id, cached);
                }
            } finally {
                lock.unlock();
            }
        } else if (!cached.database().id().equals(database.id())) {
            return Optional.empty();
        }
        Long position = acknowledged.get(id);
        if (position == null || position <= cached.logPosition()) {
            return Optional.of(cached);
        }
        return Optional.of(cached.withLogPosition(position));
    }

    /** Records a log append that has committed; call it before acknowledging the write to the client. */
    void acknowledge(CollectionId id, long sequence) {
        if (enabled) {
            acknowledged.merge(id, sequence, Math::max);
        }
    }

    /** Evicts a collection whose row changed; call it after the change committed. */
    void invalidate(CollectionId id) {
        lock.lock();
        try {
            generation.incrementAndGet();
            byId.remove(id);
        } finally {
            lock.unlock();
        }
    }

    /** Forgets a deleted collection entirely; call it after the deletion committed. */
    void forget(CollectionId id) {
        invalidate(id);
        acknowledged.remove(id);
    }
}
