package dev.quiver.tenant.key;

import dev.quiver.common.AuditEvent;
import dev.quiver.common.ErrorCode;
import dev.quiver.common.FieldError;
import dev.quiver.common.Privilege;
import dev.quiver.common.QuiverException;
import dev.quiver.common.TenantId;
import dev.quiver.common.UserId;
import dev.quiver.tenant.access.AccessChanges;
import dev.quiver.tenant.access.BuiltInRole;
import dev.quiver.tenant.access.Grants;
import dev.quiver.tenant.access.JdbcRoles;
import dev.quiver.tenant.api.ApiKeyId;
import dev.quiver.tenant.api.ApiKeyView;
import dev.quiver.tenant.api.ApiKeys;
import dev.quiver.tenant.api.DatabaseId;
import dev.quiver.tenant.api.DatabaseView;
import dev.quiver.tenant.api.MintKey;
import dev.quiver.tenant.api.MintedKey;
import dev.quiver.tenant.api.Principal;
import dev.quiver.tenant.api.TenantCatalog;
import dev.quiver.tenant.api.TenantView;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.annotation.Transactional;

/**
 * API keys in {@code quiver.api_keys}, over {@link JdbcClient}. A key limited to some databases that holds
 * {@code keys.manage} mints, lists and revokes only keys limited to databases it sees itself.
 *
 * <p>{@link #authenticate} is on every request's path. When this process is the control plane's only writer
 * ({@code soleWriter}, standalone mode), principals are cached by the secret's hash and the cache is cleared on any
 * local change of access data ({@link AccessChanges}), suspending or resuming a tenant included. Otherwise every
 * call is one indexed lookup, so a key revoked (or a tenant suspended) by another process stops working on the next
 * request. Thread-safe.
 */
public class JdbcApiKeys implements ApiKeys {

    static final int MAX_NAME_LENGTH = 100;

    private static final String AUTHENTICATE = """
            select k.id, k.tenant_id, t.name as tenant_name, k.created_by, k.role, k.expires_at, k.all_databases,
                   t.suspended_at is not null as suspended, r.privileges as custom_privileges,
                   array(select d.database_id from quiver.api_key_databases d where d.key_id = k.id) as databases
            from quiver.api_keys k
            join quiver.tenants t on t.id = k.tenant_id
            left join quiver.roles r on r.tenant_id = k.tenant_id and r.name = k.role
            where k.secret_hash = :hash and k.revoked_at is null
            """;
    private static final String INSERT = """
            insert into quiver.api_keys
                (id, tenant_id, name, role, prefix, secret_hash, all_databases, created_by, created_at, expires_at)
            values (:id, :tenantId, :name, :role, :prefix, :hash, :allDatabases, :createdBy, :createdAt, :expiresAt)
            """;
    private static final String INSERT_DATABASE = """
            insert into quiver.api_key_databases (key_id, database_id) values (:keyId, :databaseId)
            """;
    private static final String LIST = """
            select k.id, k.name, k.role, k.prefix, k.all_databases, k.created_at, k.expires_at, k.revoked_at,
                   array(select d.name from quiver.api_key_databases kd
                         join quiver.databases d on d.id = kd.database_id
                         where kd.key_id = k.id order by d.name) as databases,
                   array(select kd.database_id from quiver.api_key_databases kd where kd.key_id = k.id)
                       as database_ids
            from quiver.api_keys k
            where k.tenant_id = :tenantId
            order by k.created_at desc, k.id
            """;
    private static final String REVOKE = """
            update quiver.api_keys set revoked_at = :now
            where id = :id and tenant_id = :tenantId and revoked_at is null
            """;
    private static final String EXISTS_IN_TENANT = """
            select exists (select 1 from quiver.api_keys where id = :id and tenant_id = :tenantId)
            """;
    private static final String EXISTS = """
            select exists (select 1 from quiver.api_keys where secret_hash = :hash)
            """;

    private final JdbcClient jdbc;
    private final TenantCatalog catalog;
    private final JdbcRoles roles;
    private final ApplicationEventPublisher events;
    private final AccessChanges changes;
    private final Clock clock;
    private final @Nullable PrincipalCache cache;

    public JdbcApiKeys(JdbcClient jdbc, TenantCatalog catalog, JdbcRoles roles, ApplicationEventPublisher events,
            AccessChanges changes, Clock clock, boolean soleWriter) {
        this.jdbc = jdbc;
        this.catalog = catalog;
        this.roles = roles;
        this.events = events;
        this.changes = changes;
        this.clock = clock;
        if (soleWriter) {
            PrincipalCache principals = new PrincipalCache();
            changes.subscribe(principals::clear);
            this.cache = principals;
        } else {
            this.cache = null;
        }
    }

    @Override
    public Optional<Principal> authenticate(String secret) {
        if (!KeySecrets.wellFormed(secret)) {
            return Optional.empty();
        }
        byte[] hash = KeySecrets.hash(secret);
        Instant now = clock.instant();
        if (cache != null) {
            Optional<Principal> cached = cache.find(hash, now);
            if (cached.isPresent()) {
                return cached;
            }
        }
        long generation = cache == null ? 0 : cache.generation();
        Optional<Resolved> found = jdbc.sql(AUTHENTICATE).param("hash", hash).query(JdbcApiKeys::resolved).optional();
        if (found.isEmpty()) {
            return Optional.empty();
        }
        Resolved resolved = found.get();
        if (resolved.expiresAt() != null && !now.isBefore(resolved.expiresAt())) {
            return Optional.empty();
        }
        if (cache != null) {
            cache.put(hash, resolved.principal(), resolved.expiresAt(), generation);
        }
        return Optional.of(resolved.principal());
    }

    @Override
    @Transactional
    public MintedKey mint(Principal actor, MintKey request) {
        TenantView tenant = tenantOf(actor);
        actor.require(Privilege.KEYS_MANAGE);
        Instant now = clock.instant();

        // 1. Validate every field before writing anything, reporting all that are wrong.
        List<FieldError> errors = new ArrayList<>();
        String name = request.name().strip();
        if (name.isEmpty()) {
            errors.add(new FieldError("name", "required", "A key needs a name"));
        } else if (name.length() > MAX_NAME_LENGTH) {
            errors.add(new FieldError("name", "max-length", "A key's name has at most " + MAX_NAME_LENGTH
                    + " characters"));
        }
        Optional<Set<Privilege>> privileges = roles.privileges(tenant.id(), request.role());
        if (privileges.isEmpty()) {
            errors.add(new FieldError("role", "unknown", "Role [" + request.role() + "] does not exist"));
        }
        Set<DatabaseView> databases = null;
        if (request.databases() != null) {
            databases = new LinkedHashSet<>();
            for (int i = 0; i < request.databases().size(); i++) {
                String database = request.databases().get(i);
                Optional<DatabaseView> view = catalog.findDatabase(tenant, database);
                if (view.isEmpty()) {
                    errors.add(new FieldError("databases[" + i + "]", "unknown",
                            "Database [" + database + "] does not exist"));
                } else {
                    databases.add(view.get());
                }
            }
        }
        if (request.expiresAt() != null && !request.expiresAt().isAfter(now)) {
            errors.add(new FieldError("expires_at", "future", "A key's expiry must be in the future"));
        }
        if (!errors.isEmpty()) {
            throw new QuiverException(ErrorCode.INVALID_ARGUMENT, errors.getFirst().message(), errors);
        }

        // 2. No escalation: the key gets no privilege and no database the actor does not have.
        Grants.requireGrantable(actor, request.role(), privileges.orElseThrow());
        if (actor.databases() != null) {
            if (databases == null) {
                throw new QuiverException(ErrorCode.PERMISSION_DENIED,
                        "A key limited to some databases cannot mint a key for every database");
            }
            for (DatabaseView database : databases) {
                if (!actor.databases().contains(database.id())) {
                    // The actor may not see it, so it is as unknown as a database that does not exist.
                    throw QuiverException.invalidField(ErrorCode.INVALID_ARGUMENT,
                            "databases[" + request.databases().indexOf(database.name()) + "]", "unknown",
                            "Database [" + database.name() + "] does not exist");
                }
            }
        }

        // 3. Store only the secret's hash.
        String secret = KeySecrets.generate();
        ApiKeyView key = insert(tenant, actor.user(), name, request.role(), secret,
                databases == null ? null : List.copyOf(databases), now, request.expiresAt());
        events.publishEvent(new AuditEvent(tenant.id(), actor.actor(), "key.minted", "key:" + key.id()));
        return new MintedKey(key, secret);
    }

    /**
     * Stores a key with a given secret, with no privilege checks: for start-up work (the bootstrap key) that runs
     * before anyone is signed in. The caller runs it in a transaction.
     */
    public ApiKeyView insert(TenantView tenant, @Nullable UserId createdBy, String name, String role, String secret,
            @Nullable List<DatabaseView> databases, Instant now, @Nullable Instant expiresAt) {
        if (!KeySecrets.wellFormed(secret)) {
            throw new IllegalArgumentException("not an API key secret");
        }
        ApiKeyId id = new ApiKeyId(UUID.randomUUID());
        jdbc.sql(INSERT)
                .param("id", id.value())
                .param("tenantId", tenant.id().value())
                .param("name", name)
                .param("role", role)
                .param("prefix", KeySecrets.prefix(secret))
                .param("hash", KeySecrets.hash(secret))
                .param("allDatabases", databases == null)
                .param("createdBy", createdBy == null ? null : createdBy.value())
                .param("createdAt", Timestamp.from(now))
                .param("expiresAt", expiresAt == null ? null : Timestamp.from(expiresAt))
                .update();
        if (databases != null) {
            for (DatabaseView database : databases) {
                jdbc.sql(INSERT_DATABASE).param("keyId", id.value()).param("databaseId", database.id().value())
                        .update();
            }
        }
        changes.changed();
        return new ApiKeyView(id, name, role, KeySecrets.prefix(secret),
                databases == null ? null : databases.stream().map(DatabaseView::name).sorted().toList(), now,
                expiresAt, null);
    }

    /** Whether a key with this secret exists, live or not. */
    public boolean exists(String secret) {
        return jdbc.sql(EXISTS).param("hash", KeySecrets.hash(secret)).query(Boolean.class).single();
    }

    @Override
    public List<ApiKeyView> list(Principal actor) {
        TenantView tenant = tenantOf(actor);
        actor.require(Privilege.KEYS_MANAGE);
        return listed(tenant).stream().filter(key -> key.visibleTo(actor)).map(Listed::view).toList();
    }

    private List<Listed> listed(TenantView tenant) {
        return jdbc.sql(LIST).param("tenantId", tenant.id().value()).query(JdbcApiKeys::listed).list();
    }

    @Override
    @Transactional
    public void revoke(Principal actor, ApiKeyId key) {
        TenantView tenant = tenantOf(actor);
        actor.require(Privilege.KEYS_MANAGE);
        if (actor.databases() != null && listed(tenant).stream()
                .noneMatch(listed -> listed.view().id().equals(key) && listed.visibleTo(actor))) {
            // A key limited to some databases manages only keys within them; others are as unknown to it.
            throw new QuiverException(ErrorCode.NOT_FOUND, "API key [" + key + "] does not exist");
        }
        // The tenant is part of the condition: another tenant's key is as unknown as one that does not exist.
        int revoked = jdbc.sql(REVOKE)
                .param("id", key.value())
                .param("tenantId", tenant.id().value())
                .param("now", Timestamp.from(clock.instant()))
                .update();
        if (revoked == 1) {
            changes.changed();
            events.publishEvent(new AuditEvent(tenant.id(), actor.actor(), "key.revoked", "key:" + key));
        } else if (!jdbc.sql(EXISTS_IN_TENANT).param("id", key.value()).param("tenantId", tenant.id().value())
                .query(Boolean.class).single()) {
            throw new QuiverException(ErrorCode.NOT_FOUND, "API key [" + key + "] does not exist");
        }
    }

    private static TenantView tenantOf(Principal actor) {
        if (actor.tenant() == null) {
            throw new QuiverException(ErrorCode.PERMISSION_DENIED, "API keys belong to a tenant; act in one");
        }
        return actor.tenant();
    }

    private record Resolved(Principal principal, @Nullable Instant expiresAt) {
    }

    private static Resolved resolved(ResultSet rs, int row) throws SQLException {
        String role = rs.getString("role");
        Set<Privilege> privileges = BuiltInRole.fromName(role).map(BuiltInRole::privileges).orElse(null);
        if (privileges == null) {
            var custom = rs.getArray("custom_privileges");
            privileges = custom == null ? Set.of() : JdbcRoles.privileges(custom);
        }
        Set<DatabaseId> databases = null;
        if (!rs.getBoolean("all_databases")) {
            databases = new HashSet<>();
            for (Object id : (Object[]) rs.getArray("databases").getArray()) {
                databases.add(new DatabaseId((UUID) id));
            }
        }
        UUID createdBy = rs.getObject("created_by", UUID.class);
        TenantView tenant = new TenantView(new TenantId(rs.getObject("tenant_id", UUID.class)),
                rs.getString("tenant_name"));
        Principal principal = new Principal(Principal.Kind.API_KEY, tenant,
                createdBy == null ? null : new UserId(createdBy), new ApiKeyId(rs.getObject("id", UUID.class)), role,
                privileges, databases, false, rs.getBoolean("suspended"));
        return new Resolved(principal, instant(rs, "expires_at"));
    }

    /** A key as listed, with the ids of the databases it is limited to (null for every database). */
    private record Listed(ApiKeyView view, @Nullable Set<DatabaseId> scope) {

        /**
         * Whether the actor may see the key: any key for an actor that sees every database, otherwise only keys
         * limited to databases the actor sees too.
         */
        boolean visibleTo(Principal actor) {
            return actor.databases() == null || (scope != null && actor.databases().containsAll(scope));
        }
    }

    private static Listed listed(ResultSet rs, int row) throws SQLException {
        boolean all = rs.getBoolean("all_databases");
        List<String> databases = all ? null
                : Arrays.stream((Object[]) rs.getArray("databases").getArray()).map(String.class::cast).toList();
        Set<DatabaseId> scope = all ? null : Arrays.stream((Object[]) rs.getArray("database_ids").getArray())
                .map(id -> new DatabaseId((UUID) id)).collect(Collectors.toSet());
        ApiKeyView view = new ApiKeyView(new ApiKeyId(rs.getObject("id", UUID.class)), rs.getString("name"),
                rs.getString("role"), rs.getString("prefix"), databases, rs.getTimestamp("created_at").toInstant(),
                instant(rs, "expires_at"), instant(rs, "revoked_at"));
        return new Listed(view, scope);
    }

    private static @Nullable Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp timestamp = rs.getTimestamp(column);
        return timestamp == null ? null : timestamp.toInstant();
    }
}
