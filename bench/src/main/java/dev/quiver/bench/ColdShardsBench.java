package dev.quiver.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Many small tenants on one Quiver process: {@code java -cp quiver-bench.jar dev.quiver.bench.ColdShardsBench}
 * (or {@code bench/cold-shards.sh}). Starts the standalone jar with a short idle time and a local disk budget of 1 KB,
 * so a shard closes a few seconds after its last use and its local files are deleted once its checkpoint holds them.
 *
 * <ol>
 *   <li>Creates {@code --collections} collections of {@code --records} records each and waits until every shard has
 *       closed: resident memory then holds no shard.
 *   <li>Touches {@code --touch} collections at a time ({@code --rounds} times, different ones each round), one query
 *       each, and reads the process's resident set, heap after a full collection, and open shards while they are
 *       open, then again once they have closed. Memory follows the touched shards, not the 10,000.
 *   <li>Loads {@code --large} collections of {@code --large-records} records, waits until each is closed and its
 *       local directory deleted (evicted), then times the first query of each (download, open, replay) and a second
 *       one (warm): p50 and p99 over the collections.
 * </ol>
 * Prints a table and writes the numbers as JSON under {@code --results-dir}. Seeded; loopback only.
 */
public final class ColdShardsBench {

    private static final String TENANT = "default_tenant";
    private static final String DATABASE = "default_database";
    private static final int DIMENSION = 32;
    private static final Duration IDLE = Duration.ofSeconds(3);
    private static final Pattern RSS = Pattern.compile("VmRSS:\\s+(\\d+) kB");

    private final Map<String, String> options;
    private final List<Map<String, Object>> rounds = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private ChromaClient client;
    private int port;
    private long pid;
    private Path dataDir;

    private ColdShardsBench(Map<String, String> options) {
        this.options = options;
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = Flags.withDefaults("ColdShardsBench", Flags.defaults("collections", "10000",
                "records", "5", "touch", "100", "rounds", "3", "large", "5", "large-records", "10000",
                "server-jar", "server/target/quiver-server.jar", "results-dir", "bench/results", "threads", "4"),
                args);
        new ColdShardsBench(options).run();
    }

    private int option(String name) {
        return Integer.parseInt(options.get(name));
    }

    private void run() throws Exception {
        dataDir = Files.createTempDirectory("quiver-cold-shards");
        Path logFile = Path.of(options.get("results-dir")).toAbsolutePath().resolve("cold-shards-server.log");
        port = ServerLauncher.Processes.freePort();
        var launcher = new ServerLauncher.Quiver(Path.of(options.get("server-jar")), ChromaApiEngine.API_KEY,
                List.of("-Dquiver.search.close-after-idle=" + IDLE.toSeconds() + "s",
                        "-Dquiver.search.local-disk-budget=1KB",
                        "-Dquiver.search.commit-interval=1s"));
        pid = launcher.start(port, dataDir, logFile);
        client = new ChromaClient(URI.create("http://127.0.0.1:" + port), TENANT, DATABASE,
                ChromaApiEngine.API_KEY);
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("startedAt", Instant.now().toString());
        result.put("options", options);
        try {
            List<String> small = createSmall(option("collections"), option("records"));
            awaitClosed();
            Map<String, Object> idle = sample("all closed");
            result.put("idle", idle);
            for (int round = 0; round < option("rounds"); round++) {
                List<String> touched = small.subList(round * option("touch"),
                        Math.min(small.size(), (round + 1) * option("touch")));
                for (String id : touched) {
                    client.query(id, ChromaClient.queryBody(vector(new Random(round), DIMENSION), 3));
                }
                rounds.add(sample("round " + round + ": " + touched.size() + " touched, open"));
                awaitClosed();
                rounds.add(sample("round " + round + ": closed again"));
            }
            result.put("touch", rounds);
            result.put("coldQuery", coldQueries(option("large"), option("large-records")));
        } finally {
            launcher.stop(pid, logFile);
            deleteRecursively(dataDir);
        }
        print(result);
        Path json = Path.of(options.get("results-dir")).resolve("cold-shards-"
                + Instant.now().toString().replace(":", "").replaceAll("\\..*", "") + ".json");
        Files.createDirectories(json.getParent());
        Files.write(json, ChromaClient.JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(result));
        System.out.println("result  " + json);
    }

    /** Creates the small collections on a few threads, each with its records; returns their ids in order. */
    private List<String> createSmall(int collections, int records) throws Exception {
        long started = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(option("threads"));
        try {
            List<Future<String>> created = new ArrayList<>(collections);
            for (int i = 0; i < collections; i++) {
                int index = i;
                created.add(pool.submit(() -> {
                    String id = client.createCollection("small-" + index, Space.L2, Map.of());
                    client.add(id, ChromaClient.addBody(vectors(new Random(index), records), 0, records));
                    return id;
                }));
            }
            List<String> ids = new ArrayList<>(collections);
            for (Future<String> id : created) {
                ids.add(id.get(10, TimeUnit.MINUTES));
            }
            System.out.printf("created %d collections of %d records in %d s%n", collections, records,
                    TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started));
            return ids;
        } finally {
            pool.shutdown();
        }
    }

    /**
     * The cold first query: each large collection is loaded, left until its shard closed and its local files were
     * evicted, then queried twice. Returns the latencies and their p50/p99.
     */
    private Map<String, Object> coldQueries(int collections, int records) throws Exception {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < collections; i++) {
            String id = client.createCollection("large-" + i, Space.L2, Map.of());
            float[][] vectors = vectors(new Random(1_000 + i), records);
            for (int from = 0; from < records; from += 1000) {
                client.add(id, ChromaClient.addBody(vectors, from, Math.min(records, from + 1000)));
            }
            if (client.count(id) != records) {
                throw new IllegalStateException("collection " + id + " does not hold " + records + " records");
            }
            ids.add(id);
        }
        for (String id : ids) {
            // Shard 0 of the collection: a shard's files live in <shards>/<collection>/<shard>.
            Path shard = dataDir.resolve("shards").resolve(id).resolve("0");
            await("collection " + id + " evicted", () -> !Files.exists(shard), Duration.ofMinutes(5));
        }
        double[] cold = new double[ids.size()];
        double[] warm = new double[ids.size()];
        Random random = new Random(7);
        for (int i = 0; i < ids.size(); i++) {
            byte[] query = ChromaClient.queryBody(vector(random, DIMENSION), 10);
            long started = System.nanoTime();
            Answer answer = client.query(ids.get(i), query);
            cold[i] = (System.nanoTime() - started) / 1e6;
            started = System.nanoTime();
            client.query(ids.get(i), query);
            warm[i] = (System.nanoTime() - started) / 1e6;
            if (answer.indexes().length != 10) {
                throw new IllegalStateException("a cold query answered " + answer.indexes().length + " hits");
            }
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("collections", ids.size());
        result.put("records", records);
        result.put("coldMillis", cold);
        result.put("warmMillis", warm);
        result.put("coldP50Millis", percentile(cold, 0.50));
        result.put("coldP99Millis", percentile(cold, 0.99));
        result.put("warmP50Millis", percentile(warm, 0.50));
        result.put("evicted", metric("quiver_search_shards_evicted_total"));
        return result;
    }

    private void awaitClosed() {
        await("every shard closed", () -> metric("quiver_search_shards_open") == 0, Duration.ofMinutes(10));
    }

    /** Resident set, heap after a full collection, open shards and their heap, local shard disk, now. */
    private Map<String, Object> sample(String label) throws Exception {
        ServerProbe.collectGarbage(pid);
        Map<String, Object> sample = new LinkedHashMap<>();
        sample.put("label", label);
        Matcher rss = RSS.matcher(Files.readString(Path.of("/proc", Long.toString(pid), "status")));
        sample.put("rssMiB", rss.find() ? Long.parseLong(rss.group(1)) / 1024.0 : -1);
        sample.put("heapUsedMiB", metricSum("jvm_memory_used_bytes", "area=\"heap\"") / (1024 * 1024));
        sample.put("openShards", metric("quiver_search_shards_open"));
        sample.put("shardHeapMiB", metric("quiver_search_shards_heap_bytes") / (1024 * 1024));
        sample.put("localShardDiskMiB", metric("quiver_search_shards_local_disk_bytes") / (1024 * 1024));
        System.out.println(sample);
        return sample;
    }

    private double metric(String name) {
        return metricSum(name, "");
    }

    /** The sum of the samples of {@code name} whose labels contain {@code label}, from the Prometheus scrape. */
    private double metricSum(String name, String label) {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/prometheus"))
                .timeout(Duration.ofSeconds(30)).build();
        String body;
        try {
            body = http.send(request, HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot scrape the server's metrics", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        double sum = 0;
        for (String line : body.split("\n")) {
            if ((line.startsWith(name + " ") || line.startsWith(name + "{")) && line.contains(label)) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }

    private static void await(String what, BooleanSupplier condition, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out after " + timeout + " waiting for: " + what);
            }
            ServerLauncher.Processes.sleep(Duration.ofMillis(250));
        }
    }

    private static void deleteRecursively(Path directory) throws IOException {
        try (var files = Files.walk(directory)) {
            for (Path file : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        }
    }

    private static double percentile(double[] values, double quantile) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(quantile * sorted.length) - 1)];
    }

    private static float[][] vectors(Random random, int count) {
        float[][] vectors = new float[count][];
        for (int i = 0; i < count; i++) {
            vectors[i] = vector(random, DIMENSION);
        }
        return vectors;
    }

    private static float[] vector(Random random, int dimension) {
        float[] vector = new float[dimension];
        for (int i = 0; i < dimension; i++) {
            vector[i] = random.nextFloat();
        }
        return vector;
    }

    private static void print(Map<String, Object> result) {
        System.out.println();
        System.out.printf("%-40s %10s %10s %8s %10s%n", "phase", "RSS MiB", "heap MiB", "open", "disk MiB");
        List<Object> samples = new ArrayList<>();
        samples.add(result.get("idle"));
        samples.addAll((List<?>) result.get("touch"));
        for (Object value : samples) {
            Map<?, ?> sample = (Map<?, ?>) value;
            System.out.printf("%-40s %10.0f %10.0f %8.0f %10.1f%n", sample.get("label"), sample.get("rssMiB"),
                    sample.get("heapUsedMiB"), sample.get("openShards"), sample.get("localShardDiskMiB"));
        }
        Map<?, ?> cold = (Map<?, ?>) result.get("coldQuery");
        System.out.printf("%nfirst query of a closed, evicted %s-record collection over %s collections: p50 %.0f ms, "
                + "p99 %.0f ms (warm p50 %.1f ms)%n", cold.get("records"), cold.get("collections"),
                cold.get("coldP50Millis"), cold.get("coldP99Millis"), cold.get("warmP50Millis"));
    }
}
