package dev.quiver.search.objectstore;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.AbortedException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.DeleteObjectsResponse;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Error;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The object store of distributed mode: objects in one S3 bucket (AWS or any S3-compatible server), under an
 * optional key prefix. Files above the multipart threshold go up in parts, and an upload that fails is aborted so
 * the bucket keeps no orphaned parts. Downloads are written beside their target and moved into place.
 *
 * <p>The SDK's own retries are off: {@link RetryingObjectStore} is the one place that retries, so every retry is
 * logged and counted and the budget is the configured one, not the product of two. Failures come out as
 * {@link ObjectStoreException}, retryable for throttling, server errors, timeouts and I/O errors, and not for other
 * client errors (access denied, no such bucket, bad credentials).
 *
 * <p>Thread-safe: the S3 client is. Owns its client; {@link #close()} releases its connections.
 */
public final class S3ObjectStore implements ObjectStore, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(S3ObjectStore.class);

    /** The most keys one ListObjectsV2 page and one DeleteObjects call take. */
    static final int MAX_KEYS_PER_CALL = 1000;

    /** S3 numbers parts 1 to 10,000. */
    private static final int MAX_PARTS = 10_000;

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration SOCKET_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration CONNECTION_ACQUISITION_TIMEOUT = Duration.ofSeconds(30);
    private static final int MAX_CONNECTIONS = 64;

    private final S3Client client;
    private final String bucket;
    private final String prefix;
    private final long multipartThreshold;
    private final int keysPerCall;

    /**
     * A store on the configured bucket.
     *
     * @param settings    the bucket, endpoint, region and upload settings; the bucket must be given
     * @param credentials the credentials to sign with, or null for the SDK's default provider chain
     */
    public S3ObjectStore(ObjectStoreProperties.S3 settings, @Nullable AwsCredentialsProvider credentials) {
        // The bucket is checked before the client is built, so a bad setting leaves no client open.
        this(requireBucket(settings), settings, credentials);
    }

    private S3ObjectStore(String bucket, ObjectStoreProperties.S3 settings,
            @Nullable AwsCredentialsProvider credentials) {
        this(client(settings, credentials), bucket, settings.prefix(), settings.multipartThreshold().toBytes(),
                MAX_KEYS_PER_CALL);
    }

    /**
     * A store over a client it takes ownership of. {@code keysPerCall} bounds list pages and delete batches; tests
     * lower it to see paging without thousands of objects.
     */
    S3ObjectStore(S3Client client, String bucket, String prefix, long multipartThreshold, int keysPerCall) {
        this.client = requireNonNull(client, "client is null");
        this.bucket = requireNonNull(bucket, "bucket is null");
        this.prefix = normalizePrefix(requireNonNull(prefix, "prefix is null"));
        if (multipartThreshold < ObjectStoreProperties.S3.MIN_PART_SIZE.toBytes()) {
            throw new IllegalArgumentException("multipartThreshold must be at least 5 MiB: " + multipartThreshold);
        }
        if (keysPerCall < 1 || keysPerCall > MAX_KEYS_PER_CALL) {
            throw new IllegalArgumentException("keysPerCall must be in [1, 1000]: " + keysPerCall);
        }
        this.multipartThreshold = multipartThreshold;
        this.keysPerCall = keysPerCall;
    }

    /** Builds the S3 client the settings describe. */
    static S3Client client(ObjectStoreProperties.S3 settings, @Nullable AwsCredentialsProvider credentials) {
        return clientBuilder(settings, credentials).build();
    }

    /** The builder of {@link #client}, for tests that add an interceptor to the same configuration. */
    static S3ClientBuilder clientBuilder(ObjectStoreProperties.S3 settings,
            @Nullable AwsCredentialsProvider credentials) {
        S3ClientBuilder builder = S3Client.builder()
                .region(Region.of(settings.region()))
                .forcePathStyle(settings.pathStyle())
                .credentialsProvider(credentials != null ? credentials : DefaultCredentialsProvider.builder().build())
                // Every blocking call has a timeout; a whole upload may take long, but no read may stall.
                .httpClientBuilder(ApacheHttpClient.builder()
                        .connectionTimeout(CONNECT_TIMEOUT)
                        .socketTimeout(SOCKET_TIMEOUT)
                        .connectionAcquisitionTimeout(CONNECTION_ACQUISITION_TIMEOUT)
                        .maxConnections(MAX_CONNECTIONS))
                .overrideConfiguration(configuration -> configuration.retryStrategy(AwsRetryStrategy.doNotRetry()))
                // Checksums only where S3 demands them (DeleteObjects): many S3-compatible servers reject the
                // SDK's newer default trailing checksums, and TLS already guards the bytes in transit.
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
        URI endpoint = settings.endpoint();
        if (endpoint != null) {
            builder.endpointOverride(endpoint);
        }
        return builder;
    }

    /**
     * Checks at start-up that the bucket exists and can be reached with these credentials, creating it when
     * {@code create} is true. Throws {@link IllegalStateException} naming the setting to fix otherwise.
     */
    public void ensureBucket(boolean create) {
        try {
            client.headBucket(request -> request.bucket(bucket));
            return;
        } catch (NoSuchBucketException e) {
            if (!create) {
                throw new IllegalStateException("The S3 bucket " + bucket + " (quiver.object-store.s3.bucket) does "
                        + "not exist; create it or set quiver.object-store.s3.create-bucket=true", e);
            }
        } catch (AwsServiceException e) {
            if (e.statusCode() != 404) {
                throw new IllegalStateException("Cannot use the S3 bucket " + bucket
                        + " (quiver.object-store.s3.bucket): " + describe(e)
                        + "; check the credentials and quiver.object-store.s3.endpoint and region", e);
            }
            if (!create) {
                throw new IllegalStateException("The S3 bucket " + bucket + " (quiver.object-store.s3.bucket) does "
                        + "not exist; create it or set quiver.object-store.s3.create-bucket=true", e);
            }
        } catch (SdkException e) {
            throw new IllegalStateException("Cannot reach the S3 bucket " + bucket + " at " + endpointText()
                    + " (quiver.object-store.s3.endpoint): " + e.getMessage(), e);
        }
        try {
            // Outside us-east-1, AWS wants the bucket's region named in the request as well.
            String region = client.serviceClientConfiguration().region().id();
            client.createBucket(request -> {
                request.bucket(bucket);
                if (!region.equals(Region.US_EAST_1.id())) {
                    request.createBucketConfiguration(configuration -> configuration.locationConstraint(region));
                }
            });
            log.info("Created the S3 bucket {}", bucket);
        } catch (BucketAlreadyOwnedByYouException e) {
            // Another node started at the same moment and created it first.
        } catch (SdkException e) {
            throw new IllegalStateException("Cannot create the S3 bucket " + bucket
                    + " (quiver.object-store.s3.bucket): " + e.getMessage(), e);
        }
    }

    @Override
    public void put(String key, Path file) {
        String objectKey = objectKey(key);
        long size;
        try {
            size = Files.size(file);
        } catch (NoSuchFileException e) {
            throw new ObjectStoreException("Cannot upload " + file + " as " + key + ": no such file", false, e);
        } catch (IOException e) {
            throw new ObjectStoreException("Cannot upload " + file + " as " + key + ": " + e.getMessage(), true, e);
        }
        if (size > multipartThreshold) {
            putInParts(key, objectKey, file, size);
            return;
        }
        try (FileSlice body = new FileSlice(file, 0, size)) {
            client.putObject(request -> request.bucket(bucket).key(objectKey).contentLength(size),
                    RequestBody.fromContentProvider(body, size, "application/octet-stream"));
        } catch (SdkException e) {
            throw failure("upload " + key, e);
        } catch (UncheckedIOException e) {
            throw new ObjectStoreException("Cannot upload " + file + " as " + key + ": " + e.getMessage(),
                    !(e.getCause() instanceof NoSuchFileException), e);
        }
    }

    @Override
    public void put(String key, byte[] bytes) {
        String objectKey = objectKey(key);
        try {
            client.putObject(request -> request.bucket(bucket).key(objectKey).contentLength((long) bytes.length),
                    RequestBody.fromBytes(bytes));
        } catch (SdkException e) {
            throw failure("upload " + key, e);
        }
    }

    /**
     * A multipart upload: 1. create it, 2. upload the parts in order, 3. complete it with their ETags. Any failure
     * aborts the upload, because S3 keeps (and bills) the parts of an upload that is neither completed nor aborted.
     * Parts are as large as the threshold, or larger when the file would need more than 10,000 of them.
     */
    private void putInParts(String key, String objectKey, Path file, long size) {
        long partSize = Math.max(multipartThreshold, (size + MAX_PARTS - 1) / MAX_PARTS);
        String uploadId;
        try {
            uploadId = client.createMultipartUpload(request -> request.bucket(bucket).key(objectKey)).uploadId();
        } catch (SdkException e) {
            throw failure("start the multipart upload of " + key, e);
        }
        try {
            List<CompletedPart> parts = new ArrayList<>((int) ((size + partSize - 1) / partSize));
            int partNumber = 1;
            for (long offset = 0; offset < size; offset += partSize, partNumber++) {
                long length = Math.min(partSize, size - offset);
                int number = partNumber;
                try (FileSlice body = new FileSlice(file, offset, length)) {
                    String eTag = client.uploadPart(
                            request -> request.bucket(bucket).key(objectKey).uploadId(uploadId).partNumber(number)
                                    .contentLength(length),
                            RequestBody.fromContentProvider(body, length, "application/octet-stream")).eTag();
                    parts.add(CompletedPart.builder().partNumber(number).eTag(eTag).build());
                }
            }
            client.completeMultipartUpload(request -> request.bucket(bucket).key(objectKey).uploadId(uploadId)
                    .multipartUpload(upload -> upload.parts(parts)));
        } catch (RuntimeException e) {
            abort(key, objectKey, uploadId, e);
            if (e instanceof SdkException sdk) {
                throw failure("upload " + key + " in parts", sdk);
            }
            if (e instanceof UncheckedIOException io) {
                throw new ObjectStoreException("Cannot upload " + file + " as " + key + ": " + io.getMessage(),
                        !(io.getCause() instanceof NoSuchFileException), io);
            }
            throw e;
        }
    }

    private void abort(String key, String objectKey, String uploadId, RuntimeException failure) {
        try {
            client.abortMultipartUpload(request -> request.bucket(bucket).key(objectKey).uploadId(uploadId));
        } catch (RuntimeException e) {
            // The bucket's lifecycle rule for incomplete uploads is the last resort for these parts.
            log.warn("Could not abort the failed multipart upload {} of {}: {}", uploadId, key, e.toString());
            failure.addSuppressed(e);
        }
    }

    @Override
    public void download(String key, Path target) {
        String objectKey = objectKey(key);
        Path absolute = target.toAbsolutePath();
        Path partial = absolute.resolveSibling(absolute.getFileName() + ObjectKeys.PARTIAL + UUID.randomUUID());
        try {
            Files.createDirectories(absolute.getParent());
            try (ResponseInputStream<GetObjectResponse> in =
                    client.getObject(request -> request.bucket(bucket).key(objectKey))) {
                Files.copy(in, partial);
            }
            try (FileChannel channel = FileChannel.open(partial, StandardOpenOption.WRITE)) {
                channel.force(true);
            }
            try {
                Files.move(partial, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(partial, absolute, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (NoSuchKeyException e) {
            throw new ObjectStoreException("No object " + key + " in S3 bucket " + bucket, false, e);
        } catch (AwsServiceException e) {
            if (isMissingObject(e)) {
                throw new ObjectStoreException("No object " + key + " in S3 bucket " + bucket, false, e);
            }
            throw failure("download " + key, e);
        } catch (SdkException e) {
            throw failure("download " + key, e);
        } catch (IOException e) {
            throw new ObjectStoreException("Cannot download " + key + " to " + target + ": " + e.getMessage(), true,
                    e);
        } finally {
            deleteQuietly(partial);
        }
    }

    @Override
    public Optional<byte[]> read(String key) {
        String objectKey = objectKey(key);
        try {
            return Optional.of(client.getObjectAsBytes(request -> request.bucket(bucket).key(objectKey))
                    .asByteArrayUnsafe());
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (AwsServiceException e) {
            if (isMissingObject(e)) {
                return Optional.empty();
            }
            throw failure("read " + key, e);
        } catch (SdkException e) {
            throw failure("read " + key, e);
        }
    }

    @Override
    public List<StoredObject> list(String keyPrefix) {
        String objectPrefix = prefix + keyPrefix;
        List<StoredObject> objects = new ArrayList<>();
        String continuation = null;
        try {
            do {
                String token = continuation;
                ListObjectsV2Response page = client.listObjectsV2(request -> request.bucket(bucket)
                        .prefix(objectPrefix).maxKeys(keysPerCall).continuationToken(token));
                for (S3Object object : page.contents()) {
                    objects.add(new StoredObject(object.key().substring(prefix.length()), object.size()));
                }
                continuation = Boolean.TRUE.equals(page.isTruncated()) ? page.nextContinuationToken() : null;
            } while (continuation != null);
        } catch (SdkException e) {
            throw failure("list " + keyPrefix, e);
        }
        // S3 lists in UTF-8 byte order; the interface promises String order, which differs only above U+FFFF.
        objects.sort((left, right) -> left.key().compareTo(right.key()));
        return objects;
    }

    @Override
    public void delete(Collection<String> keys) {
        List<ObjectIdentifier> batch = new ArrayList<>(Math.min(keys.size(), keysPerCall));
        for (String key : keys) {
            batch.add(ObjectIdentifier.builder().key(objectKey(key)).build());
            if (batch.size() == keysPerCall) {
                deleteBatch(batch);
                batch.clear();
            }
        }
        if (!batch.isEmpty()) {
            deleteBatch(batch);
        }
    }

    private void deleteBatch(List<ObjectIdentifier> batch) {
        List<ObjectIdentifier> identifiers = List.copyOf(batch);
        DeleteObjectsResponse response;
        try {
            response = client.deleteObjects(request -> request.bucket(bucket)
                    .delete(delete -> delete.objects(identifiers).quiet(true)));
        } catch (SdkException e) {
            throw failure("delete " + identifiers.size() + " objects from " + identifiers.getFirst().key(), e);
        }
        if (response.hasErrors() && !response.errors().isEmpty()) {
            S3Error first = response.errors().getFirst();
            boolean retryable = isRetryableCode(first.code());
            throw new ObjectStoreException("Cannot delete " + response.errors().size() + " of "
                    + identifiers.size() + " objects in S3 bucket " + bucket + ", the first " + first.key() + ": "
                    + first.code() + " " + first.message(), retryable, null);
        }
    }

    /** Releases the client's connections. */
    @Override
    public void close() {
        client.close();
    }

    @Override
    public String toString() {
        return "S3 bucket " + bucket + (prefix.isEmpty() ? "" : " under " + prefix) + " at " + endpointText();
    }

    private String objectKey(String key) {
        return prefix + ObjectKeys.check(key);
    }

    private String endpointText() {
        return client.serviceClientConfiguration().endpointOverride().map(URI::toString).orElse("AWS");
    }

    /** Maps an SDK failure, telling the ones a retry may mend from the ones it cannot. */
    private ObjectStoreException failure(String what, SdkException e) {
        if (e instanceof AwsServiceException service) {
            boolean retryable = service.statusCode() >= 500 || service.statusCode() == 429
                    || service.statusCode() == 408 || service.isThrottlingException()
                    || isRetryableCode(errorCode(service));
            return new ObjectStoreException("Cannot " + what + " in S3 bucket " + bucket + ": " + describe(service),
                    retryable, e);
        }
        boolean retryable = e instanceof ApiCallTimeoutException || e instanceof ApiCallAttemptTimeoutException
                || (hasIoCause(e) && !(e instanceof AbortedException));
        return new ObjectStoreException("Cannot " + what + " in S3 bucket " + bucket + ": " + e.getMessage(),
                retryable, e);
    }

    /**
     * A 404 for the object rather than the bucket. Some S3-compatible servers answer a missing key with a bare 404
     * that the SDK cannot turn into {@link NoSuchKeyException}.
     */
    private static boolean isMissingObject(AwsServiceException e) {
        return e.statusCode() == 404 && !(e instanceof NoSuchBucketException)
                && !"NoSuchBucket".equals(errorCode(e));
    }

    private static boolean hasIoCause(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof InterruptedIOException && Thread.currentThread().isInterrupted()) {
                return false;
            }
            if (cause instanceof IOException || cause instanceof UncheckedIOException) {
                return true;
            }
        }
        return false;
    }

    private static boolean isRetryableCode(@Nullable String code) {
        return code != null && switch (code) {
            case "SlowDown", "Throttling", "ThrottlingException", "RequestTimeout", "RequestTimeTooSkewed",
                 "InternalError", "ServiceUnavailable", "OperationAborted" -> true;
            default -> false;
        };
    }

    private static @Nullable String errorCode(AwsServiceException e) {
        AwsErrorDetails details = e.awsErrorDetails();
        return details == null ? null : details.errorCode();
    }

    private static String describe(AwsServiceException e) {
        String code = errorCode(e);
        return (code == null ? "HTTP " + e.statusCode() : code + " (HTTP " + e.statusCode() + ")")
                + (e.requestId() == null ? "" : ", request " + e.requestId());
    }

    private static String normalizePrefix(String prefix) {
        if (prefix.startsWith("/")) {
            throw new IllegalArgumentException("prefix must not start with a slash: " + prefix);
        }
        return prefix.isEmpty() || prefix.endsWith("/") ? prefix : prefix + "/";
    }

    private static String requireBucket(ObjectStoreProperties.S3 settings) {
        String bucket = settings.bucket();
        if (bucket == null || bucket.isBlank()) {
            throw new IllegalArgumentException("quiver.object-store.s3.bucket is required");
        }
        return bucket;
    }

    private static void deleteQuietly(Path partial) {
        try {
            Files.deleteIfExists(partial);
        } catch (IOException e) {
            log.warn("Could not delete the partial download {}: {}", partial, e.toString());
        }
    }

    /**
     * A range of a file as a request body. The SDK may ask for the stream again (to sign or to resend); each new
     * stream starts at the range's beginning and the one before it is closed. Not thread-safe: one per request.
     */
    private static final class FileSlice implements ContentStreamProvider, AutoCloseable {

        private final Path file;
        private final long offset;
        private final long length;
        private @Nullable InputStream current;

        FileSlice(Path file, long offset, long length) {
            this.file = file;
            this.offset = offset;
            this.length = length;
        }

        @Override
        public InputStream newStream() {
            closeCurrent();
            try {
                FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
                channel.position(offset);
                current = new BoundedInputStream(Channels.newInputStream(channel), length);
                return current;
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot read " + file, e);
            }
        }

        @Override
        public void close() {
            closeCurrent();
        }

        private void closeCurrent() {
            InputStream stream = current;
            current = null;
            if (stream != null) {
                try {
                    stream.close();
                } catch (IOException e) {
                    throw new UncheckedIOException("Cannot close " + file, e);
                }
            }
        }

        @Override
        public String name() {
            return "FileSlice";
        }
    }

    /** Reads at most {@code remaining} bytes of the stream beneath. */
    private static final class BoundedInputStream extends InputStream {

        private final InputStream in;
        private long remaining;

        BoundedInputStream(InputStream in, long remaining) {
            this.in = in;
            this.remaining = remaining;
        }

        @Override
        public int read() throws IOException {
            if (remaining <= 0) {
                return -1;
            }
            int b = in.read();
            if (b >= 0) {
                remaining--;
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            if (remaining <= 0) {
                return -1;
            }
            int read = in.read(buffer, offset, (int) Math.min(length, remaining));
            if (read > 0) {
                remaining -= read;
            }
            return read;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
