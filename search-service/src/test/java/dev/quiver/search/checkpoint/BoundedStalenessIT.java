package dev.quiver.search.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quiver.common.ErrorCode;
import dev.quiver.common.QuiverException;
import dev.quiver.search.api.CollectionView;
import dev.quiver.search.api.CreateCollection;
import dev.quiver.search.api.HnswConfiguration;
import dev.quiver.search.api.RecordStore;
import dev.quiver.search.api.RecordWrite;
import dev.quiver.search.api.WriteBatch;
import dev.quiver.search.collection.JdbcCollections;
import dev.quiver.search.counter.JdbcCollectionCounters;
import dev.quiver.search.counter.JdbcRecordSizes;
import dev.quiver.search.engine.AppendMeters;
import dev.quiver.search.engine.CollectionCache;
import dev.quiver.search.engine.LocalCollectionCatalog;
import dev.quiver.search.engine.LocalRecordStore;
import dev.quiver.search.index.WhereDocumentIndex;
import dev.quiver.search.objectstore.FileObjectStore;
import dev.quiver.search.shard.ShardRegistry;
import dev.quiver.search.shard.ShardSettings;
import dev.quiver.search.wal.JdbcWal;
import dev.quiver.tenant.api.DatabaseView;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Bounded staleness on a real PostgreSQL log and Lucene shard: while the shard's applier is held up (the test
 * occupies the one applier thread), a read that allows staleness answers at once from the snapshot that was fresh
 * within its bound, and a strong read waits for the applier (here until its read timeout, then 503).
 */
class BoundedStalenessIT {

    private static final Duration READ_TIMEOUT = Duration.ofSeconds(1);

    private static EmbeddedPostgres postgres;

    @TempDir
    Path temporary;

    @BeforeAll
    static void database() throws IOException {
        postgres = CheckpointDatabase.start();
    }

    @AfterAll
    static void stopDatabase() throws IOException {
        postgres.close();
    }

    @Test
    void whenTheApplierIsHeldUpAStaleAllowedReadAnswersAtOnceAndAStrongReadWaits() throws Exception {
        DatabaseView database = CheckpointDatabase.newTenantDatabase(postgres, Instant.now());
        DataSource dataSource = postgres.getPostgresDatabase();
        JdbcClient jdbc = JdbcClient.create(dataSource);
        Clock clock = Clock.systemUTC();
        JdbcWal wal = new JdbcWal(jdbc, clock);
        JdbcCollections collections = new JdbcCollections(jdbc, clock);
        JdbcRecordSizes sizes = new JdbcRecordSizes(jdbc);
        MeterRegistry meters = new SimpleMeterRegistry();
        // One applier thread, which the test occupies to hold the shard's applier up.
        ExecutorService applierPool = Executors.newSingleThreadExecutor();
        ExecutorService indexPool = Executors.newFixedThreadPool(1);
        ExecutorService searchPool = Executors.newFixedThreadPool(1);
        ExecutorService uploadPool = Executors.newFixedThreadPool(1);
        CountDownLatch resume = new CountDownLatch(1);
        ObjectStoreCheckpoints checkpoints = new ObjectStoreCheckpoints(
                new FileObjectStore(temporary.resolve("objects")), new JdbcCheckpoints(jdbc), wal, uploadPool,
                new CheckpointSettings(Duration.ofDays(1)), new CheckpointMeters(
                        Counter.builder("taken").register(meters), Counter.builder("failures").register(meters),
                        Timer.builder("duration").register(meters), Counter.builder("uploaded").register(meters)),
                clock);
        try (ShardRegistry shards = new ShardRegistry(temporary.resolve("shards"), wal, applierPool, indexPool, 1,
                new ShardSettings(READ_TIMEOUT, 4, 50_000, Duration.ZERO, Duration.ofHours(1), 1,
                        WhereDocumentIndex.TRIGRAMS),
                Timer.builder("apply").register(meters), checkpoints)) {
            TransactionTemplate transactions = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
            CollectionCache cache = new CollectionCache(collections, false);
            LocalRecordStore records = new LocalRecordStore(collections, wal, sizes, new JdbcCollectionCounters(jdbc),
                    shards, transactions, searchPool, cache, new AppendMeters(Timer.builder("ok").register(meters),
                            Timer.builder("failed").register(meters), Counter.builder("entries").register(meters)),
                    List.of());
            CollectionView collection = new LocalCollectionCatalog(collections, wal, sizes, shards, transactions,
                    cache).create(new CreateCollection(database, "stale", null, HnswConfiguration.DEFAULT, null,
                    false));
            records.write(current(collections, collection), add("first"));
            assertThat(records.count(current(collections, collection))).isEqualTo(1);
            RecordStore withinAMinute = records.withMaxStaleness(Duration.ofMinutes(1));

            // The applier may still be finishing the first write's run; only once the held-up task runs is the
            // single applier thread surely taken, so that the second write waits behind it.
            CountDownLatch holding = new CountDownLatch(1);
            applierPool.execute(() -> {
                holding.countDown();
                try {
                    resume.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            assertThat(holding.await(30, TimeUnit.SECONDS)).isTrue();
            records.write(current(collections, collection), add("second"));
            CollectionView afterSecond = current(collections, collection);

            // The shard was fresh a moment ago, so the bounded read answers from that snapshot without "second".
            assertThat(withinAMinute.count(afterSecond)).isEqualTo(1);
            // A strong read must include "second", which the held-up applier cannot apply: it gives up with 503.
            assertThatThrownBy(() -> records.count(afterSecond))
                    .isInstanceOfSatisfying(QuiverException.class,
                            e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE));
            // The strong read took the read timeout, so the last fresh snapshot is older than a bound of 100 ms.
            assertThatThrownBy(() -> records.withMaxStaleness(Duration.ofMillis(100)).count(afterSecond))
                    .isInstanceOfSatisfying(QuiverException.class,
                            e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE));

            resume.countDown();
            assertThat(records.count(afterSecond)).isEqualTo(2);
            assertThat(withinAMinute.count(current(collections, collection))).isEqualTo(2);
        } finally {
            resume.countDown();
            for (ExecutorService pool : List.of(applierPool, indexPool, searchPool, uploadPool)) {
                pool.shutdownNow();
            }
        }
    }

    private static CollectionView current(JdbcCollections collections, CollectionView collection) {
        return collections.findById(collection.database(), collection.id()).orElseThrow();
    }

    private static WriteBatch add(String id) {
        return new WriteBatch(WriteBatch.Operation.ADD, List.of(new RecordWrite(id, new float[] {1f, 0f}, null,
                null, null)));
    }
}
