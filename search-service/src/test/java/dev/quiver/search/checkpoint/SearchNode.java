package dev.quiver.search.checkpoint;

import static org.awaitility.Awaitility.await;

import dev.quiver.common.TenantId;
import dev.quiver.search.api.CollectionId;
import dev.quiver.search.api.CollectionView;
import dev.quiver.search.api.Include;
import dev.quiver.search.api.RecordFilter;
import dev.quiver.search.api.StoredRecord;
import dev.quiver.search.api.WriteBatch;
import dev.quiver.search.collection.JdbcCollections;
import dev.quiver.search.counter.JdbcCollectionCounters;
import dev.quiver.search.counter.JdbcRecordSizes;
import dev.quiver.search.engine.AppendMeters;
import dev.quiver.search.engine.CollectionCache;
import dev.quiver.search.engine.LocalCollectionCatalog;
import dev.quiver.search.engine.LocalRecordStore;
import dev.quiver.search.index.WhereDocumentIndex;
import dev.quiver.search.objectstore.ObjectStore;
import dev.quiver.search.ownership.ShardKey;
import dev.quiver.search.shard.Shard;
import dev.quiver.search.shard.ShardCache;
import dev.quiver.search.shard.ShardCacheMeters;
import dev.quiver.search.shard.ShardCheckpoints;
import dev.quiver.search.shard.ShardRegistry;
import dev.quiver.search.shard.ShardSettings;
import dev.quiver.search.wal.JdbcWal;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * One search node of a test, wired as the search configuration wires it, on a real PostgreSQL and a real object
 * store: the shards under its own directory, the log and checkpoints in the shared database. Every applied batch is
 * committed at once (commit interval 0), so a test can checkpoint exactly what it wrote. Closing it is a clean
 * shutdown, which checkpoints; {@link #crash()} stops it without that checkpoint, as a killed process takes none.
 */
final class SearchNode implements AutoCloseable {

    final JdbcClient jdbc;
    final JdbcWal wal;
    final JdbcCollections collections;
    final JdbcCheckpoints recorded;
    final ObjectStoreCheckpoints checkpoints;
    final ShardRegistry shards;
    final LocalRecordStore records;
    final LocalCollectionCatalog catalog;
    final MeterRegistry meters = new SimpleMeterRegistry();
    private final ExecutorService applierPool = Executors.newFixedThreadPool(2);
    private final ExecutorService indexPool = Executors.newFixedThreadPool(2);
    private final ExecutorService searchPool = Executors.newFixedThreadPool(2);
    private final ExecutorService uploadPool = Executors.newFixedThreadPool(1);
    /** Set by {@link #crash()}: the registry's close then checkpoints nothing. */
    private volatile boolean crashed;

    /** Collections whose shards close without a checkpoint, as if the upload had failed. */
    final Set<CollectionId> uncheckpointed = ConcurrentHashMap.newKeySet();

    SearchNode(DataSource dataSource, Path shardsDirectory, ObjectStore store, Duration logRetention, Clock clock) {
        this(dataSource, shardsDirectory, store, logRetention, clock, ShardCache.UNBOUNDED);
    }

    /** A node whose registry closes and evicts shards as {@code cache} says, when a test calls it to. */
    SearchNode(DataSource dataSource, Path shardsDirectory, ObjectStore store, Duration logRetention, Clock clock,
            ShardCache shardCache) {
        jdbc = JdbcClient.create(dataSource);
        wal = new JdbcWal(jdbc, clock);
        collections = new JdbcCollections(jdbc, clock);
        recorded = new JdbcCheckpoints(jdbc);
        JdbcRecordSizes sizes = new JdbcRecordSizes(jdbc);
        checkpoints = new ObjectStoreCheckpoints(store, recorded, wal, uploadPool,
                new CheckpointSettings(logRetention), new CheckpointMeters(Counter.builder("taken").register(meters),
                        Counter.builder("failures").register(meters), Timer.builder("duration").register(meters),
                        Counter.builder("uploaded").register(meters)), clock);
        ShardSettings settings = new ShardSettings(Duration.ofSeconds(30), 4, 50_000, Duration.ZERO,
                Duration.ofHours(1), 1, WhereDocumentIndex.TRIGRAMS);
        shards = new ShardRegistry(shardsDirectory, wal, applierPool, indexPool, 1, settings,
                Timer.builder("apply").register(meters), new CrashableCheckpoints(), shardCache,
                new ShardCacheMeters(Counter.builder("closed.idle").register(meters),
                        Counter.builder("closed.capacity").register(meters),
                        Counter.builder("evicted").register(meters), Timer.builder("cold.local").register(meters),
                        Timer.builder("cold.restored").register(meters)),
                Runnable::run);
        TransactionTemplate transactions = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
        CollectionCache cache = new CollectionCache(collections, false);
        records = new LocalRecordStore(collections, wal, sizes, new JdbcCollectionCounters(jdbc), shards,
                transactions, searchPool, cache, new AppendMeters(Timer.builder("ok").register(meters),
                        Timer.builder("failed").register(meters), Counter.builder("entries").register(meters)),
                List.of());
        catalog = new LocalCollectionCatalog(collections, wal, sizes, shards, transactions, cache);
    }

    /** The collection as the catalogue has it now (its log position included). */
    CollectionView current(CollectionView collection) {
        return collections.findById(collection.database(), collection.id()).orElseThrow();
    }

    void write(CollectionView collection, WriteBatch batch) {
        records.write(current(collection), batch);
    }

    /** Every record, with every part, in insertion order. */
    List<StoredRecord> all(CollectionView collection) {
        return records.get(current(collection), RecordFilter.ALL, 0, Integer.MAX_VALUE,
                EnumSet.of(Include.DOCUMENTS, Include.EMBEDDINGS, Include.METADATAS, Include.URIS));
    }

    /** Waits until the shard has applied and committed every logged batch; returns the shard. */
    Shard committed(CollectionView collection) {
        return committed(collection, 0);
    }

    /** Waits until shard {@code number} has applied and committed every logged batch; returns the shard. */
    Shard committed(CollectionView collection, int number) {
        CollectionView now = current(collection);
        Shard shard = shards.shard(now, number);
        shard.awaitVisible(now.logPosition());
        await().atMost(Duration.ofSeconds(30)).until(() -> shard.index().committedSequence() >= now.logPosition());
        return shard;
    }

    /** Checkpoints the collection's shard once every logged batch is committed; whether a checkpoint was taken. */
    boolean checkpoint(CollectionView collection) {
        return checkpoints.checkpointNow(committed(collection));
    }

    /** Checkpoints shard {@code number} of the collection once every logged batch is committed there. */
    boolean checkpoint(CollectionView collection, int number) {
        return checkpoints.checkpointNow(committed(collection, number));
    }

    /** The sequences the collection's log holds. */
    List<Long> logSequences(TenantId tenant, CollectionView collection) {
        return jdbc.sql("select sequence from " + tenant.schemaName() + ".wal where collection_id = :id order by 1")
                .param("id", collection.id().value())
                .query(Long.class)
                .list();
    }

    List<RecordedCheckpoint> recordedCheckpoints(CollectionView collection) {
        return recorded.listFrom(collection.id(), 0, 0);
    }

    double uploadedBytes() {
        return meters.get("uploaded").counter().count();
    }

    /** Stops without the checkpoint of a clean close, as a killed process takes none. */
    void crash() {
        crashed = true;
        close();
    }

    @Override
    public void close() {
        shards.close();
        for (ExecutorService pool : List.of(applierPool, indexPool, searchPool, uploadPool)) {
            pool.shutdown();
            try {
                pool.awaitTermination(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The node's checkpoints, except that a crashed node takes none on its way out. */
    private final class CrashableCheckpoints implements ShardCheckpoints {

        @Override
        public void restore(TenantId tenant, ShardKey shard, Path directory) {
            checkpoints.restore(tenant, shard, directory);
        }

        @Override
        public void closing(Shard shard) {
            if (!crashed && !uncheckpointed.contains(shard.collection())) {
                checkpoints.closing(shard);
            }
        }

        @Override
        public long checkpointedSequence(ShardKey shard) {
            return checkpoints.checkpointedSequence(shard);
        }

        @Override
        public void dropped(CollectionId collection) {
            checkpoints.dropped(collection);
        }
    }
}
