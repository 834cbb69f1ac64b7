package dev.quiver.tenant.member;

import dev.quiver.common.AuditEvent;
import dev.quiver.common.ErrorCode;
import dev.quiver.common.Privilege;
import dev.quiver.common.QuiverException;
import dev.quiver.common.UserId;
import dev.quiver.tenant.access.AccessChanges;
import dev.quiver.tenant.access.BuiltInRole;
import dev.quiver.tenant.access.Grants;
import dev.quiver.tenant.access.JdbcRoles;
import dev.quiver.tenant.api.MemberView;
import dev.quiver.tenant.api.Members;
import dev.quiver.tenant.api.Principal;
import dev.quiver.tenant.api.RoleView;
import dev.quiver.tenant.api.TenantView;
import dev.quiver.tenant.api.UserView;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.annotation.Transactional;

/**
 * Memberships in {@code quiver.memberships} and custom roles in {@code quiver.roles}, over {@link JdbcClient}.
 *
 * <p>Two rules hold across concurrent requests: a tenant keeps at least one owner, and no actor changes a member
 * or a role beyond what it holds itself (neither to grant more nor to take from someone who has more). Every
 * change of a tenant's members takes a lock on the tenant's row first, so two owners demoting each other at once
 * cannot both succeed. Thread-safe.
 */
public class JdbcMembers implements Members {

    private static final String OWNER = BuiltInRole.OWNER.roleName();

    private static final String LIST = """
            select u.id, u.email, m.role, m.created_at from quiver.memberships m
            join quiver.users u on u.id = m.user_id
            where m.tenant_id = :tenantId order by m.created_at, u.email
            """;
    private static final String LOCK_TENANT = """
            select id from quiver.tenants where id = :tenantId for update
            """;
    private static final String FIND_ROLE = """
            select role from quiver.memberships where tenant_id = :tenantId and user_id = :userId
            """;
    private static final String COUNT_OWNERS = """
            select count(*) from quiver.memberships where tenant_id = :tenantId and role = 'owner'
            """;
    private static final String UPDATE_ROLE = """
            update quiver.memberships set role = :role where tenant_id = :tenantId and user_id = :userId
            """;
    private static final String DELETE = """
            delete from quiver.memberships where tenant_id = :tenantId and user_id = :userId
            """;

    private final JdbcClient jdbc;
    private final JdbcRoles roles;
    private final ApplicationEventPublisher events;
    private final AccessChanges changes;
    private final Clock clock;

    public JdbcMembers(JdbcClient jdbc, JdbcRoles roles, ApplicationEventPublisher events, AccessChanges changes,
            Clock clock) {
        this.jdbc = jdbc;
        this.roles = roles;
        this.events = events;
        this.changes = changes;
        this.clock = clock;
    }

    @Override
    public List<MemberView> list(Principal actor) {
        TenantView tenant = tenantOf(actor);
        actor.require(Privilege.MEMBERS_MANAGE);
        return jdbc.sql(LIST).param("tenantId", tenant.id().value())
                .query((rs, row) -> new MemberView(
                        new UserView(new UserId(rs.getObject("id", UUID.class)), rs.getString("email")),
                        rs.getString("role"), rs.getTimestamp("created_at").toInstant()))
                .list();
    }

    @Override
    @Transactional
    public void changeRole(Principal actor, UserId member, String role) {
        TenantView tenant = tenantOf(actor);
        actor.require(Privilege.MEMBERS_MANAGE);
        Grants.requireAllDatabases(actor);
        Set<Privilege> granted = roles.privileges(tenant.id(), role).orElseThrow(() -> QuiverException.invalidField(
                ErrorCode.INVALID_ARGUMENT, "role", "unknown", "Role [" + role + "] does not exist"));
        lockTenant(tenant);
        String current = currentRole(tenant, member);
        requireMayChange(actor, tenant, current);
        Grants.requireGrantable(actor, role, granted);
        if (current.equals(role)) {
            return;
        }
        if (OWNER.equals(current)) {
            requireAnotherOwner(tenant);
        }
        jdbc.sql(UPDATE_ROLE).param("tenantId", tenant.id().value()).param("userId", member.value())
                .param("role", role).update();
        changes.changed();
        events.publishEvent(new AuditEvent(tenant.id(), actor.actor(), "member.role_changed",
                "user:" + member + " role:" + role));
    }

    @Override
    @Transactional
    public void remove(Principal actor, UserId member) {
        TenantView tenant = tenantOf(actor);
        actor.require(Privilege.MEMBERS_MANAGE);
        Grants.requireAllDatabases(actor);
        lockTenant(tenant);
        String current = currentRole(tenant, member);
        requireMayChange(actor, tenant, current);
        if (OWNER.equals(current)) {
            requireAnotherOwner(tenant);
        }
        jdbc.sql(DELETE).param("tenantId", tenant.id().value()).param("userId", member.value()).update();
        changes.changed();
        events.publishEvent(new AuditEvent(tenant.id(), actor.actor(), "member.removed", "user:" + member));
    }

    /**
     * Every role of the tenant. Whoever grants roles must see them, so any of {@code roles.manage},
     * {@code members.manage} and {@code keys.manage} will do.
     */
    @Override
    public List<RoleView> roles(Principal actor) {
        TenantView tenant = tenantOf(actor);
        if (!actor.can(Privilege.ROLES_MANAGE) && !actor.can(Privilege.MEMBERS_MANAGE)
                && !actor.can(Privilege.KEYS_MANAGE)) {
            actor.require(Privilege.ROLES_MANAGE);
        }
        return roles.list(tenant.id());
    }

    @Override
    @Transactional
    public RoleView createRole(Principal actor, String name, Set<Privilege> privileges) {
        TenantView tenant = tenantOf(actor);
        actor.require(Privilege.ROLES_MANAGE);
        Grants.requireAllDatabases(actor);
        RoleRules.check(name, privileges);
        if (BuiltInRole.fromName(name).isPresent()) {
            throw QuiverException.invalidField(ErrorCode.ALREADY_EXISTS, "name", "unique",
                    "Role [" + name + "] is built in");
        }
        Grants.requireGrantable(actor, name, privileges);
        lockTenant(tenant);
        roles.insert(tenant.id(), name, privileges, clock.instant());
        changes.changed();
        events.publishEvent(new AuditEvent(tenant.id(), actor.actor(), "role.created", "role:" + name));
        return new RoleView(name, false, privileges);
    }

    @Override
    @Transactional
    public RoleView updateRole(Principal actor, String name, Set<Privilege> privileges) {
        TenantView tenant = tenantOf(actor);
        actor.require(Privilege.ROLES_MANAGE);
        Grants.requireAllDatabases(actor);
        requireCustom(name);
        RoleRules.check(name, privileges);
        lockTenant(tenant);
        Set<Privilege> current = customRole(tenant, name);
        // Neither grant more than the actor holds nor take away what it does not hold.
        Set<Privilege> touched = EnumSet.copyOf(privileges);
        touched.addAll(current);
        Grants.requireGrantable(actor, name, touched);
        roles.update(tenant.id(), name, privileges);
        changes.changed();
        events.publishEvent(new AuditEvent(tenant.id(), actor.actor(), "role.updated", "role:" + name));
        return new RoleView(name, false, privileges);
    }

    @Override
    @Transactional
    public void deleteRole(Principal actor, String name) {
        TenantView tenant = tenantOf(actor);
        actor.require(Privilege.ROLES_MANAGE);
        Grants.requireAllDatabases(actor);
        requireCustom(name);
        // Locked so that no member is given the role between the count and the deletion.
        lockTenant(tenant);
        Set<Privilege> current = customRole(tenant, name);
        Grants.requireGrantable(actor, name, current);
        long members = roles.membersHolding(tenant.id(), name);
        long keys = roles.liveKeysHolding(tenant.id(), name, clock.instant());
        if (members > 0 || keys > 0) {
            throw new QuiverException(ErrorCode.CONFLICT, "Role [" + name + "] is held by " + members
                    + " member(s) and " + keys + " live API key(s)");
        }
        roles.delete(tenant.id(), name);
        changes.changed();
        events.publishEvent(new AuditEvent(tenant.id(), actor.actor(), "role.deleted", "role:" + name));
    }

    private void lockTenant(TenantView tenant) {
        jdbc.sql(LOCK_TENANT).param("tenantId", tenant.id().value()).query().listOfRows();
    }

    private String currentRole(TenantView tenant, UserId member) {
        return jdbc.sql(FIND_ROLE).param("tenantId", tenant.id().value()).param("userId", member.value())
                .query(String.class).optional()
                .orElseThrow(() -> new QuiverException(ErrorCode.NOT_FOUND, "Member [" + member + "] does not exist"));
    }

    private Set<Privilege> customRole(TenantView tenant, String name) {
        return roles.privileges(tenant.id(), name)
                .orElseThrow(() -> new QuiverException(ErrorCode.NOT_FOUND, "Role [" + name + "] does not exist"));
    }

    /** Whoever changes a member must hold everything the member holds now, and only an owner touches an owner. */
    private void requireMayChange(Principal actor, TenantView tenant, String current) {
        if (OWNER.equals(current) && !OWNER.equals(actor.role())) {
            throw new QuiverException(ErrorCode.PERMISSION_DENIED, "Only an owner may change or remove an owner");
        }
        Optional<Set<Privilege>> held = roles.privileges(tenant.id(), current);
        Grants.requireGrantable(actor, current, held.orElse(Set.of()));
    }

    private void requireAnotherOwner(TenantView tenant) {
        long owners = jdbc.sql(COUNT_OWNERS).param("tenantId", tenant.id().value()).query(Long.class).single();
        if (owners <= 1) {
            throw new QuiverException(ErrorCode.CONFLICT, "A tenant keeps at least one owner");
        }
    }

    private static void requireCustom(String name) {
        if (BuiltInRole.fromName(name).isPresent()) {
            throw QuiverException.invalidField(ErrorCode.INVALID_ARGUMENT, "name", "built-in",
                    "Role [" + name + "] is built in and cannot change");
        }
    }

    private static TenantView tenantOf(Principal actor) {
        if (actor.tenant() == null) {
            throw new QuiverException(ErrorCode.PERMISSION_DENIED, "Members belong to a tenant; act in one");
        }
        return actor.tenant();
    }
}
