package dev.quiver.compat;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.awaitility.core.ConditionTimeoutException;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension that provides the Quiver server under test, as a {@link Server} parameter.
 *
 * <p>If the system property {@code quiver.url} is set, that server is used as it is. Otherwise the
 * extension starts {@code <quiver.repo.dir>/server/target/quiver-server.jar} as a child process on a
 * free port with a fresh data directory, waits until {@code GET /api/v2/heartbeat} answers 200, and
 * destroys the process after the last test class of the run. The server's output goes to
 * {@code <quiver.log.dir>/quiver-server.log}.
 *
 * <p>One server serves every test class in the JVM: it lives in the root context's store, which JUnit
 * closes once, at the end. Thread-safety: JUnit's store computes the value once.
 */
final class QuiverProcess implements BeforeAllCallback, ParameterResolver {

    /**
     * Where the running Quiver answers, e.g. {@code http://127.0.0.1:41234} (no trailing slash), and the API key
     * the clients send: the owner key of {@code default_tenant} (empty for a server given by URL without
     * {@code -Dquiver.api-key}).
     */
    record Server(String baseUrl, String apiKey) {
    }

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(QuiverProcess.class);

    private static final Duration STARTUP_DEADLINE = Duration.ofSeconds(90);

    private static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(30);

    private static final HttpClient HTTP = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(2))
        .build();

    @Override
    public void beforeAll(ExtensionContext context) {
        server(context);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == Server.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return server(extensionContext);
    }

    private static Server server(ExtensionContext context) {
        return context.getRoot()
            .getStore(NAMESPACE)
            .getOrComputeIfAbsent(Running.class, key -> startOrConnect(), Running.class)
            .server();
    }

    private static Running startOrConnect() {
        String url = System.getProperty("quiver.url", "").strip();
        if (!url.isEmpty()) {
            return new Running(new Server(url.replaceAll("/+$", ""), System.getProperty("quiver.api-key", "")),
                    null, null);
        }
        Path repository = Path.of(requiredProperty("quiver.repo.dir")).toAbsolutePath().normalize();
        Path jar = repository.resolve("server/target/quiver-server.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("Quiver server jar not found: " + jar + ". Build the server first, "
                    + "from " + repository + ": ./mvnw -pl server -am package -DskipTests "
                    + "(or run these tests with -Dquiver.url=http://host:port against a running server)");
        }
        return start(jar);
    }

    private static Running start(Path jar) {
        Path logDirectory = Path.of(System.getProperty("quiver.log.dir", "target"));
        Path logFile = logDirectory.resolve("quiver-server.log");
        Path dataDirectory;
        try {
            Files.createDirectories(logDirectory);
            dataDirectory = Files.createTempDirectory("quiver-compat-data-");
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot prepare directories for the Quiver server", e);
        }
        int port = freePort();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // Authentication stays on, as in a hosted tenant: the server makes this key its first tenant's owner key.
        String apiKey = newApiKey();
        List<String> command = List.of(java, "--add-modules", "jdk.incubator.vector",
                "--enable-native-access=ALL-UNNAMED", "-jar", jar.toString(), "--server.port=" + port,
                "--quiver.data-dir=" + dataDirectory, "--quiver.tenant.bootstrap.api-key=" + apiKey);
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(logFile.toFile())
                .start();
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
        Running running = new Running(new Server("http://127.0.0.1:" + port, apiKey), process, dataDirectory);
        try {
            awaitHeartbeat(running.server(), process, logFile);
        }
        catch (RuntimeException | Error e) {
            running.close();
            throw e;
        }
        return running;
    }

    private static void awaitHeartbeat(Server server, Process process, Path logFile) {
        try {
            await("Quiver heartbeat at " + server.baseUrl()).atMost(STARTUP_DEADLINE)
                .pollInterval(Duration.ofMillis(250))
                .until(() -> {
                    if (!process.isAlive()) {
                        throw new IllegalStateException("Quiver server exited with code " + process.exitValue()
                                + " before answering its heartbeat; see " + logFile.toAbsolutePath());
                    }
                    return heartbeatAnswers(server);
                });
        }
        catch (ConditionTimeoutException e) {
            throw new IllegalStateException("Quiver server did not answer GET /api/v2/heartbeat within "
                    + STARTUP_DEADLINE.toSeconds() + " s; see " + logFile.toAbsolutePath(), e);
        }
    }

    private static boolean heartbeatAnswers(Server server) throws InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(server.baseUrl() + "/api/v2/heartbeat"))
            .timeout(Duration.ofSeconds(2))
            .GET()
            .build();
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        }
        catch (IOException e) {
            return false; // not listening yet
        }
    }

    /** A fresh key in Quiver's format: {@code qk_} and 24 random bytes as base64url. */
    private static String newApiKey() {
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        return "qk_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot find a free port", e);
        }
    }

    private static String requiredProperty(String name) {
        String value = System.getProperty(name, "").strip();
        if (value.isEmpty()) {
            throw new IllegalStateException("System property " + name + " is not set; run the tests through "
                    + "Maven (./mvnw verify in compat/java-clients) or pass -D" + name + "=...");
        }
        return value;
    }

    /** The server in use and, when this extension started it, its process and data directory. */
    private record Running(Server server, @Nullable Process process, @Nullable Path dataDirectory)
            implements ExtensionContext.Store.CloseableResource {

        @Override
        public void close() {
            if (process == null || dataDirectory == null) {
                return;
            }
            List<ProcessHandle> children = process.descendants().toList();
            process.destroy();
            try {
                if (!process.waitFor(SHUTDOWN_GRACE.toSeconds(), TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    process.waitFor(SHUTDOWN_GRACE.toSeconds(), TimeUnit.SECONDS);
                }
            }
            catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
            // An embedded database the server started must not outlive it.
            children.forEach(ProcessHandle::destroyForcibly);
            deleteRecursively(dataDirectory);
        }

        private static void deleteRecursively(Path directory) {
            try (Stream<Path> paths = Files.walk(directory)) {
                paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
            catch (IOException e) {
                throw new UncheckedIOException("cannot delete " + directory, e);
            }
        }
    }

}
