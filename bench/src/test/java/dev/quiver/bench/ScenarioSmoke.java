package dev.quiver.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quiver.bench.Report.Point;
import dev.quiver.bench.Report.SystemResult;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keeps the benchmark from rotting: every scenario, shrunk to 10,000 vectors, against a Quiver server that the
 * benchmark starts from the jar the reactor built, through the same code path as a full run (load, ready, the
 * ef_search sweep with and without filters, restart, JSON and chart). It checks that each run completes and that
 * its numbers are sane, not how fast anything is: speed is for the benchmark itself, run by hand.
 *
 * <p>The text scenario has a class of its own ({@link TextScenarioSmokeIT}) so that the build's second test fork
 * runs it, and its two minutes of embedding, beside the synthetic scenarios.
 */
abstract class ScenarioSmoke {

    @TempDir
    Path work;

    /** Runs the scenario shrunk to 10,000 vectors against Quiver alone and checks its results. */
    void runsAgainstQuiverAndWritesItsResults(Scenario scenario) throws Exception {
        Path results = work.resolve("results");
        Options options = Options.parse(scenario.wireName(), "--systems", "quiver",
                "--vectors", "10000", "--queries", "100", "--warmup", "50", "--ef-search", "20,200",
                "--query-clients", "1,2", "--label", "smoke",
                "--results-dir", results.toString(),
                // The embedded text survives between runs in the build directory, as a full run caches it.
                "--cache-dir", Path.of("target", "cache").toString(),
                "--work-dir", work.resolve("systems").toString(),
                "--server-jar", Path.of("..", "server", "target", "quiver-server.jar").toString(),
                "--tools-dir", Path.of("..", "tools").toString());

        Report report = new BenchmarkRun(options).run();

        SystemResult quiver = report.systems().getFirst();
        assertThat(quiver.status()).as("reason: %s", quiver.reason()).isEqualTo("ok");
        assertThat(quiver.load().vectors()).isEqualTo(10_000);
        assertThat(quiver.load().vectorsPerSecond()).isPositive();
        assertThat(quiver.restartSeconds()).isPositive();
        assertThat(quiver.footprint().rssIdle()).isPositive();
        assertThat(quiver.footprint().diskBytesPerVector()).isPositive();
        // 3 filter settings x 2 beams x 2 client levels.
        assertThat(quiver.queries()).hasSize(12).allSatisfy(point -> {
            assertThat(point.queries()).isEqualTo(100);
            assertThat(point.maxDistanceError()).isLessThan(1e-3);
        });
        // Sanity, not quality: a broken search scores near zero. Uniform data (quickstart) is HNSW's hardest case,
        // and a compacted single graph at ef_search 200 gives about 0.9 there.
        for (Point wide : quiver.queries().stream().filter(point -> point.efSearch() == 200).toList()) {
            assertThat(wide.recallAtK()).as("recall at ef_search 200, filter %s", wide.filter()).isGreaterThan(0.8);
            Point narrow = quiver.queries().stream().filter(point -> point.efSearch() == 20
                    && point.filter().equals(wide.filter()) && point.clients() == wide.clients()).findFirst()
                    .orElseThrow();
            assertThat(wide.recallAtK()).as("a wider beam finds at least as much").isGreaterThanOrEqualTo(
                    narrow.recallAtK() - 0.02);
        }

        Path json = Bench.write(options, report);
        Path png = ResultChart.write(report, work.resolve("chart.png"));
        assertThat(ChromaClient.JSON.readTree(json.toFile()).get("systems").get(0).get("status").asString())
                .isEqualTo("ok");
        assertThat(Files.size(png)).isPositive();
    }
}
