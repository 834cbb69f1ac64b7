package dev.quiver.billing.rate;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One gateway's share of one tenant's bucket for one kind of request: the tokens of the slice it last took, until
 * the slice expires, and when the shared bucket was last found too empty to lease from.
 *
 * <p>Why the shared total holds: every admitted request spends a token that left the shared bucket, and the bucket
 * gains {@code limit} tokens a second and holds at most one second's worth. So in any interval of {@code T} seconds
 * all gateways together admit at most {@code limit * (1 + T)} plus the tokens their slices held at its start (at most
 * one slice each, {@code limit / slicesPerSecond}); from the bucket's creation, at most {@code limit * (1 + T)}. A
 * slice admits only under the limit it was taken with, so a lowered limit holds on a gateway as soon as that gateway
 * reads it.
 * Tokens are never lost: a slice's unused tokens go back with the gateway's next lease, so under load the admitted
 * count falls short of that bound by at most the tokens parked in slices and in the bucket, about one slice per
 * gateway plus one. With two gateways and 20 slices per second that is about 3/20 of one second's limit, a few
 * percent of a five-second run.
 *
 * <p>The arithmetic here is pure; the caller supplies the time and the shared bucket's answers
 * ({@link JdbcRequestBuckets}). Not thread-safe: callers hold {@link #lock()} around every call.
 */
final class LocalSlice {

    private final ReentrantLock lock = new ReentrantLock();

    /** Tokens left in the current slice; spent one per admitted request. */
    private long tokens;
    /** When the current slice stops admitting; its remaining tokens then go back to the bucket. */
    private Instant expiresAt = Instant.MIN;
    /** The limit the current slice was taken under; under another, it admits no more, so a change holds at once. */
    private long leasedLimit = -1;
    /** Until when the shared bucket will not hold a whole slice, so asking it again is pointless. */
    private Instant emptyUntil = Instant.MIN;
    /** Requests seen here (admitted or refused) since the last lease reported them. */
    private long seen;
    /** The shared bucket's demand as of {@link #demandAt}. */
    private double demand;
    private Instant demandAt = Instant.MIN;

    ReentrantLock lock() {
        return lock;
    }

    /**
     * Counts a request and admits it from the current slice if that has a token, has not expired and was taken
     * under the tenant's current {@code limit}.
     */
    boolean tryAdmit(Instant now, long limit) {
        seen++;
        if (tokens > 0 && usable(now, limit)) {
            tokens--;
            return true;
        }
        return false;
    }

    /** Whether the shared bucket was found too empty recently enough that a lease would be refused too. */
    boolean bucketEmpty(Instant now) {
        return now.isBefore(emptyUntil);
    }

    /** The wait until the shared bucket should hold a slice again, for {@code Retry-After}. */
    Duration waitForBucket(Instant now) {
        return now.isBefore(emptyUntil) ? Duration.between(now, emptyUntil) : Duration.ZERO;
    }

    /**
     * The unused tokens of a slice that expired or was taken under another limit, which the next lease returns to
     * the bucket; the slice is then empty. A usable slice keeps its tokens (it is only asked for when it has none
     * left).
     */
    long takeReturnable(Instant now, long limit) {
        if (usable(now, limit)) {
            return 0;
        }
        long returnable = tokens;
        tokens = 0;
        return returnable;
    }

    /** The requests seen since the last lease, for the next one to report; the count restarts. */
    long takeSeen() {
        long reported = seen;
        seen = 0;
        return reported;
    }

    /**
     * Takes in a lease's answer. With tokens granted, one admits the request that asked and the rest form the new
     * slice, which admits until {@code lifetime} from now. Without, the bucket is left alone until it should hold
     * {@code slice} tokens again.
     *
     * @return whether the request that asked is admitted
     */
    boolean leased(Lease lease, long slice, long limit, Instant now, Duration lifetime) {
        requireNonNull(lease, "lease is null");
        demand = lease.demand();
        demandAt = now;
        if (lease.granted() > 0) {
            tokens = lease.granted() - 1;
            expiresAt = now.plus(lifetime);
            leasedLimit = limit;
            return true;
        }
        emptyUntil = now.plus(refillTime(lease.tokens(), slice, limit));
        return false;
    }

    /**
     * Folds the requests seen here into the demand as the bucket would, for when no lease will report them (a limit
     * of 0): the current rate then stays a rate rather than a count that only grows.
     */
    void absorbSeen(Instant now) {
        demand = decayedDemand(now) + seen;
        demandAt = now;
        seen = 0;
    }

    /**
     * The tenant's recent rate in requests per second: the shared demand, decayed since it was read as the bucket
     * decays it, plus the requests seen here since.
     */
    long currentRate(Instant now) {
        return Math.round(decayedDemand(now) + seen);
    }

    private double decayedDemand(Instant now) {
        double seconds = demandAt == Instant.MIN ? 0 : Math.max(0, Duration.between(demandAt, now).toNanos() / 1e9);
        return demand * Math.exp(-Math.min(seconds, 60));
    }

    private boolean usable(Instant now, long limit) {
        return now.isBefore(expiresAt) && limit == leasedLimit;
    }

    /** The tokens one lease asks for: {@code 1 / slicesPerSecond} of the limit, at least one. */
    static long sliceSize(long limit, int slicesPerSecond) {
        if (limit < 1 || slicesPerSecond < 1) {
            throw new IllegalArgumentException("limit and slicesPerSecond must be positive: " + limit + ", "
                    + slicesPerSecond);
        }
        return Math.max(1, limit / slicesPerSecond);
    }

    /** How long a bucket holding {@code tokens} takes to hold {@code wanted} when it gains {@code limit} a second. */
    static Duration refillTime(double tokens, long wanted, long limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be positive: " + limit);
        }
        double missing = wanted - tokens;
        return missing <= 0 ? Duration.ZERO : Duration.ofNanos((long) Math.ceil(missing * 1e9 / limit));
    }
}
