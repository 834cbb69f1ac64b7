package dev.quiver.search.index;

import dev.quiver.search.api.GroupBy;
import dev.quiver.search.api.MetadataValue;
import dev.quiver.search.api.Metric;
import dev.quiver.search.api.Rank;
import dev.quiver.search.api.SearchRequest;
import dev.quiver.search.api.SearchSelect;
import dev.quiver.search.api.StoredRecord;
import dev.quiver.search.merge.SearchMerge;
import dev.quiver.search.merge.ShardPartial;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.lucene.index.FieldInfo;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.MatchAllDocsQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.Sort;
import org.apache.lucene.search.SortField;
import org.apache.lucene.util.VectorUtil;
import org.jspecify.annotations.Nullable;

/**
 * Runs Search API requests ({@link SearchRequest}) over one searcher of a shard, up to the shard's part of the
 * answer ({@link ShardPartial}); {@link SearchMerge} puts the parts of all shards together.
 *
 * <ol>
 *   <li>The filter becomes one Lucene query, the pre-filter of every leaf.
 *   <li>Each leaf of the rank expression, in {@link SearchMerge#leaves} order, finds its candidates:
 *       {@link Rank.Knn} by an HNSW search exactly like {@link ShardIndex#query} (same {@code k}, same exhaustive
 *       fallback, distances recomputed on the caller's vectors), {@link Rank.Bm25} by a BM25 query over
 *       {@link FieldNames#DOCUMENT_TEXT}. Candidates are doc ids with Chroma measures (lower is better).
 *   <li>Every candidate loads its id, insertion order, the selected parts and the values its group-by needs: the
 *       shard cannot tell which candidates make the page, since that depends on the other shards. Candidates are
 *       loaded in ascending doc id order, the order doc values read fastest.
 * </ol>
 * Doc ids never leave this class. Not thread-safe: one instance per call, used while its searcher is acquired.
 */
final class RankedSearch {

    private static final Sort INSERTION_ORDER = new Sort(new SortField(FieldNames.ORDER, SortField.Type.LONG));

    private final IndexSearcher searcher;
    private final IndexReader reader;
    private final StoredRecordReader records;
    private final Metric metric;
    private final VectorSimilarityFunction indexedSimilarity;
    private final boolean rescore;
    private final int searchEf;
    private final @Nullable FieldInfo vectorField;
    private final WhereDocumentIndex whereDocumentIndex;

    RankedSearch(IndexSearcher searcher, Metric metric, VectorSimilarityFunction indexedSimilarity, boolean rescore,
            int searchEf, @Nullable FieldInfo vectorField, WhereDocumentIndex whereDocumentIndex) {
        this.searcher = searcher;
        this.reader = searcher.getIndexReader();
        this.records = new StoredRecordReader(reader, metric == Metric.COSINE);
        this.metric = metric;
        this.indexedSimilarity = indexedSimilarity;
        this.rescore = rescore;
        this.searchEf = searchEf;
        this.vectorField = vectorField;
        this.whereDocumentIndex = whereDocumentIndex;
    }

    /**
     * @param onlyShard whether this shard's part is merged alone (the collection has one shard), so that records
     *                  before the offset of a search without rank can never make its page
     */
    ShardPartial run(SearchRequest request, boolean onlyShard) throws IOException {
        Query filter = request.filter() == null ? null : FilterQueries.search(request.filter(), whereDocumentIndex);
        Rank rank = request.rank();
        if (rank == null) {
            return unranked(request, filter, onlyShard);
        }
        List<Rank> leaves = SearchMerge.leaves(rank);
        List<LeafDocs> found = new ArrayList<>(leaves.size());
        int total = 0;
        for (Rank leaf : leaves) {
            LeafDocs docs;
            if (leaf instanceof Rank.Knn knn) {
                docs = nearest(knn, filter);
            } else if (leaf instanceof Rank.Bm25 bm25) {
                docs = matching(bm25, filter);
            } else {
                throw new IllegalStateException("not a leaf: " + leaf);
            }
            found.add(docs);
            total += docs.docs().length;
        }
        // Each candidate once, by ascending doc id; a leaf then names a candidate by its index here.
        int[] unique = new int[total];
        int size = 0;
        for (LeafDocs docs : found) {
            System.arraycopy(docs.docs(), 0, unique, size, docs.docs().length);
            size += docs.docs().length;
        }
        Arrays.sort(unique);
        int distinct = 0;
        for (int i = 0; i < size; i++) {
            if (distinct == 0 || unique[distinct - 1] != unique[i]) {
                unique[distinct++] = unique[i];
            }
        }
        List<ShardPartial.Candidate> candidates = new ArrayList<>(distinct);
        for (int i = 0; i < distinct; i++) {
            candidates.add(candidate(unique[i], request.select(), request.groupBy()));
        }
        List<ShardPartial.Leaf> partialLeaves = new ArrayList<>(found.size());
        for (LeafDocs docs : found) {
            int[] indices = new int[docs.docs().length];
            for (int i = 0; i < indices.length; i++) {
                indices[i] = Arrays.binarySearch(unique, 0, distinct, docs.docs()[i]);
                assert indices[i] >= 0 : "every leaf's doc is a candidate";
            }
            partialLeaves.add(new ShardPartial.Leaf(indices, docs.measures()));
        }
        return new ShardPartial(partialLeaves, candidates);
    }

    /**
     * The first {@code offset + limit} matching records in insertion order: the merge cuts the page. With other
     * shards, a record before the offset here may still make the page (the others may hold fewer earlier records);
     * as the only shard, it cannot, so it goes without its parts, which a deep page would otherwise load in vain.
     */
    private ShardPartial unranked(SearchRequest request, @Nullable Query filter, boolean onlyShard)
            throws IOException {
        long end = Math.min((long) request.offset() + request.limit(), reader.numDocs());
        if (end <= 0) {
            return new ShardPartial(List.of(), List.of());
        }
        ScoreDoc[] docs = searcher.search(filter == null ? MatchAllDocsQuery.INSTANCE : filter, (int) end,
                INSERTION_ORDER, false).scoreDocs;
        List<ShardPartial.Candidate> candidates = new ArrayList<>(docs.length);
        for (int i = 0; i < docs.length; i++) {
            candidates.add(onlyShard && i < request.offset()
                    ? candidate(docs[i].doc, SearchSelect.IDS, null)
                    : candidate(docs[i].doc, request.select(), null));
        }
        return new ShardPartial(List.of(), candidates);
    }

    /** The knn leaf's candidates, nearest first, measured by the collection's Chroma distance. */
    private LeafDocs nearest(Rank.Knn knn, @Nullable Query filter) throws IOException {
        int liveDocs = reader.numDocs();
        if (vectorField == null || liveDocs == 0) {
            return LeafDocs.NONE;
        }
        float[] query = knn.query();
        if (query.length != vectorField.getVectorDimension()) {
            throw new IllegalArgumentException("query vector has " + query.length + " dimensions, the shard has "
                    + vectorField.getVectorDimension());
        }
        float[] target = metric == Metric.COSINE ? VectorUtil.l2normalize(query.clone(), false) : query;
        KnnPlan plan = KnnPlan.of(reader, knn.limit(), searchEf, filter);
        ScoreDoc[] found = plan.nearest(searcher, records, target, knn.limit(), rescore, indexedSimilarity);
        int n = found.length;
        int[] docs = new int[n];
        float[] distances = new float[n];
        // Distance and position packed in one long, as in ShardIndex: ascending distance, then search order.
        long[] order = new long[n];
        for (int i = 0; i < n; i++) {
            int doc = found[i].doc;
            docs[i] = doc;
            distances[i] = metric.distance(found[i].score);
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
        return new LeafDocs(sortedDocs, sortedDistances);
    }

    /** The BM25 leaf's candidates, best match first, measured {@code 1 - score}. */
    private LeafDocs matching(Rank.Bm25 bm25, @Nullable Query filter) throws IOException {
        Query text = DocumentText.query(bm25.text());
        if (text == null) {
            return LeafDocs.NONE;
        }
        Query query = text;
        if (filter != null) {
            query = new BooleanQuery.Builder()
                    .add(text, BooleanClause.Occur.MUST)
                    .add(filter, BooleanClause.Occur.FILTER)
                    .build();
        }
        ScoreDoc[] top = withTiesAtTheLimit(query, searcher.search(query, bm25.limit()).scoreDocs, bm25.limit());
        int[] docs = new int[top.length];
        float[] measures = new float[top.length];
        for (int i = 0; i < top.length; i++) {
            docs[i] = top[i].doc;
            measures[i] = 1f - top[i].score;
        }
        return new LeafDocs(docs, measures);
    }

    /**
     * The hits, plus every further hit scored the same as the last one when the hits filled the limit. Lucene keeps
     * the lowest doc ids among equal scores, and doc ids follow neither insertion order nor anything two indexes of
     * the same records share; with all the tied records, {@link SearchMerge} cuts the list at the limit by
     * insertion order, the same on every shard layout. BM25 ties are common: equal term counts in equal lengths.
     */
    private ScoreDoc[] withTiesAtTheLimit(Query query, ScoreDoc[] hits, int limit) throws IOException {
        if (hits.length < limit || hits.length == 0) {
            return hits;
        }
        float last = hits[hits.length - 1].score;
        List<ScoreDoc> tied = new ArrayList<>();
        ScoreDoc after = hits[hits.length - 1];
        while (true) {
            ScoreDoc[] more = searcher.searchAfter(after, query, limit).scoreDocs;
            int i = 0;
            while (i < more.length && more[i].score == last) {
                tied.add(more[i++]);
            }
            if (i < more.length || more.length < limit) {
                break;
            }
            after = more[more.length - 1];
        }
        if (tied.isEmpty()) {
            return hits;
        }
        ScoreDoc[] all = Arrays.copyOf(hits, hits.length + tied.size());
        for (int i = 0; i < tied.size(); i++) {
            all[hits.length + i] = tied.get(i);
        }
        return all;
    }

    /**
     * A candidate: id, insertion order, the selected parts (metadata cut down to the selected keys) and the values
     * of the group-by's metadata keys.
     */
    private ShardPartial.Candidate candidate(int doc, SearchSelect select, @Nullable GroupBy groupBy)
            throws IOException {
        records.load(doc, select.documents(), select.metadata() || groupBy != null, false, select.embeddings());
        StoredRecord record = records.toRecord(select.embeddings());
        Map<String, MetadataValue> metadata = record.metadata();
        Map<String, MetadataValue> groupValues = Map.of();
        if (groupBy != null && metadata != null) {
            groupValues = new HashMap<>();
            for (String key : groupBy.keys()) {
                MetadataValue value = metadata.get(key);
                if (value != null) {
                    groupValues.put(key, value);
                }
            }
            for (String key : groupBy.orderBy()) {
                MetadataValue value = metadata.get(key);
                if (value != null) {
                    groupValues.put(key, value);
                }
            }
        }
        if (!select.metadata()) {
            metadata = null;
        } else if (metadata != null && !select.allMetadata()) {
            Map<String, MetadataValue> selected = new LinkedHashMap<>();
            for (String key : select.metadataKeys()) {
                MetadataValue value = metadata.get(key);
                if (value != null) {
                    selected.put(key, value);
                }
            }
            metadata = selected.isEmpty() ? null : selected;
        }
        return new ShardPartial.Candidate(records.order(doc),
                new StoredRecord(record.id(), record.embedding(), record.document(), metadata, null), groupValues);
    }

    /** One leaf's candidates on this shard, best first, with their measures. */
    private record LeafDocs(int[] docs, float[] measures) {
        static final LeafDocs NONE = new LeafDocs(new int[0], new float[0]);
    }
}
