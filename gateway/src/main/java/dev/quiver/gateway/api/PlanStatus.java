package dev.quiver.gateway.api;

import static java.util.Objects.requireNonNull;

import dev.quiver.billing.api.Quota;
import dev.quiver.billing.api.TenantLimits;
import dev.quiver.tenant.api.TenantView;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A tenant's plan, its effective limits, and the current value of the quotas that are counted now: the number of
 * databases, the number of collections of its fullest database, the number of records of its fullest collection,
 * and the bytes it stores.
 *
 * @param current the current value of each counted quota; quotas not counted yet are absent
 */
public record PlanStatus(TenantView tenant, TenantLimits limits, Map<Quota, Long> current) {

    public PlanStatus {
        requireNonNull(tenant, "tenant is null");
        requireNonNull(limits, "limits is null");
        EnumMap<Quota, Long> copy = new EnumMap<>(Quota.class);
        copy.putAll(current);
        current = Collections.unmodifiableMap(copy);
    }

    /** The current value of a counted quota, or null when the quota is not counted. */
    public @Nullable Long current(Quota quota) {
        return current.get(quota);
    }
}
