package dev.quiver.billing.config;

import dev.quiver.billing.invoice.JdbcInvoices;
import dev.quiver.billing.invoice.MonthEndInvoicing;
import dev.quiver.billing.plan.JdbcPlans;
import dev.quiver.billing.plan.MeteredQuotaRefusals;
import dev.quiver.billing.usage.JdbcUsage;
import dev.quiver.tenant.api.TenantCatalog;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Wires billing: the plans with every tenant's limits, usage, invoices and their month-end run, and the count of
 * quota refusals.
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
