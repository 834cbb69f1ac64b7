package dev.quiver.server;

import static dev.quiver.server.ServerProcess.COLLECTIONS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.quiver.common.FileTrees;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * Checkpoints in a separately started server: records loaded, a checkpoint taken and the log truncated behind it
 * (retention 0s), {@code kill -9} of the server and its PostgreSQL, the node's shard files deleted as a lost disk
 * would lose them, and a restart on the same PostgreSQL and object store serves every acknowledged record: the
 * shard is restored from the checkpoint and the log after it is replayed.
 */
class CheckpointRecoveryIT {

    private static final int DIMENSION = 16;
    private static final int BATCH = 100;
    private static final String[] FAST_CHECKPOINTS = {"--quiver.search.checkpoint-interval=1s",
            "--quiver.search.commit-interval=1s", "--quiver.search.log-retention=0s"};

    @TempDir
    Path dataDir;

    /** The server now running, which JUnit closes after the test. */
    @AutoClose
    private ServerProcess server;

    @Test
    void whenShardFilesAreLostAfterKillThenRestartRestoresFromCheckpointAndServesEveryAcknowledgedRecord()
            throws Exception {
        int port = ServerProcess.freePort();
        server = ServerProcess.start(dataDir, port, "checkpoint-recovery-first.log", FAST_CHECKPOINTS);
        String collection = server.createCollection("checkpoint-recovery");
        Random random = new Random(7);
        List<String> acknowledged = new ArrayList<>();
        for (int batch = 0; batch < 20; batch++) {
            acknowledged.addAll(add(collection, batch, random));
        }
        JdbcClient jdbc = database();
        String log = logTable(jdbc, collection);
        await().atMost(Duration.ofSeconds(60)).until(() -> newestCheckpoint(jdbc, collection) >= 20
                && onlyEntriesAfterTheCheckpoint(jdbc, log, collection));
        // Acknowledged after the checkpoint: the restart must replay them from the log.
        for (int batch = 20; batch < 25; batch++) {
            acknowledged.addAll(add(collection, batch, random));
        }

        server.kill();
        FileTrees.deleteRecursively(dataDir.resolve("shards"));
        server = ServerProcess.start(dataDir, port, "checkpoint-recovery-second.log", FAST_CHECKPOINTS);

        assertThat(Integer.parseInt(server.get(COLLECTIONS + "/" + collection + "/count")))
                .isEqualTo(acknowledged.size());
        String found = server.postForBody(COLLECTIONS + "/" + collection + "/get",
                "{\"ids\":[" + String.join(",", acknowledged.stream().map(id -> "\"" + id + "\"").toList())
                        + "],\"include\":[]}");
        assertThat(acknowledged).allSatisfy(id -> assertThat(found).contains("\"" + id + "\""));
        assertThat(Files.readString(Path.of("target", "checkpoint-recovery-second.log")))
                .contains("Restored shard " + collection + "/0 from its checkpoint");
        JdbcClient restarted = database();
        await().atMost(Duration.ofSeconds(60)).until(() -> newestCheckpoint(restarted, collection) >= 25
                && onlyEntriesAfterTheCheckpoint(restarted, log, collection));
    }

    private List<String> add(String collection, int batch, Random random) throws Exception {
        List<String> ids = new ArrayList<>(BATCH);
        StringBuilder body = new StringBuilder(BATCH * DIMENSION * 12);
        body.append("{\"ids\":[");
        for (int i = 0; i < BATCH; i++) {
            String id = "r-" + batch + "-" + i;
            ids.add(id);
            body.append(i == 0 ? "" : ",").append('"').append(id).append('"');
        }
        body.append("],\"embeddings\":[");
        for (int i = 0; i < BATCH; i++) {
            body.append(i == 0 ? "[" : ",[");
            for (int j = 0; j < DIMENSION; j++) {
                body.append(j == 0 ? "" : ",").append(random.nextFloat());
            }
            body.append(']');
        }
        body.append("]}");
        assertThat(server.post(COLLECTIONS + "/" + collection + "/add", body.toString())).isEqualTo(201);
        return ids;
    }

    private JdbcClient database() throws IOException {
        return JdbcClient.create(new DriverManagerDataSource(
                "jdbc:postgresql://127.0.0.1:" + server.postgresPort() + "/postgres", "postgres", ""));
    }

    /** The tenant's log table, in the schema named from the collection's tenant. */
    private static String logTable(JdbcClient jdbc, String collection) {
        UUID tenant = jdbc.sql("select tenant_id from quiver.collections where id = :id")
                .param("id", UUID.fromString(collection))
                .query(UUID.class)
                .single();
        return "t_" + tenant.toString().replace("-", "") + ".wal";
    }

    private static long newestCheckpoint(JdbcClient jdbc, String collection) {
        return jdbc.sql("select coalesce(max(sequence), 0) from quiver.shard_checkpoints where collection_id = :id")
                .param("id", UUID.fromString(collection))
                .query(Long.class)
                .single();
    }

    /** Whether the log holds no entry that the newest checkpoint holds. */
    private static boolean onlyEntriesAfterTheCheckpoint(JdbcClient jdbc, String log, String collection) {
        return jdbc.sql("select count(*) from " + log + " where collection_id = :id and sequence <= "
                        + "(select coalesce(max(sequence), 0) from quiver.shard_checkpoints where collection_id = :id)")
                .param("id", UUID.fromString(collection))
                .query(Long.class)
                .single() == 0;
    }

}
