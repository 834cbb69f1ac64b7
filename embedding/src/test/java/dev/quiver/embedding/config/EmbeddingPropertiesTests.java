package dev.quiver.embedding.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;
import org.springframework.context.annotation.Configuration;

class EmbeddingPropertiesTests {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ValidationAutoConfiguration.class))
            .withUserConfiguration(PropertiesOnly.class);

    @Test
    void defaultsAreRecorded() {
        EmbeddingProperties properties = bind(Map.of());

        assertThat(properties.threads()).isZero();
        assertThat(properties.effectiveThreads()).isEqualTo(Runtime.getRuntime().availableProcessors());
        assertThat(properties.batchSize()).isEqualTo(2);
        assertThat(properties.queueCapacity()).isEqualTo(10_000);
        assertThat(properties.timeout()).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void everyKeyBinds() {
        EmbeddingProperties properties = bind(Map.of(
                "quiver.embedding.threads", "3",
                "quiver.embedding.batch-size", "64",
                "quiver.embedding.queue-capacity", "100",
                "quiver.embedding.timeout", "5s"));

        assertThat(properties.threads()).isEqualTo(3);
        assertThat(properties.effectiveThreads()).isEqualTo(3);
        assertThat(properties.batchSize()).isEqualTo(64);
        assertThat(properties.queueCapacity()).isEqualTo(100);
        assertThat(properties.timeout()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void defaultsPassValidation() {
        runner.run(context -> assertThat(context).hasNotFailed().hasSingleBean(EmbeddingProperties.class));
    }

    @Test
    void zeroBatchSizeStopsStartupNamingTheKey() {
        runner.withPropertyValues("quiver.embedding.batch-size=0")
                .run(context -> assertThat(context).getFailure()
                        .rootCause().hasMessageContaining("quiver.embedding.batch-size"));
    }

    private static EmbeddingProperties bind(Map<String, String> values) {
        return new Binder(new MapConfigurationPropertySource(new HashMap<>(values)))
                .bindOrCreate("quiver.embedding", EmbeddingProperties.class);
    }

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(EmbeddingProperties.class)
    static class PropertiesOnly {
    }
}
