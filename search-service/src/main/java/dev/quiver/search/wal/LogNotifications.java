package dev.quiver.search.wal;

import static java.util.Objects.requireNonNull;

import dev.quiver.search.api.CollectionId;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.UUID;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wakes a search node's shards when a gateway appends to a log: the gateway sends {@code NOTIFY} on
 * {@link #CHANNEL} in its append transaction (so the notification goes out exactly when the entry is committed), and
 * this node {@code LISTEN}s on a connection of its own. A notification can be lost (the connection drops, the node is
 * busy reconnecting), so every {@code pollInterval} each open shard is also woken regardless: the fallback that
 * bounds how late an entry is applied. Runs one daemon thread; thread-safe.
 */
public final class LogNotifications implements AutoCloseable {

    /** The channel of log appends; the payload is the collection id. */
    public static final String CHANNEL = "quiver_log";

    private static final Logger log = LoggerFactory.getLogger(LogNotifications.class);

    private final DataSource dataSource;
    private final Consumer<CollectionId> appended;
    private final Runnable poll;
    private final Duration pollInterval;
    private volatile boolean running = true;
    private final Thread thread;

    /**
     * @param appended     told of each collection whose log grew (any order, possibly twice)
     * @param poll         wakes every open shard; the fallback
     * @param pollInterval how often {@code poll} runs, at the latest
     */
    public LogNotifications(DataSource dataSource, Consumer<CollectionId> appended, Runnable poll,
            Duration pollInterval) {
        this.dataSource = requireNonNull(dataSource, "dataSource is null");
        this.appended = requireNonNull(appended, "appended is null");
        this.poll = requireNonNull(poll, "poll is null");
        this.pollInterval = requireNonNull(pollInterval, "pollInterval is null");
        this.thread = Thread.ofPlatform().daemon().name("quiver-log-notifications").unstarted(this::run);
    }

    public void start() {
        thread.start();
    }

    private void run() {
        long nextPoll = System.nanoTime();
        while (running) {
            try (Connection connection = dataSource.getConnection()) {
                connection.setAutoCommit(true);
                try (Statement statement = connection.createStatement()) {
                    statement.execute("LISTEN " + CHANNEL);
                }
                PGConnection listening = connection.unwrap(PGConnection.class);
                while (running) {
                    int waitMillis = (int) Math.max(1, (nextPoll - System.nanoTime()) / 1_000_000);
                    PGNotification @Nullable [] notifications = listening.getNotifications(waitMillis);
                    if (notifications != null) {
                        for (PGNotification notification : notifications) {
                            wake(notification.getParameter());
                        }
                    }
                    if (System.nanoTime() - nextPoll >= 0) {
                        poll.run();
                        nextPoll = System.nanoTime() + pollInterval.toNanos();
                    }
                }
            } catch (SQLException | RuntimeException e) {
                if (!running) {
                    return;
                }
                log.warn("Listening for log appends failed; polling every {} until it is back: {}", pollInterval,
                        e.getMessage());
                poll.run();
                try {
                    Thread.sleep(pollInterval);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return;
                }
                nextPoll = System.nanoTime() + pollInterval.toNanos();
            }
        }
    }

    private void wake(String payload) {
        try {
            appended.accept(new CollectionId(UUID.fromString(payload)));
        } catch (IllegalArgumentException e) {
            log.warn("Ignoring a log notification that names no collection: {}", payload);
        }
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
    }
}
