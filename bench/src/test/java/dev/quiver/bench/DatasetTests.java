package dev.quiver.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.IntStream;
import org.apache.lucene.util.VectorUtil;
import org.junit.jupiter.api.Test;

class DatasetTests {

    @Test
    void sameSeedGivesSameDataAndQueriesDoNotDependOnDataSize() {
        for (var pair : java.util.List.of(
                new Dataset[] {Dataset.uniform(42, 10, 5, 4), Dataset.uniform(42, 20, 5, 4)},
                new Dataset[] {Dataset.gaussian(42, 10, 5, 4, 3, 0.2), Dataset.gaussian(42, 20, 5, 4, 3, 0.2)})) {
            Dataset small = pair[0];
            Dataset large = pair[1];

            assertThat(large.vectors()[9]).containsExactly(small.vectors()[9]);
            assertThat(large.queries()).isDeepEqualTo(small.queries());
        }
        assertThat(Dataset.uniform(43, 10, 5, 4).vectors()[0]).isNotEqualTo(Dataset.uniform(42, 10, 5, 4).vectors()[0]);
    }

    @Test
    void gaussianPointsGatherAroundFewCentres() {
        Dataset data = Dataset.gaussian(1, 2_000, 10, 32, 4, 0.05);

        // With 4 tight clusters, a point's nearest other point is far closer than a typical pair.
        double nearest = 0;
        double typical = 0;
        for (int i = 0; i < 50; i++) {
            float[] point = data.vectors()[i];
            int self = i;
            nearest += IntStream.range(0, data.size()).filter(j -> j != self)
                    .mapToDouble(j -> VectorUtil.squareDistance(point, data.vectors()[j])).min().orElseThrow();
            typical += VectorUtil.squareDistance(point, data.vectors()[(i * 7919) % data.size()]);
        }
        assertThat(nearest * 10).isLessThan(typical);
        assertThat(data.name()).isEqualTo("gaussian-c4-s0.05");
    }

    @Test
    void bucketsAreUniformAndAFilterKeepsItsShare() {
        int kept = (int) IntStream.range(0, 100_000).filter(Filter.percent(10)::accepts).count();
        int onePercent = (int) IntStream.range(0, 100_000).filter(Filter.percent(1)::accepts).count();

        assertThat(kept).isBetween(9_700, 10_300);
        assertThat(onePercent).isBetween(900, 1_100);
        assertThat(IntStream.range(0, 1000).map(Dataset::bucket)).allMatch(b -> b >= 0 && b < Dataset.BUCKETS);
    }

    @Test
    void idsMapBackToIndexesAndForeignIdsDoNot() {
        assertThat(Dataset.index(Dataset.id(12345))).isEqualTo(12345);
        assertThat(Dataset.index("x1")).isEqualTo(-1);
        assertThat(Dataset.index("v")).isEqualTo(-1);
        assertThat(Dataset.index("vabc")).isEqualTo(-1);
    }
}
