package dev.quiver.search.shard;

import static java.util.Objects.requireNonNull;

import dev.quiver.common.ErrorCode;
import dev.quiver.common.QuiverException;
import dev.quiver.common.TenantId;
import dev.quiver.search.api.CollectionId;
import dev.quiver.search.api.WriteBatch;
import dev.quiver.search.index.BatchCodec;
import dev.quiver.search.index.ShardIndex;
import dev.quiver.search.ownership.ShardKey;
import dev.quiver.search.wal.JdbcWal;
import dev.quiver.search.wal.WalEntry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;

/**
 * One open shard: its Lucene index and the applier that brings the index up to the collection's log. A collection
 * of several shards has one log; each shard reads all of it and applies only the records routed to it
 * ({@code ShardRouting}), so an entry's sequence means the same on every shard.
 *
 * <p>The applier runs as tasks on the shared index pool, never two at once for one shard: {@link #schedule()}
 * counts requests and only the request that finds the count at zero submits a task; the task drains the log and
 * loops until no request arrived while it ran. So the index's writer is used by one thread at a time, in log order.
 *
 * <p>Readers call {@link #awaitVisible} with the log position their answer must include, then read the index,
 * which is safe from any thread. A reader holds a reference ({@link #tryAcquire}, {@link #release}) while it uses
 * the index; the registry closes a shard only after {@link #tryRetire} found no reference, and then nobody can take
 * one, so a reader never sees its index closed under it. Thread-safe.
 */
public final class Shard {

    private static final Logger log = LoggerFactory.getLogger(Shard.class);

    private final TenantId tenant;
    private final ShardKey key;
    /** The collection's shard count, fixed at its creation. */
    private final int shardCount;
    private final ShardIndex index;
    private final JdbcWal wal;
    private final Executor applierPool;
    private final ShardSettings settings;
    /** Times each applied log entry, decoding included; shared by every shard of the node. */
    private final Timer applyTimer;
    private final ShardCheckpoints checkpoints;
    /** What the log is known to hold, for {@link #lag()}; advanced by writers and readers, any thread. */
    private final AppendedSequence appended;
    private final AtomicInteger requests = new AtomicInteger();
    private final ReentrantLock visibility = new ReentrantLock();
    private final Condition advanced = visibility.newCondition();

    /** Written by the applier only: the last sequence applied to the index, visible or not. */
    private volatile long appliedSequence;
    /**
     * Applier only: when the applier last began a read of the log that found it drained, in
     * {@link System#nanoTime()}; the applied index then held everything the log held at that time.
     * {@link #NEVER} before the first such read.
     */
    private long appliedFreshNanos = NEVER;
    /**
     * Written by the applier, read by readers: a time at which the log held nothing the visible snapshot lacks, in
     * {@link System#nanoTime()}; {@link #NEVER} until known. What a bounded-staleness read measures.
     */
    private volatile long visibleFreshNanos = NEVER;
    /** Readers waiting in {@link #awaitVisible}; the applier publishes a snapshot at once while there are any. */
    private final AtomicInteger waiters = new AtomicInteger();
    /** Applier only: when the index was last committed, in {@link System#nanoTime()}. */
    private long lastCommitNanos = System.nanoTime();
    /** Applier only: records applied since the last refresh. */
    private long unrefreshedRecords;
    /** Written by the applier, read by waiting readers: the last failure, cleared by a successful drain. */
    private volatile RuntimeException failure;
    /**
     * Set by the applier when the index itself failed (not the log): the index is then unusable until reopened,
     * and the registry replaces this shard on its next use, from the last commit plus the log.
     */
    private volatile boolean broken;
    private volatile boolean closed;
    /** Written by the applier when it applies a batch: when the shard last changed, for idle compaction. */
    private volatile long lastWriteNanos = System.nanoTime();
    /** Written by the applier: a compaction was started since the last write, so none is started again. */
    private volatile boolean compactionStarted;
    /** Written by the applier: a started compaction whose result is not published and committed yet. */
    private volatile boolean compactionUnpublished;
    /** References held by readers (0 or more), or {@link #RETIRED} once the registry chose to close the shard. */
    private final AtomicInteger references = new AtomicInteger();
    /** When a reference was last taken or released, or the registry handed the shard to a writer; any thread. */
    private volatile long lastUsedNanos = System.nanoTime();
    /**
     * Set by the registry when the shard was opened for a request, cleared by the applier's first complete drain,
     * which records the time from that request until the index caught up with the log.
     */
    private volatile @Nullable ColdOpen coldOpen;

    private static final int RETIRED = -1;
    /** No freshness known yet: a bounded-staleness read waits as a strong one does. */
    private static final long NEVER = Long.MIN_VALUE;

    Shard(TenantId tenant, ShardKey key, int shardCount, ShardIndex index, JdbcWal wal, Executor applierPool,
            ShardSettings settings, Timer applyTimer, ShardCheckpoints checkpoints, long appendedSequence) {
        this.tenant = requireNonNull(tenant, "tenant is null");
        this.key = requireNonNull(key, "key is null");
        if (key.shard() >= shardCount) {
            throw new IllegalArgumentException("shard " + key + " is not below the shard count " + shardCount);
        }
        this.shardCount = shardCount;
        this.index = requireNonNull(index, "index is null");
        this.wal = requireNonNull(wal, "wal is null");
        this.applierPool = requireNonNull(applierPool, "applierPool is null");
        this.settings = requireNonNull(settings, "settings is null");
        this.applyTimer = requireNonNull(applyTimer, "applyTimer is null");
        this.checkpoints = requireNonNull(checkpoints, "checkpoints is null");
        this.appliedSequence = index.committedSequence();
        this.appended = new AppendedSequence(Math.max(appendedSequence, appliedSequence));
    }

    public ShardIndex index() {
        return index;
    }

    public CollectionId collection() {
        return key.collection();
    }

    /** Which shard of its collection this is. */
    public ShardKey key() {
        return key;
    }

    /** How many shards the collection has. */
    public int shardCount() {
        return shardCount;
    }

    public TenantId tenant() {
        return tenant;
    }

    /** Whether the index failed and awaits replacement, or the shard closed: nothing may be taken from it. */
    public boolean unusable() {
        return broken || closed;
    }

    /**
     * Records that the collection's log holds entries up to {@code sequence} (a committed write's sequence, or the
     * log position of a view); only for {@link #lag()}. Any thread; a stale value is ignored.
     */
    public void appended(long sequence) {
        appended.advanceTo(sequence);
    }

    /**
     * Log entries known to be appended that the applier has not applied yet; 0 when caught up. Entries appended
     * by a writer that has not reported them yet are not counted. Any thread.
     */
    long lag() {
        return appended.lagBehind(appliedSequence);
    }

    /**
     * Takes a reference, which keeps the shard open until {@link #release()}; false once the registry retired it
     * (the caller then asks the registry again, which reopens it). Any thread.
     */
    boolean tryAcquire() {
        if (tryPin()) {
            lastUsedNanos = System.nanoTime();
            return true;
        }
        return false;
    }

    /**
     * Takes a reference without counting as a use, for metrics that size the index: a scrape must neither find the
     * index closed under it nor keep an idle shard open. Give it back with {@link #unpin()}.
     */
    boolean tryPin() {
        while (true) {
            int held = references.get();
            if (held == RETIRED) {
                return false;
            }
            if (references.compareAndSet(held, held + 1)) {
                return true;
            }
        }
    }

    /** Gives back a reference taken by {@link #tryPin()}. */
    void unpin() {
        int left = references.decrementAndGet();
        assert left >= 0 : "unpinned more references than were taken: " + left;
    }

    /** Gives back a reference taken by the registry for the caller; call exactly once, in {@code finally}. */
    public void release() {
        lastUsedNanos = System.nanoTime();
        int left = references.decrementAndGet();
        assert left >= 0 : "released more references than were taken: " + left;
    }

    /**
     * Wins the right to close the shard: true only when no reader holds a reference, and from then on none can take
     * one. The registry calls it under the shard's lifecycle lock, then closes the shard.
     */
    boolean tryRetire() {
        return references.compareAndSet(0, RETIRED);
    }

    /** When the shard was last read or written, in {@link System#nanoTime()}; any thread. */
    long lastUsedNanos() {
        return Math.max(lastUsedNanos, lastWriteNanos);
    }

    /**
     * Whether the shard may close for lack of use: caught up with what the log is known to hold, no compaction
     * running and no reader inside. Closing a shard that still replays would only replay again on its next open.
     */
    boolean quiet() {
        return !closed && !broken && references.get() == 0 && lag() == 0 && waiters.get() == 0 && !index.merging();
    }

    /** Records, on the applier's first complete drain, the time since {@code startedNanos} on {@code timer}. */
    void timeColdOpen(Timer timer, long startedNanos) {
        coldOpen = new ColdOpen(timer, startedNanos);
    }

    /** Asks the applier to catch up with the log; returns at once. */
    public void schedule() {
        if (requests.getAndIncrement() == 0) {
            applierPool.execute(this::runApplier);
        }
    }

    /**
     * Waits until the index shows every batch up to {@code sequence}, or throws {@code UNAVAILABLE} after the
     * read timeout (the answer would otherwise miss acknowledged writes).
     */
    public void awaitVisible(long sequence) {
        awaitVisible(sequence, null);
    }

    /**
     * Like {@link #awaitVisible(long)}, but with bounded staleness: returns at once, without {@code sequence}
     * visible, when the visible snapshot holds everything the log held at some time no earlier than
     * {@code maxStaleness} ago (the applier's last read that found the log drained began then). The applier is
     * still woken, so later reads see newer writes.
     *
     * @param maxStaleness null for strong consistency
     */
    public void awaitVisible(long sequence, @Nullable Duration maxStaleness) {
        if (index.visibleSequence() >= sequence) {
            return;
        }
        if (maxStaleness != null && freshWithin(maxStaleness)) {
            schedule();
            return;
        }
        waiters.incrementAndGet();
        schedule();
        long deadline = System.nanoTime() + settings.readTimeout().toNanos();
        visibility.lock();
        try {
            while (index.visibleSequence() < sequence) {
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0 || closed || broken) {
                    RuntimeException cause = failure;
                    throw new QuiverException(ErrorCode.UNAVAILABLE, "Collection [" + key.collection()
                            + "] is not caught up with its log yet" + (cause == null ? "" : ": applying failed")
                            + "; retry later");
                }
                advanced.await(remaining, TimeUnit.NANOSECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new QuiverException(ErrorCode.UNAVAILABLE, "Interrupted while waiting for the collection");
        } finally {
            visibility.unlock();
            waiters.decrementAndGet();
        }
    }

    /** Whether the visible snapshot held the whole log at a time within {@code maxStaleness} of now. */
    private boolean freshWithin(Duration maxStaleness) {
        long fresh = visibleFreshNanos;
        return fresh != NEVER && System.nanoTime() - fresh <= maxStaleness.toNanos();
    }

    private void runApplier() {
        int seen;
        do {
            seen = requests.get();
            if (closed) {
                requests.set(0);
                return;
            }
            try {
                drain();
                ColdOpen opened = coldOpen;
                if (opened != null && !closed) {
                    coldOpen = null;
                    opened.timer().record(System.nanoTime() - opened.startedNanos(), TimeUnit.NANOSECONDS);
                }
                maintain();
                failure = null;
            } catch (LogUnavailableException e) {
                // PostgreSQL is busy or away for a moment: the index is intact, and the next request retries.
                failure = e;
                log.warn("Reading the log of shard {} failed after sequence {}; will retry", key,
                        appliedSequence, e.getCause());
                requests.set(0);
                return;
            } catch (RuntimeException e) {
                failure = e;
                broken = true;
                log.error("The index of shard {} failed at sequence {}; it will be reopened from its last "
                        + "commit and the log", key, appliedSequence, e);
                wakeReaders();
                requests.set(0);
                return;
            }
        } while (!requests.compareAndSet(seen, 0));
    }

    /**
     * Applies every logged batch after the applied sequence, in order.
     * 1. Read a page of entries from the log.
     * 2. Apply each; publish a snapshot when many records piled up, so a long replay still lets reads progress.
     * 3. When the log is drained, publish what is left if a reader waits for it. Without readers, publishing is
     *    deferred: each snapshot flushes a Lucene segment, and a bulk load that published after every batch would
     *    leave many small segments (and their HNSW graphs) to merge. A reader that arrives later schedules this
     *    drain again and is served at once.
     * 4. Commit when the commit interval has passed, recording the sequence so a restart replays only the rest.
     */
    private void drain() {
        while (!closed) {
            long readStarted = System.nanoTime();
            List<WalEntry> entries = readLog();
            for (WalEntry entry : entries) {
                long started = System.nanoTime();
                WriteBatch batch = BatchCodec.decode(entry.payload());
                try {
                    index.apply(entry.sequence(), batch, key.shard(), shardCount);
                } catch (IllegalArgumentException e) {
                    // The gateway validates every batch against what the index accepts, so this is a bug; the
                    // index refused the batch before changing anything. An empty batch in its place moves the
                    // index past the entry, so the collection keeps serving instead of waiting for it forever.
                    log.error("Skipping log entry {} of shard {} that cannot be applied", entry.sequence(),
                            key, e);
                    index.apply(entry.sequence(), new WriteBatch(batch.operation(), List.of()));
                }
                appliedSequence = entry.sequence();
                applyTimer.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
                unrefreshedRecords += entry.recordCount();
                lastWriteNanos = System.nanoTime();
                compactionStarted = false;
            }
            boolean drained = entries.size() < settings.walPageSize();
            if (drained) {
                // Every entry the log held when this read began is applied now.
                appliedFreshNanos = readStarted;
            }
            if (unrefreshedRecords >= settings.refreshRecords()
                    || (drained && waiters.get() > 0 && index.visibleSequence() < appliedSequence)) {
                publish();
            } else if (drained && index.visibleSequence() >= appliedSequence) {
                visibleFreshNanos = readStarted;
            }
            if (drained) {
                break;
            }
        }
        if (!closed && appliedSequence > index.committedSequence()
                && System.nanoTime() - lastCommitNanos >= settings.commitInterval().toNanos()) {
            commit();
        }
    }

    /**
     * Idle-time upkeep, once the shard went {@code compactAfterIdle} without writes:
     * 1. Start merging it down to {@code compactToSegments} segments on Lucene's merge threads (this returns at
     *    once). A search visits every segment's graph, so the segments a bulk load leaves behind cost throughput
     *    on every query; merging while writes still arrive would only merge again and again.
     * 2. When the merge has finished, publish and commit it, so searchers use the merged segment and a restart
     *    opens it.
     */
    private void maintain() {
        if (closed || !idle()) {
            return;
        }
        if (!compactionStarted && index.searchableSegments() > settings.compactToSegments()) {
            log.info("Compacting shard {} from {} segments to {}", key, index.searchableSegments(),
                    settings.compactToSegments());
            index.compactInBackground(settings.compactToSegments());
            compactionStarted = true;
            compactionUnpublished = true;
        }
        // Only the compaction's own result: a commit changes the index version, so publishing whenever the
        // searcher is not current would commit and reopen again every second, forever.
        if (compactionUnpublished && !index.merging()) {
            publish();
            commit();
            compactionUnpublished = false;
        }
    }

    /** Called by the registry's timer (any thread): whether {@link #maintain} has work to do now. */
    boolean needsMaintenance() {
        if (closed || broken || !idle()) {
            return false;
        }
        return (!compactionStarted && index.searchableSegments() > settings.compactToSegments())
                || (compactionUnpublished && !index.merging());
    }

    private boolean idle() {
        return System.nanoTime() - lastWriteNanos >= settings.compactAfterIdle().toNanos();
    }

    private List<WalEntry> readLog() {
        try {
            return wal.read(tenant, key.collection(), appliedSequence, settings.walPageSize());
        } catch (DataAccessException e) {
            throw new LogUnavailableException(e);
        }
    }

    private void publish() {
        index.refresh();
        // The snapshot holds everything applied, so at least what the log held at the last drained read.
        if (appliedFreshNanos != NEVER) {
            visibleFreshNanos = appliedFreshNanos;
        }
        unrefreshedRecords = 0;
        wakeReaders();
    }

    private void wakeReaders() {
        visibility.lock();
        try {
            advanced.signalAll();
        } finally {
            visibility.unlock();
        }
    }

    /** True once the index failed; the registry then replaces this shard. */
    boolean broken() {
        return broken;
    }

    /** A cold open waiting to be timed: the timer of its kind and when the request that opened the shard began. */
    private record ColdOpen(Timer timer, long startedNanos) {
    }

    /** The log could not be read; unlike an index failure, this leaves the shard usable. */
    private static final class LogUnavailableException extends RuntimeException {
        LogUnavailableException(DataAccessException cause) {
            super(cause);
        }
    }

    private void commit() {
        long started = System.nanoTime();
        index.commit();
        lastCommitNanos = System.nanoTime();
        log.debug("Committed shard {} at sequence {} in {} ms", key, appliedSequence,
                Duration.ofNanos(lastCommitNanos - started).toMillis());
    }

    /** True when applied batches are not yet in a commit; the registry's timer then schedules a commit. */
    boolean needsCommit() {
        return appliedSequence > index.committedSequence();
    }

    /**
     * Stops the applier, optionally commits what was applied, and closes the index. The caller guarantees no new
     * schedules; a running drain finishes its current page first because it checks {@code closed}.
     */
    void close(boolean commit) {
        closed = true;
        visibility.lock();
        try {
            advanced.signalAll();
        } finally {
            visibility.unlock();
        }
        // Wait for a running applier task to leave: it resets the request count to zero on its way out.
        long deadline = System.nanoTime() + settings.readTimeout().toNanos();
        while (requests.get() != 0 && System.nanoTime() < deadline) {
            LockSupport.parkNanos(1_000_000);
        }
        if (commit) {
            index.commit();
            try {
                checkpoints.closing(this);
            } catch (RuntimeException e) {
                // The log still holds everything after the last checkpoint; the next owner replays it.
                log.warn("Checkpointing shard {} on close failed; its log is kept", key, e);
            }
        }
        index.close();
    }
}
