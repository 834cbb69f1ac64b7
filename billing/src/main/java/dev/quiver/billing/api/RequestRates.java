package dev.quiver.billing.api;

import dev.quiver.tenant.api.TenantView;

/**
 * The per-tenant request-rate limits, held across every gateway that shares the database: a tenant gets about
 * its plan's requests per second in total however many gateways serve it. Thread-safe.
 */
public interface RequestRates {

    /**
     * Admits one request of the tenant, or refuses it. Usually answered from memory: a database round trip only
     * when this gateway's slice of the tenant's tokens is used up.
     *
     * @throws dev.quiver.common.RateLimitExceededException with {@code TOO_MANY_REQUESTS} (429), naming the quota,
     *         its limit and the current rate in its detail, and the wait until a request would be admitted; the
     *         caller counts it ({@link QuotaRefusals})
     */
    void admit(TenantView tenant, RequestKind kind);
}
