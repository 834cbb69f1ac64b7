package dev.quiver.server;

import static dev.quiver.server.Http.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import dev.quiver.QuiverApplication;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Issue #9's server-side embedding over HTTP, against a server in this JVM: a collection whose configuration names
 * Chroma's {@code default} function takes documents without embeddings, embeds them with all-MiniLM-L6-v2 and
 * answers a query by text with the paraphrase; its configuration says which model and dimension; documents the
 * server cannot embed, and records with nothing to embed, are refused with 400 and nothing is written; embedded
 * texts are metered as embedding units.
 */
@SpringBootTest(classes = QuiverApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestPropertySource(properties = {"quiver.billing.rollup-interval=200ms", "quiver.billing.read-flush-interval=100ms",
        "quiver.billing.storage-sample-interval=1h"})
class ServerEmbeddingIT extends StandaloneContext {

    private static final String COLLECTIONS = "/api/v2/tenants/default_tenant/databases/default_database/collections";

    /** Six documents on six topics, and for three of them a query saying the same in other words. */
    static final String DOCUMENTS = json("['The cat sat on the mat by the fire.', "
            + "'Interest rates were raised by the central bank to fight inflation.', "
            + "'Our flight to Tokyo was cancelled because of the typhoon.', "
            + "'Knead the dough for ten minutes before letting it rise.', "
            + "'The striker scored twice in the second half of the final.', "
            + "'Photosynthesis turns sunlight, water and carbon dioxide into sugar.']");

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    private Http http;

    @BeforeEach
    void connect() {
        http = new Http(port);
    }

    @Test
    void whenDocumentsComeWithoutEmbeddingsThenTheServerEmbedsThemAndAQueryByTextFindsTheParaphrase() {
        JsonNode collection = create("{'embedding_function': {'type': 'known', 'name': 'default', 'config': {}}, "
                + "'hnsw': {'space': 'cosine'}}");
        String records = COLLECTIONS + "/" + collection.get("id").stringValue();
        JsonNode configuration = collection.get("configuration_json");
        assertThat(configuration.get("embedding_function").toString())
                .isEqualTo("{\"type\":\"known\",\"name\":\"default\",\"config\":{}}");
        assertThat(configuration.get("server_embedding").toString())
                .isEqualTo("{\"name\":\"default\",\"model_name\":\"all-MiniLM-L6-v2\",\"dimension\":384}");

        assertThat(http.post(records + "/add", "{\"ids\": [\"cat\", \"rates\", \"flight\", \"bread\", \"football\", "
                + "\"plants\"], \"documents\": " + DOCUMENTS + "}").status()).isEqualTo(201);

        JsonNode stored = http.post(records + "/get", json("{'ids': ['cat'], 'include': ['embeddings']}")).json();
        JsonNode vector = stored.get("embeddings").get(0);
        assertThat(vector.size()).isEqualTo(384);
        double squares = 0;
        for (JsonNode component : vector.values()) {
            squares += component.doubleValue() * component.doubleValue();
        }
        assertThat(squares).isCloseTo(1.0, within(1e-4));
        assertThat(http.get(records.replace("/collections/", "/collections/by-id/")).json().get("dimension")
                .intValue()).isEqualTo(384);

        JsonNode answer = http.post(records + "/query", json("{'query_texts': ['A kitten was lying on the rug "
                + "near the fireplace.', 'The plane to Japan did not leave due to a storm.', 'How plants make food "
                + "from light'], 'n_results': 2, 'include': ['documents', 'distances']}")).json();
        assertThat(answer.get("ids").get(0).get(0).stringValue()).isEqualTo("cat");
        assertThat(answer.get("ids").get(1).get(0).stringValue()).isEqualTo("flight");
        assertThat(answer.get("ids").get(2).get(0).stringValue()).isEqualTo("plants");
        assertThat(answer.get("distances").get(0).get(0).doubleValue())
                .isLessThan(answer.get("distances").get(0).get(1).doubleValue() - 0.2);
        // The Search API ranks by a text query the same way: $knn with a string is embedded on the server.
        JsonNode searched = http.post(records + "/search", json("{'searches': [{'rank': {'$knn': {'query': "
                + "'A kitten was lying on the rug near the fireplace.', 'limit': 3}}, 'limit': {'limit': 1}}]}"))
                .json();
        assertThat(searched.path("ids").path(0).path(0).toString()).as(searched.toString()).isEqualTo("\"cat\"");
        Http.Response none = http.post(records + "/query", json("{'query_texts': []}"));
        assertThat(none.status()).as(none.toString()).isEqualTo(200);
        assertThat(none.json().get("ids").size()).isZero();

        // An update with a new document and no embedding re-embeds it: the record now answers for its new topic.
        assertThat(http.post(records + "/update", json("{'ids': ['bread'], 'documents': ['Volcanoes erupt when "
                + "magma rises through the crust.']}")).status()).isEqualTo(200);
        JsonNode volcano = http.post(records + "/query", json("{'query_texts': ['lava coming out of a mountain'], "
                + "'n_results': 1}")).json();
        assertThat(volcano.get("ids").get(0).get(0).stringValue()).isEqualTo("bread");
    }

    @Test
    void documentsTheServerCannotEmbedAreRefusedWith400AndNothingIsWritten() {
        String plain = COLLECTIONS + "/" + create("{}").get("id").stringValue();
        Http.Response noFunction = http.post(plain + "/add", json("{'ids': ['a'], 'documents': ['hello']}"));
        assertRefused(noFunction, "documents[0]: Collection '", "has no embedding function");

        String foreign = COLLECTIONS + "/" + create("{'embedding_function': {'type': 'known', 'name': 'openai', "
                + "'config': {'model_name': 'text-embedding-3-small'}}}").get("id").stringValue();
        assertRefused(http.post(foreign + "/upsert", json("{'ids': ['a'], 'documents': ['hello']}")),
                "names the embedding function 'openai', which does not run on the server");
        assertRefused(http.post(foreign + "/query", json("{'query_texts': ['hello']}")), "query_texts: Collection");

        String embedded = COLLECTIONS + "/" + create("{'embedding_function': {'type': 'known', 'name': 'default', "
                + "'config': {}}}").get("id").stringValue();
        assertRefused(http.post(embedded + "/add", json("{'ids': ['a', 'b'], 'documents': ['hello', null]}")),
                "embeddings[1]: record 'b' has neither an embedding nor a document to embed");
        assertRefused(http.post(embedded + "/query", json("{'query_texts': ['a'], 'query_embeddings': [[1]]}")),
                "send query_embeddings or query_texts, not both");

        // Three-dimensional vectors first fix the collection's dimension; documents embedded to 384 then do not fit.
        assertThat(http.post(embedded + "/add", json("{'ids': ['v'], 'embeddings': [[1, 0, 0]]}")).status())
                .isEqualTo(201);
        Http.Response mismatch = http.post(embedded + "/add", json("{'ids': ['d'], 'documents': ['hello']}"));
        assertThat(mismatch.status()).as(mismatch.toString()).isEqualTo(400);
        assertThat(mismatch.json().get("message").stringValue())
                .isEqualTo("Collection expecting embedding with dimension of 3, got 384");

        for (String records : new String[] {plain, foreign}) {
            assertThat(http.get(records + "/count").body()).isEqualTo("0");
        }
        assertThat(http.get(embedded + "/count").body()).isEqualTo("1");
    }

    @Test
    void embeddedTextsAreMeteredAsEmbeddingUnitsOneEach() {
        JsonNode collection = create("{'embedding_function': {'type': 'known', 'name': 'default', 'config': {}}}");
        String records = COLLECTIONS + "/" + collection.get("id").stringValue();
        UUID id = UUID.fromString(collection.get("id").stringValue());

        http.post(records + "/add", json("{'ids': ['a', 'b', 'c'], 'documents': ['one', 'two', 'three']}"));
        // Records that bring their own vector cost no embedding.
        http.post(records + "/upsert", json("{'ids': ['a'], 'embeddings': [" + zeros() + "], 'documents': ['x']}"));
        http.post(records + "/query", json("{'query_texts': ['four', 'five'], 'n_results': 1}"));

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(jdbc.sql("""
                select coalesce(sum(embedding_units), 0) from quiver.usage_rollups
                where collection_id = :collection and granularity = 'hour'
                """).param("collection", id).query(Long.class).single()).isEqualTo(5L));
    }

    private JsonNode create(String configuration) {
        Http.Response created = http.post(COLLECTIONS, json("{'name': 'embedding-" + UUID.randomUUID()
                + "', 'configuration': " + configuration + "}"));
        assertThat(created.status()).as(created.toString()).isEqualTo(200);
        return created.json();
    }

    private static void assertRefused(Http.Response response, String... messageParts) {
        assertThat(response.status()).as(response.toString()).isEqualTo(400);
        assertThat(response.json().get("error").stringValue()).isEqualTo("InvalidArgumentError");
        assertThat(response.json().get("message").stringValue()).contains(messageParts);
    }

    private static String zeros() {
        StringBuilder vector = new StringBuilder("0.5");
        for (int i = 1; i < 384; i++) {
            vector.append(", 0");
        }
        return "[" + vector + "]";
    }
}
