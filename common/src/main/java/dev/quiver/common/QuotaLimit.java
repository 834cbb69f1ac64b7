package dev.quiver.common;

import static java.util.Objects.requireNonNull;

/**
 * One quota as the module that enforces it needs it: the billing module decides the limit, and passes it as data
 * to the tenant and search modules, which count and insert in one transaction but may not depend on billing.
 *
 * @param key   the quota's JSON key, for example {@code collections_per_database}
 * @param label the quota's name for people, in Chroma Cloud's style, for example {@code Number of collections}
 * @param limit the largest value allowed, at least 0
 */
public record QuotaLimit(String key, String label, long limit) {

    public QuotaLimit {
        requireNonNull(key, "key is null");
        requireNonNull(label, "label is null");
        if (limit < 0) {
            throw new IllegalArgumentException("limit must not be negative: " + limit);
        }
    }

    /**
     * Refuses {@code action} when {@code current}, the value it would reach, is above the limit.
     *
     * @throws QuotaExceededException when {@code current > limit}
     */
    public void check(String action, long current) {
        if (current > limit) {
            throw new QuotaExceededException(this, action, current);
        }
    }
}
