package dev.quiver.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keeps the benchmark from rotting: the quickstart scenario, shrunk to 10,000 vectors, against a Quiver server
 * started from the jar the reactor built. It checks that the scenario completes and its numbers are sane, not how
 * fast anything is (speed is for the benchmark itself, run by hand).
 */
class QuickstartSmokeIT {

    @TempDir
    Path work;

    private Process server;

    @AfterEach
    void stopServer() throws InterruptedException {
        if (server != null) {
            server.destroy();
            if (!server.waitFor(30, TimeUnit.SECONDS)) {
                server.destroyForcibly().waitFor();
            }
        }
    }

    @Test
    void quickstartScenarioRunsAgainstQuiver() throws Exception {
        int port = freePort();
        server = startServer(port);

        QuickstartResult result = new Quickstart(Options.parse("quickstart",
                "--url", "http://127.0.0.1:" + port,
                "--vectors", "10000", "--dim", "32", "--queries", "100", "--warmup", "20",
                "--query-clients", "1,2", "--label", "smoke",
                "--results-dir", work.resolve("results").toString(),
                "--cache-dir", work.resolve("ground-truth").toString())).run();

        assertThat(result.load().vectors()).isEqualTo(10_000);
        assertThat(result.load().vectorsPerSecond()).isPositive();
        assertThat(result.queries()).hasSize(2).allSatisfy(run -> {
            assertThat(run.queries()).isEqualTo(100);
            assertThat(run.recallAtK()).isGreaterThan(0.9);
            assertThat(run.maxDistanceError()).isLessThan(1e-3);
        });
    }

    private Process startServer(int port) throws IOException, InterruptedException {
        Path jar = Path.of("..", "server", "target", "quiver-server.jar").toAbsolutePath().normalize();
        assertThat(jar).as("the server jar is built before this module by the reactor").exists();
        String java = ProcessHandle.current().info().command().orElse("java");
        File log = Path.of("target", "smoke-server.log").toFile();
        Files.createDirectories(log.toPath().getParent());
        Process process = new ProcessBuilder(java, "--add-modules", "jdk.incubator.vector",
                "--enable-native-access=ALL-UNNAMED", "-jar", jar.toString(), "--server.port=" + port,
                "--quiver.data-dir=" + work.resolve("data"))
                .redirectErrorStream(true)
                .redirectOutput(log)
                .start();
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest heartbeat = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v2/heartbeat"))
                .timeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
        while (System.nanoTime() < deadline) {
            assertThat(process.isAlive()).as("the server exited; see %s", log).isTrue();
            try {
                if (http.send(heartbeat, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return process;
                }
            } catch (IOException e) {
                // not listening yet
            }
            process.waitFor(250, TimeUnit.MILLISECONDS);
        }
        throw new AssertionError("the server did not answer its heartbeat in 180 s; see " + log);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
