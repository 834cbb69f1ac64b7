package dev.quiver.search.objectstore;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.unit.DataSize;

class ObjectStorePropertiesTests {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ValidationAutoConfiguration.class))
            .withUserConfiguration(PropertiesOnly.class);

    @Test
    void defaultsAreRecorded() {
        ObjectStoreProperties properties = bind(Map.of());

        assertThat(properties.type()).isEqualTo(ObjectStoreProperties.Type.FILESYSTEM);
        assertThat(properties.directory()).isEqualTo(Path.of("data/objects"));
        assertThat(properties.s3().bucket()).isNull();
        assertThat(properties.s3().endpoint()).isNull();
        assertThat(properties.s3().region()).isEqualTo("us-east-1");
        assertThat(properties.s3().pathStyle()).isFalse();
        assertThat(properties.s3().prefix()).isEmpty();
        assertThat(properties.s3().multipartThreshold()).isEqualTo(DataSize.ofMegabytes(64));
        assertThat(properties.s3().createBucket()).isFalse();
        assertThat(properties.retry().attempts()).isEqualTo(5);
        assertThat(properties.retry().initialBackoff()).isEqualTo(Duration.ofMillis(200));
        assertThat(properties.retry().maxBackoff()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void everyKeyBinds() {
        ObjectStoreProperties properties = bind(Map.ofEntries(
                Map.entry("quiver.object-store.type", "s3"),
                Map.entry("quiver.object-store.directory", "/srv/quiver/objects"),
                Map.entry("quiver.object-store.s3.bucket", "quiver-checkpoints"),
                Map.entry("quiver.object-store.s3.endpoint", "http://127.0.0.1:9000"),
                Map.entry("quiver.object-store.s3.region", "eu-west-1"),
                Map.entry("quiver.object-store.s3.path-style", "true"),
                Map.entry("quiver.object-store.s3.prefix", "production/"),
                Map.entry("quiver.object-store.s3.multipart-threshold", "16MB"),
                Map.entry("quiver.object-store.s3.create-bucket", "true"),
                Map.entry("quiver.object-store.retry.attempts", "8"),
                Map.entry("quiver.object-store.retry.initial-backoff", "50ms"),
                Map.entry("quiver.object-store.retry.max-backoff", "1m")));

        assertThat(properties.type()).isEqualTo(ObjectStoreProperties.Type.S3);
        assertThat(properties.directory()).isEqualTo(Path.of("/srv/quiver/objects"));
        assertThat(properties.s3().bucket()).isEqualTo("quiver-checkpoints");
        assertThat(properties.s3().endpoint()).isEqualTo(URI.create("http://127.0.0.1:9000"));
        assertThat(properties.s3().region()).isEqualTo("eu-west-1");
        assertThat(properties.s3().pathStyle()).isTrue();
        assertThat(properties.s3().prefix()).isEqualTo("production/");
        assertThat(properties.s3().multipartThreshold()).isEqualTo(DataSize.ofMegabytes(16));
        assertThat(properties.s3().createBucket()).isTrue();
        assertThat(properties.retry().attempts()).isEqualTo(8);
        assertThat(properties.retry().initialBackoff()).isEqualTo(Duration.ofMillis(50));
        assertThat(properties.retry().maxBackoff()).isEqualTo(Duration.ofMinutes(1));
    }

    @Test
    void typeS3WithoutABucketStopsStartupNamingTheBucketProperty() {
        runner.withPropertyValues("quiver.object-store.type=s3")
                .run(context -> assertThat(context).getFailure().rootCause()
                        .hasMessageContaining("quiver.object-store.s3.bucket is required"));
    }

    @Test
    void typeS3WithABucketStarts() {
        runner.withPropertyValues("quiver.object-store.type=s3", "quiver.object-store.s3.bucket=checkpoints")
                .run(context -> assertThat(context).hasNotFailed().hasSingleBean(ObjectStoreProperties.class));
    }

    @Test
    void filesystemTypeNeedsNoBucket() {
        runner.run(context -> assertThat(context).hasNotFailed());
    }

    @Test
    void multipartThresholdBelowTheSmallestS3PartStopsStartupNamingTheKey() {
        runner.withPropertyValues("quiver.object-store.s3.multipart-threshold=1MB")
                .run(context -> assertThat(context).getFailure().rootCause()
                        .hasMessageContaining("quiver.object-store.s3.multipart-threshold"));
    }

    @Test
    void zeroRetryAttemptsStopStartupNamingTheKey() {
        runner.withPropertyValues("quiver.object-store.retry.attempts=0")
                .run(context -> assertThat(context).getFailure().rootCause()
                        .hasMessageContaining("quiver.object-store.retry.attempts"));
    }

    private static ObjectStoreProperties bind(Map<String, String> values) {
        return new Binder(new MapConfigurationPropertySource(values))
                .bindOrCreate("quiver.object-store", ObjectStoreProperties.class);
    }

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(ObjectStoreProperties.class)
    static class PropertiesOnly {
    }
}
