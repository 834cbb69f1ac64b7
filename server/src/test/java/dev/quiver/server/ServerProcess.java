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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Quiver server in a process of its own, from the jar the package phase builds, with its own data directory.
 * Either with authentication off on its own embedded PostgreSQL, so a test can {@code kill -9} it and its PostgreSQL
 * and start another on the same data; or with authentication on, on an external PostgreSQL, as gateways sharing one
 * database run. StandaloneContext's properties do not reach it; {@code arguments} are its command-line properties.
 */
final class ServerProcess implements AutoCloseable {

    /** The collections of the default tenant's default database, the tenant a server with authentication off uses. */
    static final String COLLECTIONS = "/api/v2/tenants/default_tenant/databases/default_database/collections";

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Path dataDir;
    private final int port;
    private final Process process;

    private ServerProcess(Path dataDir, int port, Process process) {
        this.dataDir = dataDir;
        this.port = port;
        this.process = process;
    }

    /**
     * Starts a server with authentication off on its own embedded PostgreSQL, in {@code dataDir}, and waits until
     * it answers Chroma's heartbeat; its output goes to {@code target/<log>}.
     */
    static ServerProcess start(Path dataDir, int port, String log, String... arguments) throws IOException {
        List<String> properties = new ArrayList<>(List.of("--quiver.auth.enabled=false"));
        properties.addAll(List.of(arguments));
        return launch(List.of(), dataDir, port, log, properties);
    }

    /**
     * Starts a server with authentication on, on the external PostgreSQL at {@code jdbcUrl} (user {@code postgres}),
     * as several gateways sharing one database run, and waits until it answers Chroma's heartbeat. Its heap is held
     * to 512 MB, because such tests run several on one machine. It has no PostgreSQL of its own, so {@link #kill()}
     * and {@link #postgresPort()} do not apply.
     */
    static ServerProcess startOnDatabase(String jdbcUrl, Path dataDir, int port, String log, String... arguments)
            throws IOException {
        List<String> properties = new ArrayList<>(List.of("--quiver.embedded-postgres.enabled=false",
                "--spring.datasource.url=" + jdbcUrl, "--spring.datasource.username=postgres"));
        properties.addAll(List.of(arguments));
        return launch(List.of("-Xmx512m"), dataDir, port, log, properties);
    }

    /**
     * Starts a process of a cluster on the external PostgreSQL at {@code jdbcUrl}, with its heap held to 384 MB, and
     * waits until {@code readyPath} answers 200: a search node serves no public API, so its health is what it has.
     * {@link #kill()} does not apply; {@link #killJvm()} does.
     */
    static ServerProcess startInCluster(String jdbcUrl, Path dataDir, int port, String log, String readyPath,
            List<String> jvmOptions, List<String> arguments) throws IOException {
        List<String> properties = new ArrayList<>(List.of("--quiver.embedded-postgres.enabled=false",
                "--spring.datasource.url=" + jdbcUrl, "--spring.datasource.username=postgres"));
        properties.addAll(arguments);
        List<String> options = new ArrayList<>(List.of("-Xmx384m"));
        options.addAll(jvmOptions);
        return launch(options, dataDir, port, log, properties, readyPath,
                readyPath.endsWith("heartbeat") ? "heartbeat" : "UP");
    }

    private static ServerProcess launch(List<String> jvmOptions, Path dataDir, int port, String log,
            List<String> properties) throws IOException {
        return launch(jvmOptions, dataDir, port, log, properties, "/api/v2/heartbeat", "heartbeat");
    }

    private static ServerProcess launch(List<String> jvmOptions, Path dataDir, int port, String log,
            List<String> properties, String readyPath, String readyText) throws IOException {
        Path jar = Path.of("target", "quiver-server.jar").toAbsolutePath();
        assertThat(jar).as("the server jar is built by the package phase").exists();
        String java = ProcessHandle.current().info().command().orElse("java");
        // C1 only: these servers are started to be killed and restarted, not timed, and C2's compiler threads
        // cost a start on two cores about 60 % more CPU.
        List<String> command = new ArrayList<>(List.of(java, "-XX:TieredStopAtLevel=1"));
        command.addAll(jvmOptions);
        command.addAll(List.of("--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
                "-jar", jar.toString(), "--server.port=" + port, "--quiver.data-dir=" + dataDir));
        command.addAll(properties);
        File output = Path.of("target", log).toFile();
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output).start();
        ServerProcess server = new ServerProcess(dataDir, port, process);
        try {
            await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(250)).ignoreExceptions()
                    .until(() -> server.get(readyPath).contains(readyText));
        } catch (RuntimeException | Error e) {
            // The caller never gets the server, so it cannot stop it: a process that did not come up goes here.
            process.destroyForcibly();
            throw e;
        }
        return server;
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    int port() {
        return port;
    }

    /** SIGKILL to the server, then to PostgreSQL's backends and postmaster, as a power loss would stop them. */
    void kill() throws IOException, InterruptedException {
        long postmaster = Long.parseLong(Files.readAllLines(dataDir.resolve("postgres").resolve("postmaster.pid"))
                .getFirst().trim());
        process.destroyForcibly().waitFor();
        ProcessHandle.of(postmaster).ifPresent(handle -> {
            List<ProcessHandle> children = handle.descendants().toList();
            handle.destroyForcibly();
            children.forEach(ProcessHandle::destroyForcibly);
            await().atMost(Duration.ofSeconds(30)).until(() -> !handle.isAlive()
                    && children.stream().noneMatch(ProcessHandle::isAlive));
        });
    }

    /** SIGKILL to the server's JVM alone, for a process whose PostgreSQL is not its own. */
    void killJvm() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }

    /** The port the server's PostgreSQL listens on, from its {@code postmaster.pid}. */
    int postgresPort() throws IOException {
        return Integer.parseInt(Files.readAllLines(dataDir.resolve("postgres").resolve("postmaster.pid"))
                .get(3).trim());
    }

    /** Creates a collection in the default tenant's default database; returns its id. */
    String createCollection(String name) throws IOException, InterruptedException {
        String body = postForBody(COLLECTIONS, "{\"name\":\"" + name + "\"}");
        Matcher id = Pattern.compile("\"id\":\"([0-9a-f-]{36})\"").matcher(body);
        assertThat(id.find()).as("collection created: %s", body).isTrue();
        return id.group(1);
    }

    /** A POST's status; throws when the server is gone. */
    int post(String path, String body) throws IOException, InterruptedException {
        return send(path, body).statusCode();
    }

    String postForBody(String path, String body) throws IOException, InterruptedException {
        HttpResponse<String> response = send(path, body);
        assertThat(response.statusCode()).as("%s: %s", path, response.body()).isBetween(200, 201);
        return response.body();
    }

    String get(String path) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(60))
                .GET()
                .build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("%s: %s", path, response.body()).isEqualTo(200);
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

    /** Stops the server gracefully if it still runs. */
    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroy();
            await().atMost(Duration.ofSeconds(60)).until(() -> !process.isAlive());
        }
    }
}
