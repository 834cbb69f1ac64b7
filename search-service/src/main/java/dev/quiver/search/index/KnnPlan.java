package dev.quiver.search.index;

import java.io.IOException;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.MatchAllDocsQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.jspecify.annotations.Nullable;

/**
 * How one shard runs a vector search: its beam {@code k} and the filter Lucene gets. Shared by the Chroma query
 * ({@link ShardIndex#query}) and the Search API's knn leaf ({@link RankedSearch}) so both answer alike.
 *
 * @param k the beam, at least the results asked for
 * @param exhaustive whether the beam covers every live record, so the answer must be complete and exact
 * @param filter what Lucene restricts the search to; null = every record
 */
record KnnPlan(int k, boolean exhaustive, @Nullable Query filter) {

    static KnnPlan of(IndexReader reader, int nResults, int searchEf, @Nullable Query filter) {
        int k = Math.max(nResults, searchEf);
        if (k < reader.numDocs()) {
            return new KnnPlan(k, false, filter);
        }
        // Lucene searches a segment exactly when its filtered candidates number at most its share of k
        // (k * segment maxDoc / index maxDoc), but without a filter it always walks the graph, which may miss
        // records. With k = maxDoc (deleted documents included) every segment's share covers all its candidates,
        // so a match-all filter makes each segment scan exactly and the answer complete.
        return new KnnPlan(reader.maxDoc(), true, filter == null ? MatchAllDocsQuery.INSTANCE : filter);
    }

    /** The graph's (or the exact scan's) candidates for {@code target}, best first, at most {@link #k}. */
    ScoreDoc[] candidates(IndexSearcher searcher, float[] target) throws IOException {
        return searcher.search(new KnnFloatVectorQuery(FieldNames.VECTOR, target, k, filter), k).scoreDocs;
    }

    /** How many of the candidates a quantized search rescores on the float vectors: see {@link ShardIndex#rescored}. */
    int rescored(int nResults) {
        return ShardIndex.rescored(k, nResults, exhaustive);
    }
}
