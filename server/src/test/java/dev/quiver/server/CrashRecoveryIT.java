package dev.quiver.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Durability: a bulk load into a separately started server process, {@code kill -9} of that process and of its
 * PostgreSQL, a restart on the same data directory, and every acknowledged record is there.
 */
class CrashRecoveryIT {

    private static final int DIMENSION = 64;
    private static final int BATCH = 250;
    private static final String COLLECTIONS = "/api/v2/tenants/default_tenant/databases/default_database/collections";

    @TempDir
    Path dataDir;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private Process server;
    private int port;

    @AfterEach
    void stopServer() {
        if (server != null && server.isAlive()) {
            server.destroy();
            await().atMost(Duration.ofSeconds(60)).until(() -> !server.isAlive());
        }
    }

    @Test
    void whenServerAndDatabaseAreKilledDuringBulkLoadThenRestartServesEveryAcknowledgedRecord() throws Exception {
        port = freePort();
        server = start("first");
        String collection = createCollection();

        AtomicInteger acknowledged = new AtomicInteger();
        AtomicReference<String> lastAcknowledgedId = new AtomicReference<>();
        Thread loader = Thread.ofPlatform().name("crash-test-loader").start(() -> {
            Random random = new Random(42);
            for (int batch = 0; ; batch++) {
                try {
                    int status = post(COLLECTIONS + "/" + collection + "/add", batchBody(batch, random));
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

        long postmaster = postmasterPid();
        server.destroyForcibly().waitFor();
        killTree(postmaster);
        loader.join(Duration.ofSeconds(30).toMillis());
        int acked = acknowledged.get();

        server = start("second");
        int count = Integer.parseInt(get(COLLECTIONS + "/" + collection + "/count"));
        // The batch in flight when the process died may or may not have committed; no acknowledged one may be lost.
        assertThat(count).isBetween(acked, acked + BATCH);
        String found = postForBody(COLLECTIONS + "/" + collection + "/get",
                "{\"ids\":[\"" + lastAcknowledgedId.get() + "\"],\"include\":[]}");
        assertThat(found).contains(lastAcknowledgedId.get());
    }

    private Process start(String name) throws IOException {
        Path jar = Path.of("target", "quiver-server.jar").toAbsolutePath();
        assertThat(jar).as("the server jar is built by the package phase").exists();
        String java = ProcessHandle.current().info().command().orElse("java");
        File log = Path.of("target", "crash-test-" + name + ".log").toFile();
        Process process = new ProcessBuilder(java, "--add-modules", "jdk.incubator.vector",
                "--enable-native-access=ALL-UNNAMED", "-jar", jar.toString(),
                // A server of its own process: StandaloneContext's properties do not reach it.
                "--server.port=" + port, "--quiver.data-dir=" + dataDir, "--quiver.auth.enabled=false")
                .redirectErrorStream(true)
                .redirectOutput(log)
                .start();
        await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(250)).ignoreExceptions()
                .until(() -> get("/api/v2/heartbeat").contains("heartbeat"));
        return process;
    }

    private String createCollection() throws Exception {
        String body = postForBody(COLLECTIONS, "{\"name\":\"crash-test\"}");
        Matcher id = Pattern.compile("\"id\":\"([0-9a-f-]{36})\"").matcher(body);
        assertThat(id.find()).as("collection created: %s", body).isTrue();
        return id.group(1);
    }

    private long postmasterPid() throws IOException {
        List<String> lines = Files.readAllLines(dataDir.resolve("postgres").resolve("postmaster.pid"));
        return Long.parseLong(lines.get(0).trim());
    }

    /** SIGKILL to PostgreSQL's backends first, then its postmaster, as a power loss would stop them. */
    private static void killTree(long pid) {
        ProcessHandle.of(pid).ifPresent(postmaster -> {
            List<ProcessHandle> children = postmaster.descendants().toList();
            postmaster.destroyForcibly();
            children.forEach(ProcessHandle::destroyForcibly);
            await().atMost(Duration.ofSeconds(30)).until(() -> !postmaster.isAlive()
                    && children.stream().noneMatch(ProcessHandle::isAlive));
        });
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

    private int post(String path, String body) throws IOException, InterruptedException {
        return send(path, body).statusCode();
    }

    private String postForBody(String path, String body) throws IOException, InterruptedException {
        HttpResponse<String> response = send(path, body);
        assertThat(response.statusCode()).as("%s: %s", path, response.body()).isBetween(200, 201);
        return response.body();
    }

    private HttpResponse<String> send(String path, String body) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
                .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private String get(String path) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(60))
                .GET()
                .build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("%s: %s", path, response.body()).isEqualTo(200);
        return response.body();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
