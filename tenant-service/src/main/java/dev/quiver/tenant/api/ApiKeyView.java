package dev.quiver.tenant.api;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * An API key as listings show it: never its secret, only the display prefix.
 *
 * @param databases names of the databases the key is limited to; null means every database
 * @param expiresAt when the key stops working; null means never
 * @param revokedAt when it was revoked; null while it is live
 */
public record ApiKeyView(
        ApiKeyId id,
        String name,
        String role,
        String prefix,
        @Nullable List<String> databases,
        Instant createdAt,
        @Nullable Instant expiresAt,
        @Nullable Instant revokedAt) {

    public ApiKeyView {
        requireNonNull(id, "id is null");
        requireNonNull(name, "name is null");
        requireNonNull(role, "role is null");
        requireNonNull(prefix, "prefix is null");
        databases = databases == null ? null : List.copyOf(databases);
        requireNonNull(createdAt, "createdAt is null");
    }
}
