package dev.quiver.search.objectstore;

import io.micrometer.core.instrument.MeterRegistry;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

/**
 * The object store of this process, chosen by {@code quiver.object-store.type} and wrapped so that transient
 * failures are retried. The S3 store checks its bucket at start-up, so a wrong bucket, endpoint or credential
 * stops the process at once instead of at the first checkpoint. Spring closes the store (and the S3 client in it)
 * on shutdown, as it closes every {@link AutoCloseable} bean.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ObjectStoreProperties.class)
class ObjectStoreConfiguration {

    private static final Logger log = LoggerFactory.getLogger(ObjectStoreConfiguration.class);

    /**
     * @param credentials an {@link AwsCredentialsProvider} bean when the application (or a test) defines one;
     *                    otherwise the SDK's default provider chain signs the S3 requests
     */
    @Bean
    RetryingObjectStore objectStore(ObjectStoreProperties properties, MeterRegistry meterRegistry,
            ObjectProvider<AwsCredentialsProvider> credentials) {
        ObjectStore store = switch (properties.type()) {
            case FILESYSTEM -> new FileObjectStore(properties.directory());
            case S3 -> s3(properties.s3(), credentials.getIfAvailable());
        };
        log.info("Object store: {}", store);
        return new RetryingObjectStore(store, properties.retry(), meterRegistry);
    }

    private static S3ObjectStore s3(ObjectStoreProperties.S3 settings, @Nullable AwsCredentialsProvider credentials) {
        S3ObjectStore store = new S3ObjectStore(settings, credentials);
        try {
            store.ensureBucket(settings.createBucket());
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
        return store;
    }
}
