package dev.quiver.search.index;

import java.io.IOException;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.VectorSimilarityFunction;
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

    /**
     * The nearest {@code nResults} for {@code target}, each scored on its indexed float vector with
     * {@link StoredRecordReader#indexedScore}, the score Chroma's distance comes from. A quantized search ranked its
     * candidates by 8-bit scores, which misorder close neighbours, so the head of its list ({@link
     * ShardIndex#rescored}) is rescored on the float vectors and the best returned, best first; a float search's
     * nearest come in the search's order.
     */
    ScoreDoc[] nearest(IndexSearcher searcher, StoredRecordReader records, float[] target, int nResults,
            boolean quantized, VectorSimilarityFunction similarity) throws IOException {
        ScoreDoc[] candidates =
                searcher.search(new KnnFloatVectorQuery(FieldNames.VECTOR, target, k, filter), k).scoreDocs;
        if (quantized) {
            return records.rescore(candidates, ShardIndex.rescored(k, nResults, exhaustive), nResults, target,
                    similarity);
        }
        ScoreDoc[] nearest = new ScoreDoc[Math.min(nResults, candidates.length)];
        for (int i = 0; i < nearest.length; i++) {
            int doc = candidates[i].doc;
            nearest[i] = new ScoreDoc(doc, records.indexedScore(doc, target, similarity));
        }
        return nearest;
    }
}
