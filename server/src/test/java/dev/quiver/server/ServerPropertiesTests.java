package dev.quiver.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quiver.common.Role;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;
import org.springframework.context.annotation.Configuration;

class ServerPropertiesTests {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ValidationAutoConfiguration.class))
            .withUserConfiguration(PropertiesOnly.class);

    @Test
    void defaultsAreRecorded() {
        ServerProperties properties = bind(Map.of());

        assertThat(properties.dataDir()).isEqualTo(Path.of("data"));
        assertThat(properties.embeddedPostgres()).isNotNull();
        assertThat(properties.embeddedPostgres().enabled()).isTrue();
        assertThat(properties.roles()).containsExactlyInAnyOrder(Role.GATEWAY, Role.SEARCH);
    }

    @Test
    void everyKeyBinds() {
        ServerProperties properties = bind(Map.of(
                "quiver.data-dir", "/srv/quiver",
                "quiver.embedded-postgres.enabled", "false",
                "quiver.roles", "search"));

        assertThat(properties.dataDir()).isEqualTo(Path.of("/srv/quiver"));
        assertThat(properties.embeddedPostgres().enabled()).isFalse();
        assertThat(properties.roles()).containsExactly(Role.SEARCH);
    }

    @Test
    void anUnknownRoleStopsStartupNamingTheKey() {
        runner.withPropertyValues("quiver.roles=indexer")
                .run(context -> assertThat(context).getFailure().hasStackTraceContaining("quiver.roles"));
    }

    @Test
    void ignoresKeysOfOtherModules() {
        ServerProperties properties = bind(Map.of(
                "quiver.search.wal-page-size", "8",
                "quiver.gateway.max-batch-size", "10"));

        assertThat(properties).isEqualTo(bind(Map.of()));
    }

    @Test
    void defaultsPassValidation() {
        runner.run(context -> assertThat(context).hasNotFailed().hasSingleBean(ServerProperties.class));
    }

    @Test
    void badValueStopsStartupNamingTheKey() {
        runner.withPropertyValues("quiver.embedded-postgres.enabled=maybe")
                .run(context -> assertThat(context).getFailure()
                        .hasStackTraceContaining("quiver.embedded-postgres.enabled"));
    }

    @Test
    void emptyDataDirKeepsTheDefaultRatherThanTheWorkingDirectory() {
        runner.withPropertyValues("quiver.data-dir=")
                .run(context -> assertThat(context.getBean(ServerProperties.class).dataDir())
                        .isEqualTo(Path.of("data")));
    }

    private static ServerProperties bind(Map<String, String> values) {
        return new Binder(new MapConfigurationPropertySource(values))
                .bindOrCreate("quiver", ServerProperties.class);
    }

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(ServerProperties.class)
    static class PropertiesOnly {
    }
}
