package dev.quiver.billing.api;

import static java.util.Objects.requireNonNull;

import dev.quiver.common.QuotaLimit;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/**
 * A tenant's plan and the limits that hold for it: the plan's, with the tenant's overrides applied.
 *
 * @param plan      the plan the tenant is on
 * @param limits    the effective limit of every quota
 * @param overrides the quotas an operator set for this tenant alone, with their limits (a subset of {@code limits})
 */
public record TenantLimits(Plan plan, Map<Quota, Long> limits, Map<Quota, Long> overrides) {

    public TenantLimits {
        requireNonNull(plan, "plan is null");
        limits = copy(limits);
        overrides = copy(overrides);
        if (limits.size() != Quota.values().length) {
            throw new IllegalArgumentException("limits must name every quota: " + limits.keySet());
        }
    }

    /** The plan's limits with the overrides applied. */
    public static TenantLimits of(Plan plan, Map<Quota, Long> overrides) {
        EnumMap<Quota, Long> limits = new EnumMap<>(plan.limits());
        limits.putAll(overrides);
        return new TenantLimits(plan, limits, overrides);
    }

    /** The effective limit of one quota. */
    public long limit(Quota quota) {
        return limits.get(quota);
    }

    /** The effective limit of one quota, as the modules that count and refuse receive it. */
    public QuotaLimit quota(Quota quota) {
        return quota.limit(limit(quota));
    }

    private static Map<Quota, Long> copy(Map<Quota, Long> map) {
        requireNonNull(map, "map is null");
        EnumMap<Quota, Long> copy = new EnumMap<>(Quota.class);
        copy.putAll(map);
        return Collections.unmodifiableMap(copy);
    }
}
