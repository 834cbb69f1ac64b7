package dev.quiver.gateway.web;

import static dev.quiver.common.QuiverException.invalidField;

import dev.quiver.common.ErrorCode;
import dev.quiver.search.api.RecordStore;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Bounded staleness on request: a read that sends {@value #HEADER} (for example {@code 5s}) may be answered by a
 * shard that does not show the newest writes yet, as long as the shard shows everything the collection's log held
 * at some moment no longer ago than that bound; it then answers at once instead of waiting for its applier. Without
 * the header, or with {@code 0}, reads are strong: they include every write acknowledged before the read began.
 * A header rather than a body field, so Chroma's clients can send it unchanged (the chromadb npm client through
 * its {@code fetchOptions.headers}, the Python client through its {@code headers} setting).
 *
 * <p>The value is a whole number and a unit, {@code ms}, {@code s} or {@code m}, at most {@link #MAX} (a larger
 * bound is almost surely a mistake); anything else is a 400 that names the header and the rule.
 */
final class ReadStaleness {

    static final String HEADER = "X-Quiver-Max-Staleness";
    static final Duration MAX = Duration.ofHours(1);
    private static final Pattern VALUE = Pattern.compile("(\\d{1,10})(ms|s|m)");

    private ReadStaleness() {
    }

    /** The store to read with: {@code records} itself for a strong read, else it with the request's bound. */
    static RecordStore apply(RecordStore records, HttpServletRequest request) {
        Duration bound = parse(request.getHeader(HEADER));
        return bound == null ? records : records.withMaxStaleness(bound);
    }

    /** The bound a header value asks for; null for strong reads (no header, or zero). */
    static @Nullable Duration parse(@Nullable String value) {
        if (value == null) {
            return null;
        }
        Matcher matcher = VALUE.matcher(value.strip());
        if (!matcher.matches()) {
            throw refused(value);
        }
        long amount = Long.parseLong(matcher.group(1));
        Duration bound = switch (matcher.group(2)) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            default -> Duration.ofMinutes(amount);
        };
        if (bound.compareTo(MAX) > 0) {
            throw refused(value);
        }
        return bound.isZero() ? null : bound;
    }

    private static RuntimeException refused(String value) {
        return invalidField(ErrorCode.INVALID_ARGUMENT, HEADER, "duration", "Invalid header " + HEADER + ": "
                + value + ": must be a whole number of ms, s or m (such as 500ms, 5s or 2m), at most 1 hour");
    }
}
