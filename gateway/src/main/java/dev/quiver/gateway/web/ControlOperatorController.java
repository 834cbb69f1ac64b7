package dev.quiver.gateway.web;

import static dev.quiver.common.QuiverException.invalidField;
import static dev.quiver.gateway.web.ControlJson.object;

import dev.quiver.common.ErrorCode;
import dev.quiver.common.QuiverException;
import dev.quiver.common.TenantId;
import dev.quiver.search.api.CollectionCatalog;
import dev.quiver.tenant.api.DatabaseView;
import dev.quiver.tenant.api.Principal;
import dev.quiver.tenant.api.TenantAdministration;
import dev.quiver.tenant.api.TenantCatalog;
import dev.quiver.tenant.api.TenantView;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * What platform operators do to tenants. The operator check comes first, before any lookup, so that a tenant
 * caller learns nothing about other tenants here.
 */
@RestController
@RequestMapping("/api/control/v1/operator/tenants")
class ControlOperatorController {

    private static final int MAX_LIMIT = 1000;

    private final TenantAdministration administration;
    private final TenantCatalog tenants;
    private final CollectionCatalog collections;

    ControlOperatorController(TenantAdministration administration, TenantCatalog tenants,
            CollectionCatalog collections) {
        this.administration = administration;
        this.tenants = tenants;
        this.collections = collections;
    }

    @GetMapping
    List<Map<String, @Nullable Object>> search(Principal caller,
            @RequestParam(defaultValue = "") String search,
            @RequestParam(defaultValue = "100") int limit,
            @RequestParam(defaultValue = "0") int offset) {
        requireOperator(caller);
        if (limit < 1 || limit > MAX_LIMIT) {
            throw invalidField(ErrorCode.INVALID_ARGUMENT, "limit", "range",
                    "limit must be from 1 to " + MAX_LIMIT + ": " + limit);
        }
        if (offset < 0) {
            throw invalidField(ErrorCode.INVALID_ARGUMENT, "offset", "range", "offset must not be negative: "
                    + offset);
        }
        return administration.search(caller, search, limit, offset).stream()
                .map(status -> object("id", status.tenant().id().toString(), "name", status.tenant().name()))
                .toList();
    }

    /**
     * Deletes a tenant: first every collection of every database (their logs and shards live in the search
     * module), then the tenant itself, its schema, members and keys.
     */
    @DeleteMapping("/{id}")
    ResponseEntity<Void> delete(Principal caller, @PathVariable String id) {
        requireOperator(caller);
        TenantId tenantId = new TenantId(ControlJson.pathId(id, "Tenant"));
        TenantView tenant = tenants.findTenant(tenantId)
                .orElseThrow(() -> new QuiverException(ErrorCode.TENANT_NOT_FOUND, "Tenant [" + id + "] not found"));
        for (DatabaseView database : tenants.listDatabases(tenant, Integer.MAX_VALUE, 0)) {
            collections.deleteAll(database);
        }
        administration.delete(caller, tenant);
        return ResponseEntity.noContent().build();
    }

    private static void requireOperator(Principal caller) {
        if (!caller.operator() || caller.unrestricted()) {
            throw new QuiverException(ErrorCode.PERMISSION_DENIED, "Only platform operators manage tenants");
        }
    }
}
