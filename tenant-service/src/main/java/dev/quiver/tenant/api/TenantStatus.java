package dev.quiver.tenant.api;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * A tenant as an operator sees it in a list: when it was created and whether it is suspended.
 *
 * @param suspendedAt when an operator suspended it, or null while it is active
 * @param suspendedReason the operator's reason, or null while it is active
 */
public record TenantStatus(TenantView tenant, Instant createdAt, @Nullable Instant suspendedAt,
        @Nullable String suspendedReason) {

    public TenantStatus {
        requireNonNull(tenant, "tenant is null");
        requireNonNull(createdAt, "createdAt is null");
    }

    public boolean suspended() {
        return suspendedAt != null;
    }
}
