package dev.quiver.search.merge;

import static java.util.Objects.requireNonNull;

import dev.quiver.search.api.GroupBy;
import dev.quiver.search.api.MetadataValue;
import dev.quiver.search.api.Rank;
import dev.quiver.search.api.SearchRequest;
import dev.quiver.search.api.SearchResult;
import dev.quiver.search.api.StoredRecord;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Puts the answer of a Search API request together from the {@link ShardPartial}s of every shard of the
 * collection: the same answer as one shard holding all the records would give.
 *
 * <ol>
 *   <li>All candidates are numbered by insertion order, so that every later tie (equal measures in a leaf, equal
 *       scores of the expression) goes to the record inserted first, whichever shard holds it. (Chroma breaks ties
 *       by its internal record offset, which is insertion order too.)
 *   <li>Each leaf keeps its global best {@code limit} by ascending measure; {@code returnRank} positions are
 *       positions in that global list, which is what makes reciprocal rank fusion correct across shards.
 *   <li>The expression is evaluated over those lists ({@link RankDomain}, Chroma's rules for missing records and
 *       defaults) and the records sorted by ascending score.
 *   <li>A group-by keeps the best {@code k} of each group; offset and limit cut the page.
 * </ol>
 * A search without rank takes the first {@code offset + limit} records in insertion order over all shards.
 *
 * <p>Exact for knn leaves (a distance does not depend on the shard). BM25 scores use each shard's own term
 * statistics, as Lucene, Elasticsearch and OpenSearch do by default, so BM25 scores and their order may differ
 * slightly between a collection of one shard and of several. Stateless; thread-safe.
 */
public final class SearchMerge {

    private SearchMerge() {
    }

    /** The leaves ({@link Rank.Knn}, {@link Rank.Bm25}) of a rank in the order a {@link ShardPartial} lists them. */
    public static List<Rank> leaves(Rank rank) {
        return RankDomain.leaves(requireNonNull(rank, "rank is null"));
    }

    /**
     * The answers of several searches: {@code partials.get(shard).get(search)} is what {@code shard} answered to
     * {@code searches.get(search)}.
     */
    public static List<SearchResult> merge(List<SearchRequest> searches, List<List<ShardPartial>> partials) {
        List<SearchResult> results = new ArrayList<>(searches.size());
        List<ShardPartial> ofOne = new ArrayList<>(partials.size());
        for (int search = 0; search < searches.size(); search++) {
            ofOne.clear();
            for (List<ShardPartial> shard : partials) {
                if (shard.size() != searches.size()) {
                    throw new IllegalArgumentException("a shard answered " + shard.size() + " of "
                            + searches.size() + " searches");
                }
                ofOne.add(shard.get(search));
            }
            results.add(merge(searches.get(search), ofOne));
        }
        return results;
    }

    /** The answer to one search from every shard's partial answer to it. */
    public static SearchResult merge(SearchRequest request, List<ShardPartial> partials) {
        requireNonNull(request, "request is null");
        requireNonNull(partials, "partials is null");
        Candidates candidates = Candidates.of(partials);
        Rank rank = request.rank();
        if (rank == null) {
            return unranked(request, candidates);
        }
        List<Rank> leaves = RankDomain.leaves(rank);
        for (ShardPartial partial : partials) {
            if (partial.leaves().size() != leaves.size()) {
                throw new IllegalArgumentException("a shard answered " + partial.leaves().size()
                        + " leaves for a rank of " + leaves.size());
            }
        }
        RankDomain[] domains = new RankDomain[leaves.size()];
        for (int leaf = 0; leaf < domains.length; leaf++) {
            domains[leaf] = leaf(leaves.get(leaf), leaf, partials, candidates);
        }
        long[] ranked = RankDomain.evaluate(rank, new RankDomain.Leaves() {
            private int next;

            @Override
            public RankDomain knn(Rank.Knn knn) {
                return domains[next++];
            }

            @Override
            public RankDomain bm25(Rank.Bm25 bm25) {
                return domains[next++];
            }
        }).ranked();
        GroupBy groupBy = request.groupBy();
        if (groupBy != null) {
            ranked = group(ranked, groupBy, candidates);
        }
        int start = Math.min(request.offset(), ranked.length);
        int end = (int) Math.min((long) start + request.limit(), ranked.length);
        boolean scores = request.select().scores();
        List<StoredRecord> page = new ArrayList<>(end - start);
        float[] pageScores = scores ? new float[end - start] : new float[0];
        for (int i = start; i < end; i++) {
            page.add(candidates.record(RankDomain.rankedDoc(ranked[i])));
            if (scores) {
                pageScores[i - start] = RankDomain.rankedValue(ranked[i]);
            }
        }
        return new SearchResult(page, pageScores);
    }

    private static SearchResult unranked(SearchRequest request, Candidates candidates) {
        int start = Math.min(request.offset(), candidates.size());
        int end = (int) Math.min((long) start + request.limit(), candidates.size());
        List<StoredRecord> page = new ArrayList<>(end - start);
        for (int i = start; i < end; i++) {
            page.add(candidates.record(i));
        }
        return new SearchResult(page, new float[0]);
    }

    /**
     * One leaf's global best {@code limit} over every shard's list: ascending measure, ties by insertion order.
     * Each entry packs the measure's sortable bits above the candidate's number, so one primitive sort does it.
     */
    private static RankDomain leaf(Rank rank, int leaf, List<ShardPartial> partials, Candidates candidates) {
        int total = 0;
        for (ShardPartial partial : partials) {
            total += partial.leaves().get(leaf).candidates().length;
        }
        long[] entries = new long[total];
        int size = 0;
        for (int shard = 0; shard < partials.size(); shard++) {
            ShardPartial.Leaf found = partials.get(shard).leaves().get(leaf);
            int[] local = found.candidates();
            float[] measures = found.measures();
            for (int i = 0; i < local.length; i++) {
                entries[size++] = ((long) RankDomain.sortableBits(measures[i]) << 32)
                        | candidates.number(shard, local[i]);
            }
        }
        Arrays.sort(entries);
        int limit;
        boolean returnRank;
        @Nullable Float defaultValue;
        if (rank instanceof Rank.Knn knn) {
            limit = knn.limit();
            returnRank = knn.returnRank();
            defaultValue = knn.defaultValue();
        } else if (rank instanceof Rank.Bm25 bm25) {
            limit = bm25.limit();
            returnRank = bm25.returnRank();
            defaultValue = bm25.defaultValue();
        } else {
            throw new IllegalStateException("not a leaf: " + rank);
        }
        int count = Math.min(limit, total);
        int[] docs = new int[count];
        float[] measures = new float[count];
        for (int i = 0; i < count; i++) {
            docs[i] = (int) entries[i];
            measures[i] = RankDomain.fromSortableBits((int) (entries[i] >>> 32));
        }
        return RankDomain.leaf(docs, measures, count, returnRank, defaultValue);
    }

    /**
     * Chroma's group-by over the ranked candidates: group by the key values, order each group by the aggregate's
     * keys, keep its first k, and rank what is kept by score again.
     */
    private static long[] group(long[] ranked, GroupBy groupBy, Candidates candidates) {
        Map<List<MetadataValue>, List<Grouped>> groups = new LinkedHashMap<>();
        for (long entry : ranked) {
            Map<String, MetadataValue> values = candidates.groupValues(RankDomain.rankedDoc(entry));
            groups.computeIfAbsent(groupKey(values, groupBy.keys()), key -> new ArrayList<>())
                    .add(new Grouped(entry, values));
        }
        Comparator<Grouped> order = aggregateOrder(groupBy);
        long[] kept = new long[ranked.length];
        int size = 0;
        for (List<Grouped> group : groups.values()) {
            group.sort(order);
            for (int i = 0; i < Math.min(groupBy.k(), group.size()); i++) {
                kept[size++] = group.get(i).ranked();
            }
        }
        long[] result = Arrays.copyOf(kept, size);
        Arrays.sort(result);
        return result;
    }

    /**
     * The values of the group keys; a missing key is {@link MetadataValue.Null}. Integers are widened to floats so
     * that 3 and 3.0 fall in one group, as they are equal everywhere else in Quiver.
     */
    private static List<MetadataValue> groupKey(Map<String, MetadataValue> metadata, List<String> keys) {
        List<MetadataValue> values = new ArrayList<>(keys.size());
        for (String key : keys) {
            MetadataValue value = metadata.get(key);
            values.add(value == null ? new MetadataValue.Null()
                    : value instanceof MetadataValue.IntValue integer ? new MetadataValue.FloatValue(integer.value())
                    : value);
        }
        return values;
    }

    private static Comparator<Grouped> aggregateOrder(GroupBy groupBy) {
        Comparator<Grouped> order = null;
        for (String key : groupBy.orderBy()) {
            Comparator<Grouped> byKey = key.equals(GroupBy.SCORE)
                    ? Comparator.comparingLong(grouped -> grouped.ranked() >> 32)
                    : (left, right) -> compareValues(left.metadata().get(key), right.metadata().get(key));
            order = order == null ? byKey : order.thenComparing(byKey);
        }
        assert order != null : "a group-by has at least one aggregate key";
        if (groupBy.descending()) {
            order = order.reversed();
        }
        // Equal keys keep rank order, whichever direction the aggregate sorts.
        return order.thenComparingLong(Grouped::ranked);
    }

    /** A total order over optional metadata values: missing first, then by type, then by value. */
    static int compareValues(@Nullable MetadataValue left, @Nullable MetadataValue right) {
        if (left == null || right == null) {
            return left == null ? (right == null ? 0 : -1) : 1;
        }
        int byType = Integer.compare(typeRank(left), typeRank(right));
        if (byType != 0) {
            return byType;
        }
        return switch (left) {
            case MetadataValue.BoolValue bool ->
                    Boolean.compare(bool.value(), ((MetadataValue.BoolValue) right).value());
            case MetadataValue.IntValue integer -> Double.compare(integer.value(), number(right));
            case MetadataValue.FloatValue number -> Double.compare(number.value(), number(right));
            case MetadataValue.StringValue string ->
                    string.value().compareTo(((MetadataValue.StringValue) right).value());
            // Arrays are not meant as group or order keys; any consistent order will do.
            case MetadataValue.StringArray array -> array.toString().compareTo(right.toString());
            case MetadataValue.IntArray array -> array.toString().compareTo(right.toString());
            case MetadataValue.FloatArray array -> array.toString().compareTo(right.toString());
            case MetadataValue.BoolArray array -> array.toString().compareTo(right.toString());
            case MetadataValue.Null ignored -> 0;
        };
    }

    private static double number(MetadataValue value) {
        return value instanceof MetadataValue.IntValue integer ? integer.value()
                : ((MetadataValue.FloatValue) value).value();
    }

    private static int typeRank(MetadataValue value) {
        return switch (value) {
            case MetadataValue.Null ignored -> 0;
            case MetadataValue.BoolValue ignored -> 1;
            case MetadataValue.IntValue ignored -> 2;
            case MetadataValue.FloatValue ignored -> 2;
            case MetadataValue.StringValue ignored -> 3;
            case MetadataValue.BoolArray ignored -> 4;
            case MetadataValue.IntArray ignored -> 5;
            case MetadataValue.FloatArray ignored -> 6;
            case MetadataValue.StringArray ignored -> 7;
        };
    }

    /** A ranked candidate (see {@link RankDomain#ranked()}) with its group values. */
    private record Grouped(long ranked, Map<String, MetadataValue> metadata) {
    }

    /**
     * The candidates of all shards numbered 0.. by ascending insertion order. {@code numbers[shard][i]} is the
     * number of the shard's candidate {@code i}. A record is in one shard only; should two shards list the same
     * id (never, while records are routed by id), both are kept, as a single shard's index would never do.
     */
    private static final class Candidates {
        private final int[][] numbers;
        private final ShardPartial.Candidate[] byNumber;

        private Candidates(int[][] numbers, ShardPartial.Candidate[] byNumber) {
            this.numbers = numbers;
            this.byNumber = byNumber;
        }

        static Candidates of(List<ShardPartial> partials) {
            int total = 0;
            for (ShardPartial partial : partials) {
                total += partial.candidates().size();
            }
            long[] orders = new long[total];
            int size = 0;
            for (ShardPartial partial : partials) {
                for (ShardPartial.Candidate candidate : partial.candidates()) {
                    orders[size++] = candidate.order();
                }
            }
            // Orders are full longs, so nothing can be packed beside them: sort a copy and look each one up.
            long[] sorted = orders.clone();
            Arrays.sort(sorted);
            int[][] numbers = new int[partials.size()][];
            ShardPartial.Candidate[] byNumber = new ShardPartial.Candidate[total];
            boolean[] taken = new boolean[total];
            for (int shard = 0; shard < partials.size(); shard++) {
                List<ShardPartial.Candidate> local = partials.get(shard).candidates();
                numbers[shard] = new int[local.size()];
                for (int i = 0; i < local.size(); i++) {
                    int number = firstIndex(sorted, local.get(i).order());
                    // Equal orders (never, unless two shards hold one record) take consecutive numbers.
                    while (taken[number]) {
                        number++;
                    }
                    taken[number] = true;
                    numbers[shard][i] = number;
                    byNumber[number] = local.get(i);
                }
            }
            return new Candidates(numbers, byNumber);
        }

        private static int firstIndex(long[] sorted, long order) {
            int index = Arrays.binarySearch(sorted, order);
            assert index >= 0 : "order " + order + " is among the sorted orders";
            while (index > 0 && sorted[index - 1] == order) {
                index--;
            }
            return index;
        }

        int size() {
            return byNumber.length;
        }

        int number(int shard, int candidate) {
            return numbers[shard][candidate];
        }

        StoredRecord record(int number) {
            return byNumber[number].record();
        }

        Map<String, MetadataValue> groupValues(int number) {
            return byNumber[number].groupValues();
        }
    }
}
