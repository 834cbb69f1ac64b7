package dev.quiver.billing.invoice;

import static java.util.Objects.requireNonNull;

import dev.quiver.billing.api.InvoiceLine;
import dev.quiver.billing.api.Plan;
import dev.quiver.billing.api.UsageTotals;
import dev.quiver.common.ErrorCode;
import dev.quiver.common.QuiverException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiFunction;
import org.jspecify.annotations.Nullable;

/**
 * The arithmetic of an invoice, with no I/O: which plan was in effect in each hour of the month, and what each
 * part of the month costs.
 *
 * <p>The rules:
 * <ol>
 *   <li>The month is split where the plan changes, to the hour: an hour belongs to the plan in effect at its start
 *       (a change at 10:30 takes effect at 11:00). A month has {@code H} hours (744 for October, 720 for
 *       November, 672 or 696 for February); a part of it has {@code h}.
 *   <li>Plan fee: {@code fee * h / H}.
 *   <li>Reads, writes and embeddings: the allowance is prorated the same way, {@code included * h / H} units; the
 *       units used in the part beyond it cost {@code units * price / 1,000,000} (prices are per million units).
 *   <li>Storage: a GiB-month is 2^30 bytes kept for every hour of the invoiced month, {@code 2^30 * H}
 *       byte-hours, so 1 GiB kept all month is 1 GiB-month in any month. The allowance of {@code included}
 *       GiB-months prorated over {@code h} hours is exactly {@code included * 2^30 * h} byte-hours; the byte-hours
 *       beyond it cost {@code byteHours * price / (2^30 * H)}.
 *   <li>Rounding: one rule, half-up, applied once per line: to the minor unit for an amount, to the whole unit
 *       for a prorated read, write or embedding allowance. Everything before it is exact integer arithmetic
 *       ({@link BigInteger}); there is no floating point. The total is the sum of the rounded lines.
 *   <li>A part gets a fee line always, and a read, write, embedding or storage line only when its usage goes
 *       beyond the allowance, in that order.
 * </ol>
 *
 * <p>Stateless and thread-safe.
 */
final class InvoiceCalculator {

    static final BigInteger BYTES_PER_GIB = BigInteger.ONE.shiftLeft(30);
    private static final BigInteger MILLION = BigInteger.valueOf(1_000_000);
    private static final DateTimeFormatter SHOWN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    private InvoiceCalculator() {
    }

    /** A plan held in the history from {@code from} until {@code to}, or until now when {@code to} is null. */
    record Assignment(String plan, Instant from, @Nullable Instant to) {

        Assignment {
            requireNonNull(plan, "plan is null");
            requireNonNull(from, "from is null");
        }

        boolean covers(Instant instant) {
            return !from.isAfter(instant) && (to == null || instant.isBefore(to));
        }
    }

    /** A plan in effect over whole hours {@code [from, to)}. */
    record PlanPeriod(Plan plan, Instant from, Instant to) {

        PlanPeriod {
            requireNonNull(plan, "plan is null");
            if (!to.isAfter(from) || !hourAligned(from) || !hourAligned(to)) {
                throw new IllegalArgumentException("a plan period is whole hours: " + from + " to " + to);
            }
        }

        long hours() {
            return Duration.between(from, to).toHours();
        }
    }

    /** An invoice's lines and their total, in the one currency of its plans. */
    record Computed(String currency, List<InvoiceLine> lines, long total) {
    }

    /** The hours of a month, UTC. */
    static long hours(YearMonth month) {
        return Duration.between(start(month), start(month.plusMonths(1))).toHours();
    }

    static Instant start(YearMonth month) {
        return month.atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    }

    static boolean hourAligned(Instant instant) {
        return instant.truncatedTo(ChronoUnit.HOURS).equals(instant);
    }

    /**
     * Splits {@code [from, to)} (whole hours) into the plans in effect, by the plan in effect at the start of each
     * hour: the assignment covering that instant, or {@code defaultPlan} when none does.
     *
     * @param plans every plan by name; the history names only existing plans (a foreign key)
     */
    static List<PlanPeriod> periods(Instant from, Instant to, List<Assignment> history, Map<String, Plan> plans,
            String defaultPlan) {
        if (!hourAligned(from) || !hourAligned(to)) {
            throw new IllegalArgumentException("periods are whole hours: " + from + " to " + to);
        }
        List<PlanPeriod> periods = new ArrayList<>();
        String current = null;
        Instant start = from;
        for (Instant hour = from; hour.isBefore(to); hour = hour.plus(1, ChronoUnit.HOURS)) {
            String plan = planAt(history, hour, defaultPlan);
            if (current != null && !plan.equals(current)) {
                periods.add(new PlanPeriod(plan(plans, current), start, hour));
                start = hour;
            }
            current = plan;
        }
        if (current != null) {
            periods.add(new PlanPeriod(plan(plans, current), start, to));
        }
        return periods;
    }

    private static String planAt(List<Assignment> history, Instant instant, String defaultPlan) {
        Assignment latest = null;
        for (Assignment assignment : history) {
            if (assignment.covers(instant) && (latest == null || assignment.from().isAfter(latest.from()))) {
                latest = assignment;
            }
        }
        return latest == null ? defaultPlan : latest.plan();
    }

    private static Plan plan(Map<String, Plan> plans, String name) {
        Plan plan = plans.get(name);
        if (plan == null) {
            throw new IllegalStateException("the plan history names an unknown plan: " + name);
        }
        return plan;
    }

    /**
     * Prices the periods of one month.
     *
     * @param usage the tenant's units over {@code [from, to)}
     */
    static Computed compute(YearMonth month, List<PlanPeriod> periods,
            BiFunction<Instant, Instant, UsageTotals> usage) {
        if (periods.isEmpty()) {
            throw new IllegalArgumentException("an invoice needs at least one plan period: " + month);
        }
        String currency = currency(month, periods);
        long monthHours = hours(month);
        List<InvoiceLine> lines = new ArrayList<>();
        long total = 0;
        for (PlanPeriod period : periods) {
            Plan plan = period.plan();
            long hours = period.hours();
            String share = number(hours) + " of " + number(monthHours) + " hours, " + shown(period.from()) + " to "
                    + shown(period.to()) + " UTC";
            UsageTotals used = usage.apply(period.from(), period.to());

            long fee = halfUp(BigInteger.valueOf(plan.monthlyFee()).multiply(BigInteger.valueOf(hours)),
                    BigInteger.valueOf(monthHours));
            lines.add(new InvoiceLine(lines.size() + 1, InvoiceLine.Kind.PLAN_FEE, plan.name(),
                    "Plan " + plan.name() + ", " + share, period.from(), period.to(), hours, "hours",
                    plan.monthlyFee(), fee));

            units(lines, InvoiceLine.Kind.READ_UNITS, "read units", period, monthHours, share, used.readUnits(),
                    plan.includedReadUnits(), plan.readUnitPrice());
            units(lines, InvoiceLine.Kind.WRITE_UNITS, "write units", period, monthHours, share, used.writeUnits(),
                    plan.includedWriteUnits(), plan.writeUnitPrice());
            units(lines, InvoiceLine.Kind.EMBEDDING_UNITS, "embedding units", period, monthHours, share,
                    used.embeddingUnits(), plan.includedEmbeddingUnits(), plan.embeddingUnitPrice());
            storage(lines, period, monthHours, share, used.storageByteHours());
        }
        for (InvoiceLine line : lines) {
            total = Math.addExact(total, line.amount());
        }
        return new Computed(currency, lines, total);
    }

    private static void units(List<InvoiceLine> lines, InvoiceLine.Kind kind, String unit, PlanPeriod period,
            long monthHours, String share, long used, long included, long pricePerMillion) {
        long allowance = halfUp(BigInteger.valueOf(included).multiply(BigInteger.valueOf(period.hours())),
                BigInteger.valueOf(monthHours));
        long beyond = used - allowance;
        if (beyond <= 0) {
            return;
        }
        long amount = halfUp(BigInteger.valueOf(beyond).multiply(BigInteger.valueOf(pricePerMillion)), MILLION);
        String plan = period.plan().name();
        lines.add(new InvoiceLine(lines.size() + 1, kind, plan,
                capitalized(unit) + " beyond plan " + plan + ": " + number(used) + " used, " + number(allowance)
                        + " included (" + number(included) + " a month over " + share + ")",
                period.from(), period.to(), beyond, unit, pricePerMillion, amount));
    }

    private static void storage(List<InvoiceLine> lines, PlanPeriod period, long monthHours, String share,
            long usedByteHours) {
        Plan plan = period.plan();
        BigInteger allowance = BigInteger.valueOf(plan.includedStorageGibMonths()).multiply(BYTES_PER_GIB)
                .multiply(BigInteger.valueOf(period.hours()));
        BigInteger beyond = BigInteger.valueOf(usedByteHours).subtract(allowance);
        if (beyond.signum() <= 0) {
            return;
        }
        BigInteger gibMonth = BYTES_PER_GIB.multiply(BigInteger.valueOf(monthHours));
        long amount = halfUp(beyond.multiply(BigInteger.valueOf(plan.storageGibMonthPrice())), gibMonth);
        lines.add(new InvoiceLine(lines.size() + 1, InvoiceLine.Kind.STORAGE, plan.name(),
                "Storage beyond plan " + plan.name() + ": " + gibMonths(BigInteger.valueOf(usedByteHours), gibMonth)
                        + " GiB-months used, " + gibMonths(allowance, gibMonth) + " included ("
                        + number(plan.includedStorageGibMonths()) + " a month over " + share + ")",
                period.from(), period.to(), beyond.longValueExact(), "byte-hours", plan.storageGibMonthPrice(),
                amount));
    }

    private static String currency(YearMonth month, List<PlanPeriod> periods) {
        Map<String, String> currencies = new LinkedHashMap<>();
        for (PlanPeriod period : periods) {
            currencies.put(period.plan().name(), period.plan().currency());
        }
        if (currencies.values().stream().distinct().count() > 1) {
            throw new QuiverException(ErrorCode.CONFLICT, "The tenant's plans in " + month + " are in different "
                    + "currencies " + currencies + "; an invoice has one currency, so invoice this month by hand");
        }
        return periods.getFirst().plan().currency();
    }

    /** {@code numerator / denominator} rounded half-up to a whole number; both are not negative. */
    static long halfUp(BigInteger numerator, BigInteger denominator) {
        return new BigDecimal(numerator).divide(new BigDecimal(denominator), 0, RoundingMode.HALF_UP)
                .longValueExact();
    }

    /** Byte-hours as GiB-months for people, to three decimals (shown only; amounts use the exact byte-hours). */
    private static String gibMonths(BigInteger byteHours, BigInteger gibMonth) {
        return new BigDecimal(byteHours).divide(new BigDecimal(gibMonth), 3, RoundingMode.HALF_UP).toPlainString();
    }

    private static String number(long value) {
        return String.format(Locale.ROOT, "%,d", value);
    }

    private static String shown(Instant instant) {
        return SHOWN.format(instant);
    }

    private static String capitalized(String text) {
        return Character.toUpperCase(text.charAt(0)) + text.substring(1);
    }
}
