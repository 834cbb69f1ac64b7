package dev.quiver.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs commands of the client compatibility suite in {@code compat/chromadb-js} (the official {@code chromadb} npm
 * client under Node's test runner) against a Quiver on a port, installing its packages first when needed. The
 * suite's output goes to one log under {@code target/}, which a failed assertion prints.
 */
final class NodeSuite {

    private static final Path SUITE = Path.of("..", "compat", "chromadb-js").toAbsolutePath().normalize();

    /**
     * onnxruntime-node (under {@code @chroma-core/default-embed}) downloads CUDA binaries at install time when it
     * finds {@code nvcc}, which fails without a network; its CPU binaries ship inside the package. The suite's
     * {@code .npmrc} says the same, for a plain {@code npm ci}.
     */
    private static final Map<String, String> NPM_CI = Map.of("ONNXRUNTIME_NODE_INSTALL_CUDA", "skip");

    private NodeSuite() {
    }

    /** Runs {@code command} in the suite's directory with {@code CHROMA_URL} set, and asserts that it passed. */
    static void assertPasses(List<String> command, int port, Map<String, String> environment, String logName)
            throws IOException, InterruptedException {
        Path log = Path.of("target", logName).toAbsolutePath();
        Files.createDirectories(log.getParent());
        if (!Files.isDirectory(SUITE.resolve("node_modules"))) {
            int installed = run(List.of("npm", "ci", "--no-audit", "--no-fund"), port, NPM_CI, log, 600);
            assertThat(installed).as("npm ci in %s, see %s", SUITE, log).isZero();
        }
        int exit = run(command, port, environment, log, 900);
        assertThat(exit).as("%s failed; its output is in %s:%n%s", command, log, Files.readString(log)).isZero();
    }

    /**
     * Runs {@code command} like {@link #assertPasses} and returns its exit code with its output, for scripts whose
     * failure is the expected outcome (a revoked key).
     */
    static Outcome run(List<String> command, int port, Map<String, String> environment, String logName)
            throws IOException, InterruptedException {
        Path log = Path.of("target", logName).toAbsolutePath();
        Files.createDirectories(log.getParent());
        Files.deleteIfExists(log);
        if (!Files.isDirectory(SUITE.resolve("node_modules"))) {
            int installed = run(List.of("npm", "ci", "--no-audit", "--no-fund"), port, NPM_CI, log, 600);
            assertThat(installed).as("npm ci in %s, see %s", SUITE, log).isZero();
        }
        int exit = run(command, port, environment, log, 300);
        return new Outcome(exit, Files.readString(log));
    }

    /** How a command ended: its exit code and everything it printed. */
    record Outcome(int exitCode, String output) {
    }

    private static int run(List<String> command, int port, Map<String, String> environment, Path log,
            int timeoutSeconds) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(SUITE.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(new File(log.toString())));
        builder.environment().put("CHROMA_URL", "http://127.0.0.1:" + port);
        builder.environment().putAll(environment);
        Process process = builder.start();
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(command + " did not finish in " + timeoutSeconds + " s; see " + log);
        }
        return process.exitValue();
    }
}
