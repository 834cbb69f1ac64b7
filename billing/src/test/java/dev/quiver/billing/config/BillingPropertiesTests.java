package dev.quiver.billing.config;

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

class BillingPropertiesTests {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ValidationAutoConfiguration.class))
            .withUserConfiguration(PropertiesOnly.class);

    @Test
    void defaultsAreRecorded() {
        BillingProperties properties = bind(Map.of());

        assertThat(properties.defaultPlan()).isEqualTo("free");
        assertThat(properties.defaultTenantPlan()).isEqualTo("enterprise");
        assertThat(properties.soleWriter()).isFalse();
        assertThat(properties.planCacheTtl()).isEqualTo(Duration.ofSeconds(1));
        assertThat(properties.rates().slicesPerSecond()).isEqualTo(20);
        assertThat(properties.rates().sliceLifetime()).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void everyKeyBinds() {
        BillingProperties properties = bind(Map.of(
                "quiver.billing.default-plan", "pro",
                "quiver.billing.default-tenant-plan", "free",
                "quiver.billing.sole-writer", "true",
                "quiver.billing.plan-cache-ttl", "250ms",
                "quiver.billing.rates.slices-per-second", "10",
                "quiver.billing.rates.slice-lifetime", "2s"));

        assertThat(properties.defaultPlan()).isEqualTo("pro");
        assertThat(properties.defaultTenantPlan()).isEqualTo("free");
        assertThat(properties.soleWriter()).isTrue();
        assertThat(properties.planCacheTtl()).isEqualTo(Duration.ofMillis(250));
        assertThat(properties.rates().slicesPerSecond()).isEqualTo(10);
        assertThat(properties.rates().sliceLifetime()).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void defaultsPassValidation() {
        runner.run(context -> assertThat(context).hasNotFailed().hasSingleBean(BillingProperties.class));
    }

    @Test
    void blankDefaultPlanStopsStartupNamingTheKey() {
        runner.withPropertyValues("quiver.billing.default-plan= ")
                .run(context -> assertThat(context).getFailure()
                        .rootCause().hasMessageContaining("quiver.billing.default-plan"));
    }

    @Test
    void zeroSlicesPerSecondStopsStartupNamingTheKey() {
        runner.withPropertyValues("quiver.billing.rates.slices-per-second=0")
                .run(context -> assertThat(context).getFailure()
                        .rootCause().hasMessageContaining("quiver.billing.rates.slicesPerSecond"));
    }

    private static BillingProperties bind(Map<String, String> values) {
        return new Binder(new MapConfigurationPropertySource(values))
                .bindOrCreate("quiver.billing", BillingProperties.class);
    }

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(BillingProperties.class)
    static class PropertiesOnly {
    }
}
