package dev.quiver.search.index;

import static dev.quiver.search.index.Records.metadata;
import static dev.quiver.search.index.Records.record;
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
import dev.quiver.search.api.WriteBatch;
import dev.quiver.search.merge.SearchMerge;
import dev.quiver.search.merge.ShardPartial;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Search API over a collection split across shards gives the answer of one shard holding every record: each
 * shard answers its part ({@link ShardIndex#searchPartials}) and {@link SearchMerge} puts them together. Vector
 * leaves must agree exactly; the collections are small enough that every knn search is exhaustive.
 */
class ShardedSearchTests {

    private static final int SHARDS = 3;
    private static final int RECORDS = 90;
    private static final String[] COLORS = {"red", "green", "blue", "amber"};
    private static final String[] WORDS = {"river", "stone", "light", "quiet", "storm", "garden", "copper", "tide"};
    private static final SearchSelect EVERYTHING = new SearchSelect(true, true, true, true, List.of());

    @TempDir
    Path directory;

    @Test
    void vectorSearchesOverThreeShardsAnswerAsOneShardHoldingEveryRecord() {
        List<ShardIndex> shards = new ArrayList<>();
        try (ShardIndex whole = Records.open(directory.resolve("whole"), Metric.L2)) {
            for (int shard = 0; shard < SHARDS; shard++) {
                shards.add(Records.open(directory.resolve("shard-" + shard), Metric.L2));
            }
            fill(whole, shards);
            float[] query = Records.randomVectors(7, 1, 8)[0];
            float[] other = Records.randomVectors(8, 1, 8)[0];
            Rank near = new Rank.Knn(query, 12, null, false);
            Rank rrf = Rank.rrf(List.of(new Rank.Knn(query, 20, 1000f, true), new Rank.Knn(other, 20, 1000f, true)),
                    List.of(2f, 1f), 60, false);
            SearchFilter notRed = new SearchFilter.Metadata(new Where.Compare("color", Where.Operator.NE,
                    new MetadataValue.StringValue("red")));
            List<SearchRequest> searches = List.of(
                    new SearchRequest(near, null, 0, 10, EVERYTHING, null),
                    new SearchRequest(new Rank.Knn(query, 12, null, true), null, 0, 12, EVERYTHING, null),
                    new SearchRequest(rrf, null, 0, 15, EVERYTHING, null),
                    new SearchRequest(rrf, notRed, 4, 6, new SearchSelect(false, false, true, false,
                            List.of("size")), null),
                    new SearchRequest(near, null, 0, 10, EVERYTHING,
                            new GroupBy(List.of("color"), false, List.of(GroupBy.SCORE), 2)),
                    new SearchRequest(rrf, null, 1, 10, EVERYTHING,
                            new GroupBy(List.of("color"), true, List.of("size"), 1)),
                    new SearchRequest(new Rank.Sum(List.of(near, new Rank.Value(0.5f))), notRed, 0, 10,
                            SearchSelect.IDS, null),
                    new SearchRequest(near, null, 50, 10, EVERYTHING, null),
                    new SearchRequest(null, notRed, 5, 20, EVERYTHING, null));

            List<SearchResult> expected = whole.search(searches, 100);
            List<List<ShardPartial>> partials = new ArrayList<>();
            for (ShardIndex shard : shards) {
                partials.add(shard.searchPartials(searches, 100, false));
            }
            List<SearchResult> merged = SearchMerge.merge(searches, partials);

            for (int i = 0; i < searches.size(); i++) {
                assertThat(describe(merged.get(i))).as("search %d", i).isEqualTo(describe(expected.get(i)));
            }
            assertThat(expected.get(0).records()).hasSize(10);
            assertThat(expected.get(3).records()).hasSize(6);
            assertThat(expected.get(7).records()).isEmpty();
        } finally {
            shards.forEach(ShardIndex::close);
        }
    }

    @Test
    void bm25OverShardsStillFindsTheRareTermFirst() {
        List<ShardIndex> shards = new ArrayList<>();
        try {
            for (int shard = 0; shard < SHARDS; shard++) {
                shards.add(Records.open(directory.resolve("shard-" + shard), Metric.L2));
            }
            fill(null, shards);
            List<SearchRequest> searches = List.of(new SearchRequest(new Rank.Bm25("copper marsupial", 5, null,
                    false), null, 0, 5, EVERYTHING, null));
            List<List<ShardPartial>> partials = new ArrayList<>();
            for (ShardIndex shard : shards) {
                partials.add(shard.searchPartials(searches, 100, false));
            }

            SearchResult result = SearchMerge.merge(searches, partials).getFirst();

            assertThat(result.records().getFirst().id()).isEqualTo("marsupial");
        } finally {
            shards.forEach(ShardIndex::close);
        }
    }

    /**
     * The same records into the whole index and, routed by a hash of the id, into the shards; one record per log
     * sequence, so that insertion orders are the collection's and agree between the two layouts.
     */
    private static void fill(@Nullable ShardIndex whole, List<ShardIndex> shards) {
        Random random = new Random(42);
        float[][] vectors = Records.randomVectors(3, RECORDS, 8);
        for (int i = 0; i <= RECORDS; i++) {
            String id = i == RECORDS ? "marsupial" : "r" + i;
            String document = i == RECORDS ? "a small marsupial"
                    : WORDS[random.nextInt(WORDS.length)] + " " + WORDS[random.nextInt(WORDS.length)];
            float[] vector = i == RECORDS ? new float[] {9, 9, 9, 9, 9, 9, 9, 9} : vectors[i];
            WriteBatch batch = Records.add(record(id, vector, document,
                    metadata("color", COLORS[random.nextInt(COLORS.length)], "size", random.nextInt(5)), null));
            long sequence = i + 1;
            if (whole != null) {
                whole.apply(sequence, batch);
            }
            shards.get(Math.floorMod(id.hashCode(), shards.size())).apply(sequence, batch);
        }
        if (whole != null) {
            whole.refresh();
        }
        shards.forEach(ShardIndex::refresh);
    }

    private static List<String> describe(SearchResult result) {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < result.records().size(); i++) {
            StoredRecord record = result.records().get(i);
            lines.add(record.id() + " " + record.document() + " " + record.metadata() + " "
                    + Arrays.toString(record.embedding())
                    + (result.scores().length == 0 ? "" : " " + result.scores()[i]));
        }
        return lines;
    }
}
