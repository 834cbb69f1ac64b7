package dev.quiver.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quiver.bench.Report.Latency;
import dev.quiver.bench.Report.Point;
import dev.quiver.bench.Report.SystemResult;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReportTests {

    private static Point point(int ef, double qps, double recall, double p99) {
        return new Point("none", ef, 8, 100, 1, qps, new Latency(1, 2, p99, p99, 1), recall, 0, 1.0, 0.5);
    }

    private static SystemResult system(String name, Point... points) {
        return new SystemResult(name, "ok", null, "v", "", null, null, List.of(points), null, null, List.of(),
                null);
    }

    @Test
    void comparesTheFastestPointAtTheRecallTargetAndSaysWhoNeverReachedIt() {
        var quiver = system("quiver", point(10, 900, 0.90, 5), point(40, 600, 0.96, 8), point(80, 400, 0.99, 12));
        var chroma = system("chroma", point(10, 500, 0.80, 10), point(80, 200, 0.951, 16));
        var pgvector = system("pgvector", point(40, 300, 0.94, 9));
        var skipped = SystemResult.skipped("lucene", "not here");

        List<Report.Comparison> comparisons = Report.compare(List.of(quiver, chroma, pgvector, skipped),
                List.of("none"), List.of(8));

        Report.Comparison comparison = comparisons.getFirst();
        assertThat(comparison.best()).extracting(Report.Best::system).containsExactly("quiver", "chroma", "pgvector");
        assertThat(comparison.best().get(0).point().efSearch()).isEqualTo(40);
        assertThat(comparison.best().get(2).point()).isNull();
        assertThat(comparison.best().get(2).highestRecall()).isEqualTo(0.94);
        assertThat(comparison.quiverOver()).containsExactly(
                new Report.Ratio("chroma", 3.0, 0.5), new Report.Ratio("pgvector", null, null));
    }

    @Test
    void tableNamesSkippedSystemsWithTheirReason() {
        var report = new Report("quickstart", "2026-11-26T00:00:00Z",
                new Report.Parameters("uniform", 100, 4, 10, 10, 10, "l2", 16, 100, List.of(10), List.of("none"),
                        "none", 1, List.of(8), 0, 1),
                new Report.Machine(2, 1L << 30, "cpu", "os", "java"),
                List.of(SystemResult.skipped("pgvector", "run tools/pgvector/install.sh")), List.of());
        var out = new ByteArrayOutputStream();

        report.printTable(new PrintStream(out, true, StandardCharsets.UTF_8));

        assertThat(out.toString(StandardCharsets.UTF_8)).contains("pgvector  skipped: run tools/pgvector/install.sh")
                .contains("2 cores, 1.0 GiB");
    }
}
