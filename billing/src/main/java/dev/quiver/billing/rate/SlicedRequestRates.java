package dev.quiver.billing.rate;

import static java.util.Objects.requireNonNull;

import dev.quiver.billing.api.Plans;
import dev.quiver.billing.api.Quota;
import dev.quiver.billing.api.RequestKind;
import dev.quiver.billing.api.RequestRates;
import dev.quiver.billing.api.TenantLimits;
import dev.quiver.common.RateLimitExceededException;
import dev.quiver.common.TenantId;
import dev.quiver.tenant.api.TenantView;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Request rates held per tenant across every gateway: each gateway admits from small slices of the tenant's shared
 * bucket ({@link RequestBuckets}), so most requests cost no database round trip and the tenant's total stays
 * within its limit (the bound is worked out in {@link LocalSlice}).
 *
 * <p>One lock per tenant and kind: while one request leases, the tenant's other requests on this gateway wait for
 * its slice instead of all going to the database. Thread-safe.
 */
public class SlicedRequestRates implements RequestRates {

    /** The wait stated to a tenant whose limit is 0: nothing will be admitted until an operator raises it. */
    static final Duration CLOSED_WAIT = Duration.ofSeconds(60);

    private final Function<TenantView, TenantLimits> limits;
    private final RequestBuckets buckets;
    private final Clock clock;
    private final int slicesPerSecond;
    private final Duration sliceLifetime;
    private final ConcurrentHashMap<SliceKey, LocalSlice> slices = new ConcurrentHashMap<>();

    /**
     * @param slicesPerSecond how many slices one second of a limit is cut into
     * @param sliceLifetime   how long a slice admits before its unused tokens go back to the bucket
     */
    public SlicedRequestRates(Plans plans, JdbcRequestBuckets buckets, Clock clock, int slicesPerSecond,
            Duration sliceLifetime) {
        this(plans::limits, buckets, clock, slicesPerSecond, sliceLifetime);
    }

    /** With the tenants' limits and the shared buckets given directly, as the tests simulate several gateways. */
    SlicedRequestRates(Function<TenantView, TenantLimits> limits, RequestBuckets buckets, Clock clock,
            int slicesPerSecond, Duration sliceLifetime) {
        this.limits = requireNonNull(limits, "limits is null");
        this.buckets = requireNonNull(buckets, "buckets is null");
        this.clock = requireNonNull(clock, "clock is null");
        if (slicesPerSecond < 1) {
            throw new IllegalArgumentException("slicesPerSecond must be positive: " + slicesPerSecond);
        }
        if (!sliceLifetime.isPositive()) {
            throw new IllegalArgumentException("sliceLifetime must be positive: " + sliceLifetime);
        }
        this.slicesPerSecond = slicesPerSecond;
        this.sliceLifetime = sliceLifetime;
    }

    @Override
    public void admit(TenantView tenant, RequestKind kind) {
        Quota quota = kind.quota();
        long limit = limits.apply(tenant).limit(quota);
        LocalSlice slice = slices.computeIfAbsent(new SliceKey(tenant.id(), kind), key -> new LocalSlice());
        slice.lock().lock();
        try {
            Instant now = clock.instant();
            if (slice.tryAdmit(now, limit)) {
                return;
            }
            if (limit == 0) {
                slice.absorbSeen(now);
                throw new RateLimitExceededException(quota.limit(limit), slice.currentRate(now), CLOSED_WAIT);
            }
            if (!slice.bucketEmpty(now)) {
                long wanted = LocalSlice.sliceSize(limit, slicesPerSecond);
                Lease lease = buckets.lease(tenant.id(), kind, limit, wanted, slice.takeReturnable(now, limit),
                        slice.takeSeen(), now);
                if (slice.leased(lease, wanted, limit, now, sliceLifetime)) {
                    return;
                }
            }
            throw new RateLimitExceededException(quota.limit(limit), slice.currentRate(now),
                    slice.waitForBucket(now));
        } finally {
            slice.lock().unlock();
        }
    }

    private record SliceKey(TenantId tenant, RequestKind kind) {
    }
}
