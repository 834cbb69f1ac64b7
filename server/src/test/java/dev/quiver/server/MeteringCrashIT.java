package dev.quiver.server;

import static dev.quiver.server.ServerProcess.COLLECTIONS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * Issue #7's crash check for metering: a server process loading batches is killed with {@code kill -9} (and its
 * PostgreSQL with it) in the middle of the load. Every batch the log holds (each acknowledged one, and the one in
 * flight if it committed) has exactly one write event with its units, none more; the next start rolls them up
 * once. A graceful stop then writes the read units it had counted in memory.
 */
class MeteringCrashIT {

    private static final int DIMENSION = 64;

    @TempDir
    Path dataDir;

    /** The server now running, which JUnit closes after the test. */
    @AutoClose
    private ServerProcess server;

    @Test
    void whenTheServerIsKilledDuringALoadThenEveryLoggedBatchIsMeteredExactlyOnce() throws Exception {
        int port = ServerProcess.freePort();
        // No roll-up in the first process, so that the outbox itself can be compared with the log after the crash.
        server = ServerProcess.start(dataDir, port, "metering-crash-first.log",
                "--quiver.billing.rollup-interval=1h");
        String collection = server.createCollection("metering-crash");

        AtomicInteger acknowledged = new AtomicInteger();
        Thread loader = Thread.ofPlatform().name("metering-crash-loader").start(() -> {
            Random random = new Random(11);
            for (int batch = 0; ; batch++) {
                try {
                    if (server.post(COLLECTIONS + "/" + collection + "/add", batch(batch, random)) != 201) {
                        return;
                    }
                    acknowledged.incrementAndGet();
                } catch (IOException | InterruptedException e) {
                    return; // the server died: what it acknowledged must be metered, and nothing twice
                }
            }
        });
        await().atMost(Duration.ofSeconds(120)).until(() -> acknowledged.get() >= 30);
        server.kill();
        loader.join(Duration.ofSeconds(30).toMillis());
        int acked = acknowledged.get();

        // 1. The outbox after the crash, read with the data directory's PostgreSQL alone: one event a logged batch.
        List<Long> expected;
        try (EmbeddedPostgres postgres = stoppedServersDatabase()) {
            JdbcClient jdbc = JdbcClient.create(postgres.getPostgresDatabase());
            expected = loggedWriteUnits(jdbc, collection);
            // The batch in flight when the process died may or may not have committed.
            assertThat(expected.size()).isBetween(acked, acked + 1);
            List<Long> events = jdbc.sql("select units from quiver.metering_events where collection_id = :id "
                            + "and kind = 'write' order by id")
                    .param("id", UUID.fromString(collection))
                    .query(Long.class).list();
            assertThat(events).containsExactlyElementsOf(expected);
        }
        long expectedUnits = expected.stream().mapToLong(Long::longValue).sum();

        // 2. The next start rolls them up, each once, into its hour and its day.
        server = ServerProcess.start(dataDir, port, "metering-crash-second.log",
                "--quiver.billing.rollup-interval=200ms", "--quiver.billing.read-flush-interval=1m");
        JdbcClient jdbc = JdbcClient.create(new DriverManagerDataSource(
                "jdbc:postgresql://127.0.0.1:" + server.postgresPort() + "/postgres", "postgres", ""));
        await().atMost(Duration.ofSeconds(60)).until(() -> jdbc.sql(
                        "select count(*) from quiver.metering_events where collection_id = :id")
                .param("id", UUID.fromString(collection)).query(Long.class).single() == 0);
        for (String granularity : List.of("hour", "day")) {
            long rolledUp = jdbc.sql("select coalesce(sum(write_units), 0) from quiver.usage_rollups "
                            + "where collection_id = :id and granularity = :granularity")
                    .param("id", UUID.fromString(collection))
                    .param("granularity", granularity)
                    .query(Long.class).single();
            assertThat(rolledUp).as("%s roll-ups", granularity).isEqualTo(expectedUnits);
        }
        assertThat(loggedWriteUnits(jdbc, collection)).as("the log is unchanged by the restart").isEqualTo(expected);

        // 3. A graceful stop writes the reads counted since the last flush (none ran: the interval is a minute).
        for (int i = 0; i < 3; i++) {
            server.get(COLLECTIONS + "/" + collection + "/count");
        }
        server.close();
        try (EmbeddedPostgres postgres = stoppedServersDatabase()) {
            JdbcClient stopped = JdbcClient.create(postgres.getPostgresDatabase());
            long read = stopped.sql("""
                    select (select coalesce(sum(units), 0) from quiver.metering_events
                            where collection_id = :id and kind = 'read')
                         + (select coalesce(sum(read_units), 0) from quiver.usage_rollups
                            where collection_id = :id and granularity = 'hour')
                    """)
                    .param("id", UUID.fromString(collection))
                    .query(Long.class).single();
            assertThat(read).as("three counts, one read unit each").isEqualTo(3);
        }
    }

    /** The data directory's PostgreSQL on its own, to read what the stopped or killed server left. */
    private EmbeddedPostgres stoppedServersDatabase() throws IOException {
        return EmbeddedPostgres.builder()
                .setDataDirectory(dataDir.resolve("postgres"))
                .setCleanDataDirectory(false)
                .setPGStartupWait(Duration.ofSeconds(60))
                .setServerConfig("listen_addresses", "127.0.0.1")
                .start();
    }

    /** Per log entry of the collection, in sequence order, {@code ceil(payload bytes / 1024)}. */
    private static List<Long> loggedWriteUnits(JdbcClient jdbc, String collection) {
        UUID tenant = jdbc.sql("select id from quiver.tenants where name = 'default_tenant'")
                .query(UUID.class).single();
        return jdbc.sql("select (octet_length(payload) + 1023) / 1024 from t_" + tenant.toString().replace("-", "")
                        + ".wal where collection_id = :id order by sequence")
                .param("id", UUID.fromString(collection))
                .query(Long.class).list();
    }

    /**
     * Batches of 10 to 70 records: their write units vary, so comparing in log order pairs each event with its own
     * batch.
     */
    private static String batch(int batch, Random random) {
        int size = 10 + (batch % 13) * 5;
        StringBuilder body = new StringBuilder(size * DIMENSION * 12);
        body.append("{\"ids\":[");
        for (int i = 0; i < size; i++) {
            body.append(i == 0 ? "" : ",").append("\"r-").append(batch).append('-').append(i).append('"');
        }
        body.append("],\"embeddings\":[");
        for (int i = 0; i < size; i++) {
            body.append(i == 0 ? "[" : ",[");
            for (int j = 0; j < DIMENSION; j++) {
                body.append(j == 0 ? "" : ",").append(random.nextFloat());
            }
            body.append(']');
        }
        return body.append("]}").toString();
    }
}
