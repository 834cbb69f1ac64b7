package dev.quiver.billing.api;

import static java.util.Objects.requireNonNull;

import dev.quiver.common.TenantId;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A tenant's invoice for one calendar month (UTC). Money is in minor units of {@code currency}, never floating
 * point; {@code total} is the sum of the lines' amounts.
 *
 * @param tenantName the tenant's name when the invoice was generated (an invoice outlives its tenant)
 * @param month      the month invoiced, {@code [periodStart(), periodEnd())} in UTC
 */
public record Invoice(
        InvoiceId id,
        TenantId tenant,
        String tenantName,
        YearMonth month,
        String currency,
        InvoiceStatus status,
        long total,
        List<InvoiceLine> lines,
        Instant createdAt,
        Instant updatedAt,
        @Nullable Instant issuedAt,
        @Nullable Instant paidAt,
        @Nullable Instant voidedAt) {

    public Invoice {
        requireNonNull(id, "id is null");
        requireNonNull(tenant, "tenant is null");
        requireNonNull(tenantName, "tenantName is null");
        requireNonNull(month, "month is null");
        requireNonNull(currency, "currency is null");
        requireNonNull(status, "status is null");
        requireNonNull(createdAt, "createdAt is null");
        requireNonNull(updatedAt, "updatedAt is null");
        lines = List.copyOf(lines);
        long sum = 0;
        for (InvoiceLine line : lines) {
            sum = Math.addExact(sum, line.amount());
        }
        if (sum != total) {
            throw new IllegalArgumentException("total must be the sum of the lines: " + total + " != " + sum);
        }
    }

    /** The first instant of the month, UTC. */
    public Instant periodStart() {
        return month.atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    }

    /** The first instant after the month, UTC. */
    public Instant periodEnd() {
        return month.plusMonths(1).atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    }
}
