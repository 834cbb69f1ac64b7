package dev.quiver.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GroundTruthTests {

    @Test
    void findsTheSameNeighboursAsSortingAllDistances() {
        var dataset = Dataset.uniform(3, 500, 20, 12);
        for (Space space : Space.values()) {
            GroundTruth truth = GroundTruth.compute(dataset, space, 10, null);

            for (int q = 0; q < 20; q++) {
                float[] query = dataset.queries()[q];
                int[] expected = IntStream.range(0, 500).boxed()
                        .sorted(Comparator.comparingDouble(i -> space.distance(query, dataset.vectors()[i])))
                        .limit(10).mapToInt(Integer::intValue).toArray();
                assertThat(truth.neighbors()[q]).as("%s query %d", space, q).containsExactly(expected);
            }
        }
    }

    @Test
    void rereadsTheCachedAnswerForTheSameParameters(@TempDir Path cache) {
        var dataset = Dataset.uniform(5, 300, 7, 8);

        GroundTruth first = GroundTruth.load(dataset, Space.L2, 5, null, 5, cache);
        GroundTruth second = GroundTruth.load(dataset, Space.L2, 5, null, 5, cache);

        assertThat(cache.toFile().list()).hasSize(1);
        assertThat(second.neighbors()).isDeepEqualTo(first.neighbors());
    }

    @Test
    void filteredTruthHoldsOnlyRecordsTheFilterKeepsAndIsCachedApart(@TempDir Path cache) {
        var dataset = Dataset.gaussian(9, 2_000, 15, 8, 4, 0.3);
        Filter onePercent = Filter.percent(1);

        GroundTruth filtered = GroundTruth.load(dataset, Space.L2, 10, onePercent, 9, cache);
        GroundTruth unfiltered = GroundTruth.load(dataset, Space.L2, 10, null, 9, cache);

        assertThat(cache.toFile().list()).hasSize(2);
        for (int q = 0; q < 15; q++) {
            float[] query = dataset.queries()[q];
            int[] expected = IntStream.range(0, 2_000).filter(onePercent::accepts).boxed()
                    .sorted(Comparator.comparingDouble(i -> Space.L2.distance(query, dataset.vectors()[i])))
                    .limit(10).mapToInt(Integer::intValue).toArray();
            assertThat(filtered.neighbors()[q]).containsExactly(expected);
        }
        assertThat(unfiltered.neighbors()).isNotEqualTo(filtered.neighbors());
    }

    @Test
    void recallCountsExactNeighboursWhateverTheirOrder() {
        var truth = new GroundTruth(new int[][] {{1, 2, 3, 4}});

        assertThat(truth.recall(0, new int[] {4, 3, 2, 1})).isEqualTo(1.0);
        assertThat(truth.recall(0, new int[] {1, 9, -1})).isEqualTo(0.25);
        assertThat(truth.recall(0, new int[0])).isZero();
    }

    @Test
    void topKKeepsTheSmallestDistancesNearestFirst() {
        var top = new GroundTruth.TopK(3);
        float[] distances = {5, 1, 4, 1.5f, 9, 0.5f, 3};
        for (int i = 0; i < distances.length; i++) {
            top.offer(i, distances[i]);
        }

        assertThat(top.sortedIndexes()).containsExactly(5, 1, 3);
        top.clear();
        top.offer(0, 2);
        assertThat(top.sortedIndexes()).containsExactly(0);
    }
}
