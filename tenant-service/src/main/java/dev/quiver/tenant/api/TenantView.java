package dev.quiver.tenant.api;

import static java.util.Objects.requireNonNull;

import dev.quiver.common.TenantId;

/** A tenant as other modules see it. */
public record TenantView(TenantId id, String name) {

    public TenantView {
        requireNonNull(id, "id is null");
        requireNonNull(name, "name is null");
    }
}
