package dev.quiver.search.wal;

import static java.util.Objects.requireNonNull;

import dev.quiver.search.api.LoggedWrite;
import dev.quiver.search.api.WriteListener;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Sends the {@link LogNotifications} of a gateway's append, as a write listener: it runs inside the append
 * transaction, and PostgreSQL delivers a {@code NOTIFY} only when that transaction commits, never for a rolled-back
 * batch. Thread-safe.
 */
public final class LogNotifier implements WriteListener {

    private static final String NOTIFY = "select pg_notify('" + LogNotifications.CHANNEL + "', :collection)";

    private final JdbcClient jdbc;

    public LogNotifier(JdbcClient jdbc) {
        this.jdbc = requireNonNull(jdbc, "jdbc is null");
    }

    @Override
    public void logged(LoggedWrite write) {
        jdbc.sql(NOTIFY).param("collection", write.collection().id().toString()).query().singleRow();
    }
}
