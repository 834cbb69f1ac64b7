package dev.quiver.billing.config;

import dev.quiver.billing.api.Plans;
import dev.quiver.billing.plan.JdbcPlans;
import dev.quiver.billing.plan.MeteredQuotaRefusals;
import dev.quiver.billing.rate.JdbcRequestBuckets;
import dev.quiver.billing.rate.SlicedRequestRates;
import dev.quiver.billing.usage.JdbcUsage;
import dev.quiver.tenant.api.TenantCatalog;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Wires billing: the plans with every tenant's limits, the request rates every gateway shares, and the count of
 * quota refusals.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(BillingProperties.class)
class BillingConfiguration {

    /** Initialised after the tenant catalogue (a parameter), which creates the default tenant. */
    @Bean(initMethod = "initialize")
    JdbcPlans plans(JdbcClient jdbc, TenantCatalog tenants, ApplicationEventPublisher events, Clock clock,
            BillingProperties properties) {
        return new JdbcPlans(jdbc, tenants, events, clock, properties.defaultPlan(), properties.defaultTenantPlan(),
                properties.soleWriter() ? null : properties.planCacheTtl());
    }

    @Bean
    SlicedRequestRates requestRates(Plans plans, JdbcClient jdbc, Clock clock, BillingProperties properties) {
        return new SlicedRequestRates(plans, new JdbcRequestBuckets(jdbc), clock,
                properties.rates().slicesPerSecond(), properties.rates().sliceLifetime());
    }

    @Bean
    JdbcUsage usage(JdbcClient jdbc) {
        return new JdbcUsage(jdbc);
    }

    @Bean
    MeteredQuotaRefusals quotaRefusals(MeterRegistry registry) {
        return new MeteredQuotaRefusals(registry);
    }
}
