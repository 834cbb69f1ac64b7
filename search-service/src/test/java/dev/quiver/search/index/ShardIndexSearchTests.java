package dev.quiver.search.index;

import static dev.quiver.search.index.Records.add;
import static dev.quiver.search.index.Records.metadata;
import static dev.quiver.search.index.Records.record;
import static dev.quiver.search.index.Records.vector;
import static org.assertj.core.api.Assertions.assertThat;

import dev.quiver.search.api.GroupBy;
import dev.quiver.search.api.MetadataValue;
import dev.quiver.search.api.Metric;
import dev.quiver.search.api.Rank;
import dev.quiver.search.api.SearchFilter;
import dev.quiver.search.api.SearchRequest;
import dev.quiver.search.api.SearchResult;
import dev.quiver.search.api.SearchSelect;
import dev.quiver.search.api.StoredRecord;
import dev.quiver.search.api.Where;
import dev.quiver.search.merge.ShardPartial;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShardIndexSearchTests {

    private static final SearchSelect EVERYTHING = new SearchSelect(true, true, true, true, List.of());

    @TempDir
    Path directory;

    private static List<String> ids(SearchResult result) {
        return result.records().stream().map(StoredRecord::id).toList();
    }

    private static SearchResult search(ShardIndex shard, Rank rank, SearchFilter filter, GroupBy groupBy) {
        return shard.search(List.of(new SearchRequest(rank, filter, 0, 10, EVERYTHING, groupBy)), 100).getFirst();
    }

    private static ShardIndex library(Path directory) {
        ShardIndex shard = Records.open(directory, Metric.L2);
        shard.apply(1, add(
                record("cats", vector(0f, 1f), "Cats sleep most of the day", metadata("shelf", "pets"), null),
                record("dogs", vector(0f, 2f), "Dogs sleep and play", metadata("shelf", "pets"), null),
                record("quokka", vector(9f, 9f), "The quokka is a small marsupial", metadata("shelf", "wild"),
                        null),
                record("sleep", vector(0f, 0.5f), "Sleep sleep sleep", metadata("shelf", "health"), null),
                record("bare", vector(0f, 0.1f), null, null, null)));
        shard.refresh();
        return shard;
    }

    @Test
    void bm25FindsTheDocumentWithTheRareTermFirst() {
        try (ShardIndex shard = library(directory)) {
            SearchResult result = search(shard, new Rank.Bm25("marsupial that sleeps", 10, null, false), null, null);

            assertThat(ids(result)).first().isEqualTo("quokka");
            assertThat(ids(result)).doesNotContain("bare", "sleep", "cats");
            assertThat(result.scores()[0]).isLessThan(1f);
        }
    }

    @Test
    void bm25IgnoresCaseAndScoresRepeatedTermsHigher() {
        try (ShardIndex shard = library(directory)) {
            SearchResult result = search(shard, new Rank.Bm25("SLEEP", 10, null, false), null, null);

            assertThat(ids(result)).containsExactly("sleep", "dogs", "cats");
        }
    }

    @Test
    void hybridRrfLiftsTheKeywordMatchAbovePureVectorRanking() {
        try (ShardIndex shard = library(directory)) {
            Rank knn = new Rank.Knn(vector(0f, 0f), 5, 100f, true);
            Rank bm25 = new Rank.Bm25("marsupial", 5, 100f, true);

            SearchResult vectorOnly = search(shard, knn, null, null);
            SearchResult hybrid = search(shard, Rank.rrf(List.of(knn, bm25), List.of(1f, 1f), 1, false), null, null);

            assertThat(ids(vectorOnly)).first().isEqualTo("bare");
            assertThat(ids(vectorOnly).indexOf("quokka")).isGreaterThan(ids(hybrid).indexOf("quokka"));
            assertThat(ids(hybrid)).first().isEqualTo("quokka");
        }
    }

    @Test
    void filterRestrictsEveryLeafAndMixesIdsMetadataAndDocuments() {
        try (ShardIndex shard = library(directory)) {
            SearchFilter filter = new SearchFilter.Or(List.of(
                    new SearchFilter.Ids(List.of("quokka"), false),
                    new SearchFilter.Metadata(new Where.Compare("shelf", Where.Operator.EQ,
                            new MetadataValue.StringValue("health")))));

            SearchResult result = search(shard, new Rank.Knn(vector(0f, 1f), 10, null, false), filter, null);

            assertThat(ids(result)).containsExactly("sleep", "quokka");
            assertThat(result.scores()[0]).isEqualTo(0.25f);
        }
    }

    @Test
    void groupByKeepsTheBestOfEachGroup() {
        try (ShardIndex shard = library(directory)) {
            SearchResult result = search(shard, new Rank.Knn(vector(0f, 1f), 10, null, false), null,
                    new GroupBy(List.of("shelf"), false, List.of(GroupBy.SCORE), 1));

            // One per shelf value, "bare" alone in the group of records without a shelf.
            assertThat(ids(result)).containsExactly("cats", "sleep", "bare", "quokka");
        }
    }

    @Test
    void withoutRankRecordsComeInInsertionOrderPagedAndSelected() {
        try (ShardIndex shard = library(directory)) {
            SearchSelect onlyShelf = new SearchSelect(false, false, true, false, List.of("shelf"));

            SearchResult result = shard.search(
                    List.of(new SearchRequest(null, null, 1, 2, onlyShelf, null)), 100).getFirst();

            assertThat(ids(result)).containsExactly("dogs", "quokka");
            assertThat(result.records().getFirst().document()).isNull();
            assertThat(result.records().getFirst().metadata()).containsOnlyKeys("shelf");
            assertThat(result.scores()).isEmpty();
        }
    }

    @Test
    void bm25HitsTiedAtTheLimitAreAllCandidatesSoTheFirstInsertedWins() {
        try (ShardIndex shard = Records.open(directory, Metric.L2)) {
            for (int i = 0; i < 6; i++) {
                shard.apply(i + 1, add(record("same-" + i, vector(0f, i), "tied words", null, null)));
            }
            shard.refresh();
            List<SearchRequest> requests = List.of(new SearchRequest(new Rank.Bm25("tied", 2, null, false), null, 0,
                    10, EVERYTHING, null));

            ShardPartial partial = shard.searchPartials(requests, 100, true).getFirst();
            SearchResult result = shard.search(requests, 100).getFirst();

            assertThat(partial.leaves().getFirst().candidates()).hasSize(6);
            assertThat(ids(result)).containsExactly("same-0", "same-1");
        }
    }
}
