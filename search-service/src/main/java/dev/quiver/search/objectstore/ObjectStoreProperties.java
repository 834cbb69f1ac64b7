package dev.quiver.search.objectstore;

import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import org.hibernate.validator.constraints.time.DurationMin;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Where checkpoints are kept.
 *
 * @param type      {@code filesystem} (standalone: a directory on this machine) or {@code s3} (distributed: a bucket
 *                  every node shares)
 * @param directory the directory of the filesystem store
 * @param s3        the bucket of the S3 store, used when the type is {@code s3}
 * @param retry     how failed calls of either store are retried
 */
@Validated
@ConfigurationProperties("quiver.object-store")
public record ObjectStoreProperties(
        @NotNull @DefaultValue("filesystem") Type type,
        @NotNull @DefaultValue("data/objects") Path directory,
        @Valid @NotNull @DefaultValue S3 s3,
        @Valid @NotNull @DefaultValue Retry retry) {

    /** The kinds of object store. */
    public enum Type {
        FILESYSTEM,
        S3
    }

    /** Bean validation reads this as the property {@code s3BucketGiven}; the message names the real key. */
    @AssertTrue(message = "quiver.object-store.s3.bucket is required when quiver.object-store.type is s3")
    public boolean isS3BucketGiven() {
        return type != Type.S3 || (s3.bucket() != null && !s3.bucket().isBlank());
    }

    /**
     * An S3 bucket, on AWS or any S3-compatible server. Credentials come from the AWS SDK's default chain:
     * environment ({@code AWS_ACCESS_KEY_ID}, {@code AWS_SECRET_ACCESS_KEY}), system properties, the shared
     * profile files, a web identity token, or the container's or instance's role.
     *
     * @param bucket             the bucket's name; required when the type is {@code s3}
     * @param endpoint           the S3 endpoint, for S3-compatible servers such as MinIO; AWS's own when unset
     * @param region             the bucket's region (S3-compatible servers mostly accept any)
     * @param pathStyle          address the bucket as {@code endpoint/bucket} rather than {@code bucket.endpoint},
     *                           as most S3-compatible servers need
     * @param prefix             a key prefix inside the bucket, so several deployments can share one bucket
     * @param multipartThreshold files larger than this are uploaded in parts of this size; at least 5MB, S3's
     *                           smallest part
     * @param createBucket       create the bucket at start-up when it does not exist, instead of failing
     */
    public record S3(
            @Nullable String bucket,
            @Nullable URI endpoint,
            @NotBlank @DefaultValue("us-east-1") String region,
            @DefaultValue("false") boolean pathStyle,
            @NotNull @DefaultValue("") String prefix,
            @NotNull @DefaultValue("64MB") DataSize multipartThreshold,
            @DefaultValue("false") boolean createBucket) {

        /** S3 refuses parts below 5 MiB except the last one. */
        static final DataSize MIN_PART_SIZE = DataSize.ofMegabytes(5);

        @AssertTrue(message = "quiver.object-store.s3.multipart-threshold must be at least 5MB")
        public boolean isMultipartThresholdAtLeastMinimumPart() {
            return multipartThreshold.compareTo(MIN_PART_SIZE) >= 0;
        }

        @AssertTrue(message = "quiver.object-store.s3.prefix must not start with a slash")
        public boolean isPrefixRelative() {
            return !prefix.startsWith("/");
        }
    }

    /**
     * Retries of failed object-store calls that may succeed when repeated (network errors, throttling, server
     * errors), with exponential backoff and full jitter.
     *
     * @param attempts       how many times a call is tried in all, the first included
     * @param initialBackoff the longest wait before the first retry; each retry doubles it
     * @param maxBackoff     the longest wait before any retry
     */
    public record Retry(
            @Positive @DefaultValue("5") int attempts,
            @NotNull @DurationMin(millis = 1) @DefaultValue("200ms") Duration initialBackoff,
            @NotNull @DurationMin(millis = 1) @DefaultValue("10s") Duration maxBackoff) {
    }
}
