package dev.quiver.billing.rate;

import dev.quiver.billing.api.RequestKind;
import dev.quiver.common.TenantId;
import java.time.Instant;

/** The token buckets every gateway shares, one per tenant and kind of request. Thread-safe. */
interface RequestBuckets {

    /**
     * Refills the tenant's bucket, takes {@code wanted} tokens if it holds them all, and records the requests seen;
     * creates the bucket, full, on first use.
     *
     * @param limit    the tenant's limit in requests per second, at least 1: the refill rate and the capacity
     * @param wanted   the slice asked for, between 1 and {@code limit}
     * @param returned unused tokens of the gateway's expired slice, put back before the slice is taken
     * @param seen     requests of this kind the gateway saw since its last lease, admitted or refused
     * @param now      the gateway's time
     */
    Lease lease(TenantId tenant, RequestKind kind, long limit, long wanted, long returned, long seen, Instant now);
}
