package dev.quiver.common;

/**
 * What every quota refusal tells its caller, whichever quota it is: the problem detail members {@code quota},
 * {@code limit} and {@code current}. The refusals are {@link QuotaExceededException} (a plan's quota, 422) and
 * {@link RateLimitExceededException} (a request-rate quota, 429); each says what {@code current} measures.
 */
public interface QuotaRefusal {

    /** The quota refused against, with the limit that held. */
    QuotaLimit quotaLimit();

    /** The caller's value that the limit was checked against; its meaning depends on the quota. */
    long current();

    /** The quota's JSON key, for example {@code records_per_batch} or {@code read_requests_per_second}. */
    default String quota() {
        return quotaLimit().key();
    }

    /** The quota's name for people, for example {@code Number of records}. */
    default String label() {
        return quotaLimit().label();
    }

    /** The limit, in the quota's unit (a count, bytes, or requests per second). */
    default long limit() {
        return quotaLimit().limit();
    }
}
