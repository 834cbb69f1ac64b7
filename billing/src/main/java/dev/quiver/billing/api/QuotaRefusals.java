package dev.quiver.billing.api;

import dev.quiver.common.QuotaExceededException;
import dev.quiver.common.RateLimitExceededException;

/**
 * Counts quota refusals for the operators' metrics ({@code quiver.billing.quota.refusals}, tagged {@code quota}).
 * The gateway reports each refusal it lets through to a caller, whichever module raised it. Thread-safe.
 */
public interface QuotaRefusals {

    void refused(QuotaExceededException refusal);

    /** Counts a request refused by a request-rate quota ({@link RequestRates}). */
    void refused(RateLimitExceededException refusal);
}
