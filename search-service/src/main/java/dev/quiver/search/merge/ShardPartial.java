package dev.quiver.search.merge;

import static java.util.Objects.requireNonNull;

import dev.quiver.search.api.MetadataValue;
import dev.quiver.search.api.StoredRecord;
import java.util.List;
import java.util.Map;

/**
 * What one shard answers to one {@link dev.quiver.search.api.SearchRequest}: everything {@link SearchMerge} needs
 * to compute the answer over all shards of the collection.
 *
 * <p>For a ranked search, one {@link Leaf} per leaf of the rank expression, in the order of
 * {@link SearchMerge#leaves}: the shard's best {@code limit} candidates of that leaf. A global top {@code limit} of
 * a leaf can only hold records that are in their own shard's top {@code limit}, so these lists suffice. Each
 * candidate is listed once in {@code candidates}, with the parts the request's select asked for (the merge does
 * not know yet which candidates make the page) and the metadata values its group-by needs.
 *
 * <p>For a search without rank, no leaves, and {@code candidates} are the shard's first {@code offset + limit}
 * matching records in insertion order.
 *
 * @param leaves     one per leaf of the rank; empty without a rank
 * @param candidates every record some leaf lists, each once
 */
public record ShardPartial(List<Leaf> leaves, List<Candidate> candidates) {

    public ShardPartial {
        leaves = List.copyOf(requireNonNull(leaves, "leaves is null"));
        candidates = List.copyOf(requireNonNull(candidates, "candidates is null"));
        for (Leaf leaf : leaves) {
            for (int candidate : leaf.candidates()) {
                if (candidate < 0 || candidate >= candidates.size()) {
                    throw new IllegalArgumentException("leaf lists candidate " + candidate + " of "
                            + candidates.size());
                }
            }
        }
    }

    /**
     * One leaf's candidates on one shard, best first.
     *
     * @param candidates indices into {@link ShardPartial#candidates()}
     * @param measures   the leaf's measure of each (Chroma's: a distance, or {@code 1 - BM25}; lower is better),
     *                   parallel to {@code candidates}
     */
    public record Leaf(int[] candidates, float[] measures) {
        public Leaf {
            requireNonNull(candidates, "candidates is null");
            requireNonNull(measures, "measures is null");
            if (candidates.length != measures.length) {
                throw new IllegalArgumentException("one measure per candidate: " + measures.length + " for "
                        + candidates.length);
            }
        }
    }

    /**
     * A record that may reach the answer.
     *
     * @param order       its insertion order in the collection (unique across shards): the tie-break between
     *                    equal scores and the order of a search without rank
     * @param record      its id and the parts the select asked for, metadata already cut to the selected keys
     * @param groupValues the values it has of the group-by's keys and metadata order keys; empty without a
     *                    group-by
     */
    public record Candidate(long order, StoredRecord record, Map<String, MetadataValue> groupValues) {
        public Candidate {
            requireNonNull(record, "record is null");
            groupValues = Map.copyOf(requireNonNull(groupValues, "groupValues is null"));
        }
    }
}
