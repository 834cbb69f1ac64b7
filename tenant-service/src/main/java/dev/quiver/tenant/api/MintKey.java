package dev.quiver.tenant.api;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A request to mint an API key in the actor's tenant.
 *
 * @param databases names of existing databases to limit the key to; null for every database
 * @param expiresAt when the key stops working, in the future; null for never
 */
public record MintKey(String name, String role, @Nullable List<String> databases, @Nullable Instant expiresAt) {

    public MintKey {
        requireNonNull(name, "name is null");
        requireNonNull(role, "role is null");
        databases = databases == null ? null : List.copyOf(databases);
    }
}
