package dev.quiver.search.shard;

import static java.util.Objects.requireNonNull;

import dev.quiver.common.TenantId;
import dev.quiver.search.api.CollectionId;
import dev.quiver.search.api.CollectionView;
import dev.quiver.search.index.ShardIndex;
import dev.quiver.search.wal.JdbcWal;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns the lifecycle of every shard on this node: the only code that opens, closes or deletes a shard directory.
 * A collection has one shard for now, kept under {@code <root>/<collection id>/0}. Before a directory is opened,
 * {@link ShardCheckpoints#restore} may replace it with the collection's newest checkpoint (a lost or stale local
 * copy); a clean close checkpoints the final commit. Both run under the lifecycle lock, so a restore that downloads
 * holds up other shards' first opens meanwhile. Thread-safe.
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
    private final Map<CollectionId, Shard> open = new ConcurrentHashMap<>();
    /** Guards opening and dropping, so one directory never gets two writers. */
    private final ReentrantLock lifecycle = new ReentrantLock();

    public ShardRegistry(Path root, JdbcWal wal, Executor applierPool, ExecutorService indexPool, int indexThreads,
            ShardSettings settings, Timer applyTimer, ShardCheckpoints checkpoints) {
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
        ShardIndex.initializeVectorization();
    }

    /**
     * The collection's shard, opened (and scheduled to replay its log) on first use. The view's log position is
     * what the log is known to hold, for {@link #applyLag()}.
     */
    public Shard shard(CollectionView collection) {
        CollectionId id = collection.id();
        Shard shard = open.get(id);
        if (shard != null && !shard.broken()) {
            shard.appended(collection.logPosition());
            return shard;
        }
        lifecycle.lock();
        try {
            shard = open.get(id);
            if (shard != null && shard.broken()) {
                // A failed index is unusable: close it without committing and reopen it from its last commit;
                // the new shard replays the log after that commit.
                open.remove(id);
                try {
                    shard.close(false);
                } catch (RuntimeException e) {
                    log.warn("Closing the failed shard of collection {} failed too", id, e);
                }
                shard = null;
            }
            if (shard == null) {
                Path directory = root.resolve(id.toString()).resolve("0");
                TenantId tenant = collection.database().tenant().id();
                checkpoints.restore(tenant, id, directory);
                ShardIndex index = ShardIndex.open(directory, collection.hnsw(), indexPool, indexThreads);
                shard = new Shard(tenant, id, index, wal, applierPool, settings, applyTimer, checkpoints,
                        collection.logPosition());
                open.put(id, shard);
                log.debug("Opened shard of collection {} at sequence {}", id, index.committedSequence());
                shard.schedule();
            } else {
                shard.appended(collection.logPosition());
            }
            return shard;
        } finally {
            lifecycle.unlock();
        }
    }

    /** The collection's shard if it is open on this node now; never opens one. */
    public Optional<Shard> find(CollectionId id) {
        return Optional.ofNullable(open.get(id));
    }

    /**
     * Closes the shard without committing or checkpointing, when this node lost or gives up its lease: what it
     * applied since its last checkpoint is in the log, which the next owner replays. Its files stay, so taking the
     * shard back later replays only from their commit (if no newer checkpoint replaces them).
     */
    public void release(CollectionId id) {
        lifecycle.lock();
        try {
            Shard shard = open.remove(id);
            if (shard != null) {
                shard.close(false);
                log.info("Closed the shard of collection {}: this node no longer holds its lease", id);
            }
        } finally {
            lifecycle.unlock();
        }
    }

    /** Closes the shard and deletes its files, for a deleted collection. */
    public void drop(CollectionId id) {
        lifecycle.lock();
        try {
            Shard shard = open.remove(id);
            if (shard != null) {
                shard.close(false);
            }
            deleteRecursively(root.resolve(id.toString()));
            checkpoints.dropped(id);
        } finally {
            lifecycle.unlock();
        }
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
        long heap = 0;
        for (Shard shard : open.values()) {
            heap += shard.index().ramBytesUsed();
        }
        return heap;
    }

    /** Bytes on disk of open shards; walks their directories, so call it at metrics-scrape rate, not per request. */
    public long diskBytes() {
        long disk = 0;
        for (Shard shard : open.values()) {
            disk += shard.index().diskBytes();
        }
        return disk;
    }

    /**
     * Bytes on disk of one collection's shards: an open shard sizes its own directory; a closed one is not opened
     * (that would start an applier and replay its log) but its directory is walked. 0 when it has no files yet.
     */
    public long diskBytes(CollectionId id) {
        Shard shard = open.get(id);
        if (shard != null && !shard.broken()) {
            return shard.index().diskBytes();
        }
        return directoryBytes(root.resolve(id.toString()));
    }

    /** Commits and closes every shard. */
    @Override
    public void close() {
        lifecycle.lock();
        try {
            List<CollectionId> ids = new ArrayList<>(open.keySet());
            for (CollectionId id : ids) {
                Shard shard = open.remove(id);
                try {
                    shard.close(true);
                } catch (RuntimeException e) {
                    log.warn("Closing the shard of collection {} failed; its log will be replayed", id, e);
                }
            }
        } finally {
            lifecycle.unlock();
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

    private static void deleteRecursively(Path path) {
        if (!Files.exists(path)) {
            return;
        }
        try (Stream<Path> files = Files.walk(path)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot delete shard files under " + path, e);
        }
    }
}
