package dev.quiver.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Starts and stops a server that speaks the Chroma HTTP API on loopback: Quiver from its jar, or the real Chroma
 * server through {@code tools/real-chroma}. Stateless; thread-safe.
 */
sealed interface ServerLauncher {

    /** How long a server may take to answer its first heartbeat, including recovery after a restart. */
    Duration READY_TIMEOUT = Duration.ofMinutes(10);

    /** Starts the server on {@code port} with its data in {@code dataDir}, waits for its heartbeat, returns its pid. */
    default long start(int port, Path dataDir, Path logFile) throws Engine.Unavailable {
        return start(port, dataDir, logFile, null);
    }

    /** As {@link #start(int, Path, Path)}, with the server's processes in {@code group} from their start, if any. */
    long start(int port, Path dataDir, Path logFile, @Nullable MemoryCgroup group) throws Engine.Unavailable;

    /** Stops the server the way its operator would, and waits until the process is gone. */
    void stop(long pid, Path logFile);

    /**
     * Quiver standalone (embedded PostgreSQL), from the jar the reactor builds, with authentication on as a hosted
     * tenant has it: {@code apiKey} becomes the owner key of {@code default_tenant}, so every request the benchmark
     * sends pays for its key check. {@code confinedJvmArgs} are added when it starts inside a memory group.
     */
    record Quiver(Path serverJar, String apiKey, List<String> jvmArgs, List<String> confinedJvmArgs)
            implements ServerLauncher {

        public Quiver {
            jvmArgs = List.copyOf(jvmArgs);
            confinedJvmArgs = List.copyOf(confinedJvmArgs);
        }

        public Quiver(Path serverJar, String apiKey, List<String> jvmArgs) {
            this(serverJar, apiKey, jvmArgs, List.of());
        }

        @Override
        public long start(int port, Path dataDir, Path logFile, @Nullable MemoryCgroup group)
                throws Engine.Unavailable {
            if (!Files.isRegularFile(serverJar)) {
                throw new Engine.Unavailable(serverJar + " is missing: build it with ./mvnw -pl server -am package");
            }
            String java = ProcessHandle.current().info().command().orElse("java");
            var command = new java.util.ArrayList<>(List.of(java, "--add-modules", "jdk.incubator.vector",
                    "--enable-native-access=ALL-UNNAMED"));
            command.addAll(jvmArgs);
            if (group != null) {
                command.addAll(confinedJvmArgs);
            }
            command.addAll(launch(java, logFile));
            command.addAll(List.of("--server.port=" + port, "--quiver.data-dir=" + dataDir,
                    "--quiver.tenant.bootstrap.api-key=" + apiKey));
            Process process = Processes.start(logFile, MemoryCgroup.inside(group, command));
            Processes.awaitHeartbeat(port, process.toHandle(), logFile);
            return process.pid();
        }

        /**
         * As {@code ./quiver} starts it: on JDK 25 or newer from the extracted jar with the start-up class cache that
         * {@code server/aot-cache.sh} prepares once per build (before any clock starts, since the first start of a
         * run prepares it), otherwise the jar itself.
         */
        private List<String> launch(String java, Path logFile) throws Engine.Unavailable {
            Path script = serverJar.toAbsolutePath().getParent().getParent().resolve("aot-cache.sh");
            if (Runtime.version().feature() < 25 || !Files.isExecutable(script)) {
                return List.of("-jar", serverJar.toString());
            }
            Path output = logFile.resolveSibling("aot-cache.out");
            int status = Processes.run(output, Duration.ofMinutes(5), List.of("/bin/sh", "-c",
                    "\"$0\" \"$1\" \"$2\" > \"$3\"", script.toString(), java, serverJar.toString(),
                    output.resolveSibling("aot-cache.path").toString()));
            try {
                String cache = Files.readString(output.resolveSibling("aot-cache.path")).strip();
                if (status != 0 || cache.isEmpty()) {
                    throw new Engine.Unavailable("server/aot-cache.sh failed; see " + output);
                }
                return List.of("-XX:AOTCache=" + cache, "-jar",
                        serverJar.toAbsolutePath().getParent().resolve("aot").resolve("quiver-server.jar").toString());
            } catch (IOException e) {
                throw new Engine.Unavailable("server/aot-cache.sh printed no cache path; see " + output, e);
            }
        }

        /** SIGTERM: Quiver closes its shards and its embedded PostgreSQL, which is what a restart measures. */
        @Override
        public void stop(long pid, Path logFile) {
            Processes.terminate(pid, Duration.ofSeconds(60));
        }
    }

    /** The real Chroma server from the npm package, as {@code tools/real-chroma/start.sh} runs it. */
    record Chroma(Path toolsDir) implements ServerLauncher {
        @Override
        public long start(int port, Path dataDir, Path logFile, @Nullable MemoryCgroup group)
                throws Engine.Unavailable {
            Path script = toolsDir.resolve("start.sh");
            if (!Files.isExecutable(script)) {
                throw new Engine.Unavailable(script + " is missing");
            }
            Path pidFile = pidFile(logFile);
            int status = Processes.run(logFile.resolveSibling("chroma-start.log"), Duration.ofMinutes(10),
                    MemoryCgroup.inside(group, List.of(script.toString(), "--background", "--pid-file",
                            pidFile.toString(), "--log-file", logFile.toString(), Integer.toString(port),
                            dataDir.toString())));
            if (status != 0) {
                throw new Engine.Unavailable("tools/real-chroma/start.sh failed with status " + status + "; see "
                        + logFile.resolveSibling("chroma-start.log"));
            }
            try {
                return Long.parseLong(Files.readString(pidFile).strip());
            } catch (IOException | NumberFormatException e) {
                throw new Engine.Unavailable("no pid in " + pidFile, e);
            }
        }

        /** Through stop.sh: Chroma ignores SIGTERM once it has served requests, so the script ends with SIGKILL. */
        @Override
        public void stop(long pid, Path logFile) {
            Processes.run(logFile.resolveSibling("chroma-stop.log"), Duration.ofMinutes(1),
                    List.of(toolsDir.resolve("stop.sh").toString(), "--pid-file", pidFile(logFile).toString()));
            Processes.terminate(pid, Duration.ofSeconds(5));
        }

        private static Path pidFile(Path logFile) {
            return logFile.resolveSibling("chroma.pid");
        }
    }

    /** Process chores shared by the launchers. */
    final class Processes {

        private Processes() {
        }

        /** The pid in the first line of a PostgreSQL data directory's {@code postmaster.pid}, or -1. */
        static long postmasterPid(Path pgData) {
            try {
                return Long.parseLong(Files.readAllLines(pgData.resolve("postmaster.pid")).getFirst().strip());
            } catch (IOException | RuntimeException e) {
                return -1;
            }
        }

        static int freePort() {
            try (var socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
                return socket.getLocalPort();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException("no free loopback port", e);
            }
        }

        static Process start(Path logFile, List<String> command) {
            try {
                Files.createDirectories(logFile.getParent());
                return new ProcessBuilder(command)
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                        .start();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException("cannot start " + command.getFirst(), e);
            }
        }

        /** Runs a command to completion and returns its exit status; output goes to {@code logFile}. */
        static int run(Path logFile, Duration timeout, List<String> command) {
            Process process = start(logFile, command);
            try {
                if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly();
                    throw new IllegalStateException(command.getFirst() + " did not finish within " + timeout);
                }
                return process.exitValue();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
                throw new IllegalStateException("interrupted while running " + command.getFirst(), e);
            }
        }

        static void awaitHeartbeat(int port, ProcessHandle process, Path logFile) throws Engine.Unavailable {
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            HttpRequest heartbeat = HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/api/v2/heartbeat")).timeout(Duration.ofSeconds(2)).build();
            long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    throw new Engine.Unavailable("the server exited during start-up; see " + logFile);
                }
                try {
                    if (http.send(heartbeat, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                        return;
                    }
                } catch (IOException e) {
                    // not listening yet
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new Engine.Unavailable("interrupted while waiting for the server", e);
                }
                sleep(Duration.ofMillis(50));
            }
            terminate(process.pid(), Duration.ofSeconds(5));
            throw new Engine.Unavailable("no heartbeat within " + READY_TIMEOUT + "; see " + logFile);
        }

        /** SIGTERM, then SIGKILL after {@code grace}; returns when the process is gone. */
        static void terminate(long pid, Duration grace) {
            ProcessHandle.of(pid).ifPresent(process -> {
                process.destroy();
                try {
                    process.onExit().get(grace.toMillis(), TimeUnit.MILLISECONDS);
                } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
                    process.destroyForcibly();
                    process.onExit().join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    process.destroyForcibly();
                }
            });
        }

        static void sleep(Duration duration) {
            try {
                Thread.sleep(duration);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
    }
}
