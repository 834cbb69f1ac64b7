package dev.quiver.common;

import static java.util.Objects.requireNonNull;

/**
 * A refusal because a plan's quota would be exceeded; nothing was written. It maps to {@code QUOTA_EXCEEDED}
 * (422, as Chroma Cloud answers) with Chroma Cloud's message, and the problem detail carries the members
 * {@code quota}, {@code limit} and {@code current}.
 *
 * <p>{@code current} is the value the refused action would have reached: the number of databases or collections
 * with the new one, the batch's record count, the largest document's bytes. It is therefore always above the limit,
 * as Chroma Cloud's "current usage of N exceeds limit of L" reads.
 */
public class QuotaExceededException extends QuiverException implements QuotaRefusal {

    private final QuotaLimit quota;
    private final String action;
    private final long current;

    public QuotaExceededException(QuotaLimit quota, String action, long current) {
        super(ErrorCode.QUOTA_EXCEEDED, message(quota, action, current));
        this.quota = quota;
        this.action = action;
        this.current = current;
    }

    private static String message(QuotaLimit quota, String action, long current) {
        requireNonNull(quota, "quota is null");
        requireNonNull(action, "action is null");
        return "Quota exceeded: '" + quota.label() + "' exceeded quota limit for action '" + action
                + "': current usage of " + current + " exceeds limit of " + quota.limit();
    }

    @Override
    public QuotaLimit quotaLimit() {
        return quota;
    }

    /** The value the refused action would have reached; above {@link #limit()}. */
    @Override
    public long current() {
        return current;
    }

    /** The refused action, as Chroma Cloud names it: {@code Add}, {@code Create Collection}, ... */
    public String action() {
        return action;
    }
}
