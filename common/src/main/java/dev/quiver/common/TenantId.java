package dev.quiver.common;

import static java.util.Objects.requireNonNull;

import java.util.UUID;

/**
 * A tenant's id. The tenant's own PostgreSQL schema is named only from this id ({@link #schemaName()}), never from
 * user text, so the name is always a safe SQL identifier.
 */
public record TenantId(UUID value) {

    public TenantId {
        requireNonNull(value, "value is null");
    }

    /** The tenant's schema: {@code t_} and the 32 hex digits of the id. */
    public String schemaName() {
        return "t_" + value.toString().replace("-", "");
    }

    @Override
    public String toString() {
        return value.toString();
    }
}
