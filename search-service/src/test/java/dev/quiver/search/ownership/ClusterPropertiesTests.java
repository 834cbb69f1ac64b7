package dev.quiver.search.ownership;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
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

class ClusterPropertiesTests {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ValidationAutoConfiguration.class))
            .withUserConfiguration(PropertiesOnly.class);

    @Test
    void defaultsAreRecorded() {
        ClusterProperties properties = bind(Map.of());

        assertThat(properties.enabled()).isFalse();
        assertThat(properties.nodeId()).isNull();
        assertThat(properties.advertiseUrl()).isNull();
        assertThat(properties.heartbeatInterval()).isEqualTo(Duration.ofSeconds(2));
        assertThat(properties.leaseDuration()).isEqualTo(Duration.ofSeconds(10));
        assertThat(properties.secret()).isNull();
    }

    @Test
    void everyKeyBinds() {
        ClusterProperties properties = bind(Map.of(
                "quiver.cluster.enabled", "true",
                "quiver.cluster.node-id", "search-2",
                "quiver.cluster.advertise-url", "http://search-2.search:8000",
                "quiver.cluster.heartbeat-interval", "500ms",
                "quiver.cluster.lease-duration", "3s",
                "quiver.cluster.secret", "shared between gateways and nodes"));

        assertThat(properties.enabled()).isTrue();
        assertThat(properties.nodeId()).isEqualTo("search-2");
        assertThat(properties.advertiseUrl()).isEqualTo(URI.create("http://search-2.search:8000"));
        assertThat(properties.heartbeatInterval()).isEqualTo(Duration.ofMillis(500));
        assertThat(properties.leaseDuration()).isEqualTo(Duration.ofSeconds(3));
        assertThat(properties.secret()).isEqualTo("shared between gateways and nodes");
        assertThat(properties.toString()).as("the secret never reaches a log").doesNotContain("shared between");
    }

    @Test
    void aLeaseNoLongerThanTwoHeartbeatsStopsStartupNamingBothKeys() {
        runner.withPropertyValues("quiver.cluster.heartbeat-interval=2s", "quiver.cluster.lease-duration=4s")
                .run(context -> assertThat(context).getFailure().rootCause()
                        .hasMessageContaining("quiver.cluster.lease-duration")
                        .hasMessageContaining("quiver.cluster.heartbeat-interval"));
    }

    @Test
    void aNodeIdWithASlashStopsStartupNamingTheKey() {
        runner.withPropertyValues("quiver.cluster.node-id=search/2")
                .run(context -> assertThat(context).getFailure().rootCause()
                        .hasMessageContaining("quiver.cluster")
                        .hasMessageContaining("nodeId"));
    }

    @Test
    void aLeaseOfMoreThanTwoHeartbeatsStarts() {
        runner.withPropertyValues("quiver.cluster.heartbeat-interval=100ms", "quiver.cluster.lease-duration=1s")
                .run(context -> assertThat(context).hasNotFailed());
    }

    private static ClusterProperties bind(Map<String, String> values) {
        return new Binder(new MapConfigurationPropertySource(values))
                .bindOrCreate("quiver.cluster", ClusterProperties.class);
    }

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(ClusterProperties.class)
    static class PropertiesOnly {
    }
}
