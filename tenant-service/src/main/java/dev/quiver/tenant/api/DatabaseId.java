package dev.quiver.tenant.api;

import static java.util.Objects.requireNonNull;

import java.util.UUID;

/** A database's id, unique across tenants. */
public record DatabaseId(UUID value) {

    /** The id Chroma gives {@code default_database} of the default tenant. */
    public static final DatabaseId DEFAULT = new DatabaseId(new UUID(0, 0));

    public DatabaseId {
        requireNonNull(value, "value is null");
    }

    @Override
    public String toString() {
        return value.toString();
    }
}
