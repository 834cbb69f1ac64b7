package dev.quiver.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class LuceneEngineTests {

    @TempDir
    Path work;

    @ParameterizedTest
    @EnumSource(Space.class)
    void answersWithExactDistancesHonoursFiltersAndSurvivesARestart(Space space) throws Exception {
        Dataset data = Dataset.gaussian(7, 2_000, 20, 16, 8, 0.3);
        Filter tenPercent = Filter.percent(10);
        GroundTruth truth = GroundTruth.compute(data, space, 10, null);
        GroundTruth filteredTruth = GroundTruth.compute(data, space, 10, tenPercent);

        try (var engine = new LuceneEngine()) {
            engine.start(work);
            engine.create(new IndexSpec(16, space, 16, 100, IndexSpec.Quantization.NONE));
            Engine.Loader loader = engine.loader(data, 500);
            for (int batch = 0; batch < loader.batches(); batch++) {
                loader.send(batch);
            }
            assertThat(engine.queryable(data.size(), data.queries()[0], 10)).isTrue();
            engine.efSearch(100);

            Engine.Searcher all = engine.searcher(data.queries(), 10, null);
            Engine.Searcher filtered = engine.searcher(data.queries(), 10, tenPercent);
            double recall = 0;
            double filteredRecall = 0;
            for (int q = 0; q < data.queries().length; q++) {
                Answer answer = all.query(q);
                recall += truth.recall(q, answer.indexes());
                for (int hit = 0; hit < answer.indexes().length; hit++) {
                    float exact = space.distance(data.queries()[q], data.vectors()[answer.indexes()[hit]]);
                    assertThat(answer.distances()[hit]).isCloseTo(exact, org.assertj.core.data.Offset.offset(1e-3f));
                }
                Answer filteredAnswer = filtered.query(q);
                assertThat(java.util.Arrays.stream(filteredAnswer.indexes())).allMatch(tenPercent::accepts);
                filteredRecall += filteredTruth.recall(q, filteredAnswer.indexes());
            }
            assertThat(recall / data.queries().length).isGreaterThan(0.95);
            assertThat(filteredRecall / data.queries().length).isGreaterThan(0.95);

            assertThat(engine.restart(data.queries()[0], 10)).isPositive();
            assertThat(engine.searcher(data.queries(), 10, null).query(3).indexes())
                    .containsExactly(all.query(3).indexes());
            assertThat(engine.resources().diskBytes()).isPositive();
        }
        assertThat(work.resolve("lucene")).doesNotExist();
    }
}
