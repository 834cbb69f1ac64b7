package dev.quiver.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.gaul.s3proxy.BlobStores;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

/**
 * Issue #8's multi-process check: one PostgreSQL and one S3 server (both in this JVM), two gateways and three search
 * nodes as separate JVMs of the real jar on loopback. A client loads records through both gateways while one search
 * node is killed with {@code kill -9}; afterwards every acknowledged record is found, queries of the dead node's
 * collections succeed again within the lease duration plus a few seconds, and a fourth node that joins takes only
 * shards that rendezvous placement moves to it: no shard moves between the nodes that were already there.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DistributedFailoverIT {

    private static final String SECRET = "distributed-test-secret";
    private static final String ACCESS_KEY = "quiver-test";
    private static final String SECRET_KEY = "quiver-test-secret";
    private static final String BUCKET = "quiver";
    private static final Duration LEASE = Duration.ofSeconds(3);
    private static final int COLLECTIONS = 12;
    private static final int DIMENSION = 8;
    private static final String COLLECTIONS_PATH = ServerProcess.COLLECTIONS;

    @TempDir
    static Path dataDir;

    private static EmbeddedPostgres postgres;
    private static S3Proxy s3;
    private static JdbcClient database;
    private static final List<ServerProcess> processes = new CopyOnWriteArrayList<>();
    private static final List<ServerProcess> gateways = new ArrayList<>();
    /** Search nodes by node id. */
    private static final Map<String, ServerProcess> nodes = new ConcurrentHashMap<>();
    private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @BeforeAll
    static void startCluster() throws Exception {
        postgres = EmbeddedPostgres.builder().start();
        database = JdbcClient.create(new SingleConnectionDataSource(postgres.getJdbcUrl("postgres", "postgres"),
                "postgres", "", true));
        BlobStore blobStore = BlobStores.create("transient-nio2", new java.util.Properties());
        blobStore.createContainer(BUCKET);
        s3 = S3Proxy.builder()
                .blobStore(blobStore)
                .endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
                .build();
        s3.start();
        await().atMost(Duration.ofSeconds(30)).until(() -> "STARTED".equals(s3.getState()));
        // The first gateway alone: it migrates the schema and creates the default tenant, which processes racing
        // on an empty database could both try to insert.
        gateways.add(start("gateway", "gateway-1"));
        try (ExecutorService starting = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<ServerProcess>> started = new ArrayList<>();
            started.add(starting.submit(() -> start("gateway", "gateway-2")));
            for (int node = 1; node <= 3; node++) {
                String id = "node-" + node;
                started.add(starting.submit(() -> start("search", id)));
            }
            gateways.add(started.getFirst().get());
            for (Future<ServerProcess> node : started.subList(1, started.size())) {
                node.get();
            }
        }
    }

    @AfterAll
    static void stopCluster() throws Exception {
        for (ServerProcess process : processes) {
            process.close();
        }
        if (s3 != null) {
            s3.stop();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    @Order(2)
    void whenASearchNodeIsKilledWhileClientsWriteThenEveryAcknowledgedRecordIsFoundAndAJoiningNodeTakesOnlyItsShare()
            throws Exception {
        List<String> collections = new ArrayList<>();
        for (int i = 0; i < COLLECTIONS; i++) {
            collections.add(createCollection(gateways.get(i % 2), "failover-" + i));
        }
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> owners().size() == COLLECTIONS);
        Map<String, String> before = owners();
        Map<String, Integer> shares = shares(before);
        System.out.printf("Shards per node before the kill: %s%n", shares);
        assertThat(shares.keySet()).as("every search node owns some shards").hasSize(3);

        // 1. Load records through both gateways from four clients, remembering what was acknowledged.
        Map<String, Set<String>> acknowledged = new ConcurrentHashMap<>();
        collections.forEach(collection -> acknowledged.put(collection, ConcurrentHashMap.newKeySet()));
        AtomicBoolean loading = new AtomicBoolean(true);
        AtomicInteger acknowledgedDuringKill = new AtomicInteger();
        AtomicBoolean killed = new AtomicBoolean();
        AtomicInteger refusedWrites = new AtomicInteger();
        String victim = shares.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
        String victimCollection = before.entrySet().stream().filter(entry -> entry.getValue().equals(victim))
                .findFirst().orElseThrow().getKey();
        long killedAt;
        long recoveredAt;
        try (ExecutorService clients = Executors.newFixedThreadPool(4)) {
            List<Future<?>> running = new ArrayList<>();
            for (int client = 0; client < 4; client++) {
                int number = client;
                running.add(clients.submit(() -> {
                    Random random = new Random(number);
                    for (int batch = 0; loading.get(); batch++) {
                        String collection = collections.get(random.nextInt(collections.size()));
                        List<String> ids = new ArrayList<>();
                        for (int i = 0; i < 5; i++) {
                            ids.add("c" + number + "-b" + batch + "-" + i);
                        }
                        int status = add(gateways.get(batch % 2), collection, ids, random);
                        if (status / 100 == 2) {
                            acknowledged.get(collection).addAll(ids);
                            if (killed.get()) {
                                acknowledgedDuringKill.addAndGet(ids.size());
                            }
                        } else {
                            refusedWrites.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> acknowledged.values().stream().mapToInt(Set::size).sum() >= 300);
            // Let the shards take a checkpoint or two first, so the take-over restores one and replays the rest.
            awaitCheckpoints();

            // 2. Kill the node with the most shards, mid-load.
            nodes.get(victim).killJvm();
            killedAt = System.nanoTime();
            killed.set(true);

            // 3. Query one of its collections until it answers again: the lease expires and a live node takes it.
            //    Meanwhile a query may be refused, but only with a retryable 503 in Chroma's error body.
            recoveredAt = 0;
            while (recoveredAt == 0) {
                assertThat(System.nanoTime() - killedAt).as("queries answer again within a minute")
                        .isLessThan(Duration.ofSeconds(60).toNanos());
                HttpResponse<String> response = query(gateways.getFirst(), victimCollection);
                if (response.statusCode() == 200) {
                    recoveredAt = System.nanoTime();
                } else {
                    assertThat(response.statusCode()).as("refused while the shard moves: %s", response.body())
                            .isEqualTo(503);
                    assertThat(response.body()).contains("\"error\"").contains("retry");
                }
            }
            // Keep loading a little after recovery, so writes also land on the new owners.
            long until = System.nanoTime() + Duration.ofSeconds(1).toNanos();
            await().atMost(Duration.ofSeconds(10)).until(() -> System.nanoTime() >= until);
            loading.set(false);
            for (Future<?> client : running) {
                client.get();
            }
        }
        Duration recovery = Duration.ofNanos(recoveredAt - killedAt);
        int total = acknowledged.values().stream().mapToInt(Set::size).sum();
        System.out.printf("Killed %s (%d shards): queries answered again after %d ms; %d records acknowledged, %d of "
                + "them while it was dead or its shards moving; %d writes refused%n", victim, shares.get(victim),
                recovery.toMillis(), total, acknowledgedDuringKill.get(), refusedWrites.get());
        assertThat(recovery).as("recovery within the lease duration plus a few seconds")
                .isLessThan(LEASE.plusSeconds(12));
        assertThat(refusedWrites.get()).as("writes never depend on a search node").isZero();

        // 4. Every acknowledged record is found, through either gateway.
        for (int i = 0; i < collections.size(); i++) {
            String collection = collections.get(i);
            Set<String> found = ids(gateways.get(i % 2), collection);
            assertThat(found).as("records of collection %s", collection).containsAll(acknowledged.get(collection));
        }
        Map<String, String> afterKill = owners();
        assertThat(afterKill).hasSize(COLLECTIONS);
        assertThat(afterKill.values()).doesNotContain(victim);

        // 5. A fourth node joins: it takes shards, and no shard moves between the nodes already there.
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(250))
                .until(() -> stableOwners().size() == COLLECTIONS);
        Map<String, String> settled = stableOwners();
        start("search", "node-4");
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
                .until(() -> {
                    Map<String, String> now = stableOwners();
                    return now.size() == COLLECTIONS && now.containsValue("node-4");
                });
        Map<String, String> joined = stableOwners();
        int moved = 0;
        for (Map.Entry<String, String> entry : joined.entrySet()) {
            if (!entry.getValue().equals(settled.get(entry.getKey()))) {
                moved++;
                assertThat(entry.getValue()).as("shard %s moved, only to the new node", entry.getKey())
                        .isEqualTo("node-4");
            }
        }
        System.out.printf("A fourth node joined and took %d of %d shards; shards per node now %s%n", moved,
                COLLECTIONS, shares(joined));
        assertThat(moved).isPositive().isLessThan(COLLECTIONS);
        for (int i = 0; i < collections.size(); i++) {
            assertThat(ids(gateways.get(i % 2), collections.get(i))).containsAll(acknowledged.get(collections.get(i)));
        }
    }

    @Test
    @Order(1)
    void aSearchNodeServesNoPublicApiAndItsInternalApiOnlyCallersWithTheSecret() throws Exception {
        ServerProcess node = nodes.get("node-1");
        String collection = UUID.randomUUID().toString();

        assertThat(post(node, COLLECTIONS_PATH, "{\"name\":\"bypass\"}").statusCode()).isEqualTo(404);
        String internal = "/internal/v1/collections/" + collection + "/shards/0/count";
        assertThat(post(node, internal, "{\"position\":0}").statusCode()).as("no secret").isEqualTo(401);
        HttpResponse<String> gatewayInternal = post(gateways.getFirst(), internal, "{\"position\":0}");
        assertThat(gatewayInternal.statusCode()).as("a gateway serves no /internal: %s", gatewayInternal.body())
                .isBetween(400, 499);
    }

    /**
     * A collection of three shards, whose shards the search nodes hold apart, answers through the gateways exactly
     * as a collection of one shard holding the same records: count, get pages in insertion order, exact queries,
     * and a delete by filter that must find its records on every shard.
     */
    @Test
    @Order(3)
    void aCollectionOfSeveralShardsAnswersThroughTheGatewaysAsOneOfOneShard() throws Exception {
        // ef_search beyond the record count makes both searches exact, so their answers can be compared.
        String one = createCollection(gateways.getFirst(), "sharded-one",
                "\"configuration\":{\"hnsw\":{\"ef_search\":1000}}");
        String three = createCollection(gateways.getFirst(), "sharded-three",
                "\"configuration\":{\"hnsw\":{\"ef_search\":1000}},\"metadata\":{\"quiver:shard_count\":3}");
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
                .until(() -> database.sql("""
                        select count(*) from quiver.shard_leases
                        where collection_id::text in (:one, :three) and owner_node is not null
                            and expires_at > clock_timestamp()
                        """).param("one", one).param("three", three).query(Long.class).single() == 4);
        Random random = new Random(11);
        StringBuilder records = new StringBuilder("{\"ids\":[");
        StringBuilder embeddings = new StringBuilder("],\"embeddings\":[");
        StringBuilder metadatas = new StringBuilder("],\"metadatas\":[");
        for (int i = 0; i < 200; i++) {
            records.append(i == 0 ? "" : ",").append("\"s").append(i).append('"');
            embeddings.append(i == 0 ? "[" : ",[");
            for (int d = 0; d < DIMENSION; d++) {
                embeddings.append(d == 0 ? "" : ",").append(random.nextFloat());
            }
            embeddings.append(']');
            metadatas.append(i == 0 ? "" : ",").append("{\"group\":").append(i % 5).append('}');
        }
        String add = records.append(embeddings).append(metadatas).append("]}").toString();
        for (String collection : List.of(one, three)) {
            assertThat(post(gateways.get(1), COLLECTIONS_PATH + "/" + collection + "/add", add).statusCode())
                    .isEqualTo(201);
            HttpResponse<String> deleted = post(gateways.get(1), COLLECTIONS_PATH + "/" + collection + "/delete",
                    "{\"where\":{\"group\":2}}");
            assertThat(deleted.statusCode()).as(deleted.body()).isEqualTo(200);
        }

        for (ServerProcess gateway : gateways) {
            assertThat(body(gateway, "/" + three + "/count", null)).isEqualTo(body(gateway, "/" + one + "/count", null))
                    .isEqualTo("160");
            for (String page : List.of("{\"include\":[]}", "{\"limit\":17,\"offset\":30,\"include\":[]}",
                    "{\"where\":{\"group\":{\"$ne\":4}},\"limit\":50,\"offset\":100}")) {
                assertThat(body(gateway, "/" + three + "/get", page)).as(page)
                        .isEqualTo(body(gateway, "/" + one + "/get", page));
            }
            String query = "{\"query_embeddings\":[[" + "0.5,".repeat(DIMENSION - 1) + "0.5],[" + "0.1,".repeat(
                    DIMENSION - 1) + "0.9]],\"n_results\":12,\"include\":[\"distances\",\"metadatas\"]}";
            assertThat(body(gateway, "/" + three + "/query", query)).isEqualTo(body(gateway, "/" + one + "/query",
                    query));
        }
    }

    /** The body of a successful read of a collection; GET without a body, POST with one. */
    private static String body(ServerProcess gateway, String path, String body) throws Exception {
        HttpResponse<String> response = body == null
                ? http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + COLLECTIONS_PATH
                        + path)).timeout(Duration.ofSeconds(60)).GET().build(), HttpResponse.BodyHandlers.ofString())
                : post(gateway, COLLECTIONS_PATH + path, body);
        assertThat(response.statusCode()).as("%s: %s", path, response.body()).isEqualTo(200);
        return response.body();
    }

    /** Waits until at least half of the collections have a recorded checkpoint. */
    private static void awaitCheckpoints() {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
                .until(() -> database.sql("select count(distinct collection_id) from quiver.shard_checkpoints")
                        .query(Long.class).single() >= COLLECTIONS / 2);
    }

    private static ServerProcess start(String role, String name) throws IOException {
        int port = ServerProcess.freePort();
        List<String> arguments = new ArrayList<>(List.of("--quiver.auth.enabled=false", "--quiver.roles=" + role,
                "--quiver.cluster.enabled=true", "--quiver.cluster.secret=" + SECRET,
                "--quiver.cluster.node-id=" + name, "--quiver.cluster.heartbeat-interval=500ms",
                "--quiver.cluster.lease-duration=" + LEASE.toMillis() + "ms",
                "--quiver.object-store.type=s3", "--quiver.object-store.s3.bucket=" + BUCKET,
                "--quiver.object-store.s3.endpoint=http://127.0.0.1:" + s3.getPort(),
                "--quiver.object-store.s3.path-style=true", "--quiver.search.commit-interval=1s",
                "--quiver.search.checkpoint-interval=1s", "--quiver.search.index-threads=1",
                "--spring.datasource.hikari.maximum-pool-size=6"));
        List<String> jvmOptions = List.of("-Daws.accessKeyId=" + ACCESS_KEY, "-Daws.secretAccessKey=" + SECRET_KEY,
                "-XX:+UseSerialGC");
        String readyPath = role.equals("search") ? "/actuator/health" : "/api/v2/heartbeat";
        ServerProcess process = ServerProcess.startInCluster(postgres.getJdbcUrl("postgres", "postgres"),
                dataDir.resolve(name), port, "distributed-" + name + ".log", readyPath, jvmOptions, arguments);
        processes.add(process);
        if (role.equals("search")) {
            nodes.put(name, process);
        }
        return process;
    }

    /** Collection id to the node holding its shard's unexpired lease. */
    private static Map<String, String> owners() {
        Map<String, String> owners = new HashMap<>();
        database.sql("""
                select collection_id::text, owner_node from quiver.shard_leases
                where owner_node is not null and expires_at > clock_timestamp()
                """).query(row -> {
            owners.put(row.getString(1), row.getString(2));
        });
        return owners;
    }

    /** The owners, once two reads a heartbeat and a half apart agree (no shard is moving). */
    private static Map<String, String> stableOwners() {
        Map<String, String> first = owners();
        long until = System.nanoTime() + Duration.ofMillis(750).toNanos();
        await().atMost(Duration.ofSeconds(5)).until(() -> System.nanoTime() >= until);
        Map<String, String> second = owners();
        return first.equals(second) ? second : Map.of();
    }

    private static Map<String, Integer> shares(Map<String, String> owners) {
        Map<String, Integer> shares = new HashMap<>();
        owners.values().forEach(node -> shares.merge(node, 1, Integer::sum));
        return shares;
    }

    private static String createCollection(ServerProcess gateway, String name) throws Exception {
        return createCollection(gateway, name, null);
    }

    /** Creates a collection; {@code members} are more members of the body, such as its metadata. */
    private static String createCollection(ServerProcess gateway, String name, String members) throws Exception {
        HttpResponse<String> response = post(gateway, COLLECTIONS_PATH, "{\"name\":\"" + name + "\""
                + (members == null ? "" : "," + members) + "}");
        Matcher id = Pattern.compile("\"id\":\"([0-9a-f-]{36})\"").matcher(response.body());
        assertThat(id.find()).as("collection created: %s", response.body()).isTrue();
        return id.group(1);
    }

    /** Adds records with random vectors; the status, or 0 when the gateway could not be reached. */
    private static int add(ServerProcess gateway, String collection, List<String> ids, Random random) {
        StringBuilder body = new StringBuilder("{\"ids\":[");
        StringBuilder embeddings = new StringBuilder("],\"embeddings\":[");
        for (int i = 0; i < ids.size(); i++) {
            body.append(i == 0 ? "" : ",").append('"').append(ids.get(i)).append('"');
            embeddings.append(i == 0 ? "[" : ",[");
            for (int d = 0; d < DIMENSION; d++) {
                embeddings.append(d == 0 ? "" : ",").append(random.nextFloat());
            }
            embeddings.append(']');
        }
        body.append(embeddings).append("]}");
        try {
            return post(gateway, COLLECTIONS_PATH + "/" + collection + "/add", body.toString()).statusCode();
        } catch (IOException | InterruptedException e) {
            return 0;
        }
    }

    private static HttpResponse<String> query(ServerProcess gateway, String collection) throws Exception {
        return post(gateway, COLLECTIONS_PATH + "/" + collection + "/query",
                "{\"query_embeddings\":[[" + "0.5,".repeat(DIMENSION - 1) + "0.5]],\"n_results\":3}");
    }

    private static Set<String> ids(ServerProcess gateway, String collection) throws Exception {
        HttpResponse<String> response = post(gateway, COLLECTIONS_PATH + "/" + collection + "/get",
                "{\"limit\":1000000,\"include\":[]}");
        assertThat(response.statusCode()).as("get of %s: %s", collection, response.body()).isEqualTo(200);
        Set<String> ids = new HashSet<>();
        Matcher idsArray = Pattern.compile("\"ids\":\\[([^\\]]*)\\]").matcher(response.body());
        assertThat(idsArray.find()).as("ids in %s", response.body()).isTrue();
        Matcher id = Pattern.compile("\"([^\"]+)\"").matcher(idsArray.group(1));
        while (id.find()) {
            ids.add(id.group(1));
        }
        return ids;
    }

    private static HttpResponse<String> post(ServerProcess process, String path, String body)
            throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + process.port() + path))
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
                .build(), HttpResponse.BodyHandlers.ofString());
    }
}
