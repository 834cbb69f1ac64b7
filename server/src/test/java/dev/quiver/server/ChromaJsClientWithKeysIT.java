package dev.quiver.server;

import dev.quiver.QuiverApplication;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Runs {@code compat/chromadb-js/test/auth.test.mjs} against a Quiver with authentication on, as a hosted tenant
 * sees it: tenants signed up through the control plane, and the official client given nothing but an API key.
 */
@SpringBootTest(classes = QuiverApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = StandaloneContext.AUTHENTICATED)
class ChromaJsClientWithKeysIT extends StandaloneContext {

    @LocalServerPort
    int port;

    @Test
    void officialClientGivenOnlyAKeyWorksInItsOwnTenantAndIsRefusedElsewhere() throws Exception {
        NodeSuite.assertPasses(List.of("node", "--test", "--test-concurrency=1", "--test-timeout=60000",
                "test/auth.test.mjs"), port, Map.of("QUIVER_AUTH", "1"), "chromadb-js-keys.log");
    }
}
