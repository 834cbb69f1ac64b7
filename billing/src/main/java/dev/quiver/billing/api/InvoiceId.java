package dev.quiver.billing.api;

import static java.util.Objects.requireNonNull;

import java.util.Optional;
import java.util.UUID;

/** An invoice's id. */
public record InvoiceId(UUID value) {

    public InvoiceId {
        requireNonNull(value, "value is null");
    }

    /** The id written exactly as {@link #toString()} writes it, or empty: anything else names no invoice. */
    public static Optional<InvoiceId> parse(String text) {
        try {
            UUID uuid = UUID.fromString(text);
            return uuid.toString().equalsIgnoreCase(text) ? Optional.of(new InvoiceId(uuid)) : Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    @Override
    public String toString() {
        return value.toString();
    }
}
