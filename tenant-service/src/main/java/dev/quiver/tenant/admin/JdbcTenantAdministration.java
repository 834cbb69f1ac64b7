package dev.quiver.tenant.admin;

import dev.quiver.common.ErrorCode;
import dev.quiver.common.QuiverException;
import dev.quiver.common.TenantId;
import dev.quiver.tenant.access.AccessChanges;
import dev.quiver.tenant.api.Principal;
import dev.quiver.tenant.api.TenantAdministration;
import dev.quiver.tenant.api.TenantCatalog;
import dev.quiver.tenant.api.TenantStatus;
import dev.quiver.tenant.api.TenantView;
import java.util.Optional;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.annotation.Transactional;

/**
 * Tenants as operators see them, over {@link JdbcClient}. Deleting a tenant deletes its row (memberships, roles,
 * keys, invitations, databases and collections follow by cascade) and drops its schema, in one transaction: in
 * PostgreSQL {@code drop schema} is transactional too. Thread-safe.
 */
public class JdbcTenantAdministration implements TenantAdministration {

    private static final Logger log = LoggerFactory.getLogger(JdbcTenantAdministration.class);

    private static final String SEARCH = """
            select id, name from quiver.tenants where strpos(name, :search) > 0
            order by name limit :limit offset :offset
            """;
    private static final String DELETE = """
            delete from quiver.tenants where id = :id
            """;

    private final JdbcClient jdbc;
    private final AccessChanges changes;

    public JdbcTenantAdministration(JdbcClient jdbc, AccessChanges changes) {
        this.jdbc = jdbc;
        this.changes = changes;
    }

    @Override
    public Optional<TenantStatus> find(Principal operator, String nameOrId) {
        throw new UnsupportedOperationException("contract stub, replaced in this branch");
    }

    @Override
    public void suspend(Principal operator, TenantView tenant, String reason) {
        throw new UnsupportedOperationException("contract stub, replaced in this branch");
    }

    @Override
    public void resume(Principal operator, TenantView tenant) {
        throw new UnsupportedOperationException("contract stub, replaced in this branch");
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
                .query((rs, row) -> new TenantStatus(new TenantView(new TenantId(rs.getObject("id", UUID.class)),
                        rs.getString("name")), java.time.Instant.EPOCH, null, null))
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
            throw new QuiverException(ErrorCode.NOT_FOUND, "Tenant [" + tenant.name() + "] does not exist");
        }
        // The name comes from the typed id alone (t_ and 32 hex digits), so it is a safe identifier.
        jdbc.sql("drop schema if exists " + tenant.id().schemaName() + " cascade").update();
        changes.changed();
        log.info("Tenant {} ({}) deleted by {}", tenant.name(), tenant.id(), operator.actor());
    }

    private static void requireOperator(Principal principal) {
        if (!principal.operator()) {
            throw new QuiverException(ErrorCode.PERMISSION_DENIED, "Only platform operators manage tenants");
        }
    }
}
