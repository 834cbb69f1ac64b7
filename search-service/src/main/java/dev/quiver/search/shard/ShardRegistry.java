package dev.quiver.search.shard;

import static java.util.Objects.requireNonNull;

import dev.quiver.common.FileTrees;
import dev.quiver.common.ErrorCode;
import dev.quiver.common.QuiverException;
import dev.quiver.common.TenantId;
import dev.quiver.search.api.CollectionId;
import dev.quiver.search.api.CollectionView;
import dev.quiver.search.index.ShardIndex;
import dev.quiver.search.ownership.ShardKey;
import dev.quiver.search.wal.JdbcWal;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.ToLongFunction;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns the lifecycle of every shard on this node: the only code that opens, closes or deletes a shard directory.
 * Shard {@code n} of a collection is kept under {@code <root>/<collection id>/<n>}; each shard is opened, closed,
 * evicted and counted against the open-shard cap on its own.
 *
 * <p>Each shard seen on this node has a slot with its own lifecycle lock: opening (which may first
 * {@linkplain ShardCheckpoints#restore restore} the directory from a checkpoint, a download), closing and evicting
 * happen under it, so one directory never gets two writers while a long download holds up no other shard. Reads take
 * no lock: they take a reference on the open shard ({@link #acquire}), which the shard refuses once the registry
 * retired it for closing; the reader then waits on the slot's lock and reopens the shard.
 *
 * <p>Memory follows the shards in use: {@link #closeDue()} closes (commits, checkpoints and closes) shards unused
 * for {@link ShardCache#closeAfterIdle()} and the least recently used beyond {@link ShardCache#maxOpenShards()};
 * {@link #evictDue()} deletes the local files of closed shards that a recorded checkpoint holds, least recently
 * used first, while the shard directories exceed the disk budget. The next request restores and replays them.
 * Thread-safe.
 */
public final class ShardRegistry implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ShardRegistry.class);

    private final Path root;
    private final JdbcWal wal;
    private final Executor applierPool;
    /** Runs the shards' Lucene writes and merge workers; never the applier pool, which waits for it. */
    private final ExecutorService indexPool;
    /** Index threads (lanes) per shard: the index pool's size, capped at {@link ShardIndex#MAX_INDEX_THREADS}. */
    private final int indexThreads;
    private final ShardSettings settings;
    /** Handed to every shard: times each applied log entry. */
    private final Timer applyTimer;
    private final ShardCheckpoints checkpoints;
    private final ShardCache cache;
    private final ShardCacheMeters meters;
    /** Runs {@link #closeDue()} when an open took the node past its maximum of open shards. */
    private final Executor lifecycleExecutor;
    /** Every shard this node has seen, open or closed, with local files or not; removed when dropped. */
    private final Map<ShardKey, Slot> slots = new ConcurrentHashMap<>();
    /** The open shards, a subset of the slots' for cheap iteration; written under the slot's lock. */
    private final Map<ShardKey, Shard> open = new ConcurrentHashMap<>();
    /** Set while a {@link #closeDue()} requested by an open is queued, so opens queue at most one. */
    private final AtomicBoolean closeQueued = new AtomicBoolean();
    /** Set by {@link #close()}: no shard opens any more. */
    private volatile boolean shutdown;

    public ShardRegistry(Path root, JdbcWal wal, Executor applierPool, ExecutorService indexPool, int indexThreads,
            ShardSettings settings, Timer applyTimer, ShardCheckpoints checkpoints) {
        this(root, wal, applierPool, indexPool, indexThreads, settings, applyTimer, checkpoints, ShardCache.UNBOUNDED,
                ShardCacheMeters.none(), Runnable::run);
    }

    /**
     * @param lifecycleExecutor runs closes that an open made due; a thread of the node's shard timer, never a pool
     *                          that appliers or readers need, since a close waits for its shard's applier and may
     *                          upload a checkpoint
     */
    public ShardRegistry(Path root, JdbcWal wal, Executor applierPool, ExecutorService indexPool, int indexThreads,
            ShardSettings settings, Timer applyTimer, ShardCheckpoints checkpoints, ShardCache cache,
            ShardCacheMeters meters, Executor lifecycleExecutor) {
        this.root = requireNonNull(root, "root is null");
        this.wal = requireNonNull(wal, "wal is null");
        this.applierPool = requireNonNull(applierPool, "applierPool is null");
        this.indexPool = requireNonNull(indexPool, "indexPool is null");
        if (indexThreads < 1) {
            throw new IllegalArgumentException("indexThreads must be positive: " + indexThreads);
        }
        this.indexThreads = Math.min(indexThreads, ShardIndex.MAX_INDEX_THREADS);
        this.settings = requireNonNull(settings, "settings is null");
        this.applyTimer = requireNonNull(applyTimer, "applyTimer is null");
        this.checkpoints = requireNonNull(checkpoints, "checkpoints is null");
        this.cache = requireNonNull(cache, "cache is null");
        this.meters = requireNonNull(meters, "meters is null");
        this.lifecycleExecutor = requireNonNull(lifecycleExecutor, "lifecycleExecutor is null");
        ShardIndex.initializeVectorization();
        scanLocalShards();
    }

    /**
     * The collection's shard for a writer, opened (and scheduled to replay its log) on first use. The view's log
     * position is what the log is known to hold, for {@link #applyLag()}. No reference is held: the shard may close
     * once idle, which loses nothing (the log holds every write, and the next open replays it), so use it only to
     * wake its applier. A reader uses {@link #acquire}.
     */
    public Shard shard(CollectionView collection, int number) {
        Shard shard = acquire(collection, number);
        shard.release();
        return shard;
    }

    /**
     * The collection's shard, opened on first use, with a reference that keeps it open: the caller must call
     * {@link Shard#release()} exactly once, in {@code finally}. Takes no lock while the shard is open.
     *
     * @throws QuiverException {@code UNAVAILABLE} while this node shuts down; {@code COLLECTION_NOT_FOUND} if the
     *                         collection was dropped meanwhile
     */
    public Shard acquire(CollectionView collection, int number) {
        if (number < 0 || number >= collection.shardCount()) {
            throw new IllegalArgumentException("collection " + collection.id() + " has " + collection.shardCount()
                    + " shards, not a shard " + number);
        }
        Slot slot = slots.computeIfAbsent(new ShardKey(collection.id(), number), this::slot);
        Shard shard = slot.shard;
        if (shard != null && !shard.broken() && shard.tryAcquire()) {
            shard.appended(collection.logPosition());
            return shard;
        }
        return acquireSlowly(slot, collection);
    }

    /**
     * Opens or reopens the shard under its slot's lock, then takes a reference.
     * 1. A shard that failed is closed without committing; the new one reopens from its last commit and the log.
     * 2. A shard the registry retired was closed before the lock was released to us, so its directory is free.
     * 3. Restore the directory from a checkpoint if it is missing or older, open the index, and schedule the
     *    applier to replay the log after its commit. The time until that replay finishes is the cold-open latency.
     * 4. If that took the node past its maximum of open shards, queue a close of the least recently used.
     */
    private Shard acquireSlowly(Slot slot, CollectionView collection) {
        long started = System.nanoTime();
        ShardKey id = slot.id;
        Shard shard;
        slot.lock.lock();
        try {
            if (slot.dropped) {
                throw new QuiverException(ErrorCode.COLLECTION_NOT_FOUND,
                        "Collection [" + id.collection() + "] does not exist.");
            }
            shard = slot.shard;
            if (shard != null && shard.broken()) {
                // Readers still holding it fail as they would have anyway: the index is unusable.
                closed(slot, shard);
                try {
                    shard.close(false);
                } catch (RuntimeException e) {
                    log.warn("Closing the failed shard {} failed too", id, e);
                }
                shard = null;
            }
            if (shard == null) {
                if (shutdown) {
                    throw new QuiverException(ErrorCode.UNAVAILABLE, "This search node is shutting down; retry");
                }
                shard = open(slot, collection, started);
            }
            if (!shard.tryAcquire()) {
                throw new IllegalStateException("shard " + id + " retired outside its lifecycle lock");
            }
            shard.appended(collection.logPosition());
        } finally {
            slot.lock.unlock();
        }
        if (open.size() > cache.maxOpenShards() && closeQueued.compareAndSet(false, true)) {
            try {
                lifecycleExecutor.execute(() -> {
                    closeQueued.set(false);
                    closeDue();
                });
            } catch (RejectedExecutionException e) {
                closeQueued.set(false); // shutting down: the close of the registry closes every shard
            }
        }
        return shard;
    }

    /** Opens the slot's shard; caller holds the slot's lock and found it closed. */
    private Shard open(Slot slot, CollectionView collection, long started) {
        ShardKey id = slot.id;
        TenantId tenant = collection.database().tenant().id();
        boolean local = ShardIndex.committedSequenceAt(slot.directory) >= 0;
        checkpoints.restore(tenant, id, slot.directory);
        // Without local files, a commit now on disk came from the object store; a new collection has none yet.
        boolean restored = !local && ShardIndex.committedSequenceAt(slot.directory) >= 0;
        ShardIndex index = ShardIndex.open(
                slot.directory, collection.hnsw(), indexPool, indexThreads, settings.whereDocumentIndex());
        Shard shard = new Shard(tenant, id, collection.shardCount(), index, wal, applierPool, settings, applyTimer,
                checkpoints, collection.logPosition());
        shard.timeColdOpen(restored ? meters.openedRestored() : meters.openedLocal(), started);
        slot.shard = shard;
        slot.localBytes = -1;
        open.put(id, shard);
        log.debug("Opened shard {} at sequence {}", id, index.committedSequence());
        shard.schedule();
        return shard;
    }

    /** The shard if it is open on this node now; never opens one. */
    public Optional<Shard> find(ShardKey id) {
        return Optional.ofNullable(open.get(id));
    }

    /** The collection's shards open on this node now, in no order; never opens one. */
    public List<Shard> find(CollectionId collection) {
        List<Shard> found = new ArrayList<>(1);
        for (Shard shard : open.values()) {
            if (shard.collection().equals(collection)) {
                found.add(shard);
            }
        }
        return found;
    }

    /**
     * Closes the shard without committing or checkpointing, when this node lost or gives up its lease: what it
     * applied since its last checkpoint is in the log, which the next owner replays. Its files stay, so taking the
     * shard back later replays only from their commit (if no newer checkpoint replaces them).
     */
    public void release(ShardKey id) {
        Slot slot = slots.get(id);
        if (slot == null) {
            return;
        }
        slot.lock.lock();
        try {
            Shard shard = slot.shard;
            if (shard != null) {
                // Not retired gently as an idle shard is: readers still holding it fail over to the new owner,
                // and nothing this node applies after losing the lease may reach a checkpoint.
                closed(slot, shard);
                shard.close(false);
                log.info("Closed shard {}: this node no longer holds its lease", id);
            }
        } finally {
            slot.lock.unlock();
        }
    }

    /**
     * Closes every shard of the collection and deletes their files, for a deleted collection. Each shard's slot is
     * marked dropped under its own lock, so a reader racing the delete finds it gone rather than reopening it.
     */
    public void drop(CollectionId id) {
        List<ShardKey> keys = new ArrayList<>();
        for (ShardKey key : slots.keySet()) {
            if (key.collection().equals(id)) {
                keys.add(key);
            }
        }
        for (ShardKey key : keys) {
            Slot slot = slots.get(key);
            if (slot == null) {
                continue;
            }
            slot.lock.lock();
            try {
                slot.dropped = true;
                Shard shard = slot.shard;
                if (shard != null) {
                    closed(slot, shard);
                    shard.close(false);
                }
                FileTrees.deleteRecursively(slot.directory);
            } finally {
                slots.remove(key, slot);
                slot.lock.unlock();
            }
        }
        FileTrees.deleteRecursively(root.resolve(id.toString()));
        checkpoints.dropped(id);
    }

    /**
     * Closes, committing and checkpointing each, the open shards that went unused for the idle time, then the least
     * recently used beyond the maximum of open shards. A shard a reader holds, or that still replays its log, is
     * left open. Called by the node's shard timer and after opens; each close runs on the caller's thread.
     */
    public void closeDue() {
        long now = System.nanoTime();
        long idleNanos = cache.closeAfterIdle().toNanos();
        for (Shard shard : List.copyOf(open.values())) {
            if (now - shard.lastUsedNanos() >= idleNanos && tryClose(shard, meters.closedIdle())) {
                log.debug("Closed shard {} after {} idle", shard.key(), cache.closeAfterIdle());
            }
        }
        int excess = open.size() - cache.maxOpenShards();
        if (excess <= 0) {
            return;
        }
        List<Shard> leastRecent = new ArrayList<>(open.values());
        leastRecent.sort(Comparator.comparingLong(Shard::lastUsedNanos));
        for (Shard shard : leastRecent) {
            if (excess <= 0) {
                break;
            }
            if (tryClose(shard, meters.closedOverCap())) {
                excess--;
            }
        }
    }

    /**
     * Closes the shard if it is still its slot's open shard and nobody uses it; false when it was left open.
     * 1. Take the slot's lock without waiting: an open or another close of it is under way.
     * 2. Retire the shard, which succeeds only without references and stops new ones.
     * 3. Commit, checkpoint (the closing hook) and close it. Readers that arrive meanwhile wait for the lock, then
     *    reopen it from this commit.
     */
    private boolean tryClose(Shard shard, Counter counter) {
        Slot slot = slots.get(shard.key());
        if (slot == null || !slot.lock.tryLock()) {
            return false;
        }
        try {
            if (slot.shard != shard || !shard.quiet() || !shard.tryRetire()) {
                return false;
            }
            closed(slot, shard);
            try {
                shard.close(true);
            } catch (RuntimeException e) {
                log.warn("Closing the idle shard {} failed; its log will be replayed", shard.key(), e);
            }
            slot.localBytes = directoryBytes(slot.directory);
            counter.increment();
            return true;
        } finally {
            slot.lock.unlock();
        }
    }

    /**
     * Deletes local files of closed shards, least recently used first, while the shard directories take more than
     * the disk budget. Only a shard whose local commit a recorded checkpoint holds (or that holds no record yet)
     * loses its files, so nothing leaves the node that the object store does not hold; its next open restores
     * that checkpoint and replays the log after it. Called by the node's shard timer; reads PostgreSQL once per
     * candidate.
     *
     * @return the bytes deleted
     */
    public long evictDue() {
        if (!cache.hasDiskBudget()) {
            return 0;
        }
        long total = localDiskBytes();
        if (total <= cache.localDiskBudgetBytes()) {
            return 0;
        }
        List<Slot> candidates = new ArrayList<>();
        for (Slot slot : slots.values()) {
            if (slot.shard == null && slot.localBytes != 0) {
                candidates.add(slot);
            }
        }
        candidates.sort(Comparator.comparingLong(slot -> slot.lastUsedNanos));
        long deleted = 0;
        for (Slot slot : candidates) {
            if (total - deleted <= cache.localDiskBudgetBytes()) {
                break;
            }
            deleted += tryEvict(slot);
        }
        return deleted;
    }

    /** Deletes the closed slot's local files if a checkpoint holds them; the bytes deleted. */
    private long tryEvict(Slot slot) {
        if (!slot.lock.tryLock()) {
            return 0;
        }
        try {
            if (slot.shard != null || slot.dropped) {
                return 0;
            }
            long committed = ShardIndex.committedSequenceAt(slot.directory);
            if (committed > 0 && checkpoints.checkpointedSequence(slot.id) < committed) {
                return 0;
            }
            long bytes = slot.localBytes >= 0 ? slot.localBytes : directoryBytes(slot.directory);
            FileTrees.deleteRecursively(slot.directory);
            slot.localBytes = 0;
            meters.evicted().increment();
            log.debug("Evicted the local files of shard {} ({} bytes, commit {})", slot.id, bytes, committed);
            return bytes;
        } catch (RuntimeException e) {
            log.warn("Cannot evict the local files of shard {}; it keeps them", slot.id, e);
            return 0;
        } finally {
            slot.lock.unlock();
        }
    }

    /**
     * Whether the collection's shard has local files whose commit is behind the view's log position, so opening it
     * would replay entries; read from the directory without opening it. False for a shard without local files
     * (its first use restores it) and for an open shard (its applier replays already).
     */
    public boolean behindLog(CollectionView collection, int number) {
        ShardKey key = new ShardKey(collection.id(), number);
        Slot slot = slots.get(key);
        if (slot != null && slot.shard != null) {
            return false;
        }
        long committed = ShardIndex.committedSequenceAt(directory(key));
        return committed >= 0 && committed < collection.logPosition();
    }

    /** Schedules a commit on every shard with applied but uncommitted batches (called by a timer). */
    public void commitDue() {
        for (Shard shard : open.values()) {
            if (shard.needsCommit()) {
                shard.schedule();
            }
        }
    }

    /** Schedules the applier of every shard that is idle and has segments to merge or a merge to publish. */
    public void maintenanceDue() {
        for (Shard shard : open.values()) {
            if (shard.needsMaintenance()) {
                shard.schedule();
            }
        }
    }

    /** The shards open now, for the checkpoint timer; a snapshot of the moment, which may include closing ones. */
    public List<Shard> shards() {
        return List.copyOf(open.values());
    }

    /** Shards open on this node, for metrics. */
    public int openShards() {
        return open.size();
    }

    /**
     * The apply lag of the node, for metrics: the largest number of log entries, over open shards, that are known
     * to be appended to the collection's log (committed writes on this node, and the log positions of views that
     * reached the shard) but not yet applied to the shard's index. 0 when every open shard is caught up; a closed
     * shard does not count. Walks the open shards, so call it at metrics-scrape rate.
     */
    public long applyLag() {
        long lag = 0;
        for (Shard shard : open.values()) {
            lag = Math.max(lag, shard.lag());
        }
        return lag;
    }

    /** Heap bytes held by the index writers of open shards. */
    public long heapBytes() {
        return sumOverOpen(shard -> shard.index().ramBytesUsed());
    }

    /** Bytes on disk of open shards; walks their directories, so call it at metrics-scrape rate, not per request. */
    public long diskBytes() {
        return sumOverOpen(shard -> shard.index().diskBytes());
    }

    /**
     * Bytes on local disk of every shard, open or closed: open shards list their directories; closed ones count
     * what they held when they closed (or when this node started), so call it at metrics-scrape rate.
     */
    public long localDiskBytes() {
        long disk = sumOverOpen(shard -> shard.index().diskBytes());
        for (Slot slot : slots.values()) {
            if (slot.shard == null && slot.localBytes > 0) {
                disk += slot.localBytes;
            }
        }
        return disk;
    }

    /**
     * Bytes on disk of one collection's shards, summed: an open shard sizes its own directory; a closed one is not
     * opened (that would start an applier and replay its log) but its directory is walked. 0 without files yet.
     */
    public long diskBytes(CollectionView collection) {
        long total = 0;
        for (int number = 0; number < collection.shardCount(); number++) {
            ShardKey key = new ShardKey(collection.id(), number);
            Shard shard = open.get(key);
            if (shard != null && !shard.unusable() && shard.tryPin()) {
                try {
                    total += shard.index().diskBytes();
                } finally {
                    shard.unpin();
                }
            } else {
                total += directoryBytes(directory(key));
            }
        }
        return total;
    }

    /** Commits and closes every shard; no shard opens afterwards. */
    @Override
    public void close() {
        shutdown = true;
        for (Slot slot : List.copyOf(slots.values())) {
            slot.lock.lock();
            try {
                Shard shard = slot.shard;
                if (shard == null) {
                    continue;
                }
                closed(slot, shard);
                try {
                    shard.close(true);
                } catch (RuntimeException e) {
                    log.warn("Closing shard {} failed; its log will be replayed", slot.id, e);
                }
            } finally {
                slot.lock.unlock();
            }
        }
    }

    /** Sums {@code size} over the open shards, each pinned meanwhile so that no close races it; skips closing ones. */
    private long sumOverOpen(ToLongFunction<Shard> size) {
        long total = 0;
        for (Shard shard : open.values()) {
            if (!shard.unusable() && shard.tryPin()) {
                try {
                    total += size.applyAsLong(shard);
                } finally {
                    shard.unpin();
                }
            }
        }
        return total;
    }

    /** Takes the shard out of the open set; caller holds the slot's lock and closes the shard next. */
    private void closed(Slot slot, Shard shard) {
        slot.lastUsedNanos = shard.lastUsedNanos();
        slot.shard = null;
        open.remove(slot.id, shard);
    }

    private Slot slot(ShardKey id) {
        return new Slot(id, directory(id), System.nanoTime(), -1);
    }

    private Path directory(ShardKey key) {
        return root.resolve(key.collection().toString()).resolve(Integer.toString(key.shard()));
    }

    /**
     * Registers the shard directories already on disk as closed slots, so the disk budget sees them before their
     * collections are used: sizes as found, and the directory's modification time as when each was last used.
     */
    private void scanLocalShards() {
        if (!Files.isDirectory(root)) {
            return;
        }
        long nowNanos = System.nanoTime();
        long nowMillis = System.currentTimeMillis();
        try (DirectoryStream<Path> directories = Files.newDirectoryStream(root)) {
            for (Path directory : directories) {
                CollectionId id;
                try {
                    id = new CollectionId(UUID.fromString(directory.getFileName().toString()));
                } catch (IllegalArgumentException e) {
                    continue; // not a collection's directory
                }
                if (!Files.isDirectory(directory)) {
                    continue;
                }
                try (DirectoryStream<Path> shards = Files.newDirectoryStream(directory)) {
                    for (Path shard : shards) {
                        int number;
                        try {
                            number = Integer.parseInt(shard.getFileName().toString());
                        } catch (NumberFormatException e) {
                            continue; // a restore's partial download, removed when the shard opens
                        }
                        if (number < 0 || !Files.isDirectory(shard)) {
                            continue;
                        }
                        ShardKey key = new ShardKey(id, number);
                        long modifiedMillis = Files.getLastModifiedTime(shard).toMillis();
                        long ageNanos = Math.max(0, nowMillis - modifiedMillis) * 1_000_000;
                        slots.put(key, new Slot(key, shard, nowNanos - ageNanos, directoryBytes(shard)));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list shard directories under " + root, e);
        }
    }

    /** One shard's place on this node. */
    private static final class Slot {

        final ShardKey id;
        final Path directory;
        /** Guards opening, closing, evicting and dropping this shard. */
        final ReentrantLock lock = new ReentrantLock();
        /** The open shard, or null while closed; written under the lock, read by readers without it. */
        volatile @Nullable Shard shard;
        /** When the shard was last used, as of its last close; the open shard's own clock counts while it is open. */
        volatile long lastUsedNanos;
        /** Bytes of the local files while closed: 0 after eviction, -1 while open or unknown; under the lock. */
        volatile long localBytes;
        /** Set under the lock when the collection is deleted; the slot is then never opened again. */
        volatile boolean dropped;

        Slot(ShardKey id, Path directory, long lastUsedNanos, long localBytes) {
            this.id = id;
            this.directory = directory;
            this.lastUsedNanos = lastUsedNanos;
            this.localBytes = localBytes;
        }
    }

    /**
     * The sizes of the regular files under {@code path}. Files that a merge or commit deletes during the walk no
     * longer take space and count as 0; so does a directory deleted with its collection meanwhile.
     */
    private static long directoryBytes(Path path) {
        if (!Files.isDirectory(path)) {
            return 0;
        }
        long total = 0;
        try (Stream<Path> files = Files.walk(path)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                try {
                    if (Files.isRegularFile(file)) {
                        total += Files.size(file);
                    }
                } catch (NoSuchFileException e) {
                    // Deleted between listing and sizing: it no longer takes space.
                }
            }
        } catch (NoSuchFileException e) {
            return 0;
        } catch (UncheckedIOException e) {
            if (e.getCause() instanceof NoSuchFileException) {
                return total;
            }
            throw new UncheckedIOException("Cannot size shard files under " + path, e.getCause());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot size shard files under " + path, e);
        }
        return total;
    }

}
