package dev.quiver.billing.rate;

/**
 * What one trip to a tenant's shared bucket returned.
 *
 * @param granted the tokens handed to this gateway: the slice asked for, or 0 when the bucket held fewer
 * @param tokens  the tokens left in the bucket after the lease, at least 0, at most one second of the limit
 * @param demand  the tenant's requests of this kind seen by every gateway, decayed by e^(-seconds): about the
 *                requests of the last second
 */
record Lease(long granted, double tokens, double demand) {

    Lease {
        if (granted < 0) {
            throw new IllegalArgumentException("granted must not be negative: " + granted);
        }
        if (tokens < 0 || demand < 0) {
            throw new IllegalArgumentException("tokens and demand must not be negative: " + tokens + ", " + demand);
        }
    }
}
