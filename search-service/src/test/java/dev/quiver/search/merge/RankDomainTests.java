package dev.quiver.search.merge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.quiver.search.api.Rank;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

class RankDomainTests {

    /** Two fixed candidate lists: the first leaf met in the walk gets {@code first}, the next {@code second}. */
    private static RankDomain.Leaves lists(int[] first, int[] second) {
        return new RankDomain.Leaves() {
            private int calls;

            @Override
            public RankDomain knn(Rank.Knn knn) {
                return next(knn.returnRank(), knn.defaultValue());
            }

            @Override
            public RankDomain bm25(Rank.Bm25 bm25) {
                return next(bm25.returnRank(), bm25.defaultValue());
            }

            private RankDomain next(boolean returnRank, Float defaultValue) {
                int[] docs = calls++ == 0 ? first : second;
                float[] measures = new float[docs.length];
                for (int i = 0; i < docs.length; i++) {
                    measures[i] = 0.1f * (i + 1);
                }
                return RankDomain.leaf(docs, measures, docs.length, returnRank, defaultValue);
            }
        };
    }

    private static Rank knn(Float defaultValue) {
        return new Rank.Knn(new float[] {1f}, 10, defaultValue, true);
    }

    private static Rank bm25(Float defaultValue) {
        return new Rank.Bm25("text", 10, defaultValue, true);
    }

    @Test
    void rrfScoresEachRecordMinusTheWeightedSumOfReciprocalPositions() throws IOException {
        Rank rrf = Rank.rrf(List.of(knn(1000f), bm25(1000f)), List.of(0.7f, 0.3f), 60, false);

        long[] ranked = RankDomain.evaluate(rrf, lists(new int[] {7, 3, 5}, new int[] {5, 9})).ranked();

        // Positions are 0-based; a record missing from a list takes that list's default rank, 1000.
        assertThat(ranked).hasSize(4);
        assertScore(ranked, 7, -(0.7f / 60 + 0.3f / 1060));
        assertScore(ranked, 3, -(0.7f / 61 + 0.3f / 1060));
        assertScore(ranked, 5, -(0.7f / 62 + 0.3f / 60));
        assertScore(ranked, 9, -(0.7f / 1060 + 0.3f / 61));
        assertThat(docsInOrder(ranked)).containsExactly(5, 7, 3, 9);
    }

    @Test
    void rrfWithoutDefaultsKeepsOnlyRecordsEveryListFound() throws IOException {
        Rank rrf = Rank.rrf(List.of(knn(null), bm25(null)), null, 60, false);

        long[] ranked = RankDomain.evaluate(rrf, lists(new int[] {7, 3, 5}, new int[] {5, 9, 3})).ranked();

        assertThat(docsInOrder(ranked)).containsExactly(5, 3);
        assertScore(ranked, 5, -(1f / 62 + 1f / 60));
        assertScore(ranked, 3, -(1f / 61 + 1f / 62));
    }

    @Test
    void rrfNormalizesWeightsToSumToOne() throws IOException {
        Rank rrf = Rank.rrf(List.of(knn(null)), List.of(4f), 10, true);

        long[] ranked = RankDomain.evaluate(rrf, lists(new int[] {2}, new int[0])).ranked();

        assertScore(ranked, 2, -1f / 10);
    }

    @Test
    void rrfRefusesWeightsThatDoNotMatchTheRanks() {
        assertThatThrownBy(() -> Rank.rrf(List.of(knn(null), bm25(null)), List.of(1f), 60, false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("weights length (1) must match ranks length (2)");
        assertThatThrownBy(() -> Rank.rrf(List.of(knn(null)), List.of(-1f), 60, false))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Rank.rrf(List.of(knn(null)), null, 0, false))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aLeafWithoutReturnRankScoresByItsMeasureAndConstantsApplyToEveryRecord() throws IOException {
        Rank weighted = new Rank.Sum(List.of(
                new Rank.Product(List.of(new Rank.Knn(new float[] {1f}, 5, null, false), new Rank.Value(2f))),
                new Rank.Value(1f)));

        long[] ranked = RankDomain.evaluate(weighted, lists(new int[] {4, 1}, new int[0])).ranked();

        assertThat(docsInOrder(ranked)).containsExactly(4, 1);
        assertScore(ranked, 4, 0.1f * 2 + 1);
        assertScore(ranked, 1, 0.2f * 2 + 1);
    }

    @Test
    void notANumberSortsLast() throws IOException {
        Rank logarithm = new Rank.Logarithm(new Rank.Difference(new Rank.Knn(new float[] {1f}, 5, null, false),
                new Rank.Value(0.15f)));

        long[] ranked = RankDomain.evaluate(logarithm, lists(new int[] {4, 1}, new int[0])).ranked();

        // log(0.1 - 0.15) is NaN, log(0.2 - 0.15) is finite.
        assertThat(docsInOrder(ranked)).containsExactly(1, 4);
        assertThat(RankDomain.rankedValue(ranked[1])).isNaN();
    }

    private static void assertScore(long[] ranked, int doc, float expected) {
        for (long entry : ranked) {
            if (RankDomain.rankedDoc(entry) == doc) {
                assertThat(RankDomain.rankedValue(entry)).isCloseTo(expected, within(1e-6f));
                return;
            }
        }
        throw new AssertionError("doc " + doc + " not ranked");
    }

    private static List<Integer> docsInOrder(long[] ranked) {
        return java.util.Arrays.stream(ranked).mapToInt(RankDomain::rankedDoc).boxed().toList();
    }
}
