package dev.quiver.search.objectstore;

import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.time.Duration;
import java.util.Properties;
import org.gaul.s3proxy.BlobStores;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.springframework.util.unit.DataSize;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * A real S3 server in this JVM: s3proxy on loopback over an in-memory blob store. It can be stopped and started
 * again on the same port with the same objects, to play an outage.
 */
public final class S3Server implements AutoCloseable {

    static final String ACCESS_KEY = "quiver-test";
    static final String SECRET_KEY = "quiver-test-secret";

    private final BlobStore blobStore;
    private S3Proxy proxy;
    private final int port;

    private S3Server(BlobStore blobStore, S3Proxy proxy) {
        this.blobStore = blobStore;
        this.proxy = proxy;
        this.port = proxy.getPort();
    }

    public static S3Server start() {
        BlobStore blobStore = BlobStores.create("transient-nio2", new Properties());
        return new S3Server(blobStore, started(blobStore, 0));
    }

    /** Stops serving; the objects stay. */
    public void stop() {
        try {
            proxy.stop();
        } catch (Exception e) {
            throw new IllegalStateException("Cannot stop s3proxy", e);
        }
    }

    /** Serves again on the same port, with the objects it had. */
    public void restart() {
        proxy = started(blobStore, port);
    }

    public void createBucket(String bucket) {
        blobStore.createContainer(bucket);
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    public static AwsCredentialsProvider credentials() {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY));
    }

    /** Settings for a bucket of this server, path-style as s3proxy needs. */
    public ObjectStoreProperties.S3 settings(String bucket, String prefix, DataSize multipartThreshold) {
        return new ObjectStoreProperties.S3(bucket, endpoint(), "us-east-1", true, prefix, multipartThreshold,
                false);
    }

    @Override
    public void close() {
        stop();
    }

    private static S3Proxy started(BlobStore blobStore, int port) {
        S3Proxy proxy = S3Proxy.builder()
                .blobStore(blobStore)
                .endpoint(URI.create("http://127.0.0.1:" + port))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
                .build();
        try {
            proxy.start();
        } catch (Exception e) {
            throw new IllegalStateException("Cannot start s3proxy on port " + port, e);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> "STARTED".equals(proxy.getState()));
        return proxy;
    }
}
