package dev.quiver.billing.api;

import static java.util.Objects.requireNonNull;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/**
 * A plan: its price, the usage its fee includes, and its quotas. Money is a {@code long} count of the currency's
 * minor units (cents), never a floating-point number. The operator-facing rules (name form, non-negative amounts,
 * currency code) are checked by {@link Plans#save}, which names the refused field; this record checks only what a
 * programming error breaks.
 *
 * @param name                    the plan's name, lower case, for example {@code pro}
 * @param monthlyFee              the fee per month, in minor units of {@code currency}
 * @param currency                an ISO 4217 code, for example {@code USD}
 * @param readUnitPrice           the price of one million read units, in minor units
 * @param writeUnitPrice          the price of one million write units, in minor units
 * @param storageGibMonthPrice    the price of storing one GiB for one month, in minor units
 * @param includedReadUnits       the read units the monthly fee includes; invoices charge only those beyond
 * @param includedWriteUnits      the write units the monthly fee includes
 * @param includedStorageGibMonths the GiB-months of storage the monthly fee includes; a GiB-month is 2^30 bytes
 *                                kept for every hour of the month
 * @param embeddingUnitPrice      the price of one million embedding units (texts the server embeds), in minor units
 * @param includedEmbeddingUnits  the embedding units the monthly fee includes
 * @param limits                  every quota's limit, one entry per {@link Quota}
 */
public record Plan(
        String name,
        long monthlyFee,
        String currency,
        long readUnitPrice,
        long writeUnitPrice,
        long storageGibMonthPrice,
        long includedReadUnits,
        long includedWriteUnits,
        long includedStorageGibMonths,
        long embeddingUnitPrice,
        long includedEmbeddingUnits,
        Map<Quota, Long> limits) {

    public Plan {
        requireNonNull(name, "name is null");
        requireNonNull(currency, "currency is null");
        requireNonNull(limits, "limits is null");
        EnumMap<Quota, Long> copy = new EnumMap<>(Quota.class);
        copy.putAll(limits);
        if (copy.size() != Quota.values().length) {
            throw new IllegalArgumentException("limits must name every quota: " + copy.keySet());
        }
        limits = Collections.unmodifiableMap(copy);
    }

    /** A plan that neither prices nor includes embedding units, the shape before the server embedded texts. */
    public Plan(String name, long monthlyFee, String currency, long readUnitPrice, long writeUnitPrice,
            long storageGibMonthPrice, long includedReadUnits, long includedWriteUnits, long includedStorageGibMonths,
            Map<Quota, Long> limits) {
        this(name, monthlyFee, currency, readUnitPrice, writeUnitPrice, storageGibMonthPrice, includedReadUnits,
                includedWriteUnits, includedStorageGibMonths, 0, 0, limits);
    }

    /** The limit of one quota. */
    public long limit(Quota quota) {
        return limits.get(quota);
    }
}
