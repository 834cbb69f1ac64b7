package dev.quiver.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.entry;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class OptionsTests {

    @Test
    void defaultsMatchTheQuickstartOfIssue3() {
        Options options = Options.parse("quickstart");

        assertThat(options.url()).hasToString("http://127.0.0.1:8000");
        assertThat(options.vectors()).isEqualTo(100_000);
        assertThat(options.dim()).isEqualTo(128);
        assertThat(options.queries()).isEqualTo(1000);
        assertThat(options.batch()).isEqualTo(1000);
        assertThat(options.space()).isEqualTo(Space.L2);
        assertThat(options.hnsw()).isEmpty();
        assertThat(options.loadClients()).isEqualTo(4);
        assertThat(options.queryClients()).containsExactly(1, 8);
        assertThat(options.seed()).isEqualTo(42);
        assertThat(options.tenant()).isEqualTo("default_tenant");
        assertThat(options.database()).isEqualTo("default_database");
        assertThat(options.pid()).isNull();
        assertThat(options.dataDir()).isNull();
        assertThat(options.warmup()).isEqualTo(1000);
        assertThat(options.keepCollection()).isFalse();
    }

    @Test
    void readsEveryFlagInBothSpellings() {
        Options options = Options.parse("quickstart", "--url", "http://localhost:9000/", "--vectors=2000",
                "--dim", "16", "--queries", "50", "--batch", "100", "--space", "cosine", "--ef-search", "200",
                "--max-neighbors=32", "--load-clients", "2",
                "--query-clients", "1, 2,4", "--seed", "7", "--tenant", "t1", "--database", "d1", "--label", "quiver",
                "--pid", "123", "--data-dir", "/data", "--warmup", "0", "--ready-timeout", "5",
                "--results-dir", "out", "--cache-dir", "cache", "--keep-collection");

        assertThat(options.url()).hasToString("http://localhost:9000");
        assertThat(options.vectors()).isEqualTo(2000);
        assertThat(options.space()).isEqualTo(Space.COSINE);
        assertThat(options.hnsw()).containsOnly(entry("ef_search", 200), entry("max_neighbors", 32));
        assertThat(options.queryClients()).isEqualTo(List.of(1, 2, 4));
        assertThat(options.pid()).isEqualTo(123L);
        assertThat(options.dataDir()).isEqualTo(Path.of("/data"));
        assertThat(options.warmup()).isZero();
        assertThat(options.keepCollection()).isTrue();
    }

    @Test
    void rejectsUnknownFlagInsteadOfIgnoringIt() {
        assertThatIllegalArgumentException().isThrownBy(() -> Options.parse("quickstart", "--vector", "10"))
                .withMessageContaining("vector");
    }

    @Test
    void rejectsServerThatIsNotOnThisMachine() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Options.parse("quickstart", "--url", "http://192.0.2.1:8000"))
                .withMessageContaining("loopback");
    }

    @Test
    void rejectsUnknownSpace() {
        assertThatIllegalArgumentException().isThrownBy(() -> Options.parse("quickstart", "--space", "dot"))
                .withMessageContaining("dot");
    }
}
