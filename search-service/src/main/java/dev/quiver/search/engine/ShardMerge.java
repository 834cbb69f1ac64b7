package dev.quiver.search.engine;

import dev.quiver.search.api.Hit;
import dev.quiver.search.api.StoredRecord;
import dev.quiver.search.index.OrderedRecords;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Merges the answers of a collection's shards into the answer one shard holding every record would give. Shared by
 * the standalone store and, through the same rules, the gateway's. Stateless.
 *
 * <p>Query: the top {@code nResults} by score (higher is closer) over the shards' lists, each already sorted by
 * descending score; ties go to the lower shard, then to a shard's own order, so equal answers merge equally every
 * time. Get: the records in ascending insertion order, which is unique across shards since a record's order is
 * its batch's sequence and its position in the whole batch.
 */
public final class ShardMerge {

    private ShardMerge() {
    }

    /**
     * For each query, the best {@code nResults} hits over the shards' answers.
     *
     * @param answers one answer per shard, each holding one hit list per query, nearest first
     */
    public static List<List<Hit>> hits(List<List<List<Hit>>> answers, int queries, int nResults) {
        int shards = answers.size();
        List<List<Hit>> merged = new ArrayList<>(queries);
        int[] cursors = new int[shards];
        for (int query = 0; query < queries; query++) {
            Arrays.fill(cursors, 0);
            List<Hit> best = new ArrayList<>(nResults);
            while (best.size() < nResults) {
                int chosen = -1;
                float chosenScore = 0;
                for (int shard = 0; shard < shards; shard++) {
                    List<Hit> hits = answers.get(shard).get(query);
                    if (cursors[shard] < hits.size()) {
                        float score = hits.get(cursors[shard]).score();
                        // Strictly greater, so a tie stays with the lower shard.
                        if (chosen < 0 || score > chosenScore) {
                            chosen = shard;
                            chosenScore = score;
                        }
                    }
                }
                if (chosen < 0) {
                    break;
                }
                best.add(answers.get(chosen).get(query).get(cursors[chosen]++));
            }
            merged.add(List.copyOf(best));
        }
        return merged;
    }

    /**
     * The records of the shards' pages in insertion order, after skipping {@code offset}, at most {@code limit}.
     *
     * @param pages one page per shard, each the shard's first {@code offset + limit} matches in insertion order
     */
    public static List<StoredRecord> records(List<OrderedRecords> pages, int offset, int limit) {
        int shards = pages.size();
        int[] cursors = new int[shards];
        List<StoredRecord> merged = new ArrayList<>();
        long skipped = 0;
        while (merged.size() < limit) {
            int chosen = -1;
            long chosenOrder = 0;
            for (int shard = 0; shard < shards; shard++) {
                OrderedRecords page = pages.get(shard);
                if (cursors[shard] < page.orders().length) {
                    long order = page.orders()[cursors[shard]];
                    if (chosen < 0 || order < chosenOrder) {
                        chosen = shard;
                        chosenOrder = order;
                    }
                }
            }
            if (chosen < 0) {
                break;
            }
            StoredRecord record = pages.get(chosen).records().get(cursors[chosen]++);
            if (skipped < offset) {
                skipped++;
            } else {
                merged.add(record);
            }
        }
        return merged;
    }
}
