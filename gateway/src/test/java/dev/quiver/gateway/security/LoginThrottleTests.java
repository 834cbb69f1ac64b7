package dev.quiver.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class LoginThrottleTests {

    private final MovableClock clock = new MovableClock();
    private final LoginThrottle throttle = new LoginThrottle(3, Duration.ofMinutes(15), clock);

    @Test
    void allowsAttemptsBelowTheLimit() {
        throttle.failed("a@example.com", "10.0.0.1");
        throttle.failed("a@example.com", "10.0.0.1");

        assertThat(throttle.retryAfter("a@example.com", "10.0.0.1")).isEmpty();
    }

    @Test
    void whenLimitIsReachedThenRefusesUntilTheOldestFailureLeavesTheWindow() {
        throttle.failed("a@example.com", "10.0.0.1");
        clock.advance(Duration.ofMinutes(5));
        throttle.failed("A@Example.com", "10.0.0.1");
        throttle.failed("a@example.com", "10.0.0.1");

        assertThat(throttle.retryAfter("a@example.com", "10.0.0.1")).contains(Duration.ofMinutes(10));
        clock.advance(Duration.ofMinutes(10));
        assertThat(throttle.retryAfter("a@example.com", "10.0.0.1")).isEmpty();
    }

    @Test
    void countsEachAddressAndEmailApart() {
        for (int i = 0; i < 3; i++) {
            throttle.failed("a@example.com", "10.0.0.1");
        }

        assertThat(throttle.retryAfter("a@example.com", "10.0.0.2")).isEmpty();
        assertThat(throttle.retryAfter("b@example.com", "10.0.0.1")).isEmpty();
    }

    @Test
    void successForgetsEarlierFailures() {
        throttle.failed("a@example.com", "10.0.0.1");
        throttle.failed("a@example.com", "10.0.0.1");
        throttle.succeeded("a@example.com", "10.0.0.1");
        throttle.failed("a@example.com", "10.0.0.1");

        assertThat(throttle.retryAfter("a@example.com", "10.0.0.1")).isEmpty();
    }

    /** A clock the test moves by hand. Not thread-safe. */
    private static final class MovableClock extends Clock {

        private Instant now = Instant.parse("2026-11-26T03:00:00Z");

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
