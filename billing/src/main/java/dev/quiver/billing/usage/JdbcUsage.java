package dev.quiver.billing.usage;

import static java.util.Objects.requireNonNull;

import dev.quiver.billing.api.Granularity;
import dev.quiver.billing.api.Usage;
import dev.quiver.billing.api.UsageRow;
import dev.quiver.billing.api.UsageTotals;
import dev.quiver.common.TenantId;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Usage read back from the roll-ups in the control-plane schema. Thread-safe. */
public final class JdbcUsage implements Usage {

    private static final String ROWS = """
            select period_start, database_id, collection_id, read_units, write_units, storage_byte_hours,
                   embedding_units
            from quiver.usage_rollups
            where tenant_id = :tenant and granularity = :granularity
              and period_start >= :from and period_start < :to
            order by period_start, collection_id
            """;

    private static final String TOTALS = """
            select coalesce(sum(read_units), 0) as read_units, coalesce(sum(write_units), 0) as write_units,
                   coalesce(sum(storage_byte_hours), 0) as storage_byte_hours,
                   coalesce(sum(embedding_units), 0) as embedding_units
            from quiver.usage_rollups
            where tenant_id = :tenant and granularity = 'hour' and period_start >= :from and period_start < :to
            """;

    private final JdbcClient jdbc;

    public JdbcUsage(JdbcClient jdbc) {
        this.jdbc = requireNonNull(jdbc, "jdbc is null");
    }

    @Override
    public List<UsageRow> rows(TenantId tenant, Instant from, Instant to, Granularity granularity) {
        return jdbc.sql(ROWS)
                .param("tenant", tenant.value())
                .param("granularity", granularity.key())
                .param("from", Timestamp.from(from))
                .param("to", Timestamp.from(to))
                .query((rs, row) -> new UsageRow(rs.getTimestamp("period_start").toInstant(),
                        rs.getObject("database_id", UUID.class), rs.getObject("collection_id", UUID.class),
                        totals(rs)))
                .list();
    }

    @Override
    public UsageTotals totals(TenantId tenant, Instant from, Instant to) {
        return jdbc.sql(TOTALS)
                .param("tenant", tenant.value())
                .param("from", Timestamp.from(from))
                .param("to", Timestamp.from(to))
                .query((rs, row) -> totals(rs))
                .single();
    }

    private static UsageTotals totals(ResultSet rs) throws SQLException {
        return new UsageTotals(rs.getLong("read_units"), rs.getLong("write_units"), rs.getLong("storage_byte_hours"),
                rs.getLong("embedding_units"));
    }
}
