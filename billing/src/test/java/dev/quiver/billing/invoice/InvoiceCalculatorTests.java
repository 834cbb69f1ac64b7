package dev.quiver.billing.invoice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.quiver.billing.api.InvoiceLine;
import dev.quiver.billing.api.InvoiceLine.Kind;
import dev.quiver.billing.api.Plan;
import dev.quiver.billing.api.Quota;
import dev.quiver.billing.api.UsageTotals;
import dev.quiver.billing.invoice.InvoiceCalculator.Assignment;
import dev.quiver.billing.invoice.InvoiceCalculator.Computed;
import dev.quiver.billing.invoice.InvoiceCalculator.PlanPeriod;
import dev.quiver.common.ErrorCode;
import dev.quiver.common.QuiverException;
import java.math.BigInteger;
import java.time.Instant;
import java.time.YearMonth;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * October 2026 (31 days, 744 hours) for a tenant on {@code free} that an operator puts on {@code pro} at
 * 2026-10-11T09:30Z, with the seeded plans' prices and allowances. Every expected amount is worked out by hand
 * below; the server's InvoiceIT checks the same month end to end.
 */
class InvoiceCalculatorTests {

    private static final long GIB = 1L << 30;
    private static final YearMonth OCTOBER = YearMonth.of(2026, 10);

    /** Fee 0; includes 10,000,000 read units, 5,000,000 write units, 5 GiB-months; prices 0. */
    private static final Plan FREE = plan("free", 0, "USD", 0, 0, 0, 10_000_000, 5_000_000, 5);
    /**
     * Fee 25,000 (250.00 USD); 900 per million read units, 250 per million write units, 33 per GiB-month; includes
     * 100,000,000 read units, 50,000,000 write units, 50 GiB-months.
     */
    private static final Plan PRO = plan("pro", 25_000, "USD", 900, 250, 33, 100_000_000, 50_000_000, 50);

    private static final Instant OCTOBER_START = Instant.parse("2026-10-01T00:00:00Z");
    private static final Instant NOVEMBER_START = Instant.parse("2026-11-01T00:00:00Z");
    private static final Instant CHANGED = Instant.parse("2026-10-11T09:30:00Z");
    /** The change takes effect with the first hour that starts after it. */
    private static final Instant SPLIT = Instant.parse("2026-10-11T10:00:00Z");

    /** Hourly roll-ups: the hour's start and its units. */
    private record Hour(Instant start, UsageTotals units) {
    }

    private static final List<Hour> USAGE = List.of(
            // free's part, [Oct 1 00:00, Oct 11 10:00): 3,000,000 + 1,000,000 = 4,000,000 read units (the 09:00
            // hour is free's, as the plan at its start was free), 1,000,000 write units, 2 GiB for 250 hours.
            new Hour(Instant.parse("2026-10-05T12:00:00Z"), new UsageTotals(3_000_000, 1_000_000, 2 * GIB * 250)),
            new Hour(Instant.parse("2026-10-11T09:00:00Z"), new UsageTotals(1_000_000, 0, 0)),
            // pro's part, [Oct 11 10:00, Nov 1 00:00): 100,000,000 + 50,000,000 = 150,000,000 read units,
            // 40,000,925 write units, 80 GiB for 494 hours.
            new Hour(SPLIT, new UsageTotals(100_000_000, 40_000_925, 80 * GIB * 494)),
            new Hour(Instant.parse("2026-10-31T23:00:00Z"), new UsageTotals(50_000_000, 0, 0)),
            // Outside the month: never counted.
            new Hour(Instant.parse("2026-09-30T23:00:00Z"), new UsageTotals(999_999_999, 999_999_999, 0)),
            new Hour(NOVEMBER_START, new UsageTotals(999_999_999, 999_999_999, 0)));

    @Test
    void splitsTheMonthAtTheFirstWholeHourOnTheNewPlan() {
        List<PlanPeriod> periods = octoberPeriods();

        // Oct 1 00:00 to Oct 11 10:00 is 10 days and 10 hours = 250 hours; the other 744 - 250 = 494 are pro's.
        assertThat(periods).containsExactly(new PlanPeriod(FREE, OCTOBER_START, SPLIT),
                new PlanPeriod(PRO, SPLIT, NOVEMBER_START));
        assertThat(periods).extracting(PlanPeriod::hours).containsExactly(250L, 494L);
    }

    @Test
    void pricesAMonthWithAPlanChangeAndOverageAsWorkedOutByHand() {
        Computed computed = InvoiceCalculator.compute(OCTOBER, octoberPeriods(), InvoiceCalculatorTests::usage);

        assertThat(computed.currency()).isEqualTo("USD");
        assertThat(computed.lines()).extracting(InvoiceLine::position, InvoiceLine::kind, InvoiceLine::plan,
                InvoiceLine::quantity, InvoiceLine::unitPrice, InvoiceLine::amount).containsExactly(
                // free, 250 hours: fee 0 * 250 / 744 = 0.
                tuple(1, Kind.PLAN_FEE, "free", 250L, 0L, 0L),
                // Reads: allowance 10,000,000 * 250 / 744 = 3,360,215.05 -> 3,360,215; used 4,000,000, so
                // 639,785 beyond, at 0 per million = 0. Writes: allowance 5,000,000 * 250 / 744 = 1,680,107.53
                // -> 1,680,108 > 1,000,000 used: no line. Storage: 2 GiB * 250 h is under 5 GiB * 250 h: no line.
                tuple(2, Kind.READ_UNITS, "free", 639_785L, 0L, 0L),
                // pro, 494 hours: fee 25,000 * 494 / 744 = 12,350,000 / 744 = 16,599.46 -> 16,599.
                tuple(3, Kind.PLAN_FEE, "pro", 494L, 25_000L, 16_599L),
                // Reads: allowance 100,000,000 * 494 / 744 = 66,397,849.46 -> 66,397,849; 150,000,000 used, so
                // 83,602,151 beyond; 83,602,151 * 900 / 1,000,000 = 75,241.9359 -> 75,242.
                tuple(4, Kind.READ_UNITS, "pro", 83_602_151L, 900L, 75_242L),
                // Writes: allowance 50,000,000 * 494 / 744 = 33,198,924.73 -> 33,198,925; 40,000,925 used, so
                // 6,802,000 beyond; 6,802,000 * 250 / 1,000,000 = 1,700.5 exactly -> half-up 1,701.
                tuple(5, Kind.WRITE_UNITS, "pro", 6_802_000L, 250L, 1_701L),
                // Storage: allowance 50 GiB-months over 494 hours = 50 * 2^30 * 494 byte-hours; used 80 * 2^30 *
                // 494, so 30 * 494 = 14,820 GiB-hours beyond = 15,912,853,831,680 byte-hours. A GiB-month of
                // October is 2^30 * 744 byte-hours: 14,820 * 33 / 744 = 489,060 / 744 = 657.34 -> 657.
                tuple(6, Kind.STORAGE, "pro", 30 * GIB * 494, 33L, 657L));
        // 0 + 0 + 16,599 + 75,242 + 1,701 + 657 = 94,199, that is 941.99 USD.
        assertThat(computed.total()).isEqualTo(94_199);
        assertThat(computed.lines().get(3).description()).contains("150,000,000 used", "66,397,849 included",
                "494 of 744 hours");
        // 80 GiB for 494 of 744 hours is 80 * 494 / 744 = 53.118 GiB-months; 50 * 494 / 744 = 33.199 included.
        assertThat(computed.lines().get(5).description()).contains("53.118 GiB-months used", "33.199 included");
    }

    @Test
    void aTenantWithNoHistoryIsOnTheDefaultPlanAllMonthAndAChangeBackToItSplitsAgain() {
        assertThat(InvoiceCalculator.periods(OCTOBER_START, NOVEMBER_START, List.of(), plans(), "free"))
                .containsExactly(new PlanPeriod(FREE, OCTOBER_START, NOVEMBER_START));

        // Pro from 09:30 to 12:10 on Oct 11: pro holds at the starts of 10:00, 11:00 and 12:00.
        List<PlanPeriod> periods = InvoiceCalculator.periods(OCTOBER_START, NOVEMBER_START,
                List.of(new Assignment("pro", CHANGED, Instant.parse("2026-10-11T12:10:00Z")),
                        new Assignment("free", Instant.parse("2026-10-11T12:10:00Z"), null)),
                plans(), "free");
        assertThat(periods).extracting(PlanPeriod::hours).containsExactly(250L, 3L, 491L);
    }

    @Test
    void aChangeInsideOneHourLeavesThatHourToThePlanAtItsStart() {
        // On pro for 20 minutes only, inside the 09:00 hour: no hour starts on pro, so the month is all free.
        List<PlanPeriod> periods = InvoiceCalculator.periods(OCTOBER_START, NOVEMBER_START,
                List.of(new Assignment("pro", CHANGED, Instant.parse("2026-10-11T09:50:00Z")),
                        new Assignment("free", Instant.parse("2026-10-11T09:50:00Z"), null)),
                plans(), "free");
        assertThat(periods).containsExactly(new PlanPeriod(FREE, OCTOBER_START, NOVEMBER_START));
    }

    @Test
    void aPlanWithNoUsageBeyondItsAllowanceChargesTheProratedFeeOnly() {
        // February 2027 has 672 hours; pro for the last 336: 25,000 * 336 / 672 = 12,500 exactly.
        Instant middle = Instant.parse("2027-02-15T00:00:00Z");
        Computed computed = InvoiceCalculator.compute(YearMonth.of(2027, 2),
                List.of(new PlanPeriod(PRO, middle, Instant.parse("2027-03-01T00:00:00Z"))),
                (from, to) -> new UsageTotals(1, 1, 1));

        assertThat(computed.lines()).singleElement().satisfies(line -> {
            assertThat(line.kind()).isEqualTo(Kind.PLAN_FEE);
            assertThat(line.amount()).isEqualTo(12_500);
        });
        assertThat(computed.total()).isEqualTo(12_500);
    }

    @Test
    void embeddingUnitsBeyondTheProratedAllowanceAreALineOfTheirOwnPricedPerMillion() {
        // pro with the seeded embedding price: 200 per million embedding units, 1,000,000 included a month.
        Plan withEmbeddings = new Plan("pro", 25_000, "USD", 900, 250, 33, 100_000_000, 50_000_000, 50, 200,
                1_000_000, PRO.limits());
        // On it for pro's 494 of October's 744 hours, embedding 2,000,000 texts and nothing else.
        Computed computed = InvoiceCalculator.compute(OCTOBER,
                List.of(new PlanPeriod(withEmbeddings, SPLIT, NOVEMBER_START)),
                (from, to) -> new UsageTotals(0, 0, 0, 2_000_000));

        // Fee: 25,000 * 494 / 744 = 16,598.92 -> 16,599.
        // Allowance: 1,000,000 * 494 / 744 = 663,978.49 -> 663,978; beyond: 2,000,000 - 663,978 = 1,336,022;
        // amount: 1,336,022 * 200 / 1,000,000 = 267.20 -> 267.
        assertThat(computed.lines()).extracting(InvoiceLine::kind, InvoiceLine::quantity, InvoiceLine::unit,
                InvoiceLine::unitPrice, InvoiceLine::amount).containsExactly(
                        tuple(Kind.PLAN_FEE, 494L, "hours", 25_000L, 16_599L),
                        tuple(Kind.EMBEDDING_UNITS, 1_336_022L, "embedding units", 200L, 267L));
        assertThat(computed.lines().get(1).description()).isEqualTo("Embedding units beyond plan pro: 2,000,000 "
                + "used, 663,978 included (1,000,000 a month over 494 of 744 hours, 2026-10-11 10:00 to 2026-11-01 "
                + "00:00 UTC)");
        assertThat(computed.total()).isEqualTo(16_599 + 267);
    }

    @Test
    void embeddingUnitsWithinTheAllowanceAddNoLine() {
        Plan withEmbeddings = new Plan("pro", 25_000, "USD", 900, 250, 33, 100_000_000, 50_000_000, 50, 200,
                1_000_000, PRO.limits());
        // The whole month's allowance is exactly 1,000,000: using all of it charges nothing beyond the fee.
        Computed computed = InvoiceCalculator.compute(OCTOBER,
                List.of(new PlanPeriod(withEmbeddings, OCTOBER_START, NOVEMBER_START)),
                (from, to) -> new UsageTotals(0, 0, 0, 1_000_000));

        assertThat(computed.lines()).extracting(InvoiceLine::kind).containsExactly(Kind.PLAN_FEE);
        assertThat(computed.total()).isEqualTo(25_000);
    }

    @Test
    void refusesPlansInDifferentCurrenciesInOneMonth() {
        Plan euro = plan("euro", 100, "EUR", 0, 0, 0, 0, 0, 0);
        List<PlanPeriod> periods = List.of(new PlanPeriod(FREE, OCTOBER_START, SPLIT),
                new PlanPeriod(euro, SPLIT, NOVEMBER_START));

        assertThatThrownBy(() -> InvoiceCalculator.compute(OCTOBER, periods, (from, to) -> UsageTotals.NONE))
                .isInstanceOfSatisfying(QuiverException.class, refusal -> {
                    assertThat(refusal.code()).isEqualTo(ErrorCode.CONFLICT);
                    assertThat(refusal.getMessage()).contains("different currencies", "free=USD", "euro=EUR");
                });
    }

    @Test
    void roundsHalfUpToTheWholeUnit() {
        assertThat(InvoiceCalculator.halfUp(BigInteger.valueOf(5), BigInteger.TWO))
                .isEqualTo(3);
        assertThat(InvoiceCalculator.halfUp(BigInteger.valueOf(7), BigInteger.valueOf(4)))
                .isEqualTo(2);
        assertThat(InvoiceCalculator.halfUp(BigInteger.valueOf(5), BigInteger.valueOf(4)))
                .isEqualTo(1);
    }

    private static List<PlanPeriod> octoberPeriods() {
        return InvoiceCalculator.periods(OCTOBER_START, NOVEMBER_START, List.of(new Assignment("pro", CHANGED,
                null)), plans(), "free");
    }

    private static Map<String, Plan> plans() {
        return Map.of("free", FREE, "pro", PRO);
    }

    /** Sums the hourly roll-ups that start in {@code [from, to)}, as the usage API does. */
    private static UsageTotals usage(Instant from, Instant to) {
        long reads = 0;
        long writes = 0;
        long byteHours = 0;
        for (Hour hour : USAGE) {
            if (!hour.start().isBefore(from) && hour.start().isBefore(to)) {
                reads += hour.units().readUnits();
                writes += hour.units().writeUnits();
                byteHours += hour.units().storageByteHours();
            }
        }
        return new UsageTotals(reads, writes, byteHours);
    }

    private static Plan plan(String name, long fee, String currency, long readPrice, long writePrice,
            long storagePrice, long includedReads, long includedWrites, long includedGibMonths) {
        Map<Quota, Long> limits = new EnumMap<>(Quota.class);
        for (Quota quota : Quota.values()) {
            limits.put(quota, 1L);
        }
        return new Plan(name, fee, currency, readPrice, writePrice, storagePrice, includedReads, includedWrites,
                includedGibMonths, limits);
    }
}
