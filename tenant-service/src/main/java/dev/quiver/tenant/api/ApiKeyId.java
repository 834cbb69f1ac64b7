package dev.quiver.tenant.api;

import static java.util.Objects.requireNonNull;

import java.util.UUID;

/** An API key's id: public, shown in listings and used to revoke; never the secret. */
public record ApiKeyId(UUID value) {

    public ApiKeyId {
        requireNonNull(value, "value is null");
    }

    @Override
    public String toString() {
        return value.toString();
    }
}
