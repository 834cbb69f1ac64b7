package dev.quiver.search.config;

import dev.quiver.common.ConditionalOnRole;
import dev.quiver.common.Role;
import dev.quiver.search.api.CollectionCatalog;
import dev.quiver.search.api.CollectionRestore;
import dev.quiver.search.checkpoint.CheckpointCollectionRestore;
import dev.quiver.search.api.RecordStore;
import dev.quiver.search.checkpoint.CheckpointFence;
import dev.quiver.search.checkpoint.CheckpointMeters;
import dev.quiver.search.checkpoint.CheckpointSettings;
import dev.quiver.search.checkpoint.JdbcCheckpoints;
import dev.quiver.search.checkpoint.ObjectStoreCheckpoints;
import dev.quiver.search.collection.JdbcCollections;
import dev.quiver.search.objectstore.ObjectStore;
import dev.quiver.search.counter.JdbcCollectionCounters;
import dev.quiver.search.counter.JdbcRecordSizes;
import dev.quiver.search.counter.LogRecount;
import dev.quiver.search.engine.AppendMeters;
import dev.quiver.search.engine.CollectionCache;
import dev.quiver.search.engine.LocalCollectionCatalog;
import dev.quiver.search.engine.LocalRecordStore;
import dev.quiver.search.engine.LogAppender;
import dev.quiver.search.api.StorageCounters;
import dev.quiver.search.api.WriteListener;
import dev.quiver.search.engine.StartupRecovery;
import dev.quiver.search.shard.ShardCache;
import dev.quiver.search.shard.ShardCacheMeters;
import dev.quiver.search.shard.ShardRegistry;
import dev.quiver.search.shard.ShardSettings;
import dev.quiver.search.wal.JdbcWal;
import dev.quiver.tenant.api.TenantCatalog;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationListener;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Wires the search service of this process. What holds or serves shards (the shard registry, its pools and timers,
 * start-up recovery, shard gauges) exists only with the search role: a gateway-only process appends to the log and
 * reads through the search nodes.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(SearchProperties.class)
class SearchConfiguration {

    private static final Logger log = LoggerFactory.getLogger(SearchConfiguration.class);

    @Bean
    JdbcWal jdbcWal(JdbcClient jdbc, Clock clock) {
        return new JdbcWal(jdbc, clock);
    }

    @Bean
    JdbcCollections jdbcCollections(JdbcClient jdbc, Clock clock) {
        return new JdbcCollections(jdbc, clock);
    }

    @Bean
    JdbcRecordSizes jdbcRecordSizes(JdbcClient jdbc) {
        return new JdbcRecordSizes(jdbc);
    }

    /** The counters every write keeps; also the {@link StorageCounters} that metering and the console read. */
    @Bean
    JdbcCollectionCounters collectionCounters(JdbcClient jdbc) {
        return new JdbcCollectionCounters(jdbc);
    }

    /** Applying logs is CPU-bound: a bounded pool of platform threads, never one per request. */
    @Bean(destroyMethod = "shutdown")
    @ConditionalOnRole(Role.SEARCH)
    ExecutorService applierPool(SearchProperties properties) {
        return Executors.newFixedThreadPool(properties.effectiveIndexThreads(), named("quiver-applier-", false));
    }

    /**
     * The shards' Lucene writes and the extra workers of their HNSW merges: CPU-bound, so bounded platform threads
     * sized like the applier pool. A pool of its own, because an applier blocks in refresh and commit until its
     * shard's writes have run, and writes queued behind blocked appliers on one shared pool would never run.
     */
    @Bean(destroyMethod = "shutdown")
    @ConditionalOnRole(Role.SEARCH)
    ExecutorService indexPool(SearchProperties properties) {
        return Executors.newFixedThreadPool(properties.effectiveIndexThreads(), named("quiver-index-", false));
    }

    /**
     * Checkpoint uploads: a small bounded pool of their own, since an upload may take minutes and must never hold
     * up an applier, a reader or the index pool. Shut down after the shard registry, whose close checkpoints.
     */
    @Bean(destroyMethod = "shutdown")
    ExecutorService checkpointPool(SearchProperties properties) {
        return Executors.newFixedThreadPool(properties.checkpointThreads(), named("quiver-checkpoint-", false));
    }

    /** On a search node of a cluster, every checkpoint and truncation is fenced by the shard's lease. */
    @Bean
    ObjectStoreCheckpoints objectStoreCheckpoints(ObjectStore store, JdbcClient jdbc, JdbcWal wal,
            ExecutorService checkpointPool, SearchProperties properties, MeterRegistry meters, Clock clock,
            ObjectProvider<CheckpointFence> fence) {
        return new ObjectStoreCheckpoints(store, new JdbcCheckpoints(jdbc), wal, checkpointPool,
                new CheckpointSettings(properties.logRetention()), checkpointMeters(meters), clock,
                fence.getIfAvailable(() -> CheckpointFence.NONE));
    }

    /**
     * Restores collections as of a past time. Its scratch indexes are built beside the shards directory, never in
     * it, where the registry owns every directory.
     */
    @Bean
    CollectionRestore collectionRestore(ObjectStore store, JdbcClient jdbc, ObjectStoreCheckpoints checkpoints,
            JdbcWal wal, JdbcCollections collections, JdbcRecordSizes sizes, JdbcCollectionCounters counters,
            TransactionTemplate transactions, SearchProperties properties, Clock clock) {
        return new CheckpointCollectionRestore(store, new JdbcCheckpoints(jdbc), checkpoints, wal, collections, sizes,
                counters, transactions, properties.shardsDirectory().toAbsolutePath().resolveSibling("restores"),
                clock);
    }

    @Bean(destroyMethod = "shutdownNow")
    @ConditionalOnRole(Role.SEARCH)
    ScheduledExecutorService searchTimer(SearchProperties properties, ShardRegistry shards,
            ObjectStoreCheckpoints checkpoints) {
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(named("quiver-search-timer-",
                true));
        long period = properties.commitInterval().toMillis();
        timer.scheduleWithFixedDelay(shards::commitDue, period, period, TimeUnit.MILLISECONDS);
        // Cheap (no SQL): finds idle shards to compact and merged segments to publish.
        timer.scheduleWithFixedDelay(shards::maintenanceDue, 1, 1, TimeUnit.SECONDS);
        // Only queues work on the checkpoint pool, so the timer's other tasks never wait for an upload.
        long checkpointPeriod = properties.checkpointInterval().toMillis();
        timer.scheduleWithFixedDelay(() -> {
            checkpoints.checkpointDue(shards.shards());
            checkpoints.purgeDeletedInBackground();
        }, checkpointPeriod, checkpointPeriod, TimeUnit.MILLISECONDS);
        return timer;
    }

    /**
     * Closes idle shards and evicts local files, on a thread of its own: a close waits for its shard's applier and
     * uploads a checkpoint, which must hold up neither the search timer's commits nor any pool a request needs.
     * Stopped after the shard registry is closed (it is created first), so no close races the registry's own.
     */
    @Bean(destroyMethod = "shutdownNow")
    @ConditionalOnRole(Role.SEARCH)
    ScheduledExecutorService shardLifecycleTimer() {
        return Executors.newSingleThreadScheduledExecutor(named("quiver-shard-lifecycle-", true));
    }

    @Bean(destroyMethod = "close")
    @ConditionalOnRole(Role.SEARCH)
    ShardRegistry shardRegistry(SearchProperties properties, JdbcWal wal, ExecutorService applierPool,
            ExecutorService indexPool, MeterRegistry meters, ObjectStoreCheckpoints checkpoints,
            ScheduledExecutorService shardLifecycleTimer) {
        ShardSettings settings = new ShardSettings(properties.readTimeout(), properties.walPageSize(),
                properties.refreshRecords(), properties.commitInterval(), properties.compactAfterIdle(),
                properties.compactToSegments(), properties.whereDocumentIndex());
        ShardCache cache = new ShardCache(properties.closeAfterIdle(), properties.maxOpenShards(),
                properties.localDiskBudgetBytes());
        ShardRegistry registry = new ShardRegistry(properties.shardsDirectory(), wal, applierPool, indexPool,
                properties.effectiveIndexThreads(), settings, applyTimer(meters), checkpoints, cache,
                shardCacheMeters(meters), shardLifecycleTimer);
        // Once a second: cheap when nothing is due (no SQL; the disk budget sums sizes kept in memory).
        shardLifecycleTimer.scheduleWithFixedDelay(() -> {
            try {
                registry.closeDue();
                registry.evictDue();
            } catch (RuntimeException e) {
                // A failure must not cancel the schedule; the next round tries again.
                log.warn("Closing or evicting shards failed; the next round tries again", e);
            }
        }, 1, 1, TimeUnit.SECONDS);
        return registry;
    }

    @Bean
    CollectionCache collectionCache(JdbcCollections collections, SearchProperties properties) {
        return new CollectionCache(collections, properties.soleWriter());
    }

    /** A gateway-only process has no shard registry: deleting a collection there drops no local shard. */
    @Bean
    CollectionCatalog collectionCatalog(JdbcCollections collections, JdbcWal wal, JdbcRecordSizes sizes,
            ObjectProvider<ShardRegistry> shards, TransactionTemplate transactions, CollectionCache cache,
            SearchProperties properties) {
        return new LocalCollectionCatalog(collections, wal, sizes, shards.getIfAvailable(), transactions, cache,
                properties.defaultShardCount(), properties.maxShardCount());
    }

    /** Searches are CPU-bound: platform threads sized to the cores, shared by every request. */
    @Bean(destroyMethod = "shutdown")
    @ConditionalOnRole(Role.SEARCH)
    ExecutorService searchPool(SearchProperties properties) {
        return Executors.newFixedThreadPool(properties.effectiveIndexThreads(), named("quiver-search-", false));
    }

    /** The write path to the log, which every role that takes writes (gateway, standalone) shares. */
    @Bean
    LogAppender logAppender(JdbcCollections collections, JdbcWal wal, JdbcRecordSizes sizes,
            JdbcCollectionCounters counters, TransactionTemplate transactions, CollectionCache cache,
            MeterRegistry meters, ObjectProvider<WriteListener> listeners) {
        return new LogAppender(collections, wal, sizes, counters, transactions, cache, appendMeters(meters),
                listeners.orderedStream().toList());
    }

    /** Standalone, and a search node answering gateways; a gateway-only process has the remote one instead. */
    @Bean
    @ConditionalOnRole(Role.SEARCH)
    LocalRecordStore recordStore(LogAppender appender, ShardRegistry shards, ExecutorService searchPool) {
        return new LocalRecordStore(appender, shards, searchPool);
    }

    @Bean
    LogRecount logRecount(JdbcClient jdbc, JdbcWal wal, JdbcRecordSizes sizes, TransactionTemplate transactions) {
        return new LogRecount(jdbc, wal, sizes, transactions);
    }

    @Bean
    ApplicationListener<ApplicationReadyEvent> startupRecovery(TenantCatalog tenants, CollectionCatalog catalog,
            ObjectProvider<ShardRegistry> shards, LogRecount recount, Environment environment) {
        // In a cluster a search node opens the shards it wins leases for, and a gateway has no shards to open.
        StartupRecovery recovery = Role.distributed(environment) ? null
                : new StartupRecovery(tenants, catalog, shards.getObject());
        return event -> {
            // Before the shards: collections logged before the counters existed are counted once, from their logs.
            recount.recountAll();
            if (recovery != null) {
                recovery.openBehind();
            }
        };
    }

    /** Shard gauges: how many shards are open and what they cost, summed over the node (no per-tenant tags). */
    @Bean
    @ConditionalOnRole(Role.SEARCH)
    MeterBinder shardMeters(ShardRegistry shards, ObjectStoreCheckpoints checkpoints) {
        return registry -> {
            Gauge.builder("quiver.search.checkpoint.age", () -> checkpoints.maxCheckpointAgeSeconds(shards.shards()))
                    .description("Longest time, over open shards, that a commit has waited for its checkpoint; 0 "
                            + "when every shard is checkpointed")
                    .baseUnit("seconds")
                    .register(registry);
            Gauge.builder("quiver.search.shards.open", shards, ShardRegistry::openShards)
                    .description("Shards open on this node")
                    .register(registry);
            Gauge.builder("quiver.search.shards.heap", shards, ShardRegistry::heapBytes)
                    .description("Heap bytes held by the index writers of open shards")
                    .baseUnit("bytes")
                    .register(registry);
            Gauge.builder("quiver.search.shards.disk", shards, ShardRegistry::diskBytes)
                    .description("Bytes on disk of open shards")
                    .baseUnit("bytes")
                    .register(registry);
            Gauge.builder("quiver.search.shards.local.disk", shards, ShardRegistry::localDiskBytes)
                    .description("Bytes on local disk of every shard on this node, open or closed")
                    .baseUnit("bytes")
                    .register(registry);
            Gauge.builder("quiver.search.apply.lag", shards, ShardRegistry::applyLag)
                    .description("Largest number of log entries, over open shards, appended but not yet applied")
                    .register(registry);
        };
    }

    /**
     * The write path's meters, built once: the append transaction's time by outcome, and the entries committed.
     * The timer publishes a histogram so dashboards can take quantiles across nodes; its range bounds the buckets.
     */
    private static AppendMeters appendMeters(MeterRegistry registry) {
        return new AppendMeters(appendTimer(registry, "success"), appendTimer(registry, "failure"),
                Counter.builder("quiver.search.wal.entries")
                        .description("Log entries committed (one per batch)")
                        .register(registry));
    }

    private static Timer appendTimer(MeterRegistry registry, String outcome) {
        return Timer.builder("quiver.search.wal.append")
                .description("Time of each log append transaction, from its start to its commit or rollback")
                .tag("outcome", outcome)
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(10))
                .register(registry);
    }

    /** Checkpoint meters, registered at startup so dashboards and alerts see them before the first checkpoint. */
    private static CheckpointMeters checkpointMeters(MeterRegistry registry) {
        return new CheckpointMeters(
                Counter.builder("quiver.search.checkpoint.taken")
                        .description("Shard checkpoints recorded")
                        .register(registry),
                Counter.builder("quiver.search.checkpoint.failures")
                        .description("Shard checkpoints or log truncations that failed and will be tried again")
                        .register(registry),
                Timer.builder("quiver.search.checkpoint.duration")
                        .description("Time of each recorded checkpoint, from the snapshot to its PostgreSQL row")
                        .publishPercentileHistogram()
                        .minimumExpectedValue(Duration.ofMillis(10))
                        .maximumExpectedValue(Duration.ofMinutes(10))
                        .register(registry),
                Counter.builder("quiver.search.checkpoint.uploaded")
                        .description("Bytes of index files uploaded by checkpoints")
                        .baseUnit("bytes")
                        .register(registry));
    }

    /**
     * Shard cache meters: closes by reason, evictions, and the cold-open timer (from the request that found the
     * shard closed until it caught up with the log), by whether its files came from local disk or the object store.
     */
    private static ShardCacheMeters shardCacheMeters(MeterRegistry registry) {
        return new ShardCacheMeters(shardsClosed(registry, "idle"), shardsClosed(registry, "capacity"),
                Counter.builder("quiver.search.shards.evicted")
                        .description("Closed shards whose local files were deleted to stay within the disk budget")
                        .register(registry),
                coldOpenTimer(registry, "local"), coldOpenTimer(registry, "object.store"));
    }

    private static Counter shardsClosed(MeterRegistry registry, String reason) {
        return Counter.builder("quiver.search.shards.closed")
                .description("Shards closed to free memory: unused for the idle time, or beyond the open maximum")
                .tag("reason", reason)
                .register(registry);
    }

    private static Timer coldOpenTimer(MeterRegistry registry, String source) {
        return Timer.builder("quiver.search.shards.cold.open")
                .description("Time from a request that found its shard closed until the shard caught up with the log")
                .tag("source", source)
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofMinutes(5))
                .register(registry);
    }

    /** Times each log entry applied to a shard's index, decoding included; a histogram, as for appends. */
    private static Timer applyTimer(MeterRegistry registry) {
        return Timer.builder("quiver.search.apply")
                .description("Time to decode and apply one log entry to a shard's index")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(10))
                .register(registry);
    }

    private static ThreadFactory named(String prefix, boolean daemon) {
        AtomicInteger counter = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + counter.incrementAndGet());
            thread.setDaemon(daemon);
            return thread;
        };
    }
}
