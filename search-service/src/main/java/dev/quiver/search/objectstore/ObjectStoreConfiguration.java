package dev.quiver.search.objectstore;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The object store of this process, chosen by {@code quiver.object-store.type}. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ObjectStoreProperties.class)
class ObjectStoreConfiguration {

    @Bean
    ObjectStore objectStore(ObjectStoreProperties properties) {
        return switch (properties.type()) {
            case FILESYSTEM -> new FileObjectStore(properties.directory());
            case S3 -> throw new IllegalStateException("quiver.object-store.type=s3 is not built yet");
        };
    }
}
