package dev.quiver.tenant.access;

import dev.quiver.common.ErrorCode;
import dev.quiver.common.Privilege;
import dev.quiver.common.QuiverException;
import dev.quiver.common.TenantId;
import dev.quiver.tenant.api.RoleView;
import java.sql.Array;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Roles of a tenant: the built-in ones from {@link BuiltInRole} and the custom ones from {@code quiver.roles}.
 * Privileges are stored by {@link Privilege#key()}; a stored key no release knows any more grants nothing.
 * Thread-safe.
 */
public final class JdbcRoles {

    /** A custom role's name: lower case, starting with a letter, 3 to 63 characters. */
    public static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_-]{2,62}");

    private static final String FIND = """
            select privileges from quiver.roles where tenant_id = :tenantId and name = :name
            """;
    private static final String LIST = """
            select name, privileges from quiver.roles where tenant_id = :tenantId order by name
            """;
    private static final String INSERT = """
            insert into quiver.roles (tenant_id, name, privileges, created_at)
            values (:tenantId, :name, :privileges, :createdAt)
            """;
    private static final String UPDATE = """
            update quiver.roles set privileges = :privileges where tenant_id = :tenantId and name = :name
            """;
    private static final String DELETE = """
            delete from quiver.roles where tenant_id = :tenantId and name = :name
            """;
    private static final String COUNT_MEMBERS = """
            select count(*) from quiver.memberships where tenant_id = :tenantId and role = :name
            """;
    private static final String COUNT_LIVE_KEYS = """
            select count(*) from quiver.api_keys
            where tenant_id = :tenantId and role = :name and revoked_at is null
              and (expires_at is null or expires_at > :now)
            """;

    private final JdbcClient jdbc;

    public JdbcRoles(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** The privileges of a built-in or custom role of the tenant; empty when the tenant has no such role. */
    public Optional<Set<Privilege>> privileges(TenantId tenant, String role) {
        Optional<BuiltInRole> builtIn = BuiltInRole.fromName(role);
        if (builtIn.isPresent()) {
            return Optional.of(builtIn.get().privileges());
        }
        return jdbc.sql(FIND)
                .param("tenantId", tenant.value())
                .param("name", role)
                .query((rs, row) -> privileges(rs.getArray("privileges")))
                .optional();
    }

    /** Built-in roles first, then the tenant's custom roles by name. */
    public List<RoleView> list(TenantId tenant) {
        List<RoleView> custom = jdbc.sql(LIST)
                .param("tenantId", tenant.value())
                .query((rs, row) -> new RoleView(rs.getString("name"), false, privileges(rs.getArray("privileges"))))
                .list();
        return Stream.concat(
                Arrays.stream(BuiltInRole.values()).map(role -> new RoleView(role.roleName(), true, role.privileges())),
                custom.stream()).toList();
    }

    /** Stores a new custom role; {@code ALREADY_EXISTS} when the tenant has one of that name. */
    public void insert(TenantId tenant, String name, Set<Privilege> privileges, Instant now) {
        try {
            jdbc.sql(INSERT)
                    .param("tenantId", tenant.value())
                    .param("name", name)
                    .param("privileges", keys(privileges))
                    .param("createdAt", Timestamp.from(now))
                    .update();
        } catch (DuplicateKeyException e) {
            throw QuiverException.invalidField(ErrorCode.ALREADY_EXISTS, "name", "unique",
                    "Role [" + name + "] already exists");
        }
    }

    /** Replaces a custom role's privileges; false when the tenant has no custom role of that name. */
    public boolean update(TenantId tenant, String name, Set<Privilege> privileges) {
        return jdbc.sql(UPDATE)
                .param("tenantId", tenant.value())
                .param("name", name)
                .param("privileges", keys(privileges))
                .update() == 1;
    }

    /** Deletes a custom role; false when the tenant has no custom role of that name. */
    public boolean delete(TenantId tenant, String name) {
        return jdbc.sql(DELETE).param("tenantId", tenant.value()).param("name", name).update() == 1;
    }

    /** How many members of the tenant hold the role. */
    public long membersHolding(TenantId tenant, String name) {
        return jdbc.sql(COUNT_MEMBERS).param("tenantId", tenant.value()).param("name", name)
                .query(Long.class).single();
    }

    /** How many keys of the tenant that still work (neither revoked nor expired) hold the role. */
    public long liveKeysHolding(TenantId tenant, String name, Instant now) {
        return jdbc.sql(COUNT_LIVE_KEYS).param("tenantId", tenant.value()).param("name", name)
                .param("now", Timestamp.from(now)).query(Long.class).single();
    }

    /** Privileges from their stored keys, skipping any that this release does not know. */
    public static Set<Privilege> privileges(Array array) throws SQLException {
        EnumSet<Privilege> privileges = EnumSet.noneOf(Privilege.class);
        for (Object key : (Object[]) array.getArray()) {
            Privilege.fromKey((String) key).ifPresent(privileges::add);
        }
        return privileges;
    }

    private static String[] keys(Set<Privilege> privileges) {
        return privileges.stream().sorted().map(Privilege::key).toArray(String[]::new);
    }
}
