package dev.quiver.ui.web;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** How pages show an instant: in UTC, to the second, so every viewer and the audit log agree. */
final class Times {

    private static final DateTimeFormatter SHOWN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
            .withZone(ZoneOffset.UTC);

    private Times() {
    }

    static String shown(Instant instant) {
        return SHOWN.format(instant);
    }
}
