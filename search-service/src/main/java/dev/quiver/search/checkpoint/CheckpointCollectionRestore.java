package dev.quiver.search.checkpoint;

import static dev.quiver.common.QuiverException.invalidField;
import static java.util.Objects.requireNonNull;

import dev.quiver.common.FileTrees;
import dev.quiver.common.ErrorCode;
import dev.quiver.common.QuiverException;
import dev.quiver.common.QuotaLimit;
import dev.quiver.common.TenantId;
import dev.quiver.search.api.CollectionId;
import dev.quiver.search.api.CollectionRestore;
import dev.quiver.search.api.CollectionView;
import dev.quiver.search.api.CreateCollection;
import dev.quiver.search.api.Include;
import dev.quiver.search.api.RecordFilter;
import dev.quiver.search.api.RecordWrite;
import dev.quiver.search.api.RestoreCollection;
import dev.quiver.search.api.StoredRecord;
import dev.quiver.search.api.WriteBatch;
import dev.quiver.search.api.WriteLimits;
import dev.quiver.search.checkpoint.CheckpointManifest.ManifestFile;
import dev.quiver.search.collection.JdbcCollections;
import dev.quiver.search.counter.JdbcCollectionCounters;
import dev.quiver.search.counter.JdbcRecordSizes;
import dev.quiver.search.counter.RecordSizes;
import dev.quiver.search.index.BatchCodec;
import dev.quiver.search.index.ShardIndex;
import dev.quiver.search.objectstore.ObjectStore;
import dev.quiver.search.wal.JdbcWal;
import dev.quiver.search.wal.WalEntry;
import dev.quiver.tenant.api.DatabaseView;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * Restores a collection as of a past time from its checkpoints and its log, into a new collection of the same
 * tenant.
 *
 * <p>What is restorable: truncation keeps the newest checkpoint older than the log retention, every newer one, and
 * the log after the oldest kept one (see {@link ObjectStoreCheckpoints}). So a time can be restored from the oldest
 * kept checkpoint's creation on, or from the collection's creation while its log still starts at sequence 1. The
 * position as of a time is the last sequence appended at or before it; entries truncated away are all below a kept
 * checkpoint taken at or before the time, so that checkpoint's sequence stands for them.
 *
 * <p>The source is only read: its objects are copied, never referenced, so deleting or truncating the source never
 * reaches the new collection, and the new collection's own truncation never reaches the source.
 *
 * <p>Thread-safe. A restore holds the source shard's checkpoint lock on this node throughout, so this node neither
 * checkpoints nor truncates the source meanwhile; a truncation by another node is caught when the log is read or
 * copied (both must hold every entry), and the restore then fails with {@code CONFLICT} and nothing written.
 */
public final class CheckpointCollectionRestore implements CollectionRestore {

    private static final Logger log = LoggerFactory.getLogger(CheckpointCollectionRestore.class);

    /** The lease epoch of a restored collection's first checkpoint, which no lease has taken yet. */
    private static final long NO_LEASE_EPOCH = 0;
    /** Log entries read per round trip; an entry may be many MiB, so few. */
    private static final int LOG_PAGE = 8;
    /** Entries applied between refreshes of the scratch index, which bounds its overlay. */
    private static final int REFRESH_ENTRIES = 64;
    /** Records counted per read of the scratch index, and per statement storing their sizes. */
    private static final int RECORD_PAGE = 1000;
    private static final Set<Include> EVERY_PART =
            EnumSet.of(Include.EMBEDDINGS, Include.DOCUMENTS, Include.METADATAS, Include.URIS);
    private static final String ACTION = "Restore Collection";

    private final ObjectStore store;
    private final JdbcCheckpoints checkpoints;
    private final ObjectStoreCheckpoints shards;
    private final JdbcWal wal;
    private final JdbcCollections collections;
    private final JdbcRecordSizes sizes;
    private final JdbcCollectionCounters counters;
    private final TransactionTemplate transactions;
    private final Path workDirectory;
    private final Clock clock;
    private final JsonMapper json = JsonMapper.builder().build();

    /**
     * @param workDirectory where scratch copies of restored shards are built and deleted again; on the node's disk,
     *                      beside (never inside) the shards directory
     */
    public CheckpointCollectionRestore(ObjectStore store, JdbcCheckpoints checkpoints, ObjectStoreCheckpoints shards,
            JdbcWal wal, JdbcCollections collections, JdbcRecordSizes sizes, JdbcCollectionCounters counters,
            TransactionTemplate transactions, Path workDirectory, Clock clock) {
        this.store = requireNonNull(store, "store is null");
        this.checkpoints = requireNonNull(checkpoints, "checkpoints is null");
        this.shards = requireNonNull(shards, "shards is null");
        this.wal = requireNonNull(wal, "wal is null");
        this.collections = requireNonNull(collections, "collections is null");
        this.sizes = requireNonNull(sizes, "sizes is null");
        this.counters = requireNonNull(counters, "counters is null");
        this.transactions = requireNonNull(transactions, "transactions is null");
        this.workDirectory = requireNonNull(workDirectory, "workDirectory is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    /**
     * Restores a collection.
     * 1. Refuse a time in the future, and a name already taken (checked again by the insert, under the lock).
     * 2. Holding the source shard's checkpoint lock, find the point to restore (see {@link #plan}).
     * 3. Copy the base checkpoint's files under the new collection's prefix, through a scratch directory, and
     *    write its manifest there. The new collection's id is chosen first so its objects can be named.
     * 4. Open the scratch copy as an index, apply the log entries after the base up to the point, and count every
     *    record's sizes as a write would; the scratch index is deleted after.
     * 5. In one transaction: insert the collection (counted against the database's collection quota under its row
     *    lock), set its log position and dimension, store the sizes, check the records and storage quotas, set
     *    the counters, copy the log entries, and record the copied checkpoint. Its shard then opens through the
     *    usual restore-on-open path: a checkpoint row and no local directory downloads the checkpoint, and the
     *    copied log is replayed after it.
     * 6. If anything failed after step 3, delete the copied objects: no row names them.
     */
    @Override
    public CollectionView restore(RestoreCollection command) {
        Instant now = clock.instant();
        if (command.asOf().isAfter(now)) {
            throw invalidField(ErrorCode.INVALID_ARGUMENT, "as_of", "past", "Validation error: as_of: "
                    + command.asOf() + " is in the future; a collection is restored as of a past time");
        }
        if (collections.findByName(command.database(), command.name()).isPresent()) {
            throw new QuiverException(ErrorCode.ALREADY_EXISTS, "Collection [" + command.name() + "] already exists");
        }
        return shards.holdingShards(command.source().id(), command.source().shardCount(),
                () -> restoreLocked(command));
    }

    private CollectionView restoreLocked(RestoreCollection command) {
        long started = System.nanoTime();
        CollectionView source = command.source();
        TenantId tenant = source.database().tenant().id();
        Plan plan = plan(source, command.asOf());
        CollectionId target = new CollectionId(UUID.randomUUID());
        Path work = workDirectory.resolve(target.toString());
        List<String> copied = new ArrayList<>();
        try {
            List<CopiedCheckpoint> copies = new ArrayList<>();
            List<RecordSizes> counted = new ArrayList<>();
            for (int number = 0; number < source.shardCount(); number++) {
                RecordedCheckpoint base = plan.bases().get(number);
                Path index = work.resolve(Integer.toString(number));
                if (base != null) {
                    // Every key goes into copied as soon as it exists, so a failure midway deletes it again.
                    int from = copied.size();
                    String manifestKey = copyCheckpoint(base, tenant, target, number, index, copied);
                    List<String> files = new ArrayList<>(copied.subList(from, copied.size()));
                    files.remove(manifestKey);
                    copies.add(new CopiedCheckpoint(base, manifestKey, files));
                }
                counted.addAll(count(source, plan, number, index));
            }
            CollectionView restored = requireNonNull(transactions.execute(
                    status -> insert(command, plan, target, copies, counted)));
            log.info("Restored collection {} as of {} (sequence {}, {} shards, log from sequence {}) into collection "
                    + "{} in {} ms", source.id(), command.asOf(), plan.through(), source.shardCount(),
                    plan.after() + 1, target, Duration.ofNanos(System.nanoTime() - started).toMillis());
            return restored;
        } catch (RuntimeException e) {
            deleteCopies(target, copied, e);
            if (!(e instanceof QuiverException) && truncatedSince(source, plan)) {
                // The base's objects or the log after it went while they were read: not a fault of the store.
                QuiverException conflict = truncatedMeanwhile(source);
                conflict.addSuppressed(e);
                throw conflict;
            }
            throw e;
        } finally {
            FileTrees.deleteRecursively(work);
        }
    }

    /**
     * Finds the point to restore: the sequence as of the time and the checkpoint to start from.
     * 1. A checkpoint is usable when the log still holds every entry after it. Truncation deletes entries only up
     *    to a kept checkpoint, but a crash between its steps can leave an older row whose entries are gone.
     * 2. The earliest restorable time is the collection's creation while its log starts at sequence 1 (nothing
     *    truncated), otherwise the oldest usable checkpoint's creation. An earlier time is refused.
     * 3. The sequence as of the time is the last entry appended at or before it, or the newest usable checkpoint
     *    taken at or before it when that is larger (its entries may be truncated).
     * 4. Each shard's base is its newest usable checkpoint at or below that sequence; none means replaying the
     *    whole log for that shard. A collection of several shards is restorable from the latest of its shards'
     *    earliest usable checkpoints on, since every shard needs one.
     */
    private Plan plan(CollectionView source, Instant asOf) {
        TenantId tenant = source.database().tenant().id();
        Instant created = collections.findCreatedAt(source.id()).orElseThrow(
                () -> new QuiverException(ErrorCode.COLLECTION_NOT_FOUND,
                        "Collection [" + source.name() + "] does not exist"));
        int shardCount = source.shardCount();
        List<List<RecordedCheckpoint>> recorded = new ArrayList<>(shardCount);
        long newestRecorded = 0;
        for (int number = 0; number < shardCount; number++) {
            List<RecordedCheckpoint> shard = checkpoints.listFrom(source.id(), number, 0);
            recorded.add(shard);
            if (!shard.isEmpty()) {
                newestRecorded = Math.max(newestRecorded, shard.getLast().sequence());
            }
        }
        OptionalLong first = wal.firstSequence(tenant, source.id());
        long logFrom = first.isPresent() ? first.getAsLong() - 1 : newestRecorded;
        boolean wholeLog = logFrom == 0;
        List<List<RecordedCheckpoint>> usableByShard = new ArrayList<>(shardCount);
        Instant earliest = created;
        for (int number = 0; number < shardCount; number++) {
            List<RecordedCheckpoint> usable = new ArrayList<>();
            for (RecordedCheckpoint checkpoint : recorded.get(number)) {
                if (checkpoint.sequence() >= logFrom) {
                    usable.add(checkpoint);
                }
            }
            if (!wholeLog && usable.isEmpty()) {
                throw new IllegalStateException("the log of collection " + source.id() + " starts at sequence "
                        + (logFrom + 1) + " but no recorded checkpoint of shard " + number
                        + " holds the entries before it");
            }
            if (!wholeLog && usable.getFirst().createdAt().isAfter(earliest)) {
                earliest = usable.getFirst().createdAt();
            }
            usableByShard.add(usable);
        }
        if (asOf.isBefore(earliest)) {
            throw invalidField(ErrorCode.INVALID_ARGUMENT, "as_of", "retention", "Validation error: as_of: "
                    + "collection [" + source.name() + "] can be restored as of " + earliest
                    + " at the earliest (its creation or the start of the log's retention), not " + asOf);
        }
        long through = wal.lastSequenceAtOrBefore(tenant, source.id(), asOf);
        for (List<RecordedCheckpoint> usable : usableByShard) {
            for (RecordedCheckpoint checkpoint : usable) {
                if (!checkpoint.createdAt().isAfter(asOf)) {
                    through = Math.max(through, checkpoint.sequence());
                }
            }
        }
        List<@Nullable RecordedCheckpoint> bases = new ArrayList<>(shardCount);
        for (int number = 0; number < shardCount; number++) {
            RecordedCheckpoint base = null;
            for (RecordedCheckpoint checkpoint : usableByShard.get(number)) {
                if (checkpoint.sequence() <= through) {
                    base = checkpoint;
                }
            }
            if (base == null && !wholeLog) {
                throw new IllegalStateException("no usable checkpoint of shard " + number + " of collection "
                        + source.id() + " at or below sequence " + through + " although " + asOf + " is restorable");
            }
            bases.add(base);
        }
        return new Plan(bases, through);
    }

    /**
     * Downloads the checkpoint's files into {@code directory}, verifying each, uploads each under the target's
     * prefix, then the target's manifest; returns the manifest's key. Every uploaded key is added to
     * {@code copied} as soon as it exists.
     */
    private String copyCheckpoint(RecordedCheckpoint base, TenantId tenant, CollectionId target, int shard,
            Path directory, List<String> copied) {
        CheckpointManifest manifest = json.readValue(store.read(base.manifestKey()).orElseThrow(
                () -> new IllegalStateException("the manifest " + base.manifestKey() + " of collection "
                        + base.collection() + " is missing from the object store")), CheckpointManifest.class);
        String prefix = ObjectStoreCheckpoints.shardPrefix(tenant, target, shard);
        List<ManifestFile> files = new ArrayList<>(manifest.files().size());
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + directory, e);
        }
        for (ManifestFile file : manifest.files()) {
            Path local = directory.resolve(file.name());
            store.download(file.key(), local);
            ShardIndex.verifyChecksum(local, Long.parseUnsignedLong(file.checksum(), 16));
            String key = prefix + "files/" + file.name() + "." + file.checksum();
            copied.add(key);
            store.put(key, local);
            files.add(new ManifestFile(file.name(), key, file.length(), file.checksum()));
        }
        String manifestKey = prefix + "manifests/" + String.format("%020d", base.sequence()) + ".json";
        copied.add(manifestKey);
        store.put(manifestKey, json.writeValueAsBytes(new CheckpointManifest(tenant.value().toString(),
                target.toString(), shard, base.sequence(), NO_LEASE_EPOCH, clock.instant().toString(), files)));
        return manifestKey;
    }

    /**
     * Rebuilds the records as of the point in a scratch index (the base checkpoint's files, already in
     * {@code directory}, plus the log after it) and returns their sizes, a page at a time. A batch the index
     * refuses is applied as an empty one, as the shard's applier does, so both agree on what the log holds.
     */
    private List<RecordSizes> count(CollectionView source, Plan plan, int shard, Path directory) {
        TenantId tenant = source.database().tenant().id();
        RecordedCheckpoint base = plan.bases().get(shard);
        long after = base == null ? 0 : base.sequence();
        List<RecordSizes> pages = new ArrayList<>();
        try (ShardIndex index = ShardIndex.open(directory, source.hnsw())) {
            int unrefreshed = 0;
            while (after < plan.through()) {
                List<WalEntry> entries = wal.read(tenant, source.id(), after,
                        (int) Math.min(LOG_PAGE, plan.through() - after));
                if (entries.isEmpty() || entries.getFirst().sequence() != after + 1) {
                    throw truncatedMeanwhile(source);
                }
                for (WalEntry entry : entries) {
                    if (entry.sequence() > plan.through()) {
                        break;
                    }
                    WriteBatch batch = BatchCodec.decode(entry.payload());
                    try {
                        index.apply(entry.sequence(), batch, shard, source.shardCount());
                    } catch (IllegalArgumentException refused) {
                        index.apply(entry.sequence(), new WriteBatch(batch.operation(), List.of()));
                    }
                    after = entry.sequence();
                    if (++unrefreshed == REFRESH_ENTRIES) {
                        index.refresh();
                        unrefreshed = 0;
                    }
                }
            }
            index.refresh();
            for (int offset = 0; ; offset += RECORD_PAGE) {
                List<StoredRecord> records = index.get(RecordFilter.ALL, offset, RECORD_PAGE, EVERY_PART);
                if (records.isEmpty()) {
                    break;
                }
                List<RecordWrite> writes = new ArrayList<>(records.size());
                for (StoredRecord record : records) {
                    writes.add(new RecordWrite(record.id(), record.embedding(), record.document(), record.metadata(),
                            record.uri()));
                }
                pages.add(RecordSizes.of(new WriteBatch(WriteBatch.Operation.ADD, writes)));
            }
        }
        return pages;
    }

    /** Step 5 of {@link #restore}, inside its transaction. */
    private CollectionView insert(RestoreCollection command, Plan plan, CollectionId target,
            List<CopiedCheckpoint> copies, List<RecordSizes> counted) {
        CollectionView source = command.source();
        DatabaseView database = command.database();
        TenantId tenant = database.tenant().id();
        if (!collections.lockDatabase(database)) {
            throw new QuiverException(ErrorCode.DATABASE_NOT_FOUND, "Database [" + database.name() + "] not found");
        }
        QuotaLimit collectionLimit = command.collectionLimit();
        if (collectionLimit != null) {
            collectionLimit.check(ACTION, collections.count(database) + 1L);
        }
        collections.insert(target, new CreateCollection(database, command.name(), source.metadata(), source.hnsw(),
                source.embeddingFunction(), false).withShardCount(source.shardCount()));
        // The dimension was fixed by the first batch with vectors; a restore of a time before any batch has none.
        Integer dimension = plan.through() == 0 ? null : source.dimension();
        collections.restored(target, plan.through(), dimension);
        long records = 0;
        long bytes = 0;
        for (RecordSizes page : counted) {
            JdbcRecordSizes.Change change = sizes.write(tenant, target, page);
            records += change.records();
            bytes += change.bytes();
        }
        WriteLimits limits = command.limits();
        if (limits.recordsPerCollection() != null) {
            limits.recordsPerCollection().check(ACTION, records);
        }
        if (limits.storageBytes() != null && bytes > 0) {
            // As a growing write does: the tenant's storage lock first, then the sum in a later statement.
            counters.lockTenant(tenant);
            limits.storageBytes().check(ACTION, counters.tenantBytes(tenant) + bytes);
        }
        counters.count(target, new JdbcRecordSizes.Change(records, bytes));
        long after = plan.after();
        int entries = wal.copy(tenant, source.id(), target, after, plan.through());
        if (entries != plan.through() - after) {
            throw truncatedMeanwhile(source);
        }
        for (CopiedCheckpoint copy : copies) {
            RecordedCheckpoint base = copy.base();
            checkpoints.insert(new RecordedCheckpoint(tenant, target, base.shard(), base.sequence(), NO_LEASE_EPOCH,
                    copy.manifestKey(), base.bytes(), copy.fileKeys(), clock.instant()));
        }
        return new CollectionView(target, database, command.name(), source.metadata(), source.hnsw(),
                source.embeddingFunction(), dimension, plan.through(), 0, source.shardCount());
    }

    /** Whether the plan's base checkpoint, or a log entry after it that the plan needs, is gone now. */
    private boolean truncatedSince(CollectionView source, Plan plan) {
        long after = plan.after();
        OptionalLong first = wal.firstSequence(source.database().tenant().id(), source.id());
        if (plan.through() > after && (first.isEmpty() || first.getAsLong() > after + 1)) {
            return true;
        }
        for (RecordedCheckpoint base : plan.bases()) {
            if (base != null && !stillRecorded(source, base)) {
                return true;
            }
        }
        return false;
    }

    private boolean stillRecorded(CollectionView source, RecordedCheckpoint base) {
        for (RecordedCheckpoint kept : checkpoints.listFrom(source.id(), base.shard(), base.sequence())) {
            if (kept.sequence() == base.sequence()) {
                return true;
            }
        }
        return false;
    }

    /**
     * The plan found the log whole after its base, so a missing entry was truncated since, by a node that does not
     * share this one's lock: the retention moved past the base while the restore ran. A retry plans again, and then
     * either finds a newer base or refuses the time as outside the retention.
     */
    private static QuiverException truncatedMeanwhile(CollectionView source) {
        return new QuiverException(ErrorCode.CONFLICT, "Collection [" + source.name() + "] had its log truncated "
                + "while it was being restored; try again");
    }

    private void deleteCopies(CollectionId target, List<String> copied, RuntimeException failure) {
        if (copied.isEmpty()) {
            return;
        }
        try {
            store.delete(copied);
        } catch (RuntimeException e) {
            failure.addSuppressed(e);
            log.warn("Cannot delete the {} objects copied for the failed restore into collection {}; no row names "
                    + "them", copied.size(), target, e);
        }
    }


    /**
     * What a restore replays.
     *
     * @param bases   per shard, the checkpoint to start from; null to replay the log from its first entry
     * @param through the sequence as of the restored time; 0 before the first batch
     */
    private record Plan(List<@Nullable RecordedCheckpoint> bases, long through) {

        /** The log sequence after which the restored collection needs the log: the oldest base's, or 0. */
        long after() {
            long after = Long.MAX_VALUE;
            for (RecordedCheckpoint base : bases) {
                after = Math.min(after, base == null ? 0 : base.sequence());
            }
            return after == Long.MAX_VALUE ? 0 : after;
        }
    }

    /** A base checkpoint copied under the restored collection's prefix: its manifest and its files. */
    private record CopiedCheckpoint(RecordedCheckpoint base, String manifestKey, List<String> fileKeys) {
    }
}
