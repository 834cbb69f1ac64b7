package dev.quiver.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

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
 * Quiver's {@code configuration.hnsw.quantization} over HTTP, against a server in this JVM: an int8 collection is
 * created, filled and queried like any other, answers with exact distances, shows its quantization in its
 * configuration, and refuses to change it; a refused request writes nothing.
 */
@SpringBootTest(classes = QuiverApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class QuantizedCollectionIT extends StandaloneContext {

    private static final String COLLECTIONS = "/api/v2/tenants/default_tenant/databases/default_database/collections";
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int DIMENSION = 48;

    @LocalServerPort
    int port;
    private @Nullable Http client;


    @Test
    void int8CollectionIsCreatedFilledAndQueriedWithExactDistances() throws Exception {
        JsonNode created = send("POST", COLLECTIONS, "{\"name\": \"small-vectors\", \"configuration\": "
                + "{\"hnsw\": {\"space\": \"cosine\", \"quantization\": \"int8\"}}}", 200);
        String id = created.get("id").stringValue();
        assertThat(created.get("configuration_json").get("hnsw").get("quantization").stringValue())
                .isEqualTo("int8");

        float[][] vectors = clustered(1L, 500);
        send("POST", COLLECTIONS + "/" + id + "/add", addBody(vectors), 201);
        float[][] queries = clustered(2L, 3);
        JsonNode answer = send("POST", COLLECTIONS + "/" + id + "/query", "{\"query_embeddings\": "
                + JSON.writeValueAsString(queries) + ", \"n_results\": 10, \"include\": [\"distances\"]}", 200);

        for (int q = 0; q < queries.length; q++) {
            JsonNode ids = answer.get("ids").get(q);
            JsonNode distances = answer.get("distances").get(q);
            assertThat(ids.size()).isEqualTo(10);
            List<String> nearest = nearest(vectors, queries[q], 10);
            int found = 0;
            for (int i = 0; i < ids.size(); i++) {
                String hit = ids.get(i).stringValue();
                if (nearest.contains(hit)) {
                    found++;
                }
                float[] vector = vectors[Integer.parseInt(hit.substring(1))];
                assertThat(distances.get(i).doubleValue())
                        .isCloseTo(1 - cosine(queries[q], vector), within(1e-5));
            }
            assertThat(found).as("nearest of query %d found", q).isGreaterThanOrEqualTo(9);
        }
        JsonNode read = send("GET", COLLECTIONS + "/small-vectors", null, 200);
        assertThat(read.get("configuration_json").get("hnsw").get("quantization").stringValue()).isEqualTo("int8");
    }

    @Test
    void quantizationCannotBeChangedAndTheRefusedChangeWritesNothing() throws Exception {
        String id = send("POST", COLLECTIONS, "{\"name\": \"fixed-quantization\", \"configuration\": "
                + "{\"hnsw\": {\"quantization\": \"int8\", \"ef_search\": 40}}}", 200).get("id").stringValue();
        // Changing a mutable setting keeps the quantization.
        send("PUT", COLLECTIONS + "/" + id, "{\"new_configuration\": {\"hnsw\": {\"ef_search\": 60}}}", 200);

        JsonNode refused = send("PUT", COLLECTIONS + "/" + id, "{\"new_name\": \"renamed\", \"new_configuration\": "
                + "{\"hnsw\": {\"ef_search\": 80, \"quantization\": \"none\"}}}", 400);

        assertThat(refused.get("message").stringValue())
                .contains("new_configuration.hnsw.quantization", "cannot be changed");
        assertThat(refused.get("errors").get(0).get("field").stringValue())
                .isEqualTo("new_configuration.hnsw.quantization");
        assertThat(refused.get("errors").get(0).get("rule").stringValue()).isEqualTo("immutable");
        JsonNode unchanged = send("GET", COLLECTIONS + "/fixed-quantization", null, 200);
        assertThat(unchanged.get("name").stringValue()).isEqualTo("fixed-quantization");
        assertThat(unchanged.get("configuration_json").get("hnsw").get("ef_search").intValue()).isEqualTo(60);
        assertThat(unchanged.get("configuration_json").get("hnsw").get("quantization").stringValue())
                .isEqualTo("int8");
    }

    @Test
    void unknownQuantizationIsRefusedAndNoCollectionIsCreated() throws Exception {
        JsonNode refused = send("POST", COLLECTIONS,
                "{\"name\": \"three-bits\", \"configuration\": {\"hnsw\": {\"quantization\": \"int3\"}}}", 400);

        assertThat(refused.get("message").stringValue())
                .contains("configuration.hnsw.quantization", "`none`, `int8`");
        send("GET", COLLECTIONS + "/three-bits", null, 404);
    }

    @Test
    void defaultCollectionConfigurationHasNoQuantizationField() throws Exception {
        JsonNode created = send("POST", COLLECTIONS, "{\"name\": \"plain\"}", 200);

        assertThat(created.get("configuration_json").get("hnsw").has("quantization")).isFalse();
    }

    private JsonNode send(String method, String path, @Nullable String body, int expectedStatus) {
        if (client == null) {
            client = new Http(port);
        }
        return client.expect(method, path, body, expectedStatus);
    }

    private static String addBody(float[][] vectors) {
        List<String> ids = new ArrayList<>(vectors.length);
        for (int i = 0; i < vectors.length; i++) {
            ids.add("v" + i);
        }
        return "{\"ids\": " + JSON.writeValueAsString(ids) + ", \"embeddings\": " + JSON.writeValueAsString(vectors)
                + "}";
    }

    /** Ten clusters around fixed centres, so that near neighbours are clearly nearer than the rest. */
    private static float[][] clustered(long seed, int count) {
        Random centres = new Random(7L);
        float[][] centre = new float[10][DIMENSION];
        for (float[] c : centre) {
            for (int i = 0; i < DIMENSION; i++) {
                c[i] = centres.nextFloat() * 2f - 1f;
            }
        }
        Random random = new Random(seed);
        float[][] vectors = new float[count][DIMENSION];
        for (float[] vector : vectors) {
            float[] c = centre[random.nextInt(centre.length)];
            for (int i = 0; i < DIMENSION; i++) {
                vector[i] = c[i] + 0.2f * (float) random.nextGaussian();
            }
        }
        return vectors;
    }

    private static List<String> nearest(float[][] vectors, float[] query, int k) {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < vectors.length; i++) {
            order.add(i);
        }
        order.sort((a, b) -> Double.compare(cosine(query, vectors[b]), cosine(query, vectors[a])));
        List<String> ids = new ArrayList<>(k);
        for (int i = 0; i < k; i++) {
            ids.add("v" + order.get(i));
        }
        return ids;
    }

    /** Chroma's cosine similarity, in double precision, independent of the server's code. */
    private static double cosine(float[] a, float[] b) {
        double dot = 0;
        double normA = 0;
        double normB = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * (double) b[i];
            normA += a[i] * (double) a[i];
            normB += b[i] * (double) b[i];
        }
        return dot / Math.sqrt(normA * normB);
    }
}
