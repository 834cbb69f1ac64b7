package dev.quiver.billing.usage;

import static java.util.Objects.requireNonNull;

import java.sql.Timestamp;
import java.util.List;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.core.namedparam.SqlParameterSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The outbox of metering events in the control-plane schema. Inserts join the caller's transaction when there is
 * one (Spring's {@code DataSourceUtils} hands the statement the transaction's connection), which is what makes a
 * write's event commit or roll back with its log entry. Thread-safe.
 */
public final class JdbcMeteringOutbox {

    private static final String INSERT = """
            insert into quiver.metering_events (tenant_id, database_id, collection_id, kind, units, occurred_at)
            values (:tenant, :database, :collection, :kind, :units, :occurredAt)
            """;

    private final JdbcClient jdbc;
    private final NamedParameterJdbcTemplate batches;
    private final TransactionTemplate transactions;

    public JdbcMeteringOutbox(JdbcClient jdbc, NamedParameterJdbcTemplate batches, TransactionTemplate transactions) {
        this.jdbc = requireNonNull(jdbc, "jdbc is null");
        this.batches = requireNonNull(batches, "batches is null");
        this.transactions = requireNonNull(transactions, "transactions is null");
    }

    void insert(MeteringEvent event) {
        jdbc.sql(INSERT).paramSource(parameters(event)).update();
    }

    /**
     * Inserts the events in one JDBC batch and one transaction (joined if the caller has one): all or none, so a
     * caller that retries after a failure never inserts any twice.
     */
    void insertAll(List<MeteringEvent> events) {
        if (events.isEmpty()) {
            return;
        }
        SqlParameterSource[] parameters = new SqlParameterSource[events.size()];
        for (int i = 0; i < parameters.length; i++) {
            parameters[i] = parameters(events.get(i));
        }
        transactions.executeWithoutResult(status -> batches.batchUpdate(INSERT, parameters));
    }

    private static MapSqlParameterSource parameters(MeteringEvent event) {
        return new MapSqlParameterSource()
                .addValue("tenant", event.tenant().value())
                .addValue("database", event.database().value())
                .addValue("collection", event.collection().value())
                .addValue("kind", event.kind().key())
                .addValue("units", event.units())
                .addValue("occurredAt", Timestamp.from(event.occurredAt()));
    }
}
