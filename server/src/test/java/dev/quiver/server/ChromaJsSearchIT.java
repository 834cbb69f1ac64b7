package dev.quiver.server;

import dev.quiver.QuiverApplication;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Runs the Search API file of the client compatibility suite ({@code compat/chromadb-js/test/search.test.mjs}),
 * the official client's {@code collection.search}, against a Quiver in this JVM. The whole suite, this file
 * included, runs in {@link ChromaJsClientIT}; this one is the quick check of the search route alone.
 */
@SpringBootTest(classes = QuiverApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ChromaJsSearchIT extends StandaloneContext {

    @LocalServerPort
    int port;

    @Test
    void officialChromaJsClientSearchesQuiver() throws Exception {
        NodeSuite.assertPasses(List.of("node", "--test", "test/search.test.mjs"), port, Map.of(),
                "chromadb-js-search.log");
    }
}
