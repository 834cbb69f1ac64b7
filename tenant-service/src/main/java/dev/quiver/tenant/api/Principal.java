package dev.quiver.tenant.api;

import static java.util.Objects.requireNonNull;

import dev.quiver.common.ErrorCode;
import dev.quiver.common.Privilege;
import dev.quiver.common.QuiverException;
import dev.quiver.common.UserId;
import java.util.EnumSet;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Who is calling, as resolved from an API key, a console session, or (with authentication turned off) nobody.
 * Resolved again on every request, so a revoked key, a removed member or a changed role takes effect at once.
 *
 * @param kind       how the caller authenticated
 * @param tenant     the one tenant the caller acts in; null only for {@link Kind#ANONYMOUS} and for an operator
 *                   who is not a member of any tenant
 * @param user       the person: the key's creator for a key, the logged-in user for a session; null when anonymous
 * @param key        the API key, for {@link Kind#API_KEY} only
 * @param role       the role's name in {@code tenant} ({@code owner}, {@code viewer}, or a custom role's name)
 * @param privileges what the role allows in {@code tenant}
 * @param databases  the databases a key is limited to; null means every database of the tenant
 * @param operator   whether the caller is a platform operator (manages tenants and plans; not a tenant role)
 */
public record Principal(
        Kind kind,
        @Nullable TenantView tenant,
        @Nullable UserId user,
        @Nullable ApiKeyId key,
        String role,
        Set<Privilege> privileges,
        @Nullable Set<DatabaseId> databases,
        boolean operator,
        boolean suspended) {

    /** How a caller authenticated. */
    public enum Kind {
        /** An API key in {@code x-chroma-token} or {@code Authorization: Bearer}. */
        API_KEY,
        /** A console or control-plane session cookie. */
        SESSION,
        /** Authentication is turned off ({@code quiver.auth.enabled=false}): every tenant is open, as in local Chroma. */
        ANONYMOUS
    }

    public Principal {
        requireNonNull(kind, "kind is null");
        requireNonNull(role, "role is null");
        privileges = privileges.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(privileges));
        databases = databases == null ? null : Set.copyOf(databases);
        if (kind == Kind.API_KEY && key == null) {
            throw new IllegalArgumentException("an API key principal needs its key id");
        }
        if (kind != Kind.ANONYMOUS && tenant == null && !operator) {
            throw new IllegalArgumentException("only anonymous callers and operators may have no tenant");
        }
    }

    /** A principal of a tenant that is not suspended. */
    public Principal(Kind kind, @Nullable TenantView tenant, @Nullable UserId user, @Nullable ApiKeyId key,
            String role, Set<Privilege> privileges, @Nullable Set<DatabaseId> databases, boolean operator) {
        this(kind, tenant, user, key, role, privileges, databases, operator, false);
    }

    /** The caller of a server with authentication turned off: every privilege in every tenant. */
    public static Principal anonymous() {
        return new Principal(Kind.ANONYMOUS, null, null, null, "anonymous", EnumSet.allOf(Privilege.class), null,
                true);
    }

    /** Whether the caller may see every tenant (authentication off). */
    public boolean unrestricted() {
        return kind == Kind.ANONYMOUS;
    }

    public boolean can(Privilege privilege) {
        return privileges.contains(privilege);
    }

    /**
     * Throws {@code PERMISSION_DENIED} unless the role has the privilege, and {@code TENANT_SUSPENDED} when the
     * tenant is suspended and the privilege reads or changes data ({@link Privilege#touchesData()}): a suspended
     * tenant's members can still log in, see their keys, members and audit log, and learn why.
     */
    public void require(Privilege privilege) {
        if (!can(privilege)) {
            throw new QuiverException(ErrorCode.PERMISSION_DENIED,
                    "Role [" + role + "] lacks the privilege [" + privilege.key() + "]");
        }
        if (suspended && privilege.touchesData()) {
            throw new QuiverException(ErrorCode.TENANT_SUSPENDED, "Tenant ["
                    + (tenant == null ? "" : tenant.name())
                    + "] is suspended: its data is kept, but it cannot be read or changed until an operator "
                    + "resumes the tenant");
        }
    }

    /** Whether the caller may see this tenant at all; a tenant it may not see must look as if it did not exist. */
    public boolean sees(TenantView other) {
        return unrestricted() || (tenant != null && tenant.id().equals(other.id()));
    }

    /** Whether the caller may see this database: its tenant, and, for a limited key, one of its databases. */
    public boolean sees(DatabaseView database) {
        return sees(database.tenant()) && (databases == null || databases.contains(database.id()));
    }

    /** The audit log's name for the caller: {@code key:<id>}, {@code user:<id>} or {@code anonymous}. */
    public String actor() {
        if (key != null) {
            return "key:" + key;
        }
        if (user != null) {
            return (operator && tenant == null ? "operator:" : "user:") + user;
        }
        return "anonymous";
    }
}
