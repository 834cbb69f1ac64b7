package dev.quiver.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The pgvector peer against a real PostgreSQL cluster started by {@code tools/pgvector/start.sh}. Skipped, with the
 * reason printed, on a machine where {@code tools/pgvector/install.sh} has not run: the suite must not depend on
 * pgvector.
 */
class PgvectorEngineIT {

    /** Failsafe runs in the bench module's folder; the scripts are at the repository root. */
    private static final Path TOOLS = Path.of("..", "tools", "pgvector");

    private static final int K = 10;

    @TempDir
    Path work;

    private @Nullable PgvectorEngine engine;

    @AfterEach
    void closeEngine() {
        if (engine != null) {
            engine.close();
        }
    }

    @Test
    void loadsOnlineAnswersWithAndWithoutFilterAndSurvivesRestart() throws Exception {
        PgvectorEngine pgvector = startOrSkip();
        Dataset data = Dataset.gaussian(11, 2_000, 40, 16, 20, 0.25);
        pgvector.create(new IndexSpec(16, Space.L2, 16, 64, IndexSpec.Quantization.NONE));

        load(pgvector, data, 250, 4);

        float[] probe = data.queries()[0];
        assertThat(pgvector.queryable(data.size(), probe, K)).isTrue();
        assertThat(pgvector.queryable(data.size() + 1, probe, K)).as("counts every row").isFalse();
        assertThat(pgvector.version()).matches("pgvector 0\\.8\\.\\d+ on PostgreSQL 1\\d\\.\\d+");
        pgvector.efSearch(64);
        assertThat(pgvector.plan(probe, K, null)).contains("Index Scan using items_embedding_idx");
        assertAnswersMatchExactSearch(pgvector, data, Space.L2, null);
        assertAnswersMatchExactSearch(pgvector, data, Space.L2, Filter.percent(10));

        Engine.Resources resources = pgvector.resources();
        assertThat(resources.rssBytes()).as("PSS of the postmaster and its children").isGreaterThan(10_000_000L);
        assertThat(resources.diskBytes()).as("data and WAL").isGreaterThan(data.size() * 16L * 4);

        double seconds = pgvector.restart(probe, K);
        assertThat(seconds).isPositive().isLessThan(60);
        assertAnswersMatchExactSearch(pgvector, data, Space.L2, null);

        pgvector.close();
        engine = null;
        try (Stream<Path> left = Files.list(work)) {
            assertThat(left).as("close() deletes the cluster").isEmpty();
        }
    }

    @Test
    void anIndexBuiltAfterTheLoadIsUsedAndAnswersLikeExactSearch() throws Exception {
        PgvectorEngine pgvector = startOrSkip(true);
        // Large enough that, with the statistics ANALYZE gives it, the planner prefers the index to a sorted scan
        // (at 2,000 rows the two costs are close, and the planner once chose the scan).
        Dataset data = Dataset.gaussian(13, 20_000, 40, 16, 20, 0.25);
        pgvector.create(new IndexSpec(16, Space.L2, 16, 64, IndexSpec.Quantization.NONE));
        load(pgvector, data, 250, 4);
        float[] probe = data.queries()[0];
        assertThat(pgvector.plan(probe, K, null)).as("no HNSW index during the load")
                .doesNotContain("items_embedding_idx");

        pgvector.finishLoad();

        assertThat(pgvector.queryable(data.size(), probe, K)).isTrue();
        pgvector.efSearch(64);
        assertThat(pgvector.plan(probe, K, null)).contains("Index Scan using items_embedding_idx");
        assertAnswersMatchExactSearch(pgvector, data, Space.L2, null);
        assertThat(pgvector.notes()).contains("CREATE INDEX");
    }

    @ParameterizedTest
    @EnumSource(value = Space.class, names = {"COSINE", "IP"})
    void reportsChromasDistanceInEverySpace(Space space) throws Exception {
        PgvectorEngine pgvector = startOrSkip();
        Dataset data = Dataset.gaussian(12, 500, 20, 16, 10, 0.25);
        pgvector.create(new IndexSpec(16, space, 16, 64, IndexSpec.Quantization.NONE));
        load(pgvector, data, 100, 2);
        pgvector.efSearch(100);

        assertAnswersMatchExactSearch(pgvector, data, space, null);
    }

    private PgvectorEngine startOrSkip() {
        return startOrSkip(false);
    }

    private PgvectorEngine startOrSkip(boolean indexAfterLoad) {
        var pgvector = new PgvectorEngine(TOOLS, indexAfterLoad);
        try {
            pgvector.start(work);
        } catch (Engine.Unavailable e) {
            System.err.println("PgvectorEngineIT skipped: " + e.getMessage());
            Assumptions.abort("pgvector is not available here: " + e.getMessage());
        }
        engine = pgvector;
        return pgvector;
    }

    private static void load(Engine engine, Dataset data, int batchSize, int threads) throws Exception {
        Engine.Loader loader = engine.loader(data, batchSize);
        try (var pool = Executors.newFixedThreadPool(threads)) {
            var sends = new ArrayList<Callable<Void>>();
            for (int batch = 0; batch < loader.batches(); batch++) {
                int current = batch;
                sends.add(() -> {
                    loader.send(current);
                    return null;
                });
            }
            for (Future<Void> sent : pool.invokeAll(sends)) {
                sent.get();
            }
        }
    }

    /** Recall at K of at least 0.9 against brute force, and each returned distance equal to the exact one. */
    private static void assertAnswersMatchExactSearch(Engine engine, Dataset data, Space space,
            @Nullable Filter filter) {
        Engine.Searcher searcher = engine.searcher(data.queries(), K, filter);
        double recallSum = 0;
        for (int q = 0; q < searcher.queries(); q++) {
            float[] query = data.queries()[q];
            Answer answer = searcher.query(q);
            int[] exact = IntStream.range(0, data.size())
                    .filter(i -> filter == null || filter.accepts(i)).boxed()
                    .sorted(Comparator.comparingDouble(i -> space.distance(query, data.vectors()[i])))
                    .limit(K).mapToInt(Integer::intValue).toArray();

            assertThat(answer.indexes()).as("query %d returns k rows", q).hasSize(K);
            for (int hit = 0; hit < K; hit++) {
                int index = answer.indexes()[hit];
                assertThat(filter == null || filter.accepts(index)).as("filter keeps %d", index).isTrue();
                assertThat(answer.distances()[hit]).as("%s distance of query %d to %d", space, q, index)
                        .isCloseTo(space.distance(query, data.vectors()[index]), within(1e-3f));
                if (hit > 0) {
                    assertThat(answer.distances()[hit]).as("nearest first").isGreaterThanOrEqualTo(
                            answer.distances()[hit - 1]);
                }
            }
            recallSum += IntStream.of(answer.indexes()).filter(i -> IntStream.of(exact).anyMatch(e -> e == i))
                    .count() / (double) K;
        }
        assertThat(recallSum / searcher.queries()).as("%s recall@%d, filter %s", space, K, filter)
                .isGreaterThanOrEqualTo(0.9);
    }
}
