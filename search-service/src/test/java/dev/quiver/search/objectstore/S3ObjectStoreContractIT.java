package dev.quiver.search.objectstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;

/**
 * The object store contract on the S3 store, against s3proxy on loopback, each test in a bucket of its own and
 * under a key prefix, so the prefix is exercised too.
 */
class S3ObjectStoreContractIT extends ObjectStoreContract {

    private static final AtomicInteger buckets = new AtomicInteger();
    private static S3Server server;

    private String bucket;
    private S3ObjectStore store;
    private S3Client inspector;

    @BeforeAll
    static void startServer() {
        server = S3Server.start();
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @BeforeEach
    void openStore() {
        bucket = "contract-" + buckets.incrementAndGet();
        server.createBucket(bucket);
        store = new S3ObjectStore(S3ObjectStore.client(settings(), S3Server.credentials()), bucket, "deployment",
                MULTIPART_THRESHOLD, KEYS_PER_CALL);
        inspector = S3ObjectStore.client(settings(), S3Server.credentials());
    }

    @AfterEach
    void closeStore() {
        store.close();
        inspector.close();
    }

    @Override
    ObjectStore store() {
        return store;
    }

    @Override
    void assertUploadedInParts(String key, int parts) {
        String eTag = inspector.headObject(request -> request.bucket(bucket).key("deployment/" + key)).eTag();
        assertThat(eTag).as("a multipart ETag ends with the part count").endsWith("-" + parts + "\"");
        assertThat(inspector.listMultipartUploads(request -> request.bucket(bucket)).uploads()).isEmpty();
    }

    @Test
    void listingAndDeletingPageThroughTheBucket() {
        for (int i = 0; i < KEYS_PER_CALL + 1; i++) {
            store.put("paged/" + i, new byte[1]);
        }
        RecordingRequests recorder = new RecordingRequests();
        S3Client recording = S3ObjectStore.clientBuilder(settings(), S3Server.credentials())
                .overrideConfiguration(configuration -> configuration
                        .retryStrategy(AwsRetryStrategy.doNotRetry())
                        .addExecutionInterceptor(recorder))
                .build();
        try (S3ObjectStore recordingStore = new S3ObjectStore(recording, bucket, "deployment", MULTIPART_THRESHOLD,
                KEYS_PER_CALL)) {
            assertThat(recordingStore.list("paged/")).hasSize(KEYS_PER_CALL + 1);
            recordingStore.delete(recordingStore.list("paged/").stream().map(StoredObject::key).toList());
        }

        assertThat(recorder.requests).containsExactly("ListObjectsV2Request", "ListObjectsV2Request",
                "ListObjectsV2Request", "ListObjectsV2Request", "DeleteObjectsRequest", "DeleteObjectsRequest");
        assertThat(store.list("paged/")).isEmpty();
    }

    @Test
    void objectsLiveUnderTheConfiguredPrefix() {
        store.put("tenants/t1/manifest.json", new byte[] {1});

        assertThat(inspector.listObjectsV2(request -> request.bucket(bucket)).contents())
                .extracting(object -> object.key()).containsExactly("deployment/tenants/t1/manifest.json");
    }

    @Test
    void failedMultipartUploadIsAbortedAndLeavesNoParts() throws IOException {
        Path file = randomFile("large.bin", (int) (2 * MULTIPART_THRESHOLD + 1), 4);
        // A real client whose second part fails on the way out, as a dropped connection would fail it.
        S3Client failing = S3ObjectStore.clientBuilder(settings(), S3Server.credentials())
                .overrideConfiguration(configuration -> configuration
                        .retryStrategy(AwsRetryStrategy.doNotRetry())
                        .addExecutionInterceptor(new FailSecondPart()))
                .build();
        try (S3ObjectStore failingStore = new S3ObjectStore(failing, bucket, "deployment",
                MULTIPART_THRESHOLD, S3ObjectStore.MAX_KEYS_PER_CALL)) {
            assertThatThrownBy(() -> failingStore.put("large/_2.vec", file))
                    .isInstanceOfSatisfying(ObjectStoreException.class, e -> assertThat(e.retryable()).isTrue());
        }

        assertThat(inspector.listMultipartUploads(request -> request.bucket(bucket)).uploads()).isEmpty();
        assertThat(store.list("large/")).isEmpty();
    }

    private ObjectStoreProperties.S3 settings() {
        return server.settings(bucket, "deployment", DataSize.ofBytes(MULTIPART_THRESHOLD));
    }

    private static final class RecordingRequests implements ExecutionInterceptor {

        final List<String> requests = new CopyOnWriteArrayList<>();

        @Override
        public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
            requests.add(context.request().getClass().getSimpleName());
        }
    }

    private static final class FailSecondPart implements ExecutionInterceptor {

        @Override
        public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
            if (context.request() instanceof UploadPartRequest part && part.partNumber() == 2) {
                throw SdkClientException.create("connection reset", new IOException("Connection reset"));
            }
        }
    }
}
