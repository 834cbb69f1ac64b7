package dev.quiver.billing.api;

import dev.quiver.common.QuotaRefusal;

/**
 * Counts quota refusals for the operators' metrics ({@code quiver.billing.quota.refusals}, tagged {@code quota}).
 * The gateway reports each refusal it lets through to a caller, whichever module raised it. Thread-safe.
 */
public interface QuotaRefusals {

    /** Counts a refusal by a plan's quota or by a request-rate quota ({@link RequestRates}). */
    void refused(QuotaRefusal refusal);
}
