package dev.quiver.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.lucene.codecs.Codec;
import org.apache.lucene.codecs.FilterCodec;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.lucene104.Lucene104HnswScalarQuantizedVectorsFormat;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsFormat;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.IntPoint;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.NumericDocValues;
import org.apache.lucene.index.ReaderUtil;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.RescoreTopNQuery;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.VectorUtil;
import org.apache.lucene.util.quantization.QuantizedByteVectorValues.ScalarEncoding;
import org.jspecify.annotations.Nullable;

/**
 * Lucene's HNSW called directly in this JVM: the ceiling of what Quiver's index can do with no HTTP, no JSON, no
 * log and no durability. It mirrors Quiver's index settings (the collection's {@code max_neighbors} and
 * {@code ef_construction} on the vector field, merged into one segment once loaded as Quiver compacts an idle
 * shard, cosine as {@code DOT_PRODUCT} over normalised copies, one
 * {@link KnnFloatVectorQuery} with {@code k = max(n_results, ef_search)} per query, searched on the calling
 * thread; int8 as Lucene's 8-bit scalar quantization with the candidates rescored on the float vectors), so the
 * ratio of Quiver over HTTP to this engine is Quiver's serving overhead.
 *
 * <p>Memory is not reported: the index shares the benchmark's heap, which also holds the whole data set.
 */
final class LuceneEngine implements Engine {

    private static final String VECTOR = "vector";
    private static final String BUCKET = "bucket";
    private static final String INDEX = "index";

    private @Nullable Path directoryPath;
    private @Nullable FSDirectory directory;
    private @Nullable IndexWriter writer;
    private @Nullable SearcherManager searchers;
    private @Nullable IndexSpec spec;
    private volatile int efSearch = 100;
    private boolean compacted;

    @Override
    public String name() {
        return "lucene";
    }

    @Override
    public void start(Path workDir) throws Unavailable {
        directoryPath = workDir.resolve("lucene");
        try {
            Files.createDirectories(directoryPath);
        } catch (IOException e) {
            throw new Unavailable("cannot create " + directoryPath, e);
        }
    }

    @Override
    public String version() {
        return "Lucene " + org.apache.lucene.util.Version.LATEST + " in-process (no HTTP, no log, no durability)";
    }

    @Override
    public String notes() {
        return "in the benchmark's JVM: memory not separable from the benchmark's own, so not reported";
    }

    @Override
    public void create(IndexSpec spec) {
        this.spec = spec;
        open();
    }

    private void open() {
        IndexSpec spec = requireSpec();
        try {
            // One merge worker, as Quiver's shards: Lucene's concurrent graph merge builds a worse graph.
            KnnVectorsFormat format = spec.quantization() == IndexSpec.Quantization.INT8
                    ? new Lucene104HnswScalarQuantizedVectorsFormat(ScalarEncoding.UNSIGNED_BYTE,
                            spec.maxNeighbors(), spec.efConstruction())
                    : new Lucene99HnswVectorsFormat(spec.maxNeighbors(), spec.efConstruction());
            Codec codec = new FilterCodec(Codec.getDefault().getName(), Codec.getDefault()) {
                @Override
                public KnnVectorsFormat knnVectorsFormat() {
                    return new org.apache.lucene.codecs.perfield.PerFieldKnnVectorsFormat() {
                        @Override
                        public KnnVectorsFormat getKnnVectorsFormatForField(String field) {
                            return format;
                        }
                    };
                }
            };
            directory = FSDirectory.open(directoryPath);
            writer = new IndexWriter(directory, new IndexWriterConfig().setCodec(codec).setRAMBufferSizeMB(256));
            searchers = new SearcherManager(writer, null);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the Lucene index", e);
        }
    }

    @Override
    public Loader loader(Dataset data, int batchSize) {
        IndexSpec spec = requireSpec();
        VectorSimilarityFunction similarity = similarity(spec.space());
        int batches = Math.ceilDiv(data.size(), batchSize);
        var documents = new ArrayList<List<Document>>(batches);
        for (int b = 0; b < batches; b++) {
            var batch = new ArrayList<Document>(batchSize);
            for (int i = b * batchSize; i < Math.min((b + 1) * batchSize, data.size()); i++) {
                float[] vector = data.vectors()[i];
                var document = new Document();
                document.add(new KnnFloatVectorField(VECTOR,
                        spec.space() == Space.COSINE ? normalised(vector) : vector, similarity));
                document.add(new IntPoint(BUCKET, Dataset.bucket(i)));
                document.add(new NumericDocValuesField(INDEX, i));
                batch.add(document);
            }
            documents.add(batch);
        }
        IndexWriter writer = requireWriter();
        return Loader.of(documents.size(), batch -> {
            try {
                writer.addDocuments(documents.get(batch));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** Also merges the loaded index into one segment once, as Quiver compacts an idle shard. */
    @Override
    public boolean queryable(long expectedCount, float[] probe, int k) {
        try {
            if (!compacted && requireWriter().getDocStats().numDocs == expectedCount) {
                requireWriter().forceMerge(1);
                compacted = true;
            }
            requireSearchers().maybeRefreshBlocking();
            IndexSearcher searcher = requireSearchers().acquire();
            try {
                return searcher.getIndexReader().numDocs() == expectedCount && search(searcher, probe, k, null)
                        .indexes().length == k;
            } finally {
                requireSearchers().release(searcher);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void efSearch(int ef) {
        efSearch = ef;
    }

    @Override
    public Searcher searcher(float[][] queries, int k, @Nullable Filter filter) {
        Space space = requireSpec().space();
        var targets = new float[queries.length][];
        for (int q = 0; q < queries.length; q++) {
            targets[q] = space == Space.COSINE ? normalised(queries[q]) : queries[q];
        }
        Query filterQuery = filter == null ? null : IntPoint.newRangeQuery(BUCKET, 0, filter.bucketsBelow() - 1);
        return Searcher.of(targets.length, query -> {
            // The manager of the moment: a searcher made before a restart keeps working after it.
            SearcherManager searchers = requireSearchers();
            try {
                IndexSearcher searcher = searchers.acquire();
                try {
                    return search(searcher, targets[query], k, filterQuery);
                } finally {
                    searchers.release(searcher);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    private Answer search(IndexSearcher searcher, float[] target, int k, @Nullable Query filter) throws IOException {
        int candidates = Math.max(k, efSearch);
        Query nearest = new KnnFloatVectorQuery(VECTOR, target, candidates, filter);
        if (requireSpec().quantization() == IndexSpec.Quantization.INT8) {
            // As Quiver does: rank the graph's candidates again on the float vectors, so quantization costs no
            // recall beyond what the candidate list lost.
            nearest = RescoreTopNQuery.createFullPrecisionRescorerQuery(nearest, target, VECTOR, k);
        }
        TopDocs top = searcher.search(nearest, candidates);
        int hits = Math.min(k, top.scoreDocs.length);
        var indexes = new int[hits];
        var distances = new float[hits];
        List<LeafReaderContext> leaves = searcher.getIndexReader().leaves();
        for (int h = 0; h < hits; h++) {
            ScoreDoc hit = top.scoreDocs[h];
            LeafReaderContext leaf = leaves.get(ReaderUtil.subIndex(hit.doc, leaves));
            NumericDocValues values = leaf.reader().getNumericDocValues(INDEX);
            indexes[h] = values.advanceExact(hit.doc - leaf.docBase) ? (int) values.longValue() : -1;
            distances[h] = distance(requireSpec().space(), hit.score);
        }
        return new Answer(indexes, distances);
    }

    @Override
    public Resources resources() {
        return new Resources(null, directoryPath == null ? null : ServerProbe.directoryBytes(directoryPath), null);
    }

    /** The benchmark's own JVM: its CPU time includes the index's merge threads and little else while idle. */
    @Override
    public Double cpuSeconds() {
        return ServerProbe.ownCpuSeconds();
    }

    /** Commits and closes everything, then opens the index again: what a restarted process would do. */
    @Override
    public double restart(float[] probe, int k) {
        try {
            requireWriter().commit();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        shutdown();
        long start = System.nanoTime();
        open();
        if (!queryable(requireWriter().getDocStats().numDocs, probe, k)) {
            throw new IllegalStateException("the reopened index does not answer with " + k + " hits");
        }
        return (System.nanoTime() - start) / 1e9;
    }

    @Override
    public void close() {
        shutdown();
        if (directoryPath != null) {
            ChromaApiEngine.deleteTree(directoryPath);
        }
    }

    private void shutdown() {
        try {
            if (searchers != null) {
                searchers.close();
            }
            if (writer != null) {
                writer.close();
            }
            if (directory != null) {
                directory.close();
            }
        } catch (IOException | RuntimeException e) {
            System.err.println("warning: could not close the Lucene index: " + e.getMessage());
        } finally {
            searchers = null;
            writer = null;
            directory = null;
        }
    }

    /** The same similarity and score-to-distance mapping as Quiver's index, so distances match exactly. */
    static VectorSimilarityFunction similarity(Space space) {
        return switch (space) {
            case L2 -> VectorSimilarityFunction.EUCLIDEAN;
            case COSINE -> VectorSimilarityFunction.DOT_PRODUCT;
            case IP -> VectorSimilarityFunction.MAXIMUM_INNER_PRODUCT;
        };
    }

    static float distance(Space space, float score) {
        return switch (space) {
            case L2 -> 1f / score - 1f;
            case COSINE -> 2f - 2f * score;
            case IP -> 1f - (score < 1f ? 1f - 1f / score : score - 1f);
        };
    }

    private static float[] normalised(float[] vector) {
        float[] copy = vector.clone();
        return VectorUtil.dotProduct(copy, copy) == 0 ? copy : VectorUtil.l2normalize(copy);
    }

    private IndexSpec requireSpec() {
        if (spec == null) {
            throw new IllegalStateException("no index created yet");
        }
        return spec;
    }

    private IndexWriter requireWriter() {
        if (writer == null) {
            throw new IllegalStateException("the index is not open");
        }
        return writer;
    }

    private SearcherManager requireSearchers() {
        if (searchers == null) {
            throw new IllegalStateException("the index is not open");
        }
        return searchers;
    }
}
