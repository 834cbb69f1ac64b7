package dev.quiver.tenant.admin;

import static java.util.Objects.requireNonNull;

import dev.quiver.common.AuditEvent;
import dev.quiver.common.ErrorCode;
import dev.quiver.common.QuiverException;
import dev.quiver.common.TenantId;
import dev.quiver.tenant.access.AccessChanges;
import dev.quiver.tenant.api.Principal;
import dev.quiver.tenant.api.TenantAdministration;
import dev.quiver.tenant.api.TenantCatalog;
import dev.quiver.tenant.api.TenantStatus;
import dev.quiver.tenant.api.TenantView;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.annotation.Transactional;

/**
 * Tenants as operators see them, over {@link JdbcClient}. Deleting a tenant deletes its row (memberships, roles,
 * keys, invitations, databases and collections follow by cascade) and drops its schema, in one transaction: in
 * PostgreSQL {@code drop schema} is transactional too.
 *
 * <p>A suspension is two columns of the tenant's row. Principals read them on every authentication, and a change
 * signals {@link AccessChanges} so that cached principals are dropped: the next request sees it. Suspending and
 * resuming are audited in the tenant's own log, in the transaction that makes the change. Thread-safe.
 */
public class JdbcTenantAdministration implements TenantAdministration {

    /** The longest reason an operator may give for a suspension. */
    static final int MAX_REASON_LENGTH = 500;

    private static final Logger log = LoggerFactory.getLogger(JdbcTenantAdministration.class);

    private static final String SEARCH = """
            select id, name, created_at, suspended_at, suspended_reason from quiver.tenants
            where strpos(name, :search) > 0
            order by name limit :limit offset :offset
            """;
    private static final String FIND_BY_ID = """
            select id, name, created_at, suspended_at, suspended_reason from quiver.tenants where id = :id
            """;
    private static final String FIND_BY_NAME = """
            select id, name, created_at, suspended_at, suspended_reason from quiver.tenants where name = :name
            """;
    /** A second suspension keeps the first one's time, so "suspended since" stays true, and replaces the reason. */
    private static final String SUSPEND = """
            update quiver.tenants set suspended_at = coalesce(suspended_at, :now), suspended_reason = :reason
            where id = :id
            """;
    private static final String RESUME = """
            update quiver.tenants set suspended_at = null, suspended_reason = null
            where id = :id and suspended_at is not null
            """;
    private static final String EXISTS = """
            select exists (select 1 from quiver.tenants where id = :id)
            """;
    private static final String DELETE = """
            delete from quiver.tenants where id = :id
            """;

    private final JdbcClient jdbc;
    private final AccessChanges changes;
    private final ApplicationEventPublisher events;
    private final Clock clock;

    public JdbcTenantAdministration(JdbcClient jdbc, AccessChanges changes, ApplicationEventPublisher events,
            Clock clock) {
        this.jdbc = requireNonNull(jdbc, "jdbc is null");
        this.changes = requireNonNull(changes, "changes is null");
        this.events = requireNonNull(events, "events is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    @Override
    public Optional<TenantStatus> find(Principal operator, String nameOrId) {
        requireOperator(operator);
        Optional<UUID> id = uuid(nameOrId);
        if (id.isPresent()) {
            Optional<TenantStatus> byId = jdbc.sql(FIND_BY_ID).param("id", id.get())
                    .query(JdbcTenantAdministration::status).optional();
            if (byId.isPresent()) {
                return byId;
            }
        }
        return jdbc.sql(FIND_BY_NAME).param("name", nameOrId).query(JdbcTenantAdministration::status).optional();
    }

    @Override
    @Transactional
    public void suspend(Principal operator, TenantView tenant, String reason) {
        requireOperator(operator);
        String stripped = reason.strip();
        if (stripped.isEmpty() || stripped.length() > MAX_REASON_LENGTH) {
            throw QuiverException.invalidField(ErrorCode.INVALID_ARGUMENT, "reason", "length",
                    "reason must have 1 to " + MAX_REASON_LENGTH + " characters, not blank: got "
                            + stripped.length());
        }
        int updated = jdbc.sql(SUSPEND)
                .param("id", tenant.id().value())
                .param("now", Timestamp.from(clock.instant()))
                .param("reason", stripped)
                .update();
        if (updated == 0) {
            throw notFound(tenant);
        }
        changes.changed();
        events.publishEvent(new AuditEvent(tenant.id(), operator.actor(), "tenant.suspended",
                "tenant:" + tenant.id()));
        log.info("Tenant {} ({}) suspended by {}", tenant.name(), tenant.id(), operator.actor());
    }

    @Override
    @Transactional
    public void resume(Principal operator, TenantView tenant) {
        requireOperator(operator);
        int updated = jdbc.sql(RESUME).param("id", tenant.id().value()).update();
        if (updated == 0) {
            if (!jdbc.sql(EXISTS).param("id", tenant.id().value()).query(Boolean.class).single()) {
                throw notFound(tenant);
            }
            return;
        }
        changes.changed();
        events.publishEvent(new AuditEvent(tenant.id(), operator.actor(), "tenant.resumed",
                "tenant:" + tenant.id()));
        log.info("Tenant {} ({}) resumed by {}", tenant.name(), tenant.id(), operator.actor());
    }

    @Override
    public List<TenantStatus> search(Principal operator, String search, int limit, int offset) {
        requireOperator(operator);
        if (limit < 1 || offset < 0) {
            throw QuiverException.invalidField(ErrorCode.INVALID_ARGUMENT, limit < 1 ? "limit" : "offset", "range",
                    "limit must be positive and offset not negative");
        }
        return jdbc.sql(SEARCH)
                .param("search", search)
                .param("limit", limit)
                .param("offset", offset)
                .query(JdbcTenantAdministration::status)
                .list();
    }

    @Override
    @Transactional
    public void delete(Principal operator, TenantView tenant) {
        requireOperator(operator);
        if (TenantCatalog.DEFAULT_TENANT.equals(tenant.name())) {
            // Standalone clients without a key, and the bootstrap, rely on it.
            throw new QuiverException(ErrorCode.CONFLICT, "The default tenant cannot be deleted");
        }
        if (jdbc.sql(DELETE).param("id", tenant.id().value()).update() == 0) {
            throw notFound(tenant);
        }
        // The name comes from the typed id alone (t_ and 32 hex digits), so it is a safe identifier.
        jdbc.sql("drop schema if exists " + tenant.id().schemaName() + " cascade").update();
        changes.changed();
        log.info("Tenant {} ({}) deleted by {}", tenant.name(), tenant.id(), operator.actor());
    }

    private static QuiverException notFound(TenantView tenant) {
        return new QuiverException(ErrorCode.NOT_FOUND, "Tenant [" + tenant.name() + "] does not exist");
    }

    private static void requireOperator(Principal principal) {
        if (!principal.operator()) {
            throw new QuiverException(ErrorCode.PERMISSION_DENIED, "Only platform operators manage tenants");
        }
    }

    private static Optional<UUID> uuid(String text) {
        try {
            UUID uuid = UUID.fromString(text);
            return uuid.toString().equalsIgnoreCase(text) ? Optional.of(uuid) : Optional.empty();
        } catch (IllegalArgumentException e) {
            // A name, not an id.
            return Optional.empty();
        }
    }

    /** Maps a row of {@code quiver.tenants} with its suspension columns. */
    public static TenantStatus status(ResultSet rs, int row) throws SQLException {
        Timestamp suspendedAt = rs.getTimestamp("suspended_at");
        return new TenantStatus(new TenantView(new TenantId(rs.getObject("id", UUID.class)), rs.getString("name")),
                rs.getTimestamp("created_at").toInstant(), suspendedAt == null ? null : suspendedAt.toInstant(),
                rs.getString("suspended_reason"));
    }
}
