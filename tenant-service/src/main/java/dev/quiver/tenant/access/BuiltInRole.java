package dev.quiver.tenant.access;

import dev.quiver.common.Privilege;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The roles every tenant has, defined in code rather than rows so that a new privilege reaches them with a release.
 * Immutable.
 */
public enum BuiltInRole {
    /** Everything, including deleting the tenant and managing billing. Only an owner makes another owner. */
    OWNER(EnumSet.allOf(Privilege.class)),
    /** Everything but the tenant itself and its billing. */
    ADMIN(EnumSet.complementOf(EnumSet.of(Privilege.TENANT_MANAGE, Privilege.BILLING_MANAGE))),
    /** Reads and writes data and manages collections. */
    EDITOR(EnumSet.of(Privilege.RECORDS_READ, Privilege.RECORDS_WRITE, Privilege.COLLECTION_CREATE,
            Privilege.COLLECTION_UPDATE, Privilege.COLLECTION_DELETE)),
    /** Reads data. */
    VIEWER(EnumSet.of(Privilege.RECORDS_READ));

    private final Set<Privilege> privileges;

    BuiltInRole(Set<Privilege> privileges) {
        this.privileges = Set.copyOf(privileges);
    }

    /** The name used in the API and stored in memberships and keys: {@code owner}, {@code viewer}, ... */
    public String roleName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public Set<Privilege> privileges() {
        return privileges;
    }

    public static Optional<BuiltInRole> fromName(String name) {
        return Arrays.stream(values()).filter(role -> role.roleName().equals(name)).findFirst();
    }
}
