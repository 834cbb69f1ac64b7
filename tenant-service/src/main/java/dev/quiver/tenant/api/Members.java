package dev.quiver.tenant.api;

import dev.quiver.common.Privilege;
import dev.quiver.common.UserId;
import java.util.List;
import java.util.Set;

/**
 * Members and roles of the actor's tenant. Listing needs {@code members.manage} or {@code roles.manage} as named;
 * a user or role of another tenant is {@code NOT_FOUND}. A tenant always keeps at least one owner, and no actor
 * grants privileges it does not hold itself. Thread-safe.
 */
public interface Members {

    List<MemberView> list(Principal actor);

    void changeRole(Principal actor, UserId member, String role);

    void remove(Principal actor, UserId member);

    /** Built-in roles first, then the tenant's custom roles by name. */
    List<RoleView> roles(Principal actor);

    /** Creates a custom role; a name taken by a built-in or custom role is {@code ALREADY_EXISTS}. */
    RoleView createRole(Principal actor, String name, Set<Privilege> privileges);

    /** Replaces a custom role's privileges; built-in roles cannot change. */
    RoleView updateRole(Principal actor, String name, Set<Privilege> privileges);

    /** Deletes a custom role that no member and no live key holds ({@code CONFLICT} otherwise). */
    void deleteRole(Principal actor, String name);
}
