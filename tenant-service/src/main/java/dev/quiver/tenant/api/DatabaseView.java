package dev.quiver.tenant.api;

import static java.util.Objects.requireNonNull;

/** A database as other modules see it; {@code tenant} is the owning tenant. */
public record DatabaseView(DatabaseId id, TenantView tenant, String name) {

    public DatabaseView {
        requireNonNull(id, "id is null");
        requireNonNull(tenant, "tenant is null");
        requireNonNull(name, "name is null");
    }
}
