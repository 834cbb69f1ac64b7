package dev.quiver.server;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Base of the tests that run Quiver in this JVM: each test class gets a data directory (and so an embedded
 * PostgreSQL and shards) of its own, and its context is closed with the class. A cached context would outlive its
 * deleted directory and keep committing into it while later classes run.
 */
@DirtiesContext
abstract class StandaloneContext {

    @TempDir
    static Path dataDir;

    @DynamicPropertySource
    static void dataDirectory(DynamicPropertyRegistry registry) {
        registry.add("quiver.data-dir", () -> dataDir.toString());
    }
}
