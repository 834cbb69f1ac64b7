package dev.quiver.tenant.audit;

import dev.quiver.common.AuditEvent;
import dev.quiver.common.ErrorCode;
import dev.quiver.common.Privilege;
import dev.quiver.common.QuiverException;
import dev.quiver.common.TenantId;
import dev.quiver.tenant.api.AuditEntry;
import dev.quiver.tenant.api.AuditLog;
import dev.quiver.tenant.api.Principal;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The audit log in each tenant's schema ({@code t_<hex>.audit_log}), over {@link JdbcClient}. The schema name comes
 * only from the {@link TenantId}, never from user text.
 *
 * <p>{@link #record} is a plain synchronous listener, not an after-commit one: it runs inside the publisher's
 * transaction, so an entry commits with its change or not at all, and a failure to record rolls the change back.
 * Thread-safe.
 */
public class JdbcAuditLog implements AuditLog {

    static final int MAX_LIMIT = 1000;

    private static final String INSERT = """
            insert into %s.audit_log (at, actor, action, target) values (:at, :actor, :action, :target)
            """;
    private static final String LIST = """
            select sequence, at, actor, action, target from %s.audit_log
            where sequence < :before order by sequence desc limit :limit
            """;

    private final JdbcClient jdbc;
    private final Clock clock;

    public JdbcAuditLog(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    @EventListener
    public void record(AuditEvent event) {
        jdbc.sql(INSERT.formatted(event.tenant().schemaName()))
                .param("at", Timestamp.from(clock.instant()))
                .param("actor", event.actor())
                .param("action", event.action())
                .param("target", event.target())
                .update();
    }

    @Override
    public List<AuditEntry> list(Principal actor, @Nullable Long before, int limit) {
        if (actor.tenant() == null) {
            throw new QuiverException(ErrorCode.PERMISSION_DENIED, "An audit log belongs to a tenant; act in one");
        }
        actor.require(Privilege.AUDIT_READ);
        if (limit < 1 || limit > MAX_LIMIT) {
            throw QuiverException.invalidField(ErrorCode.INVALID_ARGUMENT, "limit", "range",
                    "limit must be between 1 and " + MAX_LIMIT);
        }
        return jdbc.sql(LIST.formatted(actor.tenant().id().schemaName()))
                .param("before", before == null ? Long.MAX_VALUE : before)
                .param("limit", limit)
                .query((rs, row) -> new AuditEntry(rs.getLong("sequence"), rs.getTimestamp("at").toInstant(),
                        rs.getString("actor"), rs.getString("action"), rs.getString("target")))
                .list();
    }
}
