package dev.quiver.billing.usage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import dev.quiver.billing.api.Granularity;
import java.math.BigInteger;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class MeteringUnitsTests {

    @Test
    void writeUnitsRoundLoggedBytesUpToWholeKibibytes() {
        assertThat(MeteringUnits.writeUnits(1)).isEqualTo(1);
        assertThat(MeteringUnits.writeUnits(1024)).isEqualTo(1);
        assertThat(MeteringUnits.writeUnits(1025)).isEqualTo(2);
        assertThat(MeteringUnits.writeUnits(10 * 1024)).isEqualTo(10);
    }

    @Test
    void anEmptyLogEntryStillCostsOneWriteUnit() {
        assertThat(MeteringUnits.writeUnits(0)).isEqualTo(1);
    }

    @Test
    void queryCostsTheCandidatesItScansPerVectorPlusTheRecordsItReturns() {
        // searchEf 100 x dimension 384 = 38,400 components: ceil(38,400 / 16,384) = 3 per vector.
        assertThat(MeteringUnits.readUnits(1, 10, 100, 384, 10)).isEqualTo(3 + 10);
        assertThat(MeteringUnits.readUnits(2, 10, 100, 384, 20)).isEqualTo(2 * 3 + 20);
        // Exactly one unit's worth of components: 16 x 1024.
        assertThat(MeteringUnits.readUnits(1, 5, 16, 1024, 5)).isEqualTo(1 + 5);
    }

    @Test
    void queryAskingMoreNeighboursThanSearchEfScansThatMany() {
        // Lucene's k is max(n_results, searchEf): 1,000 x 64 = 64,000 components, ceil(64,000 / 16,384) = 4.
        assertThat(MeteringUnits.readUnits(1, 1000, 100, 64, 1000)).isEqualTo(4 + 1000);
    }

    @Test
    void getCostsItsRecordsAndCountAndEmptyReadsCostOne() {
        assertThat(MeteringUnits.readUnits(0, 0, 0, 384, 7)).isEqualTo(7);
        assertThat(MeteringUnits.readUnits(0, 0, 0, 384, 0)).isEqualTo(1);
        // A query on a collection that never had a vector scans nothing.
        assertThat(MeteringUnits.readUnits(1, 10, 100, 0, 0)).isEqualTo(1);
    }

    @Test
    void embeddingCostsOneUnitPerTextWhateverItsLength() {
        assertThat(MeteringUnits.embeddingUnits(1)).isEqualTo(1);
        assertThat(MeteringUnits.embeddingUnits(250)).isEqualTo(250);
        assertThatIllegalArgumentException().isThrownBy(() -> MeteringUnits.embeddingUnits(0))
                .withMessageContaining("0");
    }

    @Test
    void rejectsNegativeCounts() {
        assertThatIllegalArgumentException().isThrownBy(() -> MeteringUnits.readUnits(-1, 1, 1, 1, 1))
                .withMessageContaining("queries=-1");
        assertThatIllegalArgumentException().isThrownBy(() -> MeteringUnits.writeUnits(-5))
                .withMessageContaining("-5");
    }

    @Test
    void byteHoursAreBytesTimesHoursRoundedDown() {
        assertThat(MeteringUnits.byteHours(1000, 3_600_000)).isEqualTo(1000);
        assertThat(MeteringUnits.byteHours(1000, 300_000)).isEqualTo(83); // 83.33...
        assertThat(MeteringUnits.byteHours(3, 1_199_999)).isZero(); // 0.99999...
        assertThat(MeteringUnits.byteHours(3, 1_200_000)).isEqualTo(1);
        assertThat(MeteringUnits.byteHours(0, 3_600_000)).isZero();
    }

    @Test
    void byteHoursStayExactWhereTheNaiveProductWouldOverflow() {
        long tebibytes = 1L << 40;
        long year = 365L * 24 * 3_600_000;
        // 2^40 x 3.15e10 overflows a long; the exact answer is 2^40 x 8,760 hours.
        assertThat(MeteringUnits.byteHours(tebibytes, year)).isEqualTo(tebibytes * 8760);
        long odd = tebibytes + 1_234_567;
        assertThat(MeteringUnits.byteHours(odd, 5_400_000))
                .isEqualTo(BigInteger.valueOf(odd).multiply(BigInteger.valueOf(5_400_000))
                        .divide(BigInteger.valueOf(3_600_000)).longValueExact());
    }

    @Test
    void periodsAlignToUtcHoursAndDays() {
        Instant instant = Instant.parse("2026-11-26T23:59:59.999Z");
        assertThat(MeteringUnits.periodStart(instant, Granularity.HOUR)).isEqualTo("2026-11-26T23:00:00Z");
        assertThat(MeteringUnits.periodStart(instant, Granularity.DAY)).isEqualTo("2026-11-26T00:00:00Z");
        Instant midnight = Instant.parse("2026-11-27T00:00:00Z");
        assertThat(MeteringUnits.periodStart(midnight, Granularity.HOUR)).isEqualTo(midnight);
        assertThat(MeteringUnits.periodStart(midnight, Granularity.DAY)).isEqualTo(midnight);
    }
}
