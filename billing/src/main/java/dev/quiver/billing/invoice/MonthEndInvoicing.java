package dev.quiver.billing.invoice;

import static java.util.Objects.requireNonNull;

import dev.quiver.billing.api.Invoice;
import dev.quiver.tenant.api.TenantCatalog;
import dev.quiver.tenant.api.TenantView;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The month-end run: checked periodically (hourly by default), it invoices the month that ended for every tenant
 * that has no invoice for it yet, once the month has been over for {@code delay} (so that the last hours' usage is
 * rolled up first).
 *
 * <p>It is idempotent and safe to run in several gateways at once: a tenant whose month has an invoice in any state
 * is skipped, and the unique index on a month's live invoice lets only one insert win. Issued at once when
 * {@code issue} is set, as a hosted service does (the tenant sees its bill on the first day); otherwise drafts
 * wait for an operator to issue them. A failure for one tenant is logged and the others are still invoiced; the
 * next check tries that tenant again.
 *
 * <p>Thread-safe; meant to run on one scheduler thread.
 */
public final class MonthEndInvoicing implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(MonthEndInvoicing.class);

    private final JdbcInvoices invoices;
    private final TenantCatalog tenants;
    private final Clock clock;
    private final Duration delay;
    private final boolean issue;

    public MonthEndInvoicing(JdbcInvoices invoices, TenantCatalog tenants, Clock clock, Duration delay,
            boolean issue) {
        this.invoices = requireNonNull(invoices, "invoices is null");
        this.tenants = requireNonNull(tenants, "tenants is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.delay = requireNonNull(delay, "delay is null");
        this.issue = issue;
    }

    @Override
    public void run() {
        try {
            invoiceEndedMonth();
        } catch (RuntimeException e) {
            // A scheduled task that throws is never run again; log and let the next check retry.
            log.warn("Month-end invoicing failed; the next check retries", e);
        }
    }

    /** Invoices the month that ended last, if its delay is over; returns how many invoices were made. */
    int invoiceEndedMonth() {
        Instant now = clock.instant();
        YearMonth month = YearMonth.from(now.minus(delay).atOffset(ZoneOffset.UTC)).minusMonths(1);
        int made = 0;
        for (TenantView tenant : tenants.listTenants()) {
            try {
                Optional<Invoice> invoice = invoices.generateAtMonthEnd(tenant, month, issue);
                if (invoice.isPresent()) {
                    made++;
                }
            } catch (RuntimeException e) {
                log.warn("Could not invoice tenant {} ({}) for {}; the next check retries", tenant.name(),
                        tenant.id(), month, e);
            }
        }
        if (made > 0) {
            log.info("Month-end invoicing made {} {} invoices for {}", made, issue ? "issued" : "draft", month);
        }
        return made;
    }
}
