package dev.quiver.bench;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.json.JsonMapper;

/**
 * The few Chroma v2 calls the benchmark needs, over {@link HttpClient}, sending what the official JS client sends:
 * base64 little-endian float32 embeddings on add, float arrays on query, and the client's default {@code include}.
 *
 * <p>Request bodies are built by {@link #addBody} and {@link #queryBody} before the clock starts, so the measured
 * time is the server's, not this client's JSON encoding. Thread-safe: share one instance across all clients.
 */
final class ChromaClient {

    /** Wire JSON is snake_case; the report uses the same mapper so its keys match the API's style. */
    static final JsonMapper JSON = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .build();

    /** What the JS client asks for by default; the records have no documents or metadata, so they come back null. */
    private static final List<String> QUERY_INCLUDE = List.of("metadatas", "documents", "distances");

    /** Every blocking call has a deadline; an add of 1,000 records taking two minutes means the server is stuck. */
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(120);

    private final HttpClient http;
    private final URI root;
    private final String databasePath;
    private final String token;

    /**
     * @param token sent as {@code x-chroma-token} on every request, as the official clients send a key; the real
     *     local Chroma server ignores it
     */
    ChromaClient(URI baseUrl, String tenant, String database, String token) {
        requireNonNull(baseUrl, "baseUrl is null");
        this.token = requireNonNull(token, "token is null");
        // HTTP/1.1 on purpose: the JDK's h2c upgrade attempt is not what the Chroma clients do.
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10))
                .build();
        this.root = URI.create(baseUrl + "/api/v2");
        this.databasePath = "/tenants/" + tenant + "/databases/" + database;
    }

    /** {@code GET /version}: Chroma answers a bare JSON string such as {@code "1.0.0"}. */
    String version() {
        return send(get("/version"), 200).asString();
    }

    /** Creates a collection and returns its UUID; {@code hnsw} holds extra {@code configuration.hnsw} fields. */
    String createCollection(String name, Space space, Map<String, ?> hnsw) {
        var configuration = new LinkedHashMap<String, Object>(hnsw);
        configuration.put("space", space.wireName());
        return createCollection(Map.of("name", name, "configuration", Map.of("hnsw", configuration)));
    }

    /** Creates a collection from a whole create body (name, configuration, ...) and returns its UUID. */
    String createCollection(Map<String, ?> body) {
        return send(post(databasePath + "/collections", JSON.writeValueAsBytes(body)), 200).get("id").asString();
    }

    /** {@code POST .../collections/{id}/<route>} with a prepared body; the answer when it has the expected status. */
    JsonNode post(String collectionId, String route, byte[] body, int expectedStatus) {
        return send(post(collectionPath(collectionId) + "/" + route, body), expectedStatus);
    }

    /** The id of the collection named {@code name}. */
    String collectionId(String name) {
        return send(get(databasePath + "/collections/" + name), 200).get("id").asString();
    }

    /** Deletes a collection; Chroma addresses it by name here, not by id. */
    void deleteCollection(String name) {
        send(request(uri(databasePath + "/collections/" + name)).DELETE()
                .timeout(REQUEST_TIMEOUT).build(), 200);
    }

    /** Sends a body made by {@link #addBody}; Chroma acknowledges an add with 201. */
    void add(String collectionId, byte[] body) {
        send(post(collectionPath(collectionId) + "/add", body), 201);
    }

    /** Changes the collection's search beam through {@code PUT} with {@code new_configuration}, as Chroma does. */
    void efSearch(String collectionId, int ef) {
        byte[] body = JSON.writeValueAsBytes(Map.of("new_configuration", Map.of("hnsw", Map.of("ef_search", ef))));
        send(request(uri(collectionPath(collectionId)))
                .header("content-type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(body))
                .timeout(REQUEST_TIMEOUT)
                .build(), 200);
    }

    long count(String collectionId) {
        return send(get(collectionPath(collectionId) + "/count"), 200).asLong();
    }

    /** Sends a body made by {@link #queryBody} and returns the first (only) row of the answer. */
    Answer query(String collectionId, byte[] body) {
        JsonNode answer = send(post(collectionPath(collectionId) + "/query", body), 200);
        JsonNode ids = answer.get("ids").get(0);
        JsonNode distances = answer.get("distances").get(0);
        var indexes = new int[ids.size()];
        var values = new float[ids.size()];
        for (int i = 0; i < indexes.length; i++) {
            indexes[i] = Dataset.index(ids.get(i).asString());
            values[i] = distances.get(i).floatValue();
        }
        return new Answer(indexes, values);
    }

    /**
     * An add request for records {@code [from, to)}, each embedding as base64 of its little-endian float32 bytes and
     * with the metadata {@code bucket} that filters select on.
     */
    static byte[] addBody(float[][] vectors, int from, int to) {
        var ids = new ArrayList<String>(to - from);
        var embeddings = new ArrayList<String>(to - from);
        var metadatas = new ArrayList<Map<String, Integer>>(to - from);
        var bytes = ByteBuffer.allocate(vectors[from].length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = from; i < to; i++) {
            ids.add(Dataset.id(i));
            bytes.clear();
            bytes.asFloatBuffer().put(vectors[i]);
            embeddings.add(Base64.getEncoder().encodeToString(bytes.array()));
            metadatas.add(Map.of("bucket", Dataset.bucket(i)));
        }
        return JSON.writeValueAsBytes(new AddRequest(ids, embeddings, metadatas));
    }

    static byte[] queryBody(float[] query, int k) {
        return queryBody(query, k, null);
    }

    /** A single-vector query, filtered by {@code where} when it is not null. */
    static byte[] queryBody(float[] query, int k, @Nullable Filter where) {
        var body = new LinkedHashMap<String, Object>();
        body.put("query_embeddings", new float[][] {query});
        body.put("n_results", k);
        body.put("include", QUERY_INCLUDE);
        if (where != null) {
            body.put("where", where.chromaWhere());
        }
        return JSON.writeValueAsBytes(body);
    }

    private String collectionPath(String collectionId) {
        return databasePath + "/collections/" + collectionId;
    }

    private URI uri(String path) {
        return URI.create(root + path);
    }

    private HttpRequest.Builder request(URI uri) {
        return HttpRequest.newBuilder(uri).header("x-chroma-token", token);
    }

    private HttpRequest get(String path) {
        return request(uri(path)).GET().timeout(REQUEST_TIMEOUT).build();
    }

    private HttpRequest post(String path, byte[] body) {
        return request(uri(path))
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .timeout(REQUEST_TIMEOUT)
                .build();
    }

    private JsonNode send(HttpRequest request, int expectedStatus) {
        HttpResponse<byte[]> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(request.method() + " " + request.uri() + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during " + request.method() + " " + request.uri(), e);
        }
        if (response.statusCode() != expectedStatus) {
            throw new IllegalStateException("%s %s answered %d (expected %d): %s".formatted(request.method(),
                    request.uri(), response.statusCode(), expectedStatus, abbreviate(response.body())));
        }
        return JSON.readTree(response.body());
    }

    private static String abbreviate(byte[] body) {
        String text = new String(body, StandardCharsets.UTF_8);
        return text.length() <= 500 ? text : text.substring(0, 500) + "...";
    }

    private record AddRequest(List<String> ids, List<String> embeddings, List<Map<String, Integer>> metadatas) {
    }
}
