package dev.quiver.billing.config;

import dev.quiver.billing.plan.JdbcPlans;
import dev.quiver.billing.plan.MeteredQuotaRefusals;
import dev.quiver.billing.usage.BufferedReadMetering;
import dev.quiver.billing.usage.JdbcMeteringOutbox;
import dev.quiver.billing.usage.JdbcRollups;
import dev.quiver.billing.usage.JdbcUsage;
import dev.quiver.billing.usage.MeteringTimer;
import dev.quiver.billing.usage.OutboxWriteMetering;
import dev.quiver.billing.usage.StorageSampler;
import dev.quiver.search.api.StorageCounters;
import io.micrometer.core.instrument.Gauge;
import dev.quiver.tenant.api.TenantCatalog;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Wires billing: the plans with every tenant's limits, the count of quota refusals, and metering (the outbox, its
 * writers, the roll-up and the usage read back).
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(BillingProperties.class)
class BillingConfiguration {

    /** Initialised after the tenant catalogue (a parameter), which creates the default tenant. */
    @Bean(initMethod = "initialize")
    JdbcPlans plans(JdbcClient jdbc, TenantCatalog tenants, ApplicationEventPublisher events, Clock clock,
            BillingProperties properties) {
        return new JdbcPlans(jdbc, tenants, events, clock, properties.defaultPlan(), properties.defaultTenantPlan());
    }

    @Bean
    JdbcUsage usage(JdbcClient jdbc) {
        return new JdbcUsage(jdbc);
    }

    @Bean
    JdbcMeteringOutbox meteringOutbox(JdbcClient jdbc, NamedParameterJdbcTemplate batches,
            TransactionTemplate transactions) {
        return new JdbcMeteringOutbox(jdbc, batches, transactions);
    }

    /** Found by the record store, which calls it inside every write's transaction. */
    @Bean
    OutboxWriteMetering writeMetering(JdbcMeteringOutbox outbox, Clock clock) {
        return new OutboxWriteMetering(outbox, clock);
    }

    @Bean
    BufferedReadMetering readMetering(JdbcMeteringOutbox outbox, Clock clock, MeterRegistry meters) {
        BufferedReadMetering metering = new BufferedReadMetering(outbox, clock);
        Gauge.builder("quiver.billing.metering.pending", metering, BufferedReadMetering::pendingUnits)
                .description("Read units counted in memory and not yet written to the metering outbox")
                .register(meters);
        return metering;
    }

    @Bean
    JdbcRollups rollups(JdbcClient jdbc, MeterRegistry meters) {
        return new JdbcRollups(jdbc, meters);
    }

    @Bean
    StorageSampler storageSampler(StorageCounters counters, JdbcClient jdbc, JdbcMeteringOutbox outbox,
            TransactionTemplate transactions, Clock clock, BillingProperties properties) {
        return new StorageSampler(counters, jdbc, outbox, transactions, clock, properties.storageSampleInterval());
    }

    /** Closed before the beans it runs, and after the web server stopped: its last act flushes the reads. */
    @Bean(destroyMethod = "close")
    MeteringTimer meteringTimer(BufferedReadMetering reads, StorageSampler storage, JdbcRollups rollups,
            BillingProperties properties) {
        return new MeteringTimer(reads, storage, rollups, properties.readFlushInterval(),
                properties.storageSampleInterval(), properties.rollupInterval());
    }

    @Bean
    MeteredQuotaRefusals quotaRefusals(MeterRegistry registry) {
        return new MeteredQuotaRefusals(registry);
    }
}
