package dev.quiver.common;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * A refusal that lifts by itself after a while (a log-in throttle, a rate limit): the error mapping sends
 * {@code Retry-After} with the whole seconds to wait, at least one.
 */
public class RetryLaterException extends QuiverException {

    private final Duration retryAfter;

    public RetryLaterException(ErrorCode code, String detail, Duration retryAfter) {
        super(code, detail);
        this.retryAfter = requireNonNull(retryAfter, "retryAfter is null");
    }

    public Duration retryAfter() {
        return retryAfter;
    }

    /** The value of the {@code Retry-After} header: whole seconds, rounded up, at least one. */
    public long retryAfterSeconds() {
        return seconds(retryAfter);
    }

    /** A wait in whole seconds as {@code Retry-After} states it: rounded up, at least one. */
    public static long seconds(Duration wait) {
        return Math.max(1, wait.toSeconds() + (wait.toNanosPart() > 0 ? 1 : 0));
    }
}
