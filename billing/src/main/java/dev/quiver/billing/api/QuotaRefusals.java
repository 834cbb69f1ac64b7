package dev.quiver.billing.api;

import dev.quiver.common.QuotaExceededException;

/**
 * Counts quota refusals for the operators' metrics ({@code quiver.billing.quota.refusals}, tagged {@code quota}).
 * The gateway reports each refusal it lets through to a caller, whichever module raised it. Thread-safe.
 */
public interface QuotaRefusals {

    void refused(QuotaExceededException refusal);
}
