package dev.quiver.billing.usage;

import dev.quiver.billing.api.Granularity;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;

/**
 * The unit formulas of {@link dev.quiver.billing.api.Metering}, as plain arithmetic on longs. Stateless.
 */
final class MeteringUnits {

    /** Bytes of one write unit. */
    static final long WRITE_UNIT_BYTES = 1024;

    /** Vector components (candidates times dimension) of one scan read unit: 16 KiB of components. */
    static final long SCAN_UNIT_COMPONENTS = 16384;

    private static final long MILLIS_PER_HOUR = 3_600_000L;

    private MeteringUnits() {
    }

    /** {@code ceil(loggedBytes / 1024)}; a logged batch is never empty, so at least 1. */
    static long writeUnits(long loggedBytes) {
        if (loggedBytes < 0) {
            throw new IllegalArgumentException("loggedBytes must not be negative: " + loggedBytes);
        }
        return Math.max(1, ceilDivide(loggedBytes, WRITE_UNIT_BYTES));
    }

    /**
     * Read units of one answered read: per query vector, {@code ceil(max(nResults, searchEf) * dimension / 16384)}
     * for the candidates its search scans (Lucene's {@code k} is {@code max(nResults, searchEf)}), plus one per
     * record returned; at least 1.
     *
     * @param queries   query vectors searched, 0 for a get or a count
     * @param nResults  neighbours asked per query vector
     * @param searchEf  the collection's {@code searchEf}
     * @param dimension the collection's dimension, 0 before its first vector
     * @param records   records returned, summed over the queries
     */
    static long readUnits(int queries, int nResults, int searchEf, int dimension, long records) {
        if (queries < 0 || nResults < 0 || searchEf < 0 || dimension < 0 || records < 0) {
            throw new IllegalArgumentException("read counts must not be negative: queries=" + queries
                    + " nResults=" + nResults + " searchEf=" + searchEf + " dimension=" + dimension
                    + " records=" + records);
        }
        long scanned = (long) Math.max(nResults, searchEf) * dimension;
        long perQuery = ceilDivide(scanned, SCAN_UNIT_COMPONENTS);
        return Math.max(1, Math.addExact(Math.multiplyExact(perQuery, queries), records));
    }

    /** One embedding unit per text embedded, however long: the model cuts every text at 256 word pieces. */
    static long embeddingUnits(int texts) {
        if (texts < 1) {
            throw new IllegalArgumentException("texts must be positive: " + texts);
        }
        return texts;
    }

    /**
     * {@code floor(bytes * elapsedMillis / 3_600_000)}, exact without overflowing for any stored size and any gap
     * under a century: the floor loses less than one byte-hour per collection per sample.
     */
    static long byteHours(long bytes, long elapsedMillis) {
        if (bytes < 0 || elapsedMillis < 0) {
            throw new IllegalArgumentException("bytes and elapsed time must not be negative: bytes=" + bytes
                    + " elapsedMillis=" + elapsedMillis);
        }
        // bytes = q * H + r, so bytes * t / H = q * t + r * t / H, and r * t < H * t fits for t below a century.
        long whole = bytes / MILLIS_PER_HOUR;
        long remainder = bytes % MILLIS_PER_HOUR;
        return Math.addExact(Math.multiplyExact(whole, elapsedMillis), remainder * elapsedMillis / MILLIS_PER_HOUR);
    }

    /** The start of the UTC hour or day that holds {@code instant}. */
    static Instant periodStart(Instant instant, Granularity granularity) {
        return switch (granularity) {
            case HOUR -> instant.truncatedTo(ChronoUnit.HOURS);
            case DAY -> instant.atOffset(ZoneOffset.UTC).truncatedTo(ChronoUnit.DAYS).toInstant();
        };
    }

    private static long ceilDivide(long dividend, long divisor) {
        return dividend / divisor + (dividend % divisor == 0 ? 0 : 1);
    }
}
