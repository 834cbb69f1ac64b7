package dev.quiver.search.merge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quiver.search.api.GroupBy;
import dev.quiver.search.api.MetadataValue;
import dev.quiver.search.api.Rank;
import dev.quiver.search.api.SearchRequest;
import dev.quiver.search.api.SearchResult;
import dev.quiver.search.api.SearchSelect;
import dev.quiver.search.api.StoredRecord;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SearchMergeTests {

    private static final SearchSelect SCORES = new SearchSelect(false, false, true, false, List.of());

    private static ShardPartial.Candidate candidate(String id, long order) {
        return new ShardPartial.Candidate(order, new StoredRecord(id, null, null, null, null), Map.of());
    }

    private static ShardPartial.Candidate candidate(String id, long order, String color, double size) {
        return new ShardPartial.Candidate(order, new StoredRecord(id, null, null, null, null),
                Map.of("color", new MetadataValue.StringValue(color), "size", new MetadataValue.FloatValue(size)));
    }

    private static ShardPartial.Leaf leaf(int[] candidates, float... measures) {
        return new ShardPartial.Leaf(candidates, measures);
    }

    private static SearchRequest ranked(Rank rank, int offset, int limit) {
        return new SearchRequest(rank, null, offset, limit, SCORES, null);
    }

    private static List<String> ids(SearchResult result) {
        return result.records().stream().map(StoredRecord::id).toList();
    }

    private static Rank knn(int limit, Float defaultValue, boolean returnRank) {
        return new Rank.Knn(new float[] {1f}, limit, defaultValue, returnRank);
    }

    @Test
    void leafPositionsAreTheirPlaceInTheListOverAllShards() {
        ShardPartial first = new ShardPartial(List.of(leaf(new int[] {0, 1}, 0.1f, 0.4f)),
                List.of(candidate("a", 1), candidate("b", 2)));
        ShardPartial second = new ShardPartial(List.of(leaf(new int[] {1, 0}, 0.2f, 0.3f)),
                List.of(candidate("c", 3), candidate("d", 4)));

        SearchResult result = SearchMerge.merge(ranked(knn(3, null, true), 0, 10), List.of(first, second));

        // The global top 3 is a, d, c; b is fourth, outside the leaf's limit, and has no default.
        assertThat(ids(result)).containsExactly("a", "d", "c");
        assertThat(result.scores()).containsExactly(0f, 1f, 2f);
    }

    @Test
    void rrfTiesGoToTheRecordInsertedFirstWhicheverShardHoldsIt() {
        Rank rrf = Rank.rrf(List.of(knn(10, 100f, true), new Rank.Bm25("text", 10, 100f, true)), null, 60, false);
        // x leads the knn list and is second in BM25, y the other way round: equal fused scores.
        ShardPartial holdsX = new ShardPartial(List.of(leaf(new int[] {0}, 0.1f), leaf(new int[] {0}, 0.5f)),
                List.of(candidate("x", 20)));
        ShardPartial holdsY = new ShardPartial(List.of(leaf(new int[] {0}, 0.2f), leaf(new int[] {0}, 0.4f)),
                List.of(candidate("y", 10)));

        SearchResult oneWay = SearchMerge.merge(ranked(rrf, 0, 10), List.of(holdsX, holdsY));
        SearchResult otherWay = SearchMerge.merge(ranked(rrf, 0, 10), List.of(holdsY, holdsX));

        assertThat(oneWay.scores()[0]).isEqualTo(oneWay.scores()[1]).isEqualTo(-(1f / 60 + 1f / 61));
        assertThat(ids(oneWay)).containsExactly("y", "x");
        assertThat(ids(otherWay)).containsExactly("y", "x");
    }

    @Test
    void equalMeasuresInALeafGoToTheRecordInsertedFirst() {
        ShardPartial first = new ShardPartial(List.of(leaf(new int[] {0}, 0.5f)), List.of(candidate("late", 9)));
        ShardPartial second = new ShardPartial(List.of(leaf(new int[] {0}, 0.5f)), List.of(candidate("early", 3)));

        SearchResult result = SearchMerge.merge(ranked(knn(1, null, false), 0, 10), List.of(first, second));

        assertThat(ids(result)).containsExactly("early");
    }

    @Test
    void groupByKeepsTheBestOfEachGroupOverAllShards() {
        ShardPartial first = new ShardPartial(List.of(leaf(new int[] {0, 1, 2}, 0.1f, 0.3f, 0.6f)), List.of(
                candidate("red-near", 1, "red", 1), candidate("blue-mid", 2, "blue", 5),
                candidate("red-big", 3, "red", 9)));
        ShardPartial second = new ShardPartial(List.of(leaf(new int[] {0, 1}, 0.2f, 0.4f)), List.of(
                candidate("blue-near", 4, "blue", 2), candidate("green", 5, "green", 1)));
        Rank rank = knn(10, null, false);

        SearchResult byScore = SearchMerge.merge(new SearchRequest(rank, null, 0, 10, SCORES,
                new GroupBy(List.of("color"), false, List.of(GroupBy.SCORE), 1)), List.of(first, second));
        SearchResult bySize = SearchMerge.merge(new SearchRequest(rank, null, 0, 10, SCORES,
                new GroupBy(List.of("color"), true, List.of("size"), 1)), List.of(first, second));

        assertThat(ids(byScore)).containsExactly("red-near", "blue-near", "green");
        assertThat(byScore.scores()).containsExactly(0.1f, 0.2f, 0.4f);
        // $max_k on size: the biggest of each colour, then ranked by score again.
        assertThat(ids(bySize)).containsExactly("blue-mid", "green", "red-big");
    }

    @Test
    void anOffsetBeyondTheEndGivesAnEmptyPage() {
        ShardPartial first = new ShardPartial(List.of(leaf(new int[] {0}, 0.1f)), List.of(candidate("a", 1)));
        ShardPartial second = new ShardPartial(List.of(leaf(new int[] {0}, 0.2f)), List.of(candidate("b", 2)));

        SearchResult ranked = SearchMerge.merge(ranked(knn(5, null, false), 2, 10), List.of(first, second));
        SearchResult unranked = SearchMerge.merge(new SearchRequest(null, null, 5, 10, SCORES, null),
                List.of(new ShardPartial(List.of(), List.of(candidate("a", 1))),
                        new ShardPartial(List.of(), List.of(candidate("b", 2)))));

        assertThat(ranked.records()).isEmpty();
        assertThat(ranked.scores()).isEmpty();
        assertThat(unranked.records()).isEmpty();
    }

    @Test
    void withoutRankThePageIsCutFromInsertionOrderOverAllShards() {
        ShardPartial first = new ShardPartial(List.of(), List.of(candidate("a", 1), candidate("c", 3),
                candidate("e", 5)));
        ShardPartial second = new ShardPartial(List.of(), List.of(candidate("b", 2), candidate("d", 4)));

        SearchResult result = SearchMerge.merge(new SearchRequest(null, null, 1, 3, SearchSelect.IDS, null),
                List.of(first, second));

        assertThat(ids(result)).containsExactly("b", "c", "d");
        assertThat(result.scores()).isEmpty();
    }

    @Test
    void aRecordMissingFromALeafWithoutDefaultIsDroppedEvenWhenAnotherShardListsIt() {
        Rank sum = new Rank.Sum(List.of(knn(10, null, false), new Rank.Bm25("text", 10, null, false)));
        ShardPartial first = new ShardPartial(List.of(leaf(new int[] {0, 1}, 0.1f, 0.2f), leaf(new int[] {1}, 0.5f)),
                List.of(candidate("only-knn", 1), candidate("both", 2)));
        ShardPartial second = new ShardPartial(List.of(leaf(new int[] {}), leaf(new int[] {0}, 0.1f)),
                List.of(candidate("only-bm25", 3)));

        SearchResult result = SearchMerge.merge(ranked(sum, 0, 10), List.of(first, second));

        assertThat(ids(result)).containsExactly("both");
        assertThat(result.scores()).containsExactly(0.2f + 0.5f);
    }

    @Test
    void refusesAPartialWithAnotherNumberOfLeaves() {
        ShardPartial partial = new ShardPartial(List.of(), List.of(candidate("a", 1)));

        assertThatThrownBy(() -> SearchMerge.merge(ranked(knn(1, null, false), 0, 1), List.of(partial)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("0 leaves for a rank of 1");
    }
}
