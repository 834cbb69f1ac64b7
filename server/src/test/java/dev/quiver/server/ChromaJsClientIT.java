package dev.quiver.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quiver.QuiverApplication;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Runs the client compatibility suite in {@code compat/chromadb-js} (the official {@code chromadb} npm client,
 * Node's test runner) against a Quiver started in this JVM. The same suite passes against the real Chroma server.
 */
@SpringBootTest(classes = QuiverApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ChromaJsClientIT extends StandaloneContext {

    @LocalServerPort
    int port;

    @Test
    void officialChromaJsClientPassesTheCompatibilitySuite() throws Exception {
        Path suite = Path.of("..", "compat", "chromadb-js").toAbsolutePath().normalize();
        Path log = Path.of("target", "chromadb-js.log").toAbsolutePath();
        Files.createDirectories(log.getParent());
        if (!Files.isDirectory(suite.resolve("node_modules"))) {
            int installed = run(List.of("npm", "ci", "--no-audit", "--no-fund"), suite, log, 600);
            assertThat(installed).as("npm ci in %s, see %s", suite, log).isZero();
        }
        int exit = run(List.of("npm", "test"), suite, log, 900);
        assertThat(exit).as("the chromadb client suite failed; its output is in %s:%n%s", log,
                Files.readString(log)).isZero();
    }

    private int run(List<String> command, Path directory, Path log, int timeoutSeconds)
            throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(directory.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(new File(log.toString())));
        builder.environment().put("CHROMA_URL", "http://127.0.0.1:" + port);
        Process process = builder.start();
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(command + " did not finish in " + timeoutSeconds + " s; see " + log);
        }
        return process.exitValue();
    }
}
