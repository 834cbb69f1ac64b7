package dev.quiver.billing.api;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.UUID;

/**
 * One roll-up: a tenant's units in one collection over one hour or one day (UTC).
 *
 * @param periodStart the start of the hour or day
 */
public record UsageRow(Instant periodStart, UUID database, UUID collection, UsageTotals units) {

    public UsageRow {
        requireNonNull(periodStart, "periodStart is null");
        requireNonNull(database, "database is null");
        requireNonNull(collection, "collection is null");
        requireNonNull(units, "units is null");
    }
}
