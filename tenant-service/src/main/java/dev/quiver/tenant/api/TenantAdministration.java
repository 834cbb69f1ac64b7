package dev.quiver.tenant.api;

import java.util.List;
import java.util.Optional;

/**
 * What platform operators do to tenants. Every method refuses a caller that is not an operator with
 * {@code PERMISSION_DENIED}. Thread-safe.
 */
public interface TenantAdministration {

    /** Tenants whose name contains {@code search} (all when empty), by name. */
    List<TenantStatus> search(Principal operator, String search, int limit, int offset);

    /** One tenant's status, by name or id; empty when there is none. */
    Optional<TenantStatus> find(Principal operator, String nameOrId);

    /**
     * Suspends a tenant: from the next request on, its keys and sessions still authenticate, but every privilege
     * that reads or changes data is refused with {@code TENANT_SUSPENDED} (see {@link Principal#suspended()}).
     * Nothing is deleted. Suspending a suspended tenant keeps the first suspension's time and replaces the reason.
     * Audited in the tenant's log.
     *
     * @param reason shown to the tenant's members, 1 to 500 characters
     */
    void suspend(Principal operator, TenantView tenant, String reason);

    /** Lifts a suspension; a no-op on an active tenant. Audited in the tenant's log. */
    void resume(Principal operator, TenantView tenant);

    /**
     * Deletes a tenant: its schema, memberships, keys, invitations and databases. The caller has already dropped
     * the tenant's collections and shards.
     */
    void delete(Principal operator, TenantView tenant);
}
