package dev.quiver.search.objectstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/** Retries of the S3 store through an outage of a real S3 server, and no retries where repeating cannot help. */
class RetryingObjectStoreIT {

    private static final String BUCKET = "checkpoints";
    /** Enough attempts, with short waits, to outlast a restart of s3proxy many times over. */
    private static final ObjectStoreProperties.Retry RETRY =
            new ObjectStoreProperties.Retry(40, Duration.ofMillis(20), Duration.ofMillis(250));

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private S3Server server;

    @BeforeEach
    void startServer() {
        server = S3Server.start();
        server.createBucket(BUCKET);
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    @Test
    void whenTheServerIsDownAtUploadAndComesBackThenTheUploadSucceedsAfterRetries() throws Exception {
        byte[] manifest = "{\"sequence\":7}".getBytes(StandardCharsets.UTF_8);
        try (RetryingObjectStore store = new RetryingObjectStore(s3Store(BUCKET, S3Server.SECRET_KEY), RETRY,
                registry)) {
            server.stop();

            CompletableFuture<Void> upload =
                    CompletableFuture.runAsync(() -> store.put("shards/0/manifest", manifest));
            await().atMost(Duration.ofSeconds(20)).until(() -> retries() >= 2);
            assertThat(upload).isNotDone();
            server.restart();
            upload.get(30, TimeUnit.SECONDS);

            assertThat(store.read("shards/0/manifest")).hasValue(manifest);
        }
        assertThat(retries()).isGreaterThanOrEqualTo(2);
        assertThat(registry.counter("quiver.objectstore.failures", "operation", "put").count()).isZero();
        assertThat(registry.timer("quiver.objectstore.operation", "operation", "put", "outcome", "success").count())
                .isEqualTo(1);
    }

    @Test
    void badCredentialsFailAtOnceWithoutRetry() {
        try (RetryingObjectStore store =
                new RetryingObjectStore(s3Store(BUCKET, "not-the-secret"), RETRY, registry)) {
            assertThatThrownBy(() -> store.put("shards/0/manifest", new byte[] {1}))
                    .isInstanceOfSatisfying(ObjectStoreException.class, e -> assertThat(e.retryable()).isFalse());
        }
        assertThat(retries()).isZero();
        assertThat(registry.counter("quiver.objectstore.failures", "operation", "put").count()).isEqualTo(1);
    }

    @Test
    void aMissingBucketFailsAtOnceWithoutRetry() {
        try (RetryingObjectStore store = new RetryingObjectStore(
                s3Store("no-such-bucket", S3Server.SECRET_KEY), RETRY, registry)) {
            assertThatThrownBy(() -> store.read("shards/0/manifest"))
                    .isInstanceOfSatisfying(ObjectStoreException.class, e -> {
                        assertThat(e.retryable()).isFalse();
                        assertThat(e).hasMessageContaining("NoSuchBucket");
                    });
        }
        assertThat(registry.counter("quiver.objectstore.retries", "operation", "read").count()).isZero();
        assertThat(registry.counter("quiver.objectstore.failures", "operation", "read").count()).isEqualTo(1);
    }

    @Test
    void whenTheServerStaysDownThenTheCallFailsRetryableAfterEveryAttempt() {
        ObjectStoreProperties.Retry three = new ObjectStoreProperties.Retry(3, Duration.ofMillis(1),
                Duration.ofMillis(5));
        server.stop();
        try (RetryingObjectStore store = new RetryingObjectStore(s3Store(BUCKET, S3Server.SECRET_KEY), three,
                registry)) {
            assertThatThrownBy(() -> store.list("shards/"))
                    .isInstanceOfSatisfying(ObjectStoreException.class, e -> assertThat(e.retryable()).isTrue());
        }
        assertThat(registry.counter("quiver.objectstore.retries", "operation", "list").count()).isEqualTo(2);
        assertThat(registry.counter("quiver.objectstore.failures", "operation", "list").count()).isEqualTo(1);
        server.restart();
    }

    private S3ObjectStore s3Store(String bucket, String secret) {
        ObjectStoreProperties.S3 settings = server.settings(bucket, "", DataSize.ofMegabytes(64));
        return new S3ObjectStore(settings,
                StaticCredentialsProvider.create(AwsBasicCredentials.create(S3Server.ACCESS_KEY, secret)));
    }

    private double retries() {
        return registry.counter("quiver.objectstore.retries", "operation", "put").count();
    }
}
