package dev.quiver.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;
import org.springframework.context.annotation.Configuration;

class GatewayPropertiesTests {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ValidationAutoConfiguration.class))
            .withUserConfiguration(PropertiesOnly.class);

    @Test
    void defaultsAreRecorded() {
        GatewayProperties properties = bind(Map.of());

        assertThat(properties.chromaVersion()).isEqualTo("1.0.0");
        assertThat(properties.maxBatchSize()).isEqualTo(5461);
    }

    @Test
    void everyKeyBinds() {
        GatewayProperties properties = bind(Map.of(
                "quiver.gateway.chroma-version", "1.2.3",
                "quiver.gateway.max-batch-size", "1000"));

        assertThat(properties.chromaVersion()).isEqualTo("1.2.3");
        assertThat(properties.maxBatchSize()).isEqualTo(1000);
    }

    @Test
    void defaultsPassValidation() {
        runner.run(context -> assertThat(context).hasNotFailed().hasSingleBean(GatewayProperties.class));
    }

    @Test
    void badValueStopsStartupNamingTheKey() {
        runner.withPropertyValues("quiver.gateway.max-batch-size=0")
                .run(context -> assertThat(context).getFailure()
                        .rootCause().hasMessageContaining("quiver.gateway.max-batch-size")
                        .hasMessageContaining("maxBatchSize"));
    }

    @Test
    void blankChromaVersionStopsStartupNamingTheKey() {
        runner.withPropertyValues("quiver.gateway.chroma-version= ")
                .run(context -> assertThat(context).getFailure()
                        .rootCause().hasMessageContaining("quiver.gateway.chroma-version")
                        .hasMessageContaining("chromaVersion"));
    }

    @Test
    void valueOfWrongTypeStopsStartupNamingTheKey() {
        runner.withPropertyValues("quiver.gateway.max-batch-size=many")
                .run(context -> assertThat(context).getFailure()
                        .hasStackTraceContaining("quiver.gateway.max-batch-size"));
    }

    private static GatewayProperties bind(Map<String, String> values) {
        return new Binder(new MapConfigurationPropertySource(values))
                .bindOrCreate("quiver.gateway", GatewayProperties.class);
    }

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(GatewayProperties.class)
    static class PropertiesOnly {
    }
}
