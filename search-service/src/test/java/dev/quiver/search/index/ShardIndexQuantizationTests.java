package dev.quiver.search.index;

import static dev.quiver.search.index.Records.add;
import static dev.quiver.search.index.Records.bruteForce;
import static dev.quiver.search.index.Records.delete;
import static dev.quiver.search.index.Records.metadata;
import static dev.quiver.search.index.Records.record;
import static dev.quiver.search.index.Records.similarity;
import static dev.quiver.search.index.Records.vector;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.quiver.search.api.Hit;
import dev.quiver.search.api.Include;
import dev.quiver.search.api.MetadataValue;
import dev.quiver.search.api.Metric;
import dev.quiver.search.api.Quantization;
import dev.quiver.search.api.RecordFilter;
import dev.quiver.search.api.RecordWrite;
import dev.quiver.search.api.StoredRecord;
import dev.quiver.search.api.Where;
import dev.quiver.search.api.WriteBatch;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.lucene.codecs.perfield.PerFieldKnnVectorsFormat;
import org.apache.lucene.index.CodecReader;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.FieldInfo;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A collection's {@link Quantization}: int8 shards search quantized vectors, find nearly the same neighbours as
 * float shards, and still return the exact distances of the caller's vectors; none shards stay as they were.
 */
class ShardIndexQuantizationTests {

    /** Lucene's name for its scalar-quantized HNSW format (the name it registers under, odd as it reads). */
    private static final String INT8_FORMAT = "Lucene104HnswBinaryQuantizedVectorsFormat";
    private static final String FLOAT_FORMAT = "Lucene99HnswVectorsFormat";

    @TempDir
    Path directory;

    @ParameterizedTest
    @EnumSource(Metric.class)
    void int8RecallAtTenIsAtLeastNinetyFivePercentOnClusteredVectorsWithExactScores(Metric metric) {
        float[][] centres = Records.randomVectors(61L, 40, 128);
        float[][] vectors = Records.clusteredVectors(62L, 4000, centres, 0.2f);
        float[][] queries = Records.clusteredVectors(63L, 50, centres, 0.2f);
        try (ShardIndex shard = Records.open(directory, metric, Quantization.INT8)) {
            for (int batch = 0; batch < 4; batch++) {
                shard.apply(batch + 1,
                        addAll(Arrays.copyOfRange(vectors, batch * 1000, batch * 1000 + 1000), batch * 1000));
            }
            shard.refresh();

            List<List<Hit>> results = shard.query(queries, 10, RecordFilter.ALL, Include.none());

            int found = 0;
            for (int q = 0; q < queries.length; q++) {
                Set<String> expected = new HashSet<>(bruteForce(metric, vectors, queries[q], 10, Set.of()));
                List<Hit> hits = results.get(q);
                assertThat(hits).hasSize(10);
                for (int i = 0; i < hits.size(); i++) {
                    Hit hit = hits.get(i);
                    if (expected.contains(hit.record().id())) {
                        found++;
                    }
                    // The score, hence the distance, is the float one, not the quantized estimate. Within an ulp or
                    // two: Lucene's SIMD sums lanes in another order once the JIT compiles it than before.
                    assertThat(hit.score()).isCloseTo(
                            similarity(metric, queries[q], vectors[index(hit)]), within(1e-6f));
                    if (i > 0) {
                        assertThat(hit.score()).isLessThanOrEqualTo(hits.get(i - 1).score());
                    }
                }
            }
            double recall = found / (double) (queries.length * 10);
            assertThat(recall).as("recall@10 for %s", metric).isGreaterThanOrEqualTo(0.95);
        }
    }

    @ParameterizedTest
    @EnumSource(Metric.class)
    void int8ShardReturnsTheCallersVectorsUnchanged(Metric metric) {
        float[][] vectors = Records.randomVectors(65L, 300, 24);
        try (ShardIndex shard = Records.open(directory, metric, Quantization.INT8)) {
            shard.apply(1, addAll(vectors, 0));
            shard.commit();
            shard.refresh();

            List<StoredRecord> records = shard.get(RecordFilter.ALL, 0, 300, EnumSet.of(Include.EMBEDDINGS));
            Hit hit = shard.query(new float[][] {vectors[42]}, 1, RecordFilter.ALL, EnumSet.of(Include.EMBEDDINGS))
                    .getFirst().getFirst();

            for (int i = 0; i < vectors.length; i++) {
                assertThat(records.get(i).embedding()).containsExactly(vectors[i]);
            }
            assertThat(hit.record().embedding()).containsExactly(vectors[index(hit)]);
        }
    }

    @Test
    void int8ShardSearchesQuantizedVectorsOfAtMostFortyPercentOfTheFloatBytes() throws IOException {
        int dimension = 256;
        float[][] vectors = Records.clusteredVectors(71L, 1000, Records.randomVectors(72L, 20, dimension), 0.2f);
        try (ShardIndex shard = Records.open(directory, Metric.COSINE, Quantization.INT8)) {
            shard.apply(1, addAll(vectors, 0));
            shard.commit();
        }

        Map<String, Long> searched = vectorBytes(directory);

        // .veq: the quantized vectors the graph search scores; .vex: the graph; .vec: the floats, kept for
        // rescoring the candidates and for reads.
        assertThat(searched).containsOnlyKeys("veq", "vex", "vec");
        assertThat(formats(directory)).containsOnly(INT8_FORMAT);
        double perVector = (searched.get("veq") + searched.get("vex")) / (double) vectors.length;
        assertThat(perVector).isLessThanOrEqualTo(0.4 * dimension * Float.BYTES);
        assertThat(searched.get("vec")).isEqualTo((long) vectors.length * dimension * Float.BYTES);
    }

    @Test
    void noneShardKeepsOnlyFloatVectorsInLuceneDefaultFormat() throws IOException {
        float[][] vectors = Records.randomVectors(73L, 500, 32);
        try (ShardIndex shard = Records.open(directory, Metric.COSINE, Quantization.NONE)) {
            shard.apply(1, addAll(vectors, 0));
            shard.commit();
        }

        assertThat(vectorBytes(directory)).containsOnlyKeys("vec", "vex");
        assertThat(formats(directory)).containsOnly(FLOAT_FORMAT);
    }

    @Test
    void int8SegmentsAreReadByStockLuceneAndByAReopenedShard() throws IOException {
        float[][] centres = Records.randomVectors(81L, 10, 32);
        float[][] vectors = Records.clusteredVectors(82L, 1000, centres, 0.2f);
        float[] query = Records.clusteredVectors(83L, 1, centres, 0.2f)[0];
        List<Hit> before;
        try (ShardIndex shard = Records.open(directory, Metric.L2, Quantization.INT8)) {
            shard.apply(1, addAll(vectors, 0));
            shard.commit();
            shard.refresh();
            before = shard.query(new float[][] {query}, 10, RecordFilter.ALL, Include.none()).getFirst();
        }

        // No Quiver codec here: Lucene finds the format of each segment by the name it recorded, through SPI.
        try (Directory lucene = FSDirectory.open(directory); DirectoryReader reader = DirectoryReader.open(lucene)) {
            TopDocs top = new IndexSearcher(reader).search(
                    new KnnFloatVectorQuery(FieldNames.VECTOR, query, 10), 10);
            assertThat(top.scoreDocs).hasSize(10);
        }
        try (ShardIndex reopened = Records.open(directory, Metric.L2, Quantization.INT8)) {
            List<Hit> after = reopened.query(new float[][] {query}, 10, RecordFilter.ALL, Include.none()).getFirst();
            assertThat(after).usingRecursiveComparison().isEqualTo(before);
        }
    }

    @Test
    void int8AcceptsVectorsWiderThanLucenesLimitAndScoresThemExactly() {
        float[][] vectors = Records.randomVectors(91L, 40, ShardCodec.MAX_DIMENSIONS);
        float[] query = Records.randomVectors(92L, 1, ShardCodec.MAX_DIMENSIONS)[0];
        try (ShardIndex shard = Records.open(directory, Metric.IP, Quantization.INT8)) {
            shard.apply(1, addAll(vectors, 0));
            shard.commit();
            shard.refresh();

            List<Hit> hits = shard.query(new float[][] {query}, 5, RecordFilter.ALL, Include.none()).getFirst();

            assertThat(ids(hits)).containsExactlyElementsOf(bruteForce(Metric.IP, vectors, query, 5, Set.of()));
            for (Hit hit : hits) {
                assertThat(hit.score()).isCloseTo(similarity(Metric.IP, query, vectors[index(hit)]), within(1e-6f));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Metric.class)
    void int8QueryForMoreResultsThanRecordsIsCompleteAndExactAcrossSegments(Metric metric) {
        float[][] vectors = Records.randomVectors(101L, 900, 16);
        float[] query = Records.randomVectors(102L, 1, 16)[0];
        try (ShardIndex shard = Records.open(directory, metric, Quantization.INT8)) {
            for (int batch = 0; batch < 3; batch++) {
                shard.apply(batch + 1, addAll(Arrays.copyOfRange(vectors, batch * 300, batch * 300 + 300),
                        batch * 300));
                shard.commit();
                shard.refresh();
            }
            List<String> deleted = new ArrayList<>();
            for (int i = 0; i < 900; i += 7) {
                deleted.add("v" + i);
            }
            shard.apply(4, delete(deleted.toArray(String[]::new)));
            shard.refresh();

            List<Hit> hits =
                    shard.query(new float[][] {query}, Integer.MAX_VALUE, RecordFilter.ALL, Include.none()).getFirst();

            List<String> exact = bruteForce(metric, vectors, query, vectors.length, new HashSet<>(deleted));
            assertThat(ids(hits)).containsExactlyInAnyOrderElementsOf(exact);
            // Every record is a candidate and every candidate is rescored, so the nearest are the exact ones.
            assertThat(ids(hits).subList(0, 50)).containsExactlyElementsOf(exact.subList(0, 50));
        }
    }

    @Test
    void int8FilteredQueryReturnsTheNearestMatchingRecordsOnly() {
        float[][] centres = Records.randomVectors(111L, 10, 32);
        float[][] vectors = Records.clusteredVectors(112L, 3000, centres, 0.2f);
        float[] query = Records.clusteredVectors(113L, 1, centres, 0.2f)[0];
        try (ShardIndex shard = Records.open(directory, Metric.COSINE, Quantization.INT8)) {
            List<RecordWrite> records = new ArrayList<>();
            Set<String> excluded = new HashSet<>();
            for (int i = 0; i < vectors.length; i++) {
                records.add(record("v" + i, vectors[i], null, metadata("even", i % 2 == 0), null));
                if (i % 2 != 0) {
                    excluded.add("v" + i);
                }
            }
            shard.apply(1, new WriteBatch(WriteBatch.Operation.ADD, records));
            shard.refresh();
            // Half the records match: too many for an exact search, so the graph search filters as it goes.
            RecordFilter filter = new RecordFilter(null, new Where.Compare(
                    "even", Where.Operator.EQ, new MetadataValue.BoolValue(true)), null);

            List<Hit> hits = shard.query(new float[][] {query}, 10, filter, Include.none()).getFirst();

            assertThat(ids(hits)).hasSize(10).noneMatch(excluded::contains);
            Set<String> found = new HashSet<>(ids(hits));
            found.retainAll(bruteForce(Metric.COSINE, vectors, query, 10, excluded));
            assertThat(found).hasSizeGreaterThanOrEqualTo(9);
        }
    }

    @Test
    void int8CosineTreatsAZeroVectorAsOrthogonalToEverything() {
        try (ShardIndex shard = Records.open(directory, Metric.COSINE, Quantization.INT8)) {
            shard.apply(1, add(record("zero", vector(0f, 0f)), record("one", vector(1f, 2f))));
            shard.refresh();

            List<Hit> fromZero =
                    shard.query(new float[][] {vector(0f, 0f)}, 2, RecordFilter.ALL, Include.none()).getFirst();
            List<Hit> toZero =
                    shard.query(new float[][] {vector(2f, 1f)}, 2, RecordFilter.ALL, Include.none()).getFirst();

            assertThat(fromZero).extracting(hit -> Metric.COSINE.distance(hit.score())).containsOnly(1f);
            assertThat(toZero).extracting(hit -> hit.record().id()).containsExactly("one", "zero");
            assertThat(Metric.COSINE.distance(toZero.getLast().score())).isEqualTo(1f);
        }
    }

    /** The off-heap bytes of the vector field by file extension, summed over segments, as Lucene reports them. */
    private static Map<String, Long> vectorBytes(Path path) throws IOException {
        Map<String, Long> bytes = new HashMap<>();
        try (Directory lucene = FSDirectory.open(path); DirectoryReader reader = DirectoryReader.open(lucene)) {
            for (LeafReaderContext leaf : reader.leaves()) {
                CodecReader segment = (CodecReader) leaf.reader();
                FieldInfo field = segment.getFieldInfos().fieldInfo(FieldNames.VECTOR);
                for (Map.Entry<String, Long> entry : segment.getVectorReader().getOffHeapByteSize(field).entrySet()) {
                    bytes.merge(entry.getKey(), entry.getValue(), Long::sum);
                }
            }
        }
        return bytes;
    }

    /** The vectors format each segment recorded for the vector field. */
    private static Set<String> formats(Path path) throws IOException {
        Set<String> formats = new HashSet<>();
        try (Directory lucene = FSDirectory.open(path); DirectoryReader reader = DirectoryReader.open(lucene)) {
            for (LeafReaderContext leaf : reader.leaves()) {
                FieldInfo field = leaf.reader().getFieldInfos().fieldInfo(FieldNames.VECTOR);
                formats.add(field.getAttribute(PerFieldKnnVectorsFormat.PER_FIELD_FORMAT_KEY));
            }
        }
        return formats;
    }

    private static WriteBatch addAll(float[][] vectors, int firstIndex) {
        List<RecordWrite> records = new ArrayList<>(vectors.length);
        for (int i = 0; i < vectors.length; i++) {
            records.add(record("v" + (firstIndex + i), vectors[i]));
        }
        return new WriteBatch(WriteBatch.Operation.ADD, records);
    }

    private static int index(Hit hit) {
        return Integer.parseInt(hit.record().id().substring(1));
    }

    private static List<String> ids(List<Hit> hits) {
        List<String> ids = new ArrayList<>(hits.size());
        for (Hit hit : hits) {
            ids.add(hit.record().id());
        }
        return ids;
    }
}
