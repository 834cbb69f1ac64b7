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
 *
 * <p>Authentication is off unless the class sets {@value #AUTHENTICATED}: most tests exercise the data plane as a
 * local Chroma client does, with no key. A dynamic property outranks a test's own properties, so the opt-in is a
 * placeholder the dynamic value reads rather than a second value for the same key.
 */
@DirtiesContext
abstract class StandaloneContext {

    /** Put in {@code @SpringBootTest(properties = ...)} to run with authentication on. */
    static final String AUTHENTICATED = "quiver.test.authenticated=true";

    @TempDir
    static Path dataDir;

    @DynamicPropertySource
    static void dataDirectory(DynamicPropertyRegistry registry) {
        registry.add("quiver.data-dir", () -> dataDir.toString());
        registry.add("quiver.auth.enabled", () -> "${quiver.test.authenticated:false}");
    }
}
