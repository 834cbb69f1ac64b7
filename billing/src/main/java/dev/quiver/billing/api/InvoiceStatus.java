package dev.quiver.billing.api;

import java.util.Locale;
import java.util.Optional;

/**
 * Where an invoice is in its life: {@code draft -> issued -> paid}, and {@code draft} or {@code issued} may become
 * {@code void}. Only a draft's lines and total change (when it is generated again); after that only the status does.
 */
public enum InvoiceStatus {
    /** Computed, seen only by operators, replaced when generated again. */
    DRAFT,
    /** Sent to the tenant, who sees it; its lines and total never change again. */
    ISSUED,
    /** Settled. Final. */
    PAID,
    /** Cancelled; the month may be invoiced again. Final. */
    VOID;

    /** The name in JSON and in the database: {@code draft}, {@code issued}, {@code paid} or {@code void}. */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether an invoice with this status may move to {@code next}. */
    public boolean canBecome(InvoiceStatus next) {
        return switch (this) {
            case DRAFT -> next == ISSUED || next == VOID;
            case ISSUED -> next == PAID || next == VOID;
            case PAID, VOID -> false;
        };
    }

    /** The rule {@link #canBecome} applies, as a refusal quotes it. */
    public static String rule() {
        return "an invoice goes draft -> issued -> paid, and a draft or issued invoice may be voided";
    }

    public static Optional<InvoiceStatus> fromKey(String key) {
        for (InvoiceStatus status : values()) {
            if (status.key().equals(key)) {
                return Optional.of(status);
            }
        }
        return Optional.empty();
    }
}
