package dev.quiver.server;

import static dev.quiver.server.ServerProcess.COLLECTIONS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Durability: a bulk load into a separately started server process, {@code kill -9} of that process and of its
 * PostgreSQL, a restart on the same data directory, and every acknowledged record is there.
 */
class CrashRecoveryIT {

    private static final int DIMENSION = 64;
    private static final int BATCH = 250;

    @TempDir
    Path dataDir;

    /** The server now running, which JUnit closes after the test. */
    @AutoClose
    private ServerProcess server;

    @Test
    void whenServerAndDatabaseAreKilledDuringBulkLoadThenRestartServesEveryAcknowledgedRecord() throws Exception {
        int port = ServerProcess.freePort();
        server = ServerProcess.start(dataDir, port, "crash-test-first.log");
        String collection = server.createCollection("crash-test");

        AtomicInteger acknowledged = new AtomicInteger();
        AtomicReference<String> lastAcknowledgedId = new AtomicReference<>();
        Thread loader = Thread.ofPlatform().name("crash-test-loader").start(() -> {
            Random random = new Random(42);
            for (int batch = 0; ; batch++) {
                try {
                    int status = server.post(COLLECTIONS + "/" + collection + "/add", batchBody(batch, random));
                    if (status != 201) {
                        return;
                    }
                    acknowledged.addAndGet(BATCH);
                    lastAcknowledgedId.set(id(batch, BATCH - 1));
                } catch (IOException | InterruptedException e) {
                    return; // the server died: what was acknowledged so far is what must survive
                }
            }
        });
        await().atMost(Duration.ofSeconds(120)).until(() -> acknowledged.get() >= 40 * BATCH);

        server.kill();
        loader.join(Duration.ofSeconds(30).toMillis());
        int acked = acknowledged.get();

        server = ServerProcess.start(dataDir, port, "crash-test-second.log");
        int count = Integer.parseInt(server.get(COLLECTIONS + "/" + collection + "/count"));
        // The batch in flight when the process died may or may not have committed; no acknowledged one may be lost.
        assertThat(count).isBetween(acked, acked + BATCH);
        String found = server.postForBody(COLLECTIONS + "/" + collection + "/get",
                "{\"ids\":[\"" + lastAcknowledgedId.get() + "\"],\"include\":[]}");
        assertThat(found).contains(lastAcknowledgedId.get());
    }

    private static String batchBody(int batch, Random random) {
        StringBuilder body = new StringBuilder(BATCH * DIMENSION * 12);
        body.append("{\"ids\":[");
        for (int i = 0; i < BATCH; i++) {
            body.append(i == 0 ? "" : ",").append('"').append(id(batch, i)).append('"');
        }
        body.append("],\"embeddings\":[");
        for (int i = 0; i < BATCH; i++) {
            body.append(i == 0 ? "[" : ",[");
            for (int j = 0; j < DIMENSION; j++) {
                body.append(j == 0 ? "" : ",").append(random.nextFloat());
            }
            body.append(']');
        }
        return body.append("]}").toString();
    }

    private static String id(int batch, int index) {
        return "r-" + batch + "-" + index;
    }
}
