package dev.quiver.gateway.security;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Slows down password guessing: after {@code maxFailures} failed log-ins for one e-mail address from one client
 * address within the window, further attempts are refused until the oldest failure leaves the window. The counts
 * live in this process's memory, so each gateway counts on its own and a restart forgets them.
 * TODO(#5): count in PostgreSQL when several gateways serve the console.
 *
 * Thread-safe: each key's failures are changed under the map's per-key lock ({@code compute}).
 */
public final class LoginThrottle {

    /** Above this many tracked keys, stale ones are purged so that a spray of addresses cannot grow the map. */
    private static final int PURGE_THRESHOLD = 10_000;

    private final int maxFailures;
    private final Duration window;
    private final Clock clock;
    private final ConcurrentMap<String, Deque<Instant>> failures = new ConcurrentHashMap<>();

    public LoginThrottle(int maxFailures, Duration window, Clock clock) {
        if (maxFailures <= 0) {
            throw new IllegalArgumentException("maxFailures must be positive: " + maxFailures);
        }
        this.maxFailures = maxFailures;
        this.window = requireNonNull(window, "window is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    /** How long the caller must wait before trying again, or empty when it may try now. */
    public Optional<Duration> retryAfter(String email, String address) {
        Instant now = clock.instant();
        Duration[] wait = new Duration[1];
        failures.computeIfPresent(key(email, address), (key, times) -> {
            expire(times, now);
            if (times.size() >= maxFailures) {
                Duration remaining = Duration.between(now, times.peekFirst().plus(window));
                wait[0] = remaining.isNegative() ? Duration.ZERO : remaining;
            }
            return times.isEmpty() ? null : times;
        });
        return Optional.ofNullable(wait[0]);
    }

    public void failed(String email, String address) {
        Instant now = clock.instant();
        if (failures.size() > PURGE_THRESHOLD) {
            for (String key : failures.keySet()) {
                failures.computeIfPresent(key, (ignored, times) -> expire(times, now).isEmpty() ? null : times);
            }
        }
        failures.compute(key(email, address), (key, times) -> {
            Deque<Instant> recent = times == null ? new ArrayDeque<>() : expire(times, now);
            recent.addLast(now);
            return recent;
        });
    }

    public void succeeded(String email, String address) {
        failures.remove(key(email, address));
    }

    private Deque<Instant> expire(Deque<Instant> times, Instant now) {
        Instant oldest = now.minus(window);
        while (!times.isEmpty() && !times.peekFirst().isAfter(oldest)) {
            times.removeFirst();
        }
        return times;
    }

    private static String key(String email, String address) {
        return email.trim().toLowerCase(Locale.ROOT) + '|' + address;
    }
}
