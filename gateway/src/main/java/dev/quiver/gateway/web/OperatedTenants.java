package dev.quiver.gateway.web;

import dev.quiver.common.ErrorCode;
import dev.quiver.common.QuiverException;
import dev.quiver.tenant.api.Principal;
import dev.quiver.tenant.api.TenantAdministration;
import dev.quiver.tenant.api.TenantStatus;

/**
 * The operator routes' lookup of the tenant a path names ({@code /api/control/v1/operator/tenants/{id}/...}): only
 * by id, so a tenant's name in the path is 404 like an unknown id, after the operator check. Stateless.
 */
final class OperatedTenants {

    private OperatedTenants() {
    }

    /**
     * The tenant with this id, after the operator check.
     *
     * @throws QuiverException {@code PERMISSION_DENIED} for a caller who is not an operator, {@code NOT_FOUND} for a
     *         path id that is not a UUID, and {@code TENANT_NOT_FOUND} for any other id that names no tenant
     */
    static TenantStatus get(TenantAdministration administration, Principal caller, String id) {
        ChromaWorkspace.requireOperator(caller);
        ControlJson.pathId(id, "Tenant");
        return administration.find(caller, id)
                .filter(found -> found.tenant().id().toString().equalsIgnoreCase(id))
                .orElseThrow(() -> new QuiverException(ErrorCode.TENANT_NOT_FOUND, "Tenant [" + id + "] not found"));
    }
}
