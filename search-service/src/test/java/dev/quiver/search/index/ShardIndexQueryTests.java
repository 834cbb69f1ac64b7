package dev.quiver.search.index;

import static dev.quiver.search.index.Records.add;
import static dev.quiver.search.index.Records.bruteForce;
import static dev.quiver.search.index.Records.delete;
import static dev.quiver.search.index.Records.metadata;
import static dev.quiver.search.index.Records.record;
import static dev.quiver.search.index.Records.similarity;
import static dev.quiver.search.index.Records.vector;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.quiver.search.api.Hit;
import dev.quiver.search.api.Include;
import dev.quiver.search.api.MetadataValue;
import dev.quiver.search.api.Metric;
import dev.quiver.search.api.RecordFilter;
import dev.quiver.search.api.RecordWrite;
import dev.quiver.search.api.StoredRecord;
import dev.quiver.search.api.Where;
import dev.quiver.search.api.WriteBatch;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ShardIndexQueryTests {

    private static final Set<Include> ALL_PARTS =
            EnumSet.of(Include.DOCUMENTS, Include.EMBEDDINGS, Include.METADATAS, Include.URIS, Include.DISTANCES);

    @TempDir
    Path directory;

    private int shards;

    @Test
    void l2DistanceIsTheSquaredEuclideanDistance() {
        assertThat(distanceBetween(Metric.L2, vector(0f, 0f), vector(3f, 4f))).isCloseTo(25f, within(1e-4f));
    }

    @Test
    void cosineDistanceIsOneMinusTheCosineSimilarity() {
        assertThat(distanceBetween(Metric.COSINE, vector(2f, 0f, 0f), vector(0.5f, -1.25f, 2f)))
                .isCloseTo(0.7926097f, within(1e-6f));
    }

    @Test
    void ipDistanceIsOneMinusTheDotProductAndMayBeNegative() {
        assertThat(distanceBetween(Metric.IP, vector(2f, 1f, 0f), vector(0f, 3f, 4f))).isCloseTo(-2f, within(1e-6f));
    }

    @Test
    void cosineQueryReturnsTheOriginalVectorAndScoresIt() {
        float[] original = vector(0.5f, -1.25f, 2f);
        try (ShardIndex shard = Records.open(directory, Metric.COSINE)) {
            shard.apply(1, add(record("a", original)));
            shard.refresh();

            Hit hit = shard.query(new float[][] {vector(2f, 0f, 0f)}, 1, RecordFilter.ALL, ALL_PARTS)
                    .getFirst().getFirst();

            assertThat(hit.record().embedding()).containsExactly(original);
            assertThat(hit.score()).isEqualTo(
                    VectorSimilarityFunction.COSINE.compare(vector(2f, 0f, 0f), original));
        }
    }

    @Test
    void cosineTreatsAZeroVectorAsOrthogonalToEverything() {
        assertThat(distanceBetween(Metric.COSINE, vector(1f, 2f), vector(0f, 0f))).isEqualTo(1f);
        assertThat(distanceBetween(Metric.COSINE, vector(0f, 0f), vector(1f, 2f))).isEqualTo(1f);
    }

    @ParameterizedTest
    @EnumSource(Metric.class)
    void hitsAreNearestFirstWithScoresOfTheCallersVectors(Metric metric) {
        float[][] vectors = Records.randomVectors(11L, 300, 8);
        float[][] queries = Records.randomVectors(12L, 5, 8);
        try (ShardIndex shard = Records.open(directory, metric)) {
            shard.apply(1, addAll(vectors, 0));
            shard.refresh();

            List<List<Hit>> results = shard.query(queries, 20, RecordFilter.ALL, Include.none());

            assertThat(results).hasSize(queries.length);
            for (int q = 0; q < queries.length; q++) {
                List<Hit> hits = results.get(q);
                assertThat(hits).hasSize(20);
                for (int i = 0; i < hits.size(); i++) {
                    Hit hit = hits.get(i);
                    int index = Integer.parseInt(hit.record().id().substring(1));
                    assertThat(hit.score()).isEqualTo(similarity(metric, queries[q], vectors[index]));
                    if (i > 0) {
                        assertThat(hit.score()).isLessThanOrEqualTo(hits.get(i - 1).score());
                    }
                    assertThat(hit.record().embedding()).isNull();
                    assertThat(hit.record().document()).isNull();
                }
            }
        }
    }

    @Test
    void queryLoadsOnlyTheIncludedParts() {
        try (ShardIndex shard = Records.open(directory, Metric.L2)) {
            shard.apply(1, add(record("a", vector(1f, 2f), "document", metadata("k", 1), "uri")));
            shard.refresh();

            StoredRecord withAll = only(shard.query(new float[][] {vector(1f, 2f)}, 1, RecordFilter.ALL, ALL_PARTS));
            StoredRecord withDocuments = only(shard.query(
                    new float[][] {vector(1f, 2f)}, 1, RecordFilter.ALL, EnumSet.of(Include.DOCUMENTS)));

            assertThat(withAll).usingRecursiveComparison()
                    .isEqualTo(new StoredRecord("a", vector(1f, 2f), "document", metadata("k", 1), "uri"));
            assertThat(withDocuments).usingRecursiveComparison()
                    .isEqualTo(new StoredRecord("a", null, "document", null, null));
        }
    }

    @Test
    void zeroResultsGiveOneEmptyListPerQuery() {
        try (ShardIndex shard = Records.open(directory, Metric.L2)) {
            shard.apply(1, add(record("a", vector(1f, 2f))));
            shard.refresh();

            assertThat(shard.query(new float[][] {vector(1f, 2f), vector(2f, 1f)}, 0, RecordFilter.ALL, ALL_PARTS))
                    .containsExactly(List.of(), List.of());
            assertThat(shard.query(new float[0][], 10, RecordFilter.ALL, ALL_PARTS)).isEmpty();
        }
    }

    @Test
    void anEmptyShardGivesEmptyLists() {
        try (ShardIndex shard = Records.open(directory, Metric.L2)) {
            assertThat(shard.query(new float[][] {vector(1f, 2f, 3f)}, 10, RecordFilter.ALL, ALL_PARTS))
                    .containsExactly(List.of());
        }
    }

    @Test
    void rejectsAQueryOfAnotherDimension() {
        try (ShardIndex shard = Records.open(directory, Metric.L2)) {
            shard.apply(1, add(record("a", vector(1f, 2f))));
            shard.refresh();

            assertThatThrownBy(() -> shard.query(new float[][] {vector(1f)}, 1, RecordFilter.ALL, ALL_PARTS))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("has 1 dimensions, the shard has 2");
        }
    }

    @ParameterizedTest
    @EnumSource(Metric.class)
    void moreResultsThanRecordsReturnsEveryLiveRecordAcrossSegmentsExactly(Metric metric) {
        float[][] vectors = Records.randomVectors(21L, 900, 16);
        float[] query = Records.randomVectors(22L, 1, 16)[0];
        try (ShardIndex shard = Records.open(directory, metric)) {
            // Three committed batches make three segments, each large enough to get an HNSW graph.
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
            int live = 900 - deleted.size();

            List<Hit> hits = shard.query(new float[][] {query}, 1000, RecordFilter.ALL, Include.none()).getFirst();
            List<Hit> unbounded =
                    shard.query(new float[][] {query}, Integer.MAX_VALUE, RecordFilter.ALL, Include.none()).getFirst();

            assertThat(hits).hasSize(live);
            assertThat(unbounded).usingRecursiveComparison().isEqualTo(hits);
            assertThat(ids(hits)).doesNotContainAnyElementsOf(deleted).doesNotHaveDuplicates();
            assertThat(ids(hits).subList(0, 50))
                    .containsExactlyElementsOf(bruteForce(metric, vectors, query, 50, new HashSet<>(deleted)));
        }
    }

    @Test
    void filteredQueryReturnsTheNearestMatchingRecordsOnly() {
        float[][] vectors = Records.randomVectors(31L, 2000, 16);
        float[] query = Records.randomVectors(32L, 1, 16)[0];
        try (ShardIndex shard = Records.open(directory, Metric.L2)) {
            List<RecordWrite> records = new ArrayList<>();
            for (int i = 0; i < vectors.length; i++) {
                records.add(record("v" + i, vectors[i], null, metadata("group", i % 50), null));
            }
            shard.apply(1, new WriteBatch(WriteBatch.Operation.ADD, records));
            shard.refresh();
            // 40 records in group 7: fewer than k = searchEf, so Lucene searches them exactly.
            Set<String> excluded = new HashSet<>();
            for (int i = 0; i < vectors.length; i++) {
                if (i % 50 != 7) {
                    excluded.add("v" + i);
                }
            }
            RecordFilter filter = new RecordFilter(null, new Where.Compare(
                    "group", Where.Operator.EQ, new MetadataValue.IntValue(7)), null);

            List<Hit> hits = shard.query(new float[][] {query}, 10, filter, Include.none()).getFirst();

            assertThat(ids(hits)).containsExactlyElementsOf(bruteForce(Metric.L2, vectors, query, 10, excluded));
        }
    }

    @Test
    void idsFilterRestrictsTheCandidates() {
        float[][] vectors = Records.randomVectors(41L, 500, 8);
        try (ShardIndex shard = Records.open(directory, Metric.IP)) {
            shard.apply(1, addAll(vectors, 0));
            shard.refresh();

            List<Hit> hits = shard.query(new float[][] {vectors[0]}, 10,
                    new RecordFilter(List.of("v3", "v5", "v400", "zz"), null, null), Include.none()).getFirst();

            assertThat(ids(hits)).containsExactlyInAnyOrder("v3", "v5", "v400");
        }
    }

    @ParameterizedTest
    @EnumSource(Metric.class)
    void recallAtTenIsAtLeastNinetyFivePercentOnFiveThousandRandomVectors(Metric metric) {
        float[][] vectors = Records.randomVectors(51L, 5000, 32);
        float[][] queries = Records.randomVectors(52L, 50, 32);
        try (ShardIndex shard = Records.open(directory, metric)) {
            for (int batch = 0; batch < 5; batch++) {
                shard.apply(batch + 1,
                        addAll(Arrays.copyOfRange(vectors, batch * 1000, batch * 1000 + 1000), batch * 1000));
            }
            shard.refresh();

            List<List<Hit>> results = shard.query(queries, 10, RecordFilter.ALL, Include.none());

            int found = 0;
            for (int q = 0; q < queries.length; q++) {
                Set<String> expected = new HashSet<>(bruteForce(metric, vectors, queries[q], 10, Set.of()));
                for (Hit hit : results.get(q)) {
                    if (expected.contains(hit.record().id())) {
                        found++;
                    }
                }
            }
            double recall = found / (double) (queries.length * 10);
            assertThat(recall).as("recall@10 for %s", metric).isGreaterThanOrEqualTo(0.95);
        }
    }

    private float distanceBetween(Metric metric, float[] query, float[] stored) {
        shards++;
        try (ShardIndex shard = Records.open(directory.resolve(metric.chromaName() + shards), metric)) {
            shard.apply(1, add(record("a", stored)));
            shard.refresh();
            Hit hit = shard.query(new float[][] {query}, 1, RecordFilter.ALL, Include.none()).getFirst().getFirst();
            return metric.distance(hit.score());
        }
    }

    private static WriteBatch addAll(float[][] vectors, int firstIndex) {
        List<RecordWrite> records = new ArrayList<>(vectors.length);
        for (int i = 0; i < vectors.length; i++) {
            records.add(record("v" + (firstIndex + i), vectors[i]));
        }
        return new WriteBatch(WriteBatch.Operation.ADD, records);
    }

    private static List<String> ids(List<Hit> hits) {
        List<String> ids = new ArrayList<>(hits.size());
        for (Hit hit : hits) {
            ids.add(hit.record().id());
        }
        return ids;
    }

    private static StoredRecord only(List<List<Hit>> results) {
        assertThat(results).hasSize(1);
        assertThat(results.getFirst()).hasSize(1);
        return results.getFirst().getFirst().record();
    }
}
