package dev.quiver.billing.config;

import dev.quiver.billing.api.Plans;
import dev.quiver.billing.invoice.JdbcInvoices;
import dev.quiver.billing.invoice.MonthEndInvoicing;
import dev.quiver.billing.plan.JdbcPlans;
import dev.quiver.billing.plan.MeteredQuotaRefusals;
import dev.quiver.billing.rate.JdbcRequestBuckets;
import dev.quiver.billing.rate.SlicedRequestRates;
import dev.quiver.billing.usage.BufferedReadMetering;
import dev.quiver.billing.usage.JdbcMeteringOutbox;
import dev.quiver.billing.usage.JdbcRollups;
import dev.quiver.billing.usage.JdbcUsage;
import dev.quiver.billing.usage.MeteringTimer;
import dev.quiver.billing.usage.OutboxWriteMetering;
import dev.quiver.billing.usage.StorageSampler;
import dev.quiver.search.api.StorageCounters;
import dev.quiver.tenant.api.TenantCatalog;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Wires billing: the plans with every tenant's limits, the request rates every gateway shares, the count of quota
 * refusals, metering (the outbox, its writers, the roll-up and the usage read back), and invoices with their
 * month-end run.
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
    JdbcInvoices invoices(JdbcClient jdbc, JdbcPlans plans, JdbcUsage usage, ApplicationEventPublisher events,
            Clock clock, BillingProperties properties) {
        return new JdbcInvoices(jdbc, plans, usage, events, clock, properties.defaultPlan());
    }

    @Bean
    MonthEndInvoicing monthEndInvoicing(JdbcInvoices invoices, TenantCatalog tenants, Clock clock,
            BillingProperties properties) {
        return new MonthEndInvoicing(invoices, tenants, clock, properties.invoices().delay(),
                properties.invoices().issue());
    }

    /**
     * Checks for a month's end every {@code check-interval}, the first time one interval after start-up, so that
     * a process that starts and stops at once (a test, a failed deployment) invoices nothing.
     */
    @Bean(destroyMethod = "shutdownNow")
    ScheduledExecutorService invoicingTimer(MonthEndInvoicing monthEnd, BillingProperties properties) {
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "quiver-billing-invoicing");
            thread.setDaemon(true);
            return thread;
        });
        long interval = properties.invoices().checkInterval().toMillis();
        timer.scheduleWithFixedDelay(monthEnd, interval, interval, TimeUnit.MILLISECONDS);
        return timer;
    }

    @Bean
    MeteredQuotaRefusals quotaRefusals(MeterRegistry registry) {
        return new MeteredQuotaRefusals(registry);
    }
}
