package dev.quiver.billing.api;

import java.util.Locale;
import java.util.Optional;

/** The period of one usage roll-up. */
public enum Granularity {
    HOUR,
    DAY;

    /** The name in JSON and in the database: {@code hour} or {@code day}. */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Granularity> fromKey(String key) {
        for (Granularity granularity : values()) {
            if (granularity.key().equals(key)) {
                return Optional.of(granularity);
            }
        }
        return Optional.empty();
    }
}
