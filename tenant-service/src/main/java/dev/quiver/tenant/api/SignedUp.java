package dev.quiver.tenant.api;

import static java.util.Objects.requireNonNull;

/** What a sign-up created: the tenant, its owner, its {@code default_database}, and the owner's principal. */
public record SignedUp(TenantView tenant, UserView user, DatabaseView database, Principal principal) {

    public SignedUp {
        requireNonNull(tenant, "tenant is null");
        requireNonNull(user, "user is null");
        requireNonNull(database, "database is null");
        requireNonNull(principal, "principal is null");
    }
}
