package dev.quiver.search.checkpoint;

import dev.quiver.common.TenantId;
import dev.quiver.tenant.api.DatabaseView;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the tests of search nodes in this JVM share: one real PostgreSQL per class, a fresh tenant database and
 * shard directory per test, a clock the test moves, and every node a test {@linkplain #started started} crashed
 * (closed without a commit or checkpoint) after it, so that no node of one test writes while the next runs.
 */
abstract class SearchNodeFixture {

    static final int DIMENSION = 8;
    static final Instant START = Instant.parse("2026-11-26T12:00:00Z");

    static EmbeddedPostgres postgres;

    @TempDir
    Path temporary;

    final MutableClock clock = new MutableClock(START);
    final List<SearchNode> nodes = new ArrayList<>();
    Path shardsDirectory;
    DatabaseView database;
    TenantId tenant;

    @BeforeAll
    static void startDatabase() throws IOException {
        postgres = CheckpointDatabase.start();
    }

    @AfterAll
    static void stopDatabase() throws IOException {
        postgres.close();
    }

    @BeforeEach
    void newTenantDatabase() {
        shardsDirectory = temporary.resolve("shards");
        database = CheckpointDatabase.newTenantDatabase(postgres, START);
        tenant = database.tenant().id();
    }

    @AfterEach
    void crashNodes() {
        for (SearchNode node : nodes) {
            node.crash();
        }
    }

    /** The node, now crashed after the test. */
    SearchNode started(SearchNode node) {
        nodes.add(node);
        return node;
    }
}
