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
        assertThat(properties.invoices().checkInterval()).isEqualTo(Duration.ofHours(1));
        assertThat(properties.invoices().delay()).isEqualTo(Duration.ofHours(2));
        assertThat(properties.invoices().issue()).isTrue();
        assertThat(properties.rollupInterval()).isEqualTo(Duration.ofMinutes(1));
        assertThat(properties.storageSampleInterval()).isEqualTo(Duration.ofMinutes(5));
        assertThat(properties.readFlushInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(properties.soleWriter()).isFalse();
        assertThat(properties.planCacheTtl()).isEqualTo(Duration.ofSeconds(1));
        assertThat(properties.rates().slicesPerSecond()).isEqualTo(20);
        assertThat(properties.rates().sliceLifetime()).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void everyKeyBinds() {
        BillingProperties properties = bind(properties(
                "quiver.billing.default-plan", "pro",
                "quiver.billing.default-tenant-plan", "free",
                "quiver.billing.invoices.check-interval", "5m",
                "quiver.billing.invoices.delay", "6h",
                "quiver.billing.invoices.issue", "false",
                "quiver.billing.rollup-interval", "30s",
                "quiver.billing.storage-sample-interval", "1h",
                "quiver.billing.read-flush-interval", "250ms",
                "quiver.billing.sole-writer", "true",
                "quiver.billing.plan-cache-ttl", "250ms",
                "quiver.billing.rates.slices-per-second", "10",
                "quiver.billing.rates.slice-lifetime", "2s"));

        assertThat(properties.defaultPlan()).isEqualTo("pro");
        assertThat(properties.defaultTenantPlan()).isEqualTo("free");
        assertThat(properties.invoices().checkInterval()).isEqualTo(Duration.ofMinutes(5));
        assertThat(properties.invoices().delay()).isEqualTo(Duration.ofHours(6));
        assertThat(properties.invoices().issue()).isFalse();
        assertThat(properties.rollupInterval()).isEqualTo(Duration.ofSeconds(30));
        assertThat(properties.storageSampleInterval()).isEqualTo(Duration.ofHours(1));
        assertThat(properties.readFlushInterval()).isEqualTo(Duration.ofMillis(250));
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
    void checkIntervalUnderAMinuteStopsStartupNamingTheKey() {
        runner.withPropertyValues("quiver.billing.invoices.check-interval=1s")
                .run(context -> assertThat(context).getFailure()
                        .rootCause().hasMessageContaining("quiver.billing.invoices.checkInterval"));
    }

    @Test
    void readFlushIntervalOverAMinuteStopsStartupNamingTheKey() {
        runner.withPropertyValues("quiver.billing.read-flush-interval=5m")
                .run(context -> assertThat(context).getFailure()
                        .rootCause().hasMessageContaining("quiver.billing.read-flush-interval"));
    }

    @Test
    void zeroSlicesPerSecondStopsStartupNamingTheKey() {
        runner.withPropertyValues("quiver.billing.rates.slices-per-second=0")
                .run(context -> assertThat(context).getFailure()
                        .rootCause().hasMessageContaining("quiver.billing.rates.slicesPerSecond"));
    }

    /** Key-value pairs in order, as many as a test needs (Map.of stops at ten). */
    private static Map<String, String> properties(String... keysAndValues) {
        Map<String, String> values = new java.util.LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            values.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return values;
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
