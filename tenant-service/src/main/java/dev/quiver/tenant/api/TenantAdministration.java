package dev.quiver.tenant.api;

import java.util.List;

/**
 * What platform operators do to tenants. Every method refuses a caller that is not an operator with
 * {@code PERMISSION_DENIED}. Thread-safe.
 */
public interface TenantAdministration {

    /** Tenants whose name contains {@code search} (all when empty), by name. */
    List<TenantView> search(Principal operator, String search, int limit, int offset);

    /**
     * Deletes a tenant: its schema, memberships, keys, invitations and databases. The caller has already dropped
     * the tenant's collections and shards.
     */
    void delete(Principal operator, TenantView tenant);
}
