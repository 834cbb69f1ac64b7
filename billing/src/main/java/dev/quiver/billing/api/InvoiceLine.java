package dev.quiver.billing.api;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

/**
 * One line of an invoice: what was charged for one plan over one part of the month. Money is in minor units of the
 * invoice's currency.
 *
 * @param position    1, 2, ... in the order the invoice lists its lines
 * @param plan        the plan in effect over {@code [periodStart, periodEnd)}
 * @param description the line for people, with the arithmetic's inputs
 * @param quantity    how much is charged, in {@code unit}: hours of the plan for the fee, units beyond the plan's
 *                    prorated allowance for reads, writes and embeddings, byte-hours beyond it for storage
 * @param unit        {@code hours}, {@code read units}, {@code write units}, {@code embedding units} or
 *                    {@code byte-hours}
 * @param unitPrice   the plan's price the amount derives from: per month for the fee, per million units for reads,
 *                    writes and embeddings, per GiB-month for storage
 * @param amount      the charge, rounded half-up to the minor unit once, on this line
 */
public record InvoiceLine(
        int position,
        Kind kind,
        String plan,
        String description,
        Instant periodStart,
        Instant periodEnd,
        long quantity,
        String unit,
        long unitPrice,
        long amount) {

    /** What a line charges for. */
    public enum Kind {
        /** The plan's monthly fee, prorated by the hours the plan was in effect. */
        PLAN_FEE,
        /** Read units beyond the plan's prorated allowance. */
        READ_UNITS,
        /** Write units beyond the plan's prorated allowance. */
        WRITE_UNITS,
        /** Embedding units (texts the server embedded) beyond the plan's prorated allowance. */
        EMBEDDING_UNITS,
        /** Storage beyond the plan's prorated allowance. */
        STORAGE;

        /** The name in JSON and in the database, for example {@code plan_fee}. */
        public String key() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Optional<Kind> fromKey(String key) {
            for (Kind kind : values()) {
                if (kind.key().equals(key)) {
                    return Optional.of(kind);
                }
            }
            return Optional.empty();
        }
    }

    public InvoiceLine {
        requireNonNull(kind, "kind is null");
        requireNonNull(plan, "plan is null");
        requireNonNull(description, "description is null");
        requireNonNull(periodStart, "periodStart is null");
        requireNonNull(periodEnd, "periodEnd is null");
        requireNonNull(unit, "unit is null");
        if (position < 1) {
            throw new IllegalArgumentException("position must be positive: " + position);
        }
        if (!periodEnd.isAfter(periodStart)) {
            throw new IllegalArgumentException("period must not be empty: " + periodStart + " to " + periodEnd);
        }
    }
}
