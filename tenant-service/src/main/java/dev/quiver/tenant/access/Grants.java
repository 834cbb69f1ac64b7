package dev.quiver.tenant.access;

import dev.quiver.common.ErrorCode;
import dev.quiver.common.Privilege;
import dev.quiver.common.QuiverException;
import dev.quiver.tenant.api.Principal;
import java.util.Collection;
import java.util.Comparator;

/**
 * The rule against privilege escalation: an actor hands out (to a key, a member, an invitee or a role) only what it
 * holds itself, and only an owner makes an owner. Also what a key limited to some databases may not do at all:
 * grants that reach every database. Stateless.
 */
public final class Grants {

    private Grants() {
    }

    /**
     * Throws {@code PERMISSION_DENIED} naming the first privilege the actor lacks, or when a non-owner grants
     * {@code owner}.
     */
    public static void requireGrantable(Principal actor, String role, Collection<Privilege> privileges) {
        if (BuiltInRole.OWNER.roleName().equals(role) && !BuiltInRole.OWNER.roleName().equals(actor.role())) {
            throw new QuiverException(ErrorCode.PERMISSION_DENIED, "Only an owner may grant the role [owner]");
        }
        privileges.stream()
                .filter(privilege -> !actor.can(privilege))
                .min(Comparator.naturalOrder())
                .ifPresent(privilege -> {
                    throw new QuiverException(ErrorCode.PERMISSION_DENIED,
                            "Role [" + actor.role() + "] cannot grant the privilege [" + privilege.key()
                                    + "] it does not hold");
                });
    }

    /**
     * Throws {@code PERMISSION_DENIED} when the actor is a key limited to some databases: members and roles reach
     * every database of the tenant, so such a key must not shape them.
     */
    public static void requireAllDatabases(Principal actor) {
        if (actor.databases() != null) {
            throw new QuiverException(ErrorCode.PERMISSION_DENIED,
                    "A key limited to some databases cannot manage members or roles");
        }
    }
}
