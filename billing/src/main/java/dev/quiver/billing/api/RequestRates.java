package dev.quiver.billing.api;

import dev.quiver.tenant.api.TenantView;

/**
 * The per-tenant request-rate limits, held across every gateway that shares the database: a tenant gets about
 * its plan's requests per second in total however many gateways serve it. Thread-safe.
 */
public interface RequestRates {

    /**
     * Admits one request of the tenant, or refuses it.
     *
     * @throws dev.quiver.common.RetryLaterException with {@code TOO_MANY_REQUESTS} (429), naming the quota, its
     *         limit and the current rate in its detail, and the wait until a request would be admitted
     */
    void admit(TenantView tenant, RequestKind kind);
}
