package dev.quiver.gateway.web;

import static java.util.Objects.requireNonNull;

import dev.quiver.billing.api.Quota;
import dev.quiver.common.ErrorCode;
import dev.quiver.common.Privilege;
import dev.quiver.common.QuiverException;
import dev.quiver.search.api.CollectionCatalog;
import dev.quiver.tenant.api.DatabaseView;
import dev.quiver.tenant.api.Principal;
import dev.quiver.tenant.api.TenantCatalog;
import dev.quiver.tenant.api.TenantView;
import org.springframework.stereotype.Component;

/**
 * Creating and deleting a database, the same from the Chroma routes and the control plane: the privilege, the rule
 * that a key limited to some databases creates none (it could not see what it made), the plan's quota on the
 * number of databases, the collections deleted
 * before the database, and the audit entry. Callers pass a tenant or database already resolved as the principal
 * may see it, so what it may not see has been answered with 404 before any of this. Thread-safe.
 */
@Component
class DatabaseChanges {

    private final TenantCatalog tenants;
    private final CollectionCatalog collections;
    private final Audit audit;
    private final Quotas quotas;

    DatabaseChanges(TenantCatalog tenants, CollectionCatalog collections, Audit audit, Quotas quotas) {
        this.tenants = requireNonNull(tenants, "tenants is null");
        this.collections = requireNonNull(collections, "collections is null");
        this.audit = requireNonNull(audit, "audit is null");
        this.quotas = requireNonNull(quotas, "quotas is null");
    }

    DatabaseView create(Principal caller, TenantView tenant, String name) {
        caller.require(Privilege.DATABASE_MANAGE);
        if (caller.databases() != null) {
            throw new QuiverException(ErrorCode.PERMISSION_DENIED,
                    "A key limited to some databases cannot create databases");
        }
        ChromaResources.checkName(name, "name");
        // The tenant module counts and inserts in one transaction, so concurrent creates never pass the quota.
        DatabaseView created = quotas.counted(() ->
                tenants.createDatabase(tenant, name, quotas.limits(tenant).quota(Quota.DATABASES)));
        audit.databaseCreated(caller, created);
        return created;
    }

    void delete(Principal caller, DatabaseView database) {
        caller.require(Privilege.DATABASE_MANAGE);
        collections.deleteAll(database);
        tenants.deleteDatabase(database);
        audit.databaseDeleted(caller, database);
    }
}
