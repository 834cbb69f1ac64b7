package dev.quiver.search.checkpoint;

import static java.util.Objects.requireNonNull;

import dev.quiver.common.FileTrees;
import dev.quiver.common.TenantId;
import dev.quiver.search.api.CollectionId;
import dev.quiver.search.checkpoint.CheckpointManifest.ManifestFile;
import dev.quiver.search.checkpoint.JdbcCheckpoints.DeletedCollection;
import dev.quiver.search.index.CommitFile;
import dev.quiver.search.index.CommitSnapshot;
import dev.quiver.search.index.ShardIndex;
import dev.quiver.search.objectstore.ObjectStore;
import dev.quiver.search.objectstore.StoredObject;
import dev.quiver.search.ownership.ShardKey;
import dev.quiver.search.shard.Shard;
import dev.quiver.search.shard.ShardCheckpoints;
import dev.quiver.search.wal.JdbcWal;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * Checkpoints shards into an {@link ObjectStore}, records them in PostgreSQL, truncates the logs they cover, and
 * restores shard directories from them.
 *
 * <p>Layout under {@code tenants/{tenant}/collections/{collection}/shards/{n}/}: {@code files/{name}.{checksum}}
 * holds one Lucene file, named by the CRC-32 of its footer so a key names one content for good and a file already
 * uploaded by an earlier checkpoint is not uploaded again; {@code manifests/{sequence}.json} lists a checkpoint's
 * files (the sequence zero-padded, so keys sort in log order).
 *
 * <p>Invariant: a log entry is deleted only when a checkpoint recorded in PostgreSQL holds it, and that checkpoint
 * is older than the log retention; the checkpoints from the newest such one on, their files and the log after it
 * are kept, so a restore as of any time within the retention has a checkpoint and the log after it.
 *
 * <p>Thread-safety: thread-safe. Uploads run on the executor given here, never on a shard's applier or a reader;
 * one checkpoint or truncation of a shard runs at a time (a per-shard lock), so a sweep of unneeded objects never
 * deletes the files of a checkpoint being uploaded by this node.
 */
public final class ObjectStoreCheckpoints implements ShardCheckpoints {

    private static final Logger log = LoggerFactory.getLogger(ObjectStoreCheckpoints.class);

    /** Deleted collections purged per pass, so one pass stays short. */
    private static final int PURGE_BATCH = 100;
    /** Keys per delete call: S3 deletes at most 1,000 objects per request. */
    private static final int DELETE_BATCH = 1000;
    /** Suffix of the sibling a shard directory is downloaded into before it takes the directory's place. */
    private static final String RESTORING = ".restoring";

    private final ObjectStore store;
    private final JdbcCheckpoints checkpoints;
    private final JdbcWal wal;
    private final Executor uploads;
    private final CheckpointSettings settings;
    private final CheckpointMeters meters;
    private final Clock clock;
    private final CheckpointFence fence;
    private final JsonMapper json = JsonMapper.builder().build();
    private final Map<ShardKey, ShardState> states = new ConcurrentHashMap<>();

    /**
     * @param uploads a small bounded pool of its own: an upload may take minutes, and must never hold up an applier,
     *                a reader or the index pool
     */
    public ObjectStoreCheckpoints(ObjectStore store, JdbcCheckpoints checkpoints, JdbcWal wal, Executor uploads,
            CheckpointSettings settings, CheckpointMeters meters, Clock clock) {
        this(store, checkpoints, wal, uploads, settings, meters, clock, CheckpointFence.NONE);
    }

    /** @param fence the lease every checkpoint and truncation is written under ({@link CheckpointFence#NONE} alone) */
    public ObjectStoreCheckpoints(ObjectStore store, JdbcCheckpoints checkpoints, JdbcWal wal, Executor uploads,
            CheckpointSettings settings, CheckpointMeters meters, Clock clock, CheckpointFence fence) {
        this.fence = requireNonNull(fence, "fence is null");
        this.store = requireNonNull(store, "store is null");
        this.checkpoints = requireNonNull(checkpoints, "checkpoints is null");
        this.wal = requireNonNull(wal, "wal is null");
        this.uploads = requireNonNull(uploads, "uploads is null");
        this.settings = requireNonNull(settings, "settings is null");
        this.meters = requireNonNull(meters, "meters is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    /**
     * Called by a timer: queues, on the upload pool, a checkpoint of every given shard that committed something
     * since its last checkpoint, and a truncation of every shard whose log holds entries a checkpoint covers.
     * Returns at once; a shard already queued or checkpointing is skipped.
     */
    public void checkpointDue(List<Shard> shards) {
        for (Shard shard : shards) {
            if (shard.unusable()) {
                continue;
            }
            ShardState state = states.computeIfAbsent(shard.key(), id -> new ShardState(clock.instant()));
            if (!state.queued.compareAndSet(false, true)) {
                continue;
            }
            try {
                uploads.execute(() -> {
                    try {
                        checkpointAndTruncate(shard, state);
                    } finally {
                        state.queued.set(false);
                    }
                });
            } catch (RejectedExecutionException e) {
                state.queued.set(false); // shutting down: the close checkpoints instead
            }
        }
    }

    /** Queues {@link #purgeDeleted()} on the upload pool; returns at once. */
    public void purgeDeletedInBackground() {
        try {
            uploads.execute(this::purgeDeleted);
        } catch (RejectedExecutionException e) {
            // Shutting down: the next process's first pass purges.
        }
    }

    /**
     * Checkpoints the shard if it committed something since its last checkpoint, then truncates its log, now, on
     * the caller's thread (waiting for a checkpoint of the shard already running). For tests and the clean close.
     *
     * @return whether a new checkpoint was recorded
     * @throws RuntimeException if uploading, recording or truncating failed; the log then keeps every entry that
     *                          no recorded checkpoint holds
     */
    public boolean checkpointNow(Shard shard) {
        ShardState state = states.computeIfAbsent(shard.key(), id -> new ShardState(clock.instant()));
        state.lock.lock();
        try {
            load(shard.key(), state);
            boolean taken = shard.index().committedSequence() > state.sequence && take(shard, state);
            truncate(shard.tenant(), shard.key(), shard.shardCount(), state);
            return taken;
        } finally {
            state.lock.unlock();
        }
    }

    private void checkpointAndTruncate(Shard shard, ShardState state) {
        if (!state.lock.tryLock()) {
            return; // the close is checkpointing it
        }
        try {
            load(shard.key(), state);
            if (!shard.unusable() && shard.index().committedSequence() > state.sequence) {
                take(shard, state);
            }
            // A sibling shard's checkpoint may be what held the log back, so a shard whose own rows are truncated
            // still tries while the log has not reached them.
            if (state.truncatedThrough < state.sequence || state.logTruncatedThrough < state.truncatedThrough) {
                truncate(shard.tenant(), shard.key(), shard.shardCount(), state);
            }
        } catch (RuntimeException e) {
            meters.failures().increment();
            log.warn("Checkpointing shard {} failed; its log is kept and the next checkpoint tries again",
                    shard.key(), e);
        } finally {
            state.lock.unlock();
        }
    }

    @Override
    public void closing(Shard shard) {
        try {
            checkpointNow(shard);
        } catch (RuntimeException e) {
            meters.failures().increment();
            throw e;
        }
    }

    @Override
    public long checkpointedSequence(ShardKey shard) {
        return checkpoints.findNewest(shard.collection(), shard.shard()).map(RecordedCheckpoint::sequence).orElse(-1L);
    }

    @Override
    public void dropped(CollectionId collection) {
        states.keySet().removeIf(key -> key.collection().equals(collection));
    }

    /**
     * Takes one checkpoint of the shard's last commit. Caller holds the shard's lock.
     * 1. Snapshot the last commit, so Lucene keeps its files while they upload, whatever the applier commits or
     *    merges meanwhile; the snapshot is released at the end, uploaded or not.
     * 2. Upload each file whose key (name and checksum) is not in the store yet: most files of a commit are
     *    segments an earlier checkpoint already uploaded.
     * 3. Upload the manifest, which names every file: from here the checkpoint is whole in the store.
     * 4. Record it in PostgreSQL. Only a recorded checkpoint counts: truncation and restore read the rows, so a
     *    failure before this point leaves objects no row names (swept later) and the log as it was.
     *
     * @return whether a checkpoint was recorded (not when the last commit is already checkpointed)
     */
    private boolean take(Shard shard, ShardState state) {
        long started = System.nanoTime();
        // The epoch is read before the snapshot: a lease won later is a later term, which this snapshot must not
        // claim. A shard this node does not hold is not checkpointed at all.
        int number = shard.key().shard();
        OptionalLong leased = fence.epoch(shard.collection(), number);
        if (leased.isEmpty()) {
            return false;
        }
        long epoch = leased.getAsLong();
        Optional<CommitSnapshot> taken = shard.index().snapshot();
        if (taken.isEmpty()) {
            return false;
        }
        try (CommitSnapshot snapshot = taken.get()) {
            if (snapshot.sequence() <= state.sequence) {
                return false;
            }
            String prefix = shardPrefix(shard.tenant(), shard.collection(), number);
            Set<String> stored = keys(store.list(prefix + "files/"));
            List<ManifestFile> files = new ArrayList<>(snapshot.files().size());
            List<String> fileKeys = new ArrayList<>(snapshot.files().size());
            long bytes = 0;
            long uploaded = 0;
            for (CommitFile file : snapshot.files()) {
                String checksum = checksumText(file.checksum());
                String key = prefix + "files/" + file.name() + "." + checksum;
                if (!stored.contains(key)) {
                    store.put(key, snapshot.path(file));
                    uploaded += file.length();
                }
                files.add(new ManifestFile(file.name(), key, file.length(), checksum));
                fileKeys.add(key);
                bytes += file.length();
            }
            Instant now = clock.instant();
            String manifestKey = prefix + "manifests/" + String.format("%020d", snapshot.sequence()) + ".json";
            CheckpointManifest manifest = new CheckpointManifest(shard.tenant().value().toString(),
                    shard.collection().toString(), number, snapshot.sequence(), epoch, now.toString(), files);
            store.put(manifestKey, json.writeValueAsBytes(manifest));
            RecordedCheckpoint recorded = new RecordedCheckpoint(shard.tenant(), shard.collection(), number,
                    snapshot.sequence(), epoch, manifestKey, bytes, fileKeys, now);
            if (!fence.tryWrite(shard.collection(), number, epoch, () -> checkpoints.insert(recorded))) {
                // The uploaded objects are named by no row; the next owner's truncation sweeps them.
                log.info("Not recording the checkpoint of shard {} at sequence {}: its lease at epoch {} is "
                        + "lost", shard.key(), snapshot.sequence(), epoch);
                return false;
            }
            state.recorded(snapshot.sequence(), now);
            long elapsed = System.nanoTime() - started;
            meters.taken().increment();
            meters.uploaded().increment(uploaded);
            meters.duration().record(elapsed, TimeUnit.NANOSECONDS);
            log.info("Checkpointed shard {} at sequence {}: {} files, {} of {} bytes uploaded, in {} ms",
                    shard.key(), snapshot.sequence(), files.size(), uploaded, bytes,
                    Duration.ofNanos(elapsed).toMillis());
            return true;
        }
    }

    /**
     * Deletes what the retention no longer needs. Caller holds the shard's lock.
     * 1. Find the newest checkpoint taken before the retention began. Without one nothing may go: a restore as of
     *    the start of the retention needs a checkpoint from before it.
     * 2. Delete the log entries that every shard of the collection holds: through the least, over the shards, of
     *    each one's newest checkpoint from before the retention (one log serves all of them, so the slowest
     *    shard's checkpoint decides), in one transaction with the check that this node still holds this shard's
     *    lease (the fence): a node that lost it deletes nothing.
     * 3. Delete the rows of this shard's checkpoints older than its own newest one from before the retention,
     *    then every object of the shard that no kept checkpoint names:
     *    their manifests and files, and leftovers of uploads that failed before their row was written. Rows go
     *    first, so a crash in between leaves objects that no row names, which the next pass sweeps, never a row
     *    whose objects are gone.
     */
    private void truncate(TenantId tenant, ShardKey key, int shardCount, ShardState state) {
        CollectionId collection = key.collection();
        int number = key.shard();
        Instant cutoff = clock.instant().minus(settings.logRetention());
        Optional<RecordedCheckpoint> oldestKept = checkpoints.findNewestBefore(collection, number, cutoff);
        if (oldestKept.isEmpty()) {
            return;
        }
        long kept = oldestKept.get().sequence();
        OptionalLong everyShard = shardCount == 1 ? OptionalLong.of(kept)
                : checkpoints.findTruncatableThrough(collection, shardCount, cutoff);
        long through = everyShard.isEmpty() ? 0 : Math.min(kept, everyShard.getAsLong());
        OptionalLong epoch = fence.epoch(collection, number);
        if (epoch.isEmpty()) {
            return;
        }
        int[] entries = new int[1];
        boolean written = fence.tryWrite(collection, number, epoch.getAsLong(), () -> {
            if (through > 0) {
                entries[0] = wal.truncate(tenant, collection, through, cutoff);
            }
            checkpoints.deleteBelow(collection, number, kept);
        });
        if (!written) {
            return;
        }
        Set<String> needed = new HashSet<>();
        for (RecordedCheckpoint checkpoint : checkpoints.listFrom(collection, number, kept)) {
            needed.add(checkpoint.manifestKey());
            needed.addAll(checkpoint.fileKeys());
        }
        List<String> unneeded = new ArrayList<>();
        for (StoredObject object : store.list(shardPrefix(tenant, collection, number))) {
            if (!needed.contains(object.key())) {
                unneeded.add(object.key());
            }
        }
        delete(unneeded);
        state.truncatedThrough = kept;
        state.logTruncatedThrough = Math.max(state.logTruncatedThrough, through);
        if (entries[0] > 0 || !unneeded.isEmpty()) {
            log.info("Truncated for shard {}: the log through sequence {} ({} entries) and {} objects deleted",
                    key, through, entries[0], unneeded.size());
        }
    }

    /**
     * Restores the shard directory from the newest checkpoint when the directory is missing, empty, or committed
     * before that checkpoint.
     * 1. Remove what an interrupted restore left beside the directory.
     * 2. Keep a local commit at or after the newest checkpoint: the log after it is intact, since truncation never
     *    passes the newest checkpoint. An older one is not used, whether or not the log still reaches back to it.
     * 3. Download every file of the manifest into a sibling directory, verifying each against its Lucene checksum
     *    and forcing it to disk, since Lucene's own commits sync only the files Lucene wrote.
     * 4. Replace the directory by the sibling. A crash before the move leaves the old directory (or none) and a
     *    sibling that step 1 removes; a partial download is never opened.
     * 5. Check that the log continues after the commit the directory now holds (see {@link #checkLogContinues}).
     */
    @Override
    public void restore(TenantId tenant, ShardKey shard, Path directory) {
        CollectionId collection = shard.collection();
        ShardState state = states.computeIfAbsent(shard, id -> new ShardState(clock.instant()));
        // A checkpoint of the shard this one replaces (a failed index being reopened) may still read the directory.
        state.lock.lock();
        try {
            long base = restoreLocked(shard, directory, state);
            checkLogContinues(tenant, collection, base);
        } finally {
            state.lock.unlock();
        }
    }

    /** Restores the directory if needed; returns the sequence of the commit it now holds (0 for none). */
    private long restoreLocked(ShardKey shard, Path directory, ShardState state) {
        CollectionId collection = shard.collection();
        Path partial = directory.resolveSibling(directory.getFileName() + RESTORING);
        FileTrees.deleteRecursively(partial);
        long local = ShardIndex.committedSequenceAt(directory);
        Optional<RecordedCheckpoint> found = checkpoints.findNewest(collection, shard.shard());
        if (found.isEmpty()) {
            state.loaded(0, null);
            return Math.max(local, 0);
        }
        RecordedCheckpoint newest = found.get();
        state.loaded(newest.sequence(), newest.createdAt());
        if (local >= newest.sequence()) {
            return local;
        }
        long started = System.nanoTime();
        CheckpointManifest manifest = json.readValue(store.read(newest.manifestKey()).orElseThrow(
                () -> new IllegalStateException("the manifest " + newest.manifestKey() + " of collection "
                        + collection + " is missing from the object store")), CheckpointManifest.class);
        try {
            Files.createDirectories(partial);
            for (ManifestFile file : manifest.files()) {
                Path target = partial.resolve(file.name());
                store.download(file.key(), target);
                ShardIndex.verifyChecksum(target, Long.parseUnsignedLong(file.checksum(), 16));
                try (FileChannel channel = FileChannel.open(target, StandardOpenOption.WRITE)) {
                    channel.force(true);
                }
            }
            FileTrees.deleteRecursively(directory);
            Files.move(partial, directory, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot restore shard " + shard + " into " + directory, e);
        } finally {
            FileTrees.deleteRecursively(partial);
        }
        log.info("Restored shard {} from its checkpoint at sequence {} ({} files, local commit {}) in {} ms",
                shard, newest.sequence(), manifest.files().size(), local,
                Duration.ofNanos(System.nanoTime() - started).toMillis());
        return newest.sequence();
    }

    /**
     * Refuses to open a shard whose log does not continue where its commit ends: replaying it would silently miss
     * the entries in between. Truncation never passes the newest checkpoint, so this only fails when checkpoints
     * and log disagree (rows or objects deleted by hand, a store that lost objects): a person must act.
     */
    private void checkLogContinues(TenantId tenant, CollectionId collection, long base) {
        OptionalLong first = wal.firstSequence(tenant, collection);
        if (first.isPresent() && first.getAsLong() > base + 1) {
            throw new IllegalStateException("the log of collection " + collection + " starts at sequence "
                    + first.getAsLong() + ", but its shard holds only up to sequence " + base
                    + " and no recorded checkpoint holds the entries in between");
        }
    }

    /**
     * Runs {@code work} holding the shard's checkpoint lock, so no checkpoint or truncation of the shard by this
     * node runs meanwhile: a restore reads a checkpoint's objects and the log after it, which truncation deletes.
     */
    <T> T holdingShards(CollectionId collection, int shardCount, Supplier<T> work) {
        List<ShardState> held = new ArrayList<>(shardCount);
        try {
            // Always in shard order, so two callers never wait on each other's locks.
            for (int number = 0; number < shardCount; number++) {
                ShardState state = states.computeIfAbsent(new ShardKey(collection, number),
                        id -> new ShardState(clock.instant()));
                state.lock.lock();
                held.add(state);
            }
            return work.get();
        } finally {
            for (ShardState state : held) {
                state.lock.unlock();
            }
        }
    }

    /**
     * Deletes the objects and rows of collections that no longer exist: for each, the objects under its prefix,
     * then its rows (which name it, so they go last). A failure is logged and the collection retried on the next
     * pass; never thrown, since nothing waits on it.
     */
    public void purgeDeleted() {
        List<DeletedCollection> deleted;
        try {
            deleted = checkpoints.listDeletedCollections(PURGE_BATCH);
        } catch (RuntimeException e) {
            log.warn("Cannot list deleted collections with checkpoints; the next pass tries again", e);
            return;
        }
        for (DeletedCollection gone : deleted) {
            try {
                delete(keys(store.list(collectionPrefix(gone.tenant(), gone.collection()))).stream().toList());
                checkpoints.deleteCollection(gone.collection());
                dropped(gone.collection());
                log.info("Deleted the checkpoints of deleted collection {}", gone.collection());
            } catch (RuntimeException e) {
                log.warn("Cannot delete the checkpoints of deleted collection {}; the next pass tries again",
                        gone.collection(), e);
            }
        }
    }

    /**
     * The age of the oldest commit not yet checkpointed over the given shards, in seconds: for each shard that
     * committed after its last checkpoint, the time since that checkpoint (or since the shard was first seen, if
     * it has none); 0 when every shard is checkpointed. Any thread, at metrics-scrape rate.
     */
    public double maxCheckpointAgeSeconds(List<Shard> shards) {
        Instant now = clock.instant();
        double age = 0;
        for (Shard shard : shards) {
            ShardState state = states.get(shard.key());
            if (state == null || shard.unusable() || shard.index().committedSequence() <= state.sequence) {
                continue;
            }
            age = Math.max(age, Duration.between(state.since, now).toMillis() / 1000.0);
        }
        return age;
    }

    private void load(ShardKey shard, ShardState state) {
        if (state.sequence < 0) {
            Optional<RecordedCheckpoint> newest = checkpoints.findNewest(shard.collection(), shard.shard());
            state.loaded(newest.map(RecordedCheckpoint::sequence).orElse(0L),
                    newest.map(RecordedCheckpoint::createdAt).orElse(null));
        }
    }

    private void delete(List<String> keys) {
        for (int from = 0; from < keys.size(); from += DELETE_BATCH) {
            store.delete(keys.subList(from, Math.min(keys.size(), from + DELETE_BATCH)));
        }
    }

    static String collectionPrefix(TenantId tenant, CollectionId collection) {
        return "tenants/" + tenant.value() + "/collections/" + collection + "/";
    }

    static String shardPrefix(TenantId tenant, CollectionId collection, int shard) {
        return collectionPrefix(tenant, collection) + "shards/" + shard + "/";
    }

    private static String checksumText(long checksum) {
        return String.format("%08x", checksum);
    }

    private static Set<String> keys(List<StoredObject> objects) {
        Set<String> keys = new HashSet<>();
        for (StoredObject object : objects) {
            keys.add(object.key());
        }
        return keys;
    }


    /** What this node knows of one shard's checkpoints. */
    private static final class ShardState {

        /** Held while the shard is checkpointed or truncated. */
        final ReentrantLock lock = new ReentrantLock();
        /** Set while a timer-queued task for the shard waits or runs. */
        final AtomicBoolean queued = new AtomicBoolean();
        /** The sequence of the newest recorded checkpoint; -1 until read from PostgreSQL. Written under the lock. */
        volatile long sequence = -1;
        /** Since when a commit may be waiting for a checkpoint: the last checkpoint, or when the shard was seen. */
        volatile Instant since;
        /** The sequence of this shard's oldest kept checkpoint as of its last truncation; written under the lock. */
        volatile long truncatedThrough;
        /**
         * The sequence the collection's log was last truncated through by this shard: below {@link #truncatedThrough}
         * while a sibling shard's older checkpoint holds the log back. Written under the lock.
         */
        volatile long logTruncatedThrough;

        ShardState(Instant seen) {
            this.since = seen;
        }

        void loaded(long newest, @Nullable Instant at) {
            sequence = newest;
            if (at != null) {
                since = at;
            }
        }

        void recorded(long newest, Instant at) {
            sequence = newest;
            since = at;
        }
    }
}
