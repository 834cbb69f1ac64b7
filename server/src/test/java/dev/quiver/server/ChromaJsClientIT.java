package dev.quiver.server;

import dev.quiver.QuiverApplication;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Runs the client compatibility suite in {@code compat/chromadb-js} against a Quiver started in this JVM with
 * authentication off, as a local Chroma runs. The same suite passes against the real Chroma server.
 */
@SpringBootTest(classes = QuiverApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ChromaJsClientIT extends StandaloneContext {

    @LocalServerPort
    int port;

    @Test
    void officialChromaJsClientPassesTheCompatibilitySuite() throws Exception {
        NodeSuite.assertPasses(List.of("npm", "test"), port, Map.of(), "chromadb-js.log");
    }
}
