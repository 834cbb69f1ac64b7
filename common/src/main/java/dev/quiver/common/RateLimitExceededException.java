package dev.quiver.common;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * A request refused because its tenant is over a request-rate quota: {@code TOO_MANY_REQUESTS} (429) with
 * {@code Retry-After}, and, as every quota refusal, the problem detail members {@code quota}, {@code limit} and
 * {@code current}. Nothing was done for the request.
 *
 * <p>{@code current} is the tenant's recent rate in requests per second across every gateway, refused ones
 * included, rounded; it is an estimate (see the billing module's request buckets), so it may read at or even just
 * below the limit while the bucket is empty.
 */
public class RateLimitExceededException extends RetryLaterException implements QuotaRefusal {

    private final QuotaLimit quota;
    private final long current;

    public RateLimitExceededException(QuotaLimit quota, long current, Duration retryAfter) {
        super(ErrorCode.TOO_MANY_REQUESTS, message(quota, current, retryAfter), retryAfter);
        this.quota = quota;
        this.current = current;
    }

    private static String message(QuotaLimit quota, long current, Duration retryAfter) {
        requireNonNull(quota, "quota is null");
        requireNonNull(retryAfter, "retryAfter is null");
        return "Rate limit exceeded: '" + quota.label() + "' (" + quota.key() + ") limit is " + quota.limit()
                + " requests per second, current rate is about " + current + " requests per second; retry in "
                + seconds(retryAfter) + " s";
    }

    @Override
    public QuotaLimit quotaLimit() {
        return quota;
    }

    /** The tenant's recent rate in requests per second, refused requests included. */
    @Override
    public long current() {
        return current;
    }
}
