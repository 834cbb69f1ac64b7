package dev.quiver.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quiver.QuiverApplication;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A collection of several shards over Chroma's HTTP API, against a server in this JVM: the shard count is chosen
 * through the metadata key {@code quiver:shard_count}, shown back, fixed for good, and the collection answers as
 * one of a single shard does, the Search API included; bad counts are refused with nothing created.
 */
@SpringBootTest(classes = QuiverApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ShardedCollectionIT extends StandaloneContext {

    private static final String COLLECTIONS = "/api/v2/tenants/default_tenant/databases/default_database/collections";
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int DIMENSION = 16;
    private static final String EXACT = "\"configuration\": {\"hnsw\": {\"ef_search\": 1000}}";

    @LocalServerPort
    int port;
    private @Nullable Http client;


    @Test
    void aCollectionOfFourShardsAnswersAsOneOfOneShardDoes() throws Exception {
        // ef_search beyond the record count makes both searches exact, so their answers can be compared.
        String one = send("POST", COLLECTIONS, "{\"name\": \"one-shard\", " + EXACT + "}", 200).get("id")
                .stringValue();
        JsonNode created = send("POST", COLLECTIONS, "{\"name\": \"four-shards\", " + EXACT + ", \"metadata\": "
                + "{\"quiver:shard_count\": 4, \"topic\": \"sharding\"}}", 200);
        String four = created.get("id").stringValue();
        assertThat(created.get("metadata").get("quiver:shard_count").intValue()).isEqualTo(4);

        float[][] vectors = vectors(1L, 300);
        // Vectors of their own: a copy of another record's would tie with it, and ties may come in either order.
        float[][] upserted = vectors(3L, 2);
        for (String id : List.of(one, four)) {
            send("POST", COLLECTIONS + "/" + id + "/add", addBody(vectors, 0, 300), 201);
            send("POST", COLLECTIONS + "/" + id + "/upsert", "{\"ids\": [\"v3\", \"extra\"], \"embeddings\": "
                    + JSON.writeValueAsString(upserted) + "}", 200);
            send("POST", COLLECTIONS + "/" + id + "/delete", "{\"ids\": [\"v10\", \"v11\", \"v12\"]}", 200);
        }

        assertThat(send("GET", COLLECTIONS + "/" + four + "/count", null, 200).intValue())
                .isEqualTo(send("GET", COLLECTIONS + "/" + one + "/count", null, 200).intValue()).isEqualTo(298);
        for (String page : List.of("{}", "{\"limit\": 25, \"offset\": 40}", "{\"limit\": 10, \"offset\": 290}")) {
            assertThat(send("POST", COLLECTIONS + "/" + four + "/get", page, 200).get("ids"))
                    .as(page).isEqualTo(send("POST", COLLECTIONS + "/" + one + "/get", page, 200).get("ids"));
        }
        String query = "{\"query_embeddings\": " + JSON.writeValueAsString(vectors(2L, 3))
                + ", \"n_results\": 10, \"include\": [\"distances\"]}";
        JsonNode expected = send("POST", COLLECTIONS + "/" + one + "/query", query, 200);
        JsonNode actual = send("POST", COLLECTIONS + "/" + four + "/query", query, 200);
        assertThat(actual.get("ids")).isEqualTo(expected.get("ids"));
        assertThat(actual.get("distances")).isEqualTo(expected.get("distances"));

        JsonNode read = send("GET", COLLECTIONS + "/four-shards", null, 200);
        assertThat(read.get("metadata").get("quiver:shard_count").intValue()).isEqualTo(4);
        String search = "{\"searches\": [{\"rank\": {\"$knn\": {\"query\": " + JSON.writeValueAsString(vectors[0])
                + ", \"limit\": 50}}, \"limit\": {\"limit\": 10, \"offset\": 5}, "
                + "\"select\": {\"keys\": [\"#score\"]}}, "
                + "{\"limit\": {\"limit\": 7, \"offset\": 100}}]}";
        assertThat(send("POST", COLLECTIONS + "/" + four + "/search", search, 200))
                .isEqualTo(send("POST", COLLECTIONS + "/" + one + "/search", search, 200));
    }

    @Test
    void badShardCountsAreRefusedAndNoCollectionIsCreated() throws Exception {
        for (String count : List.of("0", "65", "\"4\"", "2.5")) {
            JsonNode refused = send("POST", COLLECTIONS, "{\"name\": \"bad-count\", \"metadata\": "
                    + "{\"quiver:shard_count\": " + count + "}}", 400);
            assertThat(refused.get("message").stringValue()).as(count).contains("metadata.quiver:shard_count");
            assertThat(refused.get("error").stringValue()).isNotBlank();
            send("GET", COLLECTIONS + "/bad-count", null, 404);
        }
    }

    @Test
    void theShardCountCannotBeChangedAndAModifyWithoutItKeepsIt() throws Exception {
        String id = send("POST", COLLECTIONS, "{\"name\": \"fixed-shards\", \"metadata\": "
                + "{\"quiver:shard_count\": 3}}", 200).get("id").stringValue();

        JsonNode refused = send("PUT", COLLECTIONS + "/" + id, "{\"new_name\": \"renamed\", \"new_metadata\": "
                + "{\"quiver:shard_count\": 5}}", 400);
        assertThat(refused.get("message").stringValue()).contains("new_metadata.quiver:shard_count");
        send("PUT", COLLECTIONS + "/" + id, "{\"new_metadata\": {\"topic\": \"kept\"}}", 200);

        JsonNode read = send("GET", COLLECTIONS + "/fixed-shards", null, 200);
        assertThat(read.get("metadata").get("quiver:shard_count").intValue()).isEqualTo(3);
        assertThat(read.get("metadata").get("topic").stringValue()).isEqualTo("kept");
    }

    private JsonNode send(String method, String path, @Nullable String body, int expectedStatus) {
        if (client == null) {
            client = new Http(port);
        }
        return client.expect(method, path, body, expectedStatus);
    }

    private static String addBody(float[][] vectors, int from, int to) {
        List<String> ids = new ArrayList<>(to - from);
        List<float[]> embeddings = new ArrayList<>(to - from);
        for (int i = from; i < to; i++) {
            ids.add("v" + i);
            embeddings.add(vectors[i]);
        }
        return "{\"ids\": " + JSON.writeValueAsString(ids) + ", \"embeddings\": "
                + JSON.writeValueAsString(embeddings) + "}";
    }

    private static float[][] vectors(long seed, int count) {
        Random random = new Random(seed);
        float[][] vectors = new float[count][DIMENSION];
        for (float[] vector : vectors) {
            for (int i = 0; i < DIMENSION; i++) {
                vector[i] = random.nextFloat() * 2f - 1f;
            }
        }
        return vectors;
    }
}
