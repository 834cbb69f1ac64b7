package dev.quiver.billing.api;

import dev.quiver.tenant.api.Principal;
import dev.quiver.tenant.api.TenantView;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Plans, which plan each tenant is on, and per-tenant quota overrides. Changes are for platform operators only
 * ({@code PERMISSION_DENIED} otherwise) and are audited in the tenant's log when they concern one tenant. A tenant
 * with no assignment is on the configured default plan ({@code quiver.billing.default-plan}). Thread-safe.
 */
public interface Plans {

    /** Every plan, ordered by monthly fee, then name. */
    List<Plan> list();

    Optional<Plan> find(String name);

    /**
     * Creates or replaces a plan. Refused with {@code INVALID_ARGUMENT} naming the field ({@code name},
     * {@code monthly_fee}, {@code currency}, {@code limits.records_per_batch}, ...) when a rule is broken.
     */
    Plan save(Principal operator, Plan plan);

    /** Puts the tenant on the named plan; {@code NOT_FOUND} naming the field {@code plan} when there is none. */
    void assign(Principal operator, TenantView tenant, String plan);

    /**
     * Sets one quota's limit for this tenant alone, whatever its plan says, or with {@code limit} null clears the
     * override so the plan's limit holds again.
     */
    void override(Principal operator, TenantView tenant, Quota quota, @Nullable Long limit);

    /**
     * The tenant's plan and effective limits. Answered from memory after the first call; see the implementation
     * for how the memory is kept current.
     */
    TenantLimits limits(TenantView tenant);
}
