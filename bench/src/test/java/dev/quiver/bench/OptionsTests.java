package dev.quiver.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class OptionsTests {

    @Test
    void everyScenarioRunsEverySystemOnItsOwnDataByDefault() {
        Options quickstart = Options.parse("quickstart");
        Options clustered = Options.parse("clustered-128");
        Options wide = Options.parse("clustered-768");
        Options text = Options.parse("text-minilm");

        assertThat(quickstart.systems()).containsExactly("quiver", "chroma", "pgvector", "lucene");
        assertThat(List.of(quickstart.vectors(), quickstart.dim())).containsExactly(100_000, 128);
        assertThat(List.of(clustered.vectors(), clustered.dim())).containsExactly(1_000_000, 128);
        assertThat(wide.dim()).isEqualTo(768);
        assertThat(wide.space()).isEqualTo(Space.COSINE);
        assertThat(text.dim()).isEqualTo(384);
        assertThat(quickstart.efSearch()).containsExactly(10, 20, 40, 80, 160, 320);
        assertThat(quickstart.filters()).containsExactly(10, 1);
        assertThat(quickstart.queryClients()).containsExactly(1, 8);
        assertThat(quickstart.indexSpec()).isEqualTo(
                new IndexSpec(128, Space.L2, 16, 100, IndexSpec.Quantization.NONE));
        assertThat(quickstart.workDir()).isNull();
    }

    @Test
    void readsEveryFlagInBothSpellings() {
        Options options = Options.parse("clustered-768", "--systems", "quiver,lucene", "--vectors=2000",
                "--dim", "16", "--queries", "50", "--k", "5", "--batch", "100", "--space", "l2",
                "--max-neighbors=32", "--ef-construction", "64", "--ef-search", "8, 16", "--filters", "-",
                "--quantization", "int8", "--load-clients", "2", "--query-clients", "1,2,4", "--warmup", "0",
                "--seed", "7", "--clusters", "10", "--spread", "0.5", "--ready-timeout", "5", "--label", "x y",
                "--results-dir", "out", "--cache-dir", "cache", "--work-dir", "work", "--server-jar", "q.jar",
                "--tools-dir", "t");

        assertThat(options.systems()).containsExactly("quiver", "lucene");
        assertThat(options.indexSpec()).isEqualTo(new IndexSpec(16, Space.L2, 32, 64, IndexSpec.Quantization.INT8));
        assertThat(options.efSearch()).containsExactly(8, 16);
        assertThat(options.filters()).isEmpty();
        assertThat(options.queryClients()).containsExactly(1, 2, 4);
        assertThat(options.workDir()).isEqualTo(Path.of("work"));
        assertThat(options.resultName()).isEqualTo("clustered-768-int8-x_y");
    }

    @Test
    void rejectsUnknownFlagsSystemsAndScenariosInsteadOfIgnoringThem() {
        assertThatIllegalArgumentException().isThrownBy(() -> Options.parse("quickstart", "--vector", "10"))
                .withMessageContaining("vector");
        assertThatIllegalArgumentException().isThrownBy(() -> Options.parse("quickstart", "--systems", "milvus"))
                .withMessageContaining("milvus");
        assertThatIllegalArgumentException().isThrownBy(() -> Options.parse("sift"))
                .withMessageContaining("clustered-128");
        assertThatIllegalArgumentException().isThrownBy(() -> Options.parse("quickstart", "--space", "dot"))
                .withMessageContaining("dot");
    }

    @Test
    void givesTheConfinedServerItsOwnJvmFlagsOnlyWithAMemoryBudget() {
        Options options = Options.parse("quickstart", "--quiver-jvm", "-Xmx4g", "--memory-budget", "1229",
                "--budget-jvm", " -Xmx256m  -XX:+UseSerialGC ");

        assertThat(options.quiverJvmArgs()).containsExactly("-Xmx4g");
        assertThat(options.memoryBudget()).isEqualTo(1229.0);
        assertThat(options.budgetJvmArgs()).containsExactly("-Xmx256m", "-XX:+UseSerialGC");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Options.parse("quickstart", "--budget-jvm", "-Xmx256m"))
                .withMessageContaining("memory-budget");
    }

    @Test
    void rejectsAFilterThatKeepsFewerThanKRecords() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Options.parse("quickstart", "--vectors", "500", "--filters", "1"))
                .withMessageContaining("fewer than k");
    }

    @Test
    void textVectorsKeepTheModelsDimension() {
        assertThatIllegalArgumentException().isThrownBy(() -> Options.parse("text-minilm", "--dim", "128"))
                .withMessageContaining("384");
    }
}
