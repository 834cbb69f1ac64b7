package dev.quiver.search.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quiver.search.api.Hit;
import dev.quiver.search.api.StoredRecord;
import dev.quiver.search.index.OrderedRecords;
import java.util.List;
import org.junit.jupiter.api.Test;

class ShardMergeTests {

    @Test
    void queryKeepsTheBestScoresOverShardsWithTiesToTheLowerShard() {
        List<List<List<Hit>>> answers = List.of(
                List.of(List.of(hit("a", 0.9f), hit("b", 0.5f))),
                List.of(List.of(hit("c", 0.95f), hit("d", 0.5f), hit("e", 0.1f))));

        List<List<Hit>> merged = ShardMerge.hits(answers, 1, 4);

        assertThat(merged.getFirst()).extracting(hit -> hit.record().id()).containsExactly("c", "a", "b", "d");
    }

    @Test
    void queryReturnsFewerWhenTheShardsHoldFewer() {
        List<List<List<Hit>>> answers = List.of(List.of(List.of(hit("a", 0.9f)), List.of()),
                List.of(List.of(), List.of()));

        List<List<Hit>> merged = ShardMerge.hits(answers, 2, 3);

        assertThat(merged).hasSize(2);
        assertThat(merged.get(0)).extracting(hit -> hit.record().id()).containsExactly("a");
        assertThat(merged.get(1)).isEmpty();
    }

    @Test
    void getMergesByInsertionOrderThenPages() {
        List<OrderedRecords> pages = List.of(
                page(new String[] {"a", "d", "e"}, new long[] {1, 4, 5}),
                page(new String[] {"b", "c", "f"}, new long[] {2, 3, 6}));

        assertThat(ShardMerge.records(pages, 0, 10)).extracting(StoredRecord::id)
                .containsExactly("a", "b", "c", "d", "e", "f");
        assertThat(ShardMerge.records(pages, 2, 3)).extracting(StoredRecord::id).containsExactly("c", "d", "e");
        assertThat(ShardMerge.records(pages, 6, 3)).isEmpty();
    }

    private static Hit hit(String id, float score) {
        return new Hit(new StoredRecord(id, null, null, null, null), score);
    }

    private static OrderedRecords page(String[] ids, long[] orders) {
        StoredRecord[] records = new StoredRecord[ids.length];
        for (int i = 0; i < ids.length; i++) {
            records[i] = new StoredRecord(ids[i], null, null, null, null);
        }
        return new OrderedRecords(List.of(records), orders);
    }
}
