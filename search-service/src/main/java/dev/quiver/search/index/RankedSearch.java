package dev.quiver.search.index;

import dev.quiver.search.api.GroupBy;
import dev.quiver.search.api.MetadataValue;
import dev.quiver.search.api.Metric;
import dev.quiver.search.api.Rank;
import dev.quiver.search.api.SearchRequest;
import dev.quiver.search.api.SearchResult;
import dev.quiver.search.api.SearchSelect;
import dev.quiver.search.api.StoredRecord;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.lucene.index.FieldInfo;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.MatchAllDocsQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.RescoreTopNQuery;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.Sort;
import org.apache.lucene.search.SortField;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.util.VectorUtil;
import org.jspecify.annotations.Nullable;

/**
 * Runs Search API requests ({@link SearchRequest}) over one searcher of a shard.
 *
 * <ol>
 *   <li>The filter becomes one Lucene query, the pre-filter of every leaf.
 *   <li>Each leaf of the rank expression, in depth-first order as Chroma evaluates them, finds its candidates:
 *       {@link Rank.Knn} by an HNSW search exactly like {@link ShardIndex#query} (same {@code k}, same exhaustive
 *       fallback, distances recomputed on the caller's vectors), {@link Rank.Bm25} by a BM25 query over
 *       {@link FieldNames#DOCUMENT_TEXT}. Candidates are doc ids with Chroma measures (lower is better).
 *   <li>The expression is evaluated over {@link RankDomain}s, and the surviving records sorted by ascending score,
 *       ties by doc id (Chroma breaks ties by its internal record offset, which is not ours to copy).
 *   <li>A group-by loads the metadata of the ranked candidates (not only the final page: grouping needs every
 *       candidate's keys) and keeps the best {@code k} of each group.
 *   <li>Offset and limit cut the page; only its records load their id and the selected parts.
 * </ol>
 * Doc ids never leave this class. Not thread-safe: one instance per call, used while its searcher is acquired.
 */
final class RankedSearch {

    private static final Sort INSERTION_ORDER = new Sort(new SortField(FieldNames.ORDER, SortField.Type.LONG));
    private static final float ZERO_VECTOR_COSINE_SCORE = 0.5f;

    private final IndexSearcher searcher;
    private final IndexReader reader;
    private final StoredRecordReader records;
    private final Metric metric;
    private final VectorSimilarityFunction exactSimilarity;
    private final boolean rescore;
    private final int searchEf;
    private final @Nullable FieldInfo vectorField;

    RankedSearch(IndexSearcher searcher, Metric metric, VectorSimilarityFunction exactSimilarity, boolean rescore,
            int searchEf, @Nullable FieldInfo vectorField) {
        this.searcher = searcher;
        this.reader = searcher.getIndexReader();
        this.records = new StoredRecordReader(reader, metric == Metric.COSINE);
        this.metric = metric;
        this.exactSimilarity = exactSimilarity;
        this.rescore = rescore;
        this.searchEf = searchEf;
        this.vectorField = vectorField;
    }

    SearchResult run(SearchRequest request) throws IOException {
        Query filter = request.filter() == null ? null : FilterQueries.search(request.filter());
        Rank rank = request.rank();
        if (rank == null) {
            return unranked(request, filter);
        }
        long[] ranked = RankDomain.evaluate(rank, new RankDomain.Leaves() {
            @Override
            public RankDomain knn(Rank.Knn knn) throws IOException {
                return nearest(knn, filter);
            }

            @Override
            public RankDomain bm25(Rank.Bm25 bm25) throws IOException {
                return matching(bm25, filter);
            }
        }).ranked();
        int count = ranked.length;
        GroupBy groupBy = request.groupBy();
        if (groupBy != null) {
            ranked = group(ranked, groupBy);
            count = ranked.length;
        }
        int start = (int) Math.min(request.offset(), count);
        int end = (int) Math.min((long) start + request.limit(), count);
        SearchSelect select = request.select();
        List<StoredRecord> page = new ArrayList<>(end - start);
        float[] scores = select.scores() ? new float[end - start] : new float[0];
        for (int i = start; i < end; i++) {
            page.add(load(RankDomain.rankedDoc(ranked[i]), select));
            if (select.scores()) {
                scores[i - start] = RankDomain.rankedValue(ranked[i]);
            }
        }
        return new SearchResult(page, scores);
    }

    private SearchResult unranked(SearchRequest request, @Nullable Query filter) throws IOException {
        long end = Math.min((long) request.offset() + request.limit(), reader.numDocs());
        if (end <= request.offset()) {
            return new SearchResult(List.of(), new float[0]);
        }
        ScoreDoc[] docs = searcher.search(filter == null ? MatchAllDocsQuery.INSTANCE : filter, (int) end,
                INSERTION_ORDER, false).scoreDocs;
        List<StoredRecord> page = new ArrayList<>(Math.max(0, docs.length - request.offset()));
        for (int i = request.offset(); i < docs.length; i++) {
            page.add(load(docs[i].doc, request.select()));
        }
        return new SearchResult(page, new float[0]);
    }

    /** The knn leaf's candidates, nearest first, measured by the collection's Chroma distance. */
    private RankDomain nearest(Rank.Knn knn, @Nullable Query filter) throws IOException {
        int liveDocs = reader.numDocs();
        if (vectorField == null || liveDocs == 0) {
            return RankDomain.leaf(new int[0], new float[0], 0, knn.returnRank(), knn.defaultValue());
        }
        float[] query = knn.query();
        if (query.length != vectorField.getVectorDimension()) {
            throw new IllegalArgumentException("query vector has " + query.length + " dimensions, the shard has "
                    + vectorField.getVectorDimension());
        }
        float[] target = metric == Metric.COSINE ? VectorUtil.l2normalize(query.clone(), false) : query;
        boolean queryIsZero = metric == Metric.COSINE && VectorUtil.isZeroVector(query);
        Query candidates = filter;
        int k = Math.max(knn.limit(), searchEf);
        if (k >= liveDocs) {
            // As in ShardIndex.query: k = maxDoc with a match-all filter makes every segment search exactly.
            k = reader.maxDoc();
            if (candidates == null) {
                candidates = MatchAllDocsQuery.INSTANCE;
            }
        }
        Query nearest = new KnnFloatVectorQuery(FieldNames.VECTOR, target, k, candidates);
        if (rescore) {
            nearest = RescoreTopNQuery.createFullPrecisionRescorerQuery(
                    nearest, target, FieldNames.VECTOR, Math.min(knn.limit(), k));
        }
        TopDocs top = searcher.search(nearest, k);
        int n = Math.min(knn.limit(), top.scoreDocs.length);
        int[] docs = new int[n];
        float[] distances = new float[n];
        // Distance and position packed in one long, as in ShardIndex: ascending distance, then search order.
        long[] order = new long[n];
        for (int i = 0; i < n; i++) {
            int doc = top.scoreDocs[i].doc;
            records.load(doc, false, false, false, true);
            float[] original = records.vector;
            assert original != null : "vector loaded for scoring";
            float score = metric == Metric.COSINE && (queryIsZero || VectorUtil.isZeroVector(original))
                    ? ZERO_VECTOR_COSINE_SCORE
                    : exactSimilarity.compare(query, original);
            docs[i] = doc;
            distances[i] = metric.distance(score);
            order[i] = ((long) org.apache.lucene.util.NumericUtils.floatToSortableInt(distances[i]) << 32) | i;
        }
        Arrays.sort(order);
        int[] sortedDocs = new int[n];
        float[] sortedDistances = new float[n];
        for (int j = 0; j < n; j++) {
            int i = (int) order[j];
            sortedDocs[j] = docs[i];
            sortedDistances[j] = distances[i];
        }
        return RankDomain.leaf(sortedDocs, sortedDistances, n, knn.returnRank(), knn.defaultValue());
    }

    /** The BM25 leaf's candidates, best match first, measured {@code 1 - score}. */
    private RankDomain matching(Rank.Bm25 bm25, @Nullable Query filter) throws IOException {
        Query text = DocumentText.query(bm25.text());
        if (text == null) {
            return RankDomain.leaf(new int[0], new float[0], 0, bm25.returnRank(), bm25.defaultValue());
        }
        Query query = text;
        if (filter != null) {
            query = new BooleanQuery.Builder()
                    .add(text, BooleanClause.Occur.MUST)
                    .add(filter, BooleanClause.Occur.FILTER)
                    .build();
        }
        ScoreDoc[] top = searcher.search(query, bm25.limit()).scoreDocs;
        int[] docs = new int[top.length];
        float[] measures = new float[top.length];
        for (int i = 0; i < top.length; i++) {
            docs[i] = top[i].doc;
            measures[i] = 1f - top[i].score;
        }
        return RankDomain.leaf(docs, measures, top.length, bm25.returnRank(), bm25.defaultValue());
    }

    /**
     * Chroma's group-by over the ranked candidates: group by the key values, order each group by the aggregate's
     * keys, keep its first k, and rank what is kept by score again.
     */
    private long[] group(long[] ranked, GroupBy groupBy) throws IOException {
        List<Candidate> candidates = new ArrayList<>(ranked.length);
        for (long entry : ranked) {
            int doc = RankDomain.rankedDoc(entry);
            records.load(doc, false, true, false, false);
            byte[] encoded = records.metadata;
            Map<String, MetadataValue> metadata = encoded == null ? Map.of() : BatchCodec.decodeMetadata(encoded);
            candidates.add(new Candidate(entry, metadata));
        }
        Map<List<MetadataValue>, List<Candidate>> groups = new LinkedHashMap<>();
        for (Candidate candidate : candidates) {
            groups.computeIfAbsent(groupKey(candidate, groupBy.keys()), key -> new ArrayList<>()).add(candidate);
        }
        Comparator<Candidate> order = aggregateOrder(groupBy);
        long[] kept = new long[candidates.size()];
        int size = 0;
        for (List<Candidate> group : groups.values()) {
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
    private static List<MetadataValue> groupKey(Candidate candidate, List<String> keys) {
        List<MetadataValue> values = new ArrayList<>(keys.size());
        for (String key : keys) {
            MetadataValue value = candidate.metadata().get(key);
            values.add(value == null ? new MetadataValue.Null()
                    : value instanceof MetadataValue.IntValue integer ? new MetadataValue.FloatValue(integer.value())
                    : value);
        }
        return values;
    }

    private static Comparator<Candidate> aggregateOrder(GroupBy groupBy) {
        Comparator<Candidate> order = null;
        for (String key : groupBy.orderBy()) {
            Comparator<Candidate> byKey = key.equals(GroupBy.SCORE)
                    ? Comparator.comparingLong(candidate -> candidate.ranked() >> 32)
                    : (left, right) -> compareValues(left.metadata().get(key), right.metadata().get(key));
            order = order == null ? byKey : order.thenComparing(byKey);
        }
        assert order != null : "a group-by has at least one aggregate key";
        if (groupBy.descending()) {
            order = order.reversed();
        }
        // Equal keys keep rank order, whichever direction the aggregate sorts.
        return order.thenComparingLong(Candidate::ranked);
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

    /** The id and the selected parts of one record; metadata cut down to the selected keys. */
    private StoredRecord load(int doc, SearchSelect select) throws IOException {
        records.load(doc, select.documents(), select.metadata(), false, select.embeddings());
        StoredRecord record = records.toRecord(select.embeddings());
        Map<String, MetadataValue> metadata = record.metadata();
        if (metadata != null && !select.allMetadata()) {
            Map<String, MetadataValue> selected = new LinkedHashMap<>();
            for (String key : select.metadataKeys()) {
                MetadataValue value = metadata.get(key);
                if (value != null) {
                    selected.put(key, value);
                }
            }
            metadata = selected.isEmpty() ? null : selected;
        }
        return new StoredRecord(record.id(), record.embedding(), record.document(), metadata, null);
    }

    /** A ranked candidate (see {@link RankDomain#ranked()}) with its metadata, for grouping. */
    private record Candidate(long ranked, Map<String, MetadataValue> metadata) {
    }
}
