package dev.quiver.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.quiver.QuiverApplication;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The Search API ({@code POST …/collections/{id}/search}) over HTTP against a server in this JVM, with the request
 * bodies Chroma's clients send: BM25 over documents, hybrid ranking by reciprocal rank fusion, filters over ids,
 * metadata and documents, paging, selection, group-by, and the refusals.
 *
 * <p>The labelled set: a query about quokkas, whose vector lies nearest to a distractor that never mentions them.
 * Pure vector ranking puts the distractor first; fusing it with BM25 over "quokka" puts the relevant record first.
 */
@SpringBootTest(classes = QuiverApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class SearchApiIT extends StandaloneContext {

    private static final String COLLECTIONS = "/api/v2/tenants/default_tenant/databases/default_database/collections";
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String QUERY_VECTOR = "[1.0, 0.0, 0.0]";

    @LocalServerPort
    int port;
    private @Nullable Http client;

    private String search;

    @BeforeEach
    void labelledSet() throws Exception {
        String name = "animals-" + System.nanoTime();
        String id = send("POST", COLLECTIONS, "{'name': '" + name + "'}", 200).get("id").stringValue();
        search = COLLECTIONS + "/" + id + "/search";
        send("POST", COLLECTIONS + "/" + id + "/add", """
                {'ids': ['distractor', 'relevant', 'cats', 'dogs', 'birds', 'bare'],
                 'embeddings': [[0.99, 0.1, 0.0], [0.7, 0.7, 0.0], [0.9, 0.3, 0.1], [0.8, 0.5, 0.2],
                                [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]],
                 'documents': ['Kangaroos hop across the open plains of Australia',
                               'The quokka is a small marsupial that smiles for photos',
                               'Cats sleep most of the day', 'Dogs sleep and play fetch',
                               'Birds sing at dawn', null],
                 'metadatas': [{'shelf': 'wild', 'year': 2020}, {'shelf': 'wild', 'year': 2024},
                               {'shelf': 'pets', 'year': 2021}, {'shelf': 'pets', 'year': 2023},
                               {'shelf': 'wild', 'year': 2022}, null]}""", 201);
    }

    @Test
    void bm25FindsTheDocumentWithTheRareTermFirst() throws Exception {
        JsonNode answer = search("{'rank': {'$bm25': {'query': 'quokka photos', 'limit': 10}}, "
                + "'select': {'keys': ['#score', '#document']}}");

        assertThat(ids(answer, 0)).containsExactly("relevant");
        assertThat(answer.at("/documents/0/0").stringValue()).startsWith("The quokka");
        assertThat(answer.at("/scores/0/0").doubleValue()).isLessThan(1.0);
        assertThat(answer.at("/select/0").toString()).isEqualTo("[\"#document\",\"#score\"]");
    }

    @Test
    void hybridRrfRanksTheRelevantRecordAbovePureVectorRanking() throws Exception {
        String knn = "{'$knn': {'query': " + QUERY_VECTOR + ", 'key': '#embedding', 'limit': 10, "
                + "'default': 100, 'return_rank': true}}";
        String bm25 = "{'$bm25': {'query': 'quokka', 'limit': 10, 'default': 100, 'return_rank': true}}";
        // Exactly what the JS client's Rrf({ranks: [knn, bm25], k: 60}) sends: -(1/(60+r1) + 1/(60+r2)).
        String rrf = "{'$mul': [{'$sum': [{'$div': {'left': {'$val': 1}, 'right': {'$sum': [" + knn
                + ", {'$val': 60}]}}}, {'$div': {'left': {'$val': 1}, 'right': {'$sum': [" + bm25
                + ", {'$val': 60}]}}}]}, {'$val': -1}]}";

        JsonNode vectorOnly = search("{'rank': " + knn.replace("'return_rank': true", "'return_rank': false")
                + ", 'select': {'keys': ['#score']}}");
        JsonNode hybrid = search("{'rank': " + rrf + ", 'limit': {'limit': 3}, 'select': {'keys': ['#score']}}");

        assertThat(ids(vectorOnly, 0).getFirst()).isEqualTo("distractor");
        assertThat(ids(vectorOnly, 0).indexOf("relevant")).isGreaterThan(0);
        assertThat(ids(hybrid, 0).getFirst()).isEqualTo("relevant");
        // relevant: 4th by vector (rank 3), 1st by BM25 (rank 0).
        assertThat(hybrid.at("/scores/0/0").doubleValue()).isCloseTo(-(1.0 / 63 + 1.0 / 60), within(1e-6));
        // L2 distance of the distractor: 0.01^2 + 0.1^2.
        assertThat(vectorOnly.at("/scores/0/0").doubleValue()).isCloseTo(0.0101, within(1e-5));
    }

    @Test
    void filterLimitOffsetAndSelectShapeTheAnswer() throws Exception {
        JsonNode answer = search("{'filter': {'$and': [{'shelf': 'pets'}, {'#document': {'$contains': 'sleep'}}, "
                + "{'#id': {'$nin': ['nobody']}}]}, 'rank': {'$knn': {'query': " + QUERY_VECTOR + "}}, "
                + "'limit': {'offset': 1, 'limit': 5}, 'select': {'keys': ['year', '#embedding']}}");

        assertThat(ids(answer, 0)).containsExactly("dogs");
        assertThat(answer.at("/metadatas/0/0").toString()).isEqualTo("{\"year\":2023}");
        assertThat(answer.at("/embeddings/0/0").size()).isEqualTo(3);
        assertThat(answer.at("/documents/0").isNull()).isTrue();
        assertThat(answer.at("/scores/0").isNull()).isTrue();
        assertThat(answer.at("/select/0").toString()).isEqualTo("[\"#embedding\",\"year\"]");
    }

    @Test
    void withoutRankRecordsComeInInsertionOrder() throws Exception {
        JsonNode answer = search("{'filter': {'shelf': 'wild'}, 'limit': {'offset': 1}}");

        assertThat(ids(answer, 0)).containsExactly("relevant", "birds");
        assertThat(answer.at("/metadatas/0").isNull()).isTrue();
    }

    @Test
    void groupByKeepsTheNearestOfEachShelf() throws Exception {
        JsonNode answer = search("{'rank': {'$knn': {'query': " + QUERY_VECTOR + ", 'limit': 10}}, "
                + "'group_by': {'keys': ['shelf'], 'aggregate': {'$min_k': {'keys': ['#score'], 'k': 1}}}, "
                + "'select': {'keys': ['shelf']}}");

        assertThat(ids(answer, 0)).containsExactly("distractor", "cats", "bare");
    }

    @Test
    void severalSearchesAnswerInOneResponse() throws Exception {
        JsonNode answer = search("{'rank': {'$bm25': {'query': 'sleep'}}}, {'limit': {'limit': 1}}");

        assertThat(answer.get("ids").size()).isEqualTo(2);
        assertThat(ids(answer, 0)).containsExactlyInAnyOrder("cats", "dogs");
        assertThat(ids(answer, 1)).containsExactly("distractor");
    }

    @Test
    void refusalsCarryChromasBodyAndStatus() throws Exception {
        JsonNode bad = send("POST", search, "{'searches': [{'rank': {'$knn': {'query': [1, 0, 0], 'limit': 0}}}]}",
                400);
        assertThat(bad.get("error").stringValue()).isEqualTo("InvalidArgumentError");
        assertThat(bad.get("message").stringValue()).contains("searches[0].rank.$knn.limit");

        JsonNode text = send("POST", search, "{'searches': [{'rank': {'$knn': {'query': 'a quokka'}}}]}", 400);
        assertThat(text.get("message").stringValue()).contains("collection has no embedding function");

        send("POST", search, "{'searches': [{'rank': {'$knn': {'query': [1, 0]}}}]}", 400);
        send("POST", search, "{}", 422);
        JsonNode missing = send("POST", COLLECTIONS + "/00000000-0000-4000-8000-000000000000/search",
                "{'searches': []}", 404);
        assertThat(missing.get("error").stringValue()).isEqualTo("NotFoundError");
    }

    private JsonNode search(String searches) throws IOException, InterruptedException {
        return send("POST", search, "{'searches': [" + searches + "]}", 200);
    }

    private static List<String> ids(JsonNode answer, int search) {
        List<String> ids = new ArrayList<>();
        for (JsonNode id : answer.get("ids").get(search)) {
            ids.add(id.stringValue());
        }
        return ids;
    }

    private JsonNode send(String method, String path, @Nullable String body, int expectedStatus) {
        if (client == null) {
            client = new Http(port);
        }
        return client.expect(method, path, body == null ? null : Http.json(body), expectedStatus);
    }
}
