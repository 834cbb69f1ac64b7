package dev.quiver.billing.api;

/**
 * A tenant's metered units over a period.
 *
 * @param readUnits        read units (see {@link Metering})
 * @param writeUnits       write units
 * @param storageByteHours bytes stored multiplied by the hours they were stored
 * @param embeddingUnits   texts the server embedded, one unit each
 */
public record UsageTotals(long readUnits, long writeUnits, long storageByteHours, long embeddingUnits) {

    public static final UsageTotals NONE = new UsageTotals(0, 0, 0, 0);

    /** Usage with no embedding units, the shape before the server embedded texts. */
    public UsageTotals(long readUnits, long writeUnits, long storageByteHours) {
        this(readUnits, writeUnits, storageByteHours, 0);
    }
}
