package dev.quiver.billing.api;

import dev.quiver.common.TenantId;
import java.time.Instant;
import java.util.List;

/**
 * A tenant's rolled-up usage. Periods are half-open {@code [from, to)} and aligned to UTC hours; what the outbox
 * holds but has not rolled up yet is not included. Thread-safe.
 */
public interface Usage {

    /** The roll-ups of the tenant whose period starts in {@code [from, to)}, ordered by period, then collection. */
    List<UsageRow> rows(TenantId tenant, Instant from, Instant to, Granularity granularity);

    /** The tenant's units summed over {@code [from, to)}, from the hourly roll-ups. */
    UsageTotals totals(TenantId tenant, Instant from, Instant to);
}
