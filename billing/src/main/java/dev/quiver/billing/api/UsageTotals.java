package dev.quiver.billing.api;

/**
 * A tenant's metered units over a period.
 *
 * @param readUnits        read units (see {@link Metering})
 * @param writeUnits       write units
 * @param storageByteHours bytes stored multiplied by the hours they were stored
 */
public record UsageTotals(long readUnits, long writeUnits, long storageByteHours) {

    public static final UsageTotals NONE = new UsageTotals(0, 0, 0);
}
