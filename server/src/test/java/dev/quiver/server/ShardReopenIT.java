package dev.quiver.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.quiver.QuiverApplication;
import dev.quiver.common.ErrorCode;
import dev.quiver.common.QuiverException;
import dev.quiver.search.api.CollectionCatalog;
import dev.quiver.search.api.CollectionView;
import dev.quiver.search.api.RecordStore;
import dev.quiver.search.api.RecordWrite;
import dev.quiver.search.api.WriteBatch;
import dev.quiver.tenant.api.TenantCatalog;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * When a shard's Lucene writes fail, the shard is not left broken: the next request reopens it from its last
 * commit and replays the log, so every acknowledged record is served again. The failure is injected by an index
 * pool that refuses work while {@link #failing} is set.
 */
@SpringBootTest(classes = {QuiverApplication.class, ShardReopenIT.FlakyIndexPool.class},
        webEnvironment = SpringBootTest.WebEnvironment.NONE,
        properties = "spring.main.allow-bean-definition-overriding=true")
class ShardReopenIT extends StandaloneContext {

    static final AtomicBoolean failing = new AtomicBoolean();

    @Autowired
    TenantCatalog tenants;

    @Autowired
    CollectionCatalog collections;

    @Autowired
    RecordStore records;

    @Test
    void whenIndexWritesFailThenTheNextRequestReopensTheShardAndServesEveryAcknowledgedRecord() {
        CollectionView collection = create("flaky-index");
        records.write(collection, add("a", 1));
        assertThat(records.count(latest(collection))).isEqualTo(1);

        failing.set(true);
        records.write(collection, add("b", 2));
        // The write is acknowledged (it is in the log); applying it fails, and reads say so rather than hang.
        await().atMost(Duration.ofSeconds(60)).until(() -> unavailable(latest(collection)));

        failing.set(false);
        assertThat(records.count(latest(collection))).isEqualTo(2);
    }

    private boolean unavailable(CollectionView collection) {
        try {
            records.count(collection);
            return false;
        } catch (QuiverException e) {
            return e.code() == ErrorCode.UNAVAILABLE;
        }
    }

    private CollectionView create(String name) {
        return DefaultDatabase.createCollection(tenants, collections, name);
    }

    private CollectionView latest(CollectionView collection) {
        return collections.findById(collection.database(), collection.id()).orElseThrow();
    }

    private static WriteBatch add(String id, float value) {
        return new WriteBatch(WriteBatch.Operation.ADD,
                List.of(new RecordWrite(id, new float[] {value, 0, 0}, null, null, null)));
    }

    /** Replaces the index pool with one that refuses every task while the test says so. */
    @TestConfiguration(proxyBeanMethods = false)
    static class FlakyIndexPool {

        @Bean(destroyMethod = "shutdown")
        ExecutorService indexPool() {
            ExecutorService delegate = Executors.newFixedThreadPool(2);
            return new AbstractExecutorService() {
                @Override
                public void execute(Runnable command) {
                    if (failing.get()) {
                        throw new RejectedExecutionException("index pool refuses work for the test");
                    }
                    delegate.execute(command);
                }

                @Override
                public void shutdown() {
                    delegate.shutdown();
                }

                @Override
                public List<Runnable> shutdownNow() {
                    return delegate.shutdownNow();
                }

                @Override
                public boolean isShutdown() {
                    return delegate.isShutdown();
                }

                @Override
                public boolean isTerminated() {
                    return delegate.isTerminated();
                }

                @Override
                public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
                    return delegate.awaitTermination(timeout, unit);
                }
            };
        }
    }
}
