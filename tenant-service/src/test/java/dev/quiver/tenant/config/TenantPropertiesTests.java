package dev.quiver.tenant.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
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

class TenantPropertiesTests {

    private static final String KEY = "qk_0123456789abcdefghijABCDEFGHIJ-_";

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ValidationAutoConfiguration.class))
            .withUserConfiguration(PropertiesOnly.class);

    @Test
    void defaultsAreRecorded() {
        TenantProperties properties = bind(Map.of());

        assertThat(properties.soleWriter()).isFalse();
        assertThat(properties.invitationTtl()).isEqualTo(Duration.ofDays(7));
        assertThat(properties.bootstrap().enabled()).isTrue();
        assertThat(properties.bootstrap().operatorEmail()).isEqualTo("operator@quiver.local");
        assertThat(properties.bootstrap().operatorPassword()).isNull();
        assertThat(properties.bootstrap().apiKey()).isNull();
    }

    @Test
    void everyKeyBinds() {
        TenantProperties properties = bind(Map.of(
                "quiver.tenant.sole-writer", "true",
                "quiver.tenant.invitation-ttl", "2d",
                "quiver.tenant.bootstrap.enabled", "false",
                "quiver.tenant.bootstrap.operator-email", "root@example.com",
                "quiver.tenant.bootstrap.operator-password", "a long password",
                "quiver.tenant.bootstrap.api-key", KEY));

        assertThat(properties.soleWriter()).isTrue();
        assertThat(properties.invitationTtl()).isEqualTo(Duration.ofDays(2));
        assertThat(properties.bootstrap().enabled()).isFalse();
        assertThat(properties.bootstrap().operatorEmail()).isEqualTo("root@example.com");
        assertThat(properties.bootstrap().operatorPassword()).isEqualTo("a long password");
        assertThat(properties.bootstrap().apiKey()).isEqualTo(KEY);
    }

    @Test
    void defaultsPassValidation() {
        runner.run(context -> assertThat(context).hasNotFailed().hasSingleBean(TenantProperties.class));
    }

    @Test
    void configuredSecretsAreNotShownByToString() {
        TenantProperties properties = bind(Map.of(
                "quiver.tenant.bootstrap.operator-password", "a long password",
                "quiver.tenant.bootstrap.api-key", KEY));

        assertThat(properties.toString()).doesNotContain("a long password").doesNotContain(KEY);
    }

    @Test
    void malformedApiKeyStopsStartupNamingTheKeyButNotItsValue() {
        runner.withPropertyValues("quiver.tenant.bootstrap.api-key=qk_almost-a-secret")
                .run(context -> assertThat(context).getFailure()
                        .hasStackTraceContaining("quiver.tenant.bootstrap.api-key")
                        .satisfies(failure -> assertThat(stackTrace(failure)).doesNotContain("almost-a-secret")));
    }

    @Test
    void shortOperatorPasswordStopsStartupNamingTheKeyButNotItsValue() {
        runner.withPropertyValues("quiver.tenant.bootstrap.operator-password=secret")
                .run(context -> assertThat(context).getFailure()
                        .hasStackTraceContaining("quiver.tenant.bootstrap.operator-password")
                        .satisfies(failure -> assertThat(stackTrace(failure)).doesNotContain("secret]")
                                .doesNotContain("[secret")));
    }

    @Test
    void tooShortInvitationTtlStopsStartupNamingTheKey() {
        runner.withPropertyValues("quiver.tenant.invitation-ttl=10s")
                .run(context -> assertThat(context).getFailure()
                        .rootCause().hasMessageContaining("quiver.tenant.invitation-ttl"));
    }

    @Test
    void valueOfWrongTypeStopsStartupNamingTheKey() {
        runner.withPropertyValues("quiver.tenant.sole-writer=perhaps")
                .run(context -> assertThat(context).getFailure()
                        .hasStackTraceContaining("quiver.tenant.sole-writer"));
    }

    private static String stackTrace(Throwable failure) {
        StringWriter text = new StringWriter();
        failure.printStackTrace(new PrintWriter(text));
        return text.toString();
    }

    private static TenantProperties bind(Map<String, String> values) {
        return new Binder(new MapConfigurationPropertySource(values))
                .bindOrCreate("quiver.tenant", TenantProperties.class);
    }

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(TenantProperties.class)
    static class PropertiesOnly {
    }
}
