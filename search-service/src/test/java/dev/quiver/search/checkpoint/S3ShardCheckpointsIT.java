package dev.quiver.search.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quiver.common.FileTrees;
import dev.quiver.search.api.CollectionView;
import dev.quiver.search.api.StoredRecord;
import dev.quiver.search.objectstore.ObjectStore;
import dev.quiver.search.objectstore.ObjectStoreProperties;
import dev.quiver.search.objectstore.RetryingObjectStore;
import dev.quiver.search.objectstore.S3ObjectStore;
import dev.quiver.search.objectstore.S3Server;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;

/**
 * Every checkpoint test again on S3: s3proxy on loopback, each test in a bucket of its own, through the retrying
 * store the server builds. Adds the outage a filesystem cannot have: the S3 server is down when a checkpoint starts
 * and comes back within the retry budget.
 */
class S3ShardCheckpointsIT extends ShardCheckpointsIT {

    private static final AtomicInteger buckets = new AtomicInteger();
    private static S3Server server;

    private final List<AutoCloseable> stores = new ArrayList<>();

    @BeforeAll
    static void startServer() {
        server = S3Server.start();
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @AfterEach
    void closeStores() throws Exception {
        for (AutoCloseable store : stores) {
            store.close();
        }
    }

    @Override
    ObjectStore objectStore(Path directory) {
        String bucket = "checkpoints-" + buckets.incrementAndGet();
        server.createBucket(bucket);
        S3ObjectStore s3 = new S3ObjectStore(server.settings(bucket, "quiver", DataSize.ofMegabytes(64)),
                S3Server.credentials());
        // Backoff long enough in total (about 17 s on average) to outlast the outage the test below plays.
        RetryingObjectStore retrying = new RetryingObjectStore(s3,
                new ObjectStoreProperties.Retry(12, Duration.ofMillis(200), Duration.ofSeconds(2)),
                new SimpleMeterRegistry());
        stores.add(retrying);
        return retrying;
    }

    @Test
    void whenS3IsDownAsACheckpointStartsThenItIsRetriedUntilS3ReturnsAndTheCheckpointRestores() throws Exception {
        ObjectStore store = objectStore(temporary.resolve("outage"));
        SearchNode node = start(store, Duration.ZERO);
        CollectionView collection = create(node, "outage");
        node.write(collection, batch(0, 100));
        node.write(collection, batch(1, 100));
        node.committed(collection);

        server.stop();
        CompletableFuture<Boolean> checkpoint = CompletableFuture.supplyAsync(() -> node.checkpoint(collection));
        Thread.sleep(1_500);
        assertThat(checkpoint).as("still retrying while S3 is down").isNotDone();
        server.restart();

        assertThat(checkpoint.get(60, TimeUnit.SECONDS)).isTrue();
        assertThat(node.logSequences(tenant, collection)).as("truncated behind the checkpoint").isEmpty();
        List<StoredRecord> expected = node.all(collection);
        node.crash();
        nodes.remove(node);
        FileTrees.deleteRecursively(shardsDirectory);

        assertThat(start(store, Duration.ZERO).all(collection)).usingRecursiveFieldByFieldElementComparator()
                .containsExactlyElementsOf(expected).hasSize(200);
    }
}
