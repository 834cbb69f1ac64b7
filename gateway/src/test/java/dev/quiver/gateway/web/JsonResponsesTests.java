package dev.quiver.gateway.web;

import static dev.quiver.gateway.web.Requests.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.quiver.common.TenantId;
import dev.quiver.search.api.CollectionId;
import dev.quiver.search.api.CollectionView;
import dev.quiver.search.api.Hit;
import dev.quiver.search.api.HnswConfiguration;
import dev.quiver.search.api.MetadataValue;
import dev.quiver.search.api.Metric;
import dev.quiver.search.api.Quantization;
import dev.quiver.search.api.StoredRecord;
import dev.quiver.tenant.api.DatabaseId;
import dev.quiver.tenant.api.DatabaseView;
import dev.quiver.tenant.api.TenantView;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class JsonResponsesTests {

    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    private static final StoredRecord APPLE = new StoredRecord("a", new float[] {1f, 0f, 0.1f}, "apple pie",
            Map.of("n", new MetadataValue.IntValue(1)), "s3://a");
    private static final StoredRecord BARE = new StoredRecord("d", null, null, null, null);

    // get

    @Test
    void getResponseHasAllSixKeysWithNullForPartsNotIncluded() {
        JsonNode response = read(JsonResponses.get(List.of(APPLE, BARE), List.of("documents")));

        assertThat(fieldNames(response))
                .containsExactlyInAnyOrder("ids", "embeddings", "documents", "uris", "metadatas", "include");
        assertThat(response.get("ids")).isEqualTo(json("['a', 'd']"));
        assertThat(response.get("documents")).isEqualTo(json("['apple pie', null]"));
        assertThat(response.get("embeddings").isNull()).isTrue();
        assertThat(response.get("uris").isNull()).isTrue();
        assertThat(response.get("metadatas").isNull()).isTrue();
        assertThat(response.get("include")).isEqualTo(json("['documents']"));
    }

    @Test
    void getResponseWithEmptyIncludeHasOnlyIds() {
        JsonNode response = read(JsonResponses.get(List.of(APPLE), List.of()));

        assertThat(response).isEqualTo(json(
                "{'ids': ['a'], 'embeddings': null, 'documents': null, 'uris': null, 'metadatas': null, "
                        + "'include': []}"));
    }

    @Test
    void getResponseWritesEveryIncludedPart() {
        JsonNode response = read(JsonResponses.get(List.of(APPLE, BARE),
                List.of("embeddings", "metadatas", "documents", "uris")));

        assertThat(response.get("embeddings").get(0).get(0).floatValue()).isEqualTo(1f);
        assertThat(response.get("embeddings").get(0).get(2).floatValue()).isEqualTo(0.1f);
        assertThat(response.get("embeddings").get(1).isNull()).isTrue();
        assertThat(response.get("metadatas")).isEqualTo(json("[{'n': 1}, null]"));
        assertThat(response.get("uris")).isEqualTo(json("['s3://a', null]"));
        assertThat(response.get("include")).isEqualTo(json("['embeddings', 'metadatas', 'documents', 'uris']"));
    }

    @Test
    void getResponseOfNoRecordsHasEmptyLists() {
        JsonNode response = read(JsonResponses.get(List.of(), List.of("documents", "metadatas")));

        assertThat(response.get("ids")).isEqualTo(json("[]"));
        assertThat(response.get("documents")).isEqualTo(json("[]"));
        assertThat(response.get("metadatas")).isEqualTo(json("[]"));
    }

    @Test
    void writesEveryMetadataValueKind() {
        Map<String, MetadataValue> metadata = new LinkedHashMap<>();
        metadata.put("s", new MetadataValue.StringValue("x"));
        metadata.put("i", new MetadataValue.IntValue(4));
        metadata.put("f", new MetadataValue.FloatValue(4.0));
        metadata.put("b", new MetadataValue.BoolValue(true));
        metadata.put("sa", new MetadataValue.StringArray(List.of("p", "q")));
        metadata.put("ia", new MetadataValue.IntArray(List.of(1L, 2L)));
        metadata.put("fa", new MetadataValue.FloatArray(List.of(0.5, 1.5)));
        metadata.put("ba", new MetadataValue.BoolArray(List.of(false)));
        StoredRecord record = new StoredRecord("r", null, null, metadata, null);

        JsonNode written = read(JsonResponses.get(List.of(record), List.of("metadatas"))).get("metadatas").get(0);

        assertThat(written).isEqualTo(json("{'s': 'x', 'i': 4, 'f': 4.0, 'b': true, 'sa': ['p', 'q'], "
                + "'ia': [1, 2], 'fa': [0.5, 1.5], 'ba': [false]}"));
        assertThat(written.get("i").isIntegralNumber()).isTrue();
        assertThat(written.get("f").isIntegralNumber()).isFalse();
    }

    @Test
    void writesEmptyMetadataAsNull() {
        StoredRecord record = new StoredRecord("r", null, null, Map.of(), null);

        JsonNode response = read(JsonResponses.get(List.of(record), List.of("metadatas")));

        assertThat(response.get("metadatas")).isEqualTo(json("[null]"));
    }

    // query

    @Test
    void queryResponseHasOneRowPerQuery() {
        List<List<Hit>> results = List.of(
                List.of(new Hit(APPLE, 1f), new Hit(BARE, 0.5f)),
                List.of());

        JsonNode response = read(JsonResponses.query(results, List.of("documents", "metadatas", "distances"),
                Metric.L2));

        assertThat(fieldNames(response)).containsExactlyInAnyOrder(
                "ids", "embeddings", "documents", "uris", "metadatas", "distances", "include");
        assertThat(response.get("ids")).isEqualTo(json("[['a', 'd'], []]"));
        assertThat(response.get("documents")).isEqualTo(json("[['apple pie', null], []]"));
        assertThat(response.get("metadatas")).isEqualTo(json("[[{'n': 1}, null], []]"));
        assertThat(response.get("distances")).isEqualTo(json("[[0.0, 1.0], []]"));
        assertThat(response.get("embeddings").isNull()).isTrue();
        assertThat(response.get("uris").isNull()).isTrue();
        assertThat(response.get("include")).isEqualTo(json("['documents', 'metadatas', 'distances']"));
    }

    @Test
    void queryResponseWithoutDistancesHasNullDistances() {
        JsonNode response = read(JsonResponses.query(List.of(List.of(new Hit(APPLE, 1f))),
                List.of("embeddings", "uris"), Metric.L2));

        assertThat(response.get("distances").isNull()).isTrue();
        assertThat(response.get("documents").isNull()).isTrue();
        assertThat(response.get("metadatas").isNull()).isTrue();
        assertThat(response.get("uris")).isEqualTo(json("[['s3://a']]"));
        assertThat(response.get("embeddings").get(0).get(0).get(1).floatValue()).isZero();
    }

    @Test
    void queryResponseOfZeroResultsHasOneEmptyRow() {
        JsonNode response = read(JsonResponses.query(List.of(List.of()), RecordParser.QUERY_DEFAULT_INCLUDE,
                Metric.COSINE));

        assertThat(response.get("ids")).isEqualTo(json("[[]]"));
        assertThat(response.get("distances")).isEqualTo(json("[[]]"));
    }

    @Test
    void queryResponseOfNoQueriesHasEmptyColumns() {
        JsonNode response = read(JsonResponses.query(List.of(), RecordParser.QUERY_DEFAULT_INCLUDE, Metric.L2));

        assertThat(response.get("ids")).isEqualTo(json("[]"));
        assertThat(response.get("distances")).isEqualTo(json("[]"));
    }

    @Test
    void convertsL2ScoreToSquaredEuclideanDistance() {
        // Query [0,0] against [3,4]: squared distance 25, which Lucene scores 1 / (1 + 25).
        assertThat(distance(1f / 26f, Metric.L2)).isCloseTo(25.0, within(1e-4));
    }

    @Test
    void convertsCosineScoreToOneMinusCosineSimilarity() {
        // [2,0,0] against [0.5,-1.25,2]: Chroma answers 0.7926097.
        float cosine = (float) (2 * 0.5 / (2 * Math.sqrt(0.25 + 1.5625 + 4)));
        assertThat(distance((1f + cosine) / 2f, Metric.COSINE)).isCloseTo(0.7926097, within(1e-6));
    }

    @Test
    void convertsInnerProductScoreToOneMinusDotEvenWhenNegative() {
        // [2,1,0] against [0,3,4]: dot 3, which Lucene scores dot + 1; Chroma answers -2.
        assertThat(distance(4f, Metric.IP)).isEqualTo(-2.0);
        // A negative dot -3 is scored 1 / (1 - dot); the distance is 4.
        assertThat(distance(0.25f, Metric.IP)).isEqualTo(4.0);
    }

    // collection

    @Test
    void writesCollectionInChromaShape() {
        UUID id = UUID.fromString("8e1b2f3a-4c5d-4e6f-8a9b-0c1d2e3f4a5b");
        DatabaseView database = new DatabaseView(DatabaseId.DEFAULT,
                new TenantView(new TenantId(new UUID(0, 1)), "default_tenant"), "default_database");
        CollectionView collection = new CollectionView(new CollectionId(id), database, "probe1",
                Map.of("hnsw:space", new MetadataValue.StringValue("cosine")),
                new HnswConfiguration(Metric.COSINE, 100, 100, 16, 1.2, 1000, Quantization.NONE),
                "{\"type\":\"known\",\"name\":\"default\",\"config\":{}}", 3, 7, 0);

        JsonNode written = read(JsonResponses.collection(collection));

        assertThat(written).isEqualTo(json("{'id': '8e1b2f3a-4c5d-4e6f-8a9b-0c1d2e3f4a5b', 'name': 'probe1', "
                + "'configuration_json': {'hnsw': {'space': 'cosine', 'ef_construction': 100, 'ef_search': 100, "
                + "'max_neighbors': 16, 'resize_factor': 1.2, 'sync_threshold': 1000}, 'spann': null, "
                + "'embedding_function': {'type': 'known', 'name': 'default', 'config': {}}}, 'schema': null, "
                + "'metadata': {'hnsw:space': 'cosine'}, 'dimension': 3, 'tenant': 'default_tenant', "
                + "'database': 'default_database', 'log_position': 7, 'version': 0}"));
    }

    @Test
    void writesNewCollectionWithNullMetadataDimensionAndEmbeddingFunction() {
        DatabaseView database = new DatabaseView(DatabaseId.DEFAULT,
                new TenantView(new TenantId(new UUID(0, 1)), "default_tenant"), "default_database");
        CollectionView collection = new CollectionView(new CollectionId(UUID.randomUUID()), database, "fresh",
                null, HnswConfiguration.DEFAULT, null, null, 0, 0);

        JsonNode written = read(JsonResponses.collections(List.of(collection))).get(0);

        assertThat(written.get("metadata").isNull()).isTrue();
        assertThat(written.get("dimension").isNull()).isTrue();
        assertThat(written.get("configuration_json").get("embedding_function").isNull()).isTrue();
        assertThat(written.get("configuration_json").get("hnsw").get("space").stringValue()).isEqualTo("l2");
    }

    @Test
    void writesQuantizationInTheHnswConfigurationOnlyWhenItIsNotNone() {
        DatabaseView database = new DatabaseView(DatabaseId.DEFAULT,
                new TenantView(new TenantId(new UUID(0, 1)), "default_tenant"), "default_database");
        CollectionView quantized = new CollectionView(new CollectionId(UUID.randomUUID()), database, "small",
                null, new HnswConfiguration(Metric.COSINE, 100, 100, 16, 1.2, 1000, Quantization.INT8), null, null,
                0, 0);
        CollectionView plain = new CollectionView(new CollectionId(UUID.randomUUID()), database, "plain",
                null, HnswConfiguration.DEFAULT, null, null, 0, 0);

        JsonNode quantizedHnsw = read(JsonResponses.collection(quantized)).get("configuration_json").get("hnsw");
        JsonNode plainHnsw = read(JsonResponses.collection(plain)).get("configuration_json").get("hnsw");

        assertThat(quantizedHnsw).isEqualTo(json("{'space': 'cosine', 'ef_construction': 100, 'ef_search': 100, "
                + "'max_neighbors': 16, 'resize_factor': 1.2, 'sync_threshold': 1000, 'quantization': 'int8'}"));
        assertThat(fieldNames(plainHnsw)).containsExactly(
                "space", "ef_construction", "ef_search", "max_neighbors", "resize_factor", "sync_threshold");
    }

    private static double distance(float score, Metric metric) {
        StoredRecord record = new StoredRecord("x", null, null, null, null);
        JsonNode response = read(JsonResponses.query(List.of(List.of(new Hit(record, score))),
                List.of("distances"), metric));
        return response.get("distances").get(0).get(0).doubleValue();
    }

    private static JsonNode read(byte[] body) {
        return MAPPER.readTree(body);
    }

    private static List<String> fieldNames(JsonNode object) {
        return new ArrayList<>(object.propertyNames());
    }
}
