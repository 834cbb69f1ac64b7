package dev.quiver.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;

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

class AuthPropertiesTests {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ValidationAutoConfiguration.class))
            .withUserConfiguration(PropertiesOnly.class);

    @Test
    void defaultsAreRecorded() {
        AuthProperties properties = bind(Map.of());

        assertThat(properties.enabled()).isTrue();
        assertThat(properties.login().maxFailures()).isEqualTo(5);
        assertThat(properties.login().failureWindow()).isEqualTo(Duration.ofMinutes(15));
    }

    @Test
    void everyKeyBinds() {
        AuthProperties properties = bind(Map.of(
                "quiver.auth.enabled", "false",
                "quiver.auth.login.max-failures", "3",
                "quiver.auth.login.failure-window", "2m"));

        assertThat(properties.enabled()).isFalse();
        assertThat(properties.login().maxFailures()).isEqualTo(3);
        assertThat(properties.login().failureWindow()).isEqualTo(Duration.ofMinutes(2));
    }

    @Test
    void defaultsPassValidation() {
        runner.run(context -> assertThat(context).hasNotFailed().hasSingleBean(AuthProperties.class));
    }

    @Test
    void badValueStopsStartupNamingTheKey() {
        runner.withPropertyValues("quiver.auth.login.max-failures=0")
                .run(context -> assertThat(context).getFailure()
                        .rootCause().hasMessageContaining("quiver.auth")
                        .hasMessageContaining("login.maxFailures"));
    }

    @Test
    void valueOfWrongTypeStopsStartupNamingTheKey() {
        runner.withPropertyValues("quiver.auth.enabled=sometimes")
                .run(context -> assertThat(context).getFailure()
                        .hasStackTraceContaining("quiver.auth.enabled"));
    }

    private static AuthProperties bind(Map<String, String> values) {
        return new Binder(new MapConfigurationPropertySource(values))
                .bindOrCreate("quiver.auth", AuthProperties.class);
    }

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(AuthProperties.class)
    static class PropertiesOnly {
    }
}
