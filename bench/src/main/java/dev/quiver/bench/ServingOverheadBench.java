package dev.quiver.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Quiver's serving overhead in CPU time, which a busy machine disturbs far less than throughput: the CPU the
 * server's processes (JVM and embedded PostgreSQL) spend per query over HTTP, against the CPU Lucene's HNSW spends
 * per query called in this JVM on the same data with the same {@code k}. Wall-clock queries/s is printed beside it
 * as a secondary number.
 *
 * <p>Made for iterating on the query path: the server's loaded data directory is kept under the cache directory
 * (keyed by the data's shape), so a rerun with a rebuilt server jar starts on it and measures within a minute
 * instead of loading and indexing again. Not part of any test:
 *
 * <pre>
 * bench/serving-overhead.sh \
 *     [--vectors 50000] [--queries 3000] [--ef-search 80] [--clients 1,8] [--rounds 2] [--fresh]
 *     [--systems quiver,lucene] [--quiver-jvm "FLAGS"]
 * </pre>
 *
 * Each client level runs every query {@code --rounds} times after a warm-up pass, and each line reports the best
 * round (the one least disturbed by other work on the machine).
 */
public final class ServingOverheadBench {

    private static final String COLLECTION = "serving-overhead";
    private static final int K = 10;

    private ServingOverheadBench() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> flags = Flags.withDefaults("ServingOverheadBench", Flags.defaults("vectors", "50000",
                "queries", "3000", "ef-search", "80", "clients", "1,8", "rounds", "2", "systems", "quiver,lucene",
                "fresh", "false", "quiver-jvm", "", "cache-dir", "bench/target/cache", "server-jar",
                "server/target/quiver-server.jar"), args);
        int vectors = Integer.parseInt(flags.get("vectors"));
        int queries = Integer.parseInt(flags.get("queries"));
        int ef = Integer.parseInt(flags.get("ef-search"));
        int rounds = Integer.parseInt(flags.get("rounds"));
        List<Integer> clients = java.util.Arrays.stream(flags.get("clients").split(","))
                .map(Integer::parseInt).toList();
        List<String> systems = List.of(flags.get("systems").split(","));
        Path cache = Path.of(flags.get("cache-dir"));
        Path serverJar = Path.of(flags.get("server-jar"));
        List<String> jvm = Options.words(flags.get("quiver-jvm"));

        Dataset data = Dataset.gaussian(42, vectors, queries, 128, 64, 0.6);
        GroundTruth truth = GroundTruth.load(data, Space.L2, K, null, 42, cache.resolve("ground-truth"));
        var spec = new IndexSpec(128, Space.L2, 16, 100, IndexSpec.Quantization.NONE);
        System.out.printf("machine: %d cores, load average %.2f; %,d x 128 vectors, %,d queries, ef_search %d%n",
                Runtime.getRuntime().availableProcessors(), loadAverage(), vectors, queries, ef);
        System.out.printf("%-8s %7s %10s %10s %12s %9s %8s%n", "system", "clients", "cpu ms/q", "queries/s",
                "bench ms/q", "recall", "load");
        for (String system : systems) {
            switch (system) {
                case "quiver" -> quiver(data, truth, spec, ef, clients, rounds, cache.resolve("serving-overhead")
                        .resolve("quiver-n" + vectors), serverJar, jvm, Boolean.parseBoolean(flags.get("fresh")));
                case "lucene" -> lucene(data, truth, spec, ef, clients, rounds);
                default -> throw new IllegalArgumentException("unknown system " + system);
            }
        }
    }

    private static void quiver(Dataset data, GroundTruth truth, IndexSpec spec, int ef, List<Integer> clients,
            int rounds, Path home, Path serverJar, List<String> jvm, boolean fresh) throws Exception {
        if (fresh) {
            ChromaApiEngine.deleteTree(home);
        }
        Path dataDir = home.resolve("data");
        boolean loaded = Files.isRegularFile(home.resolve("loaded"));
        Files.createDirectories(dataDir);
        var launcher = new ServerLauncher.Quiver(serverJar, ChromaApiEngine.API_KEY, jvm);
        int port = ServerLauncher.Processes.freePort();
        Path log = home.resolve("server.log");
        long pid = launcher.start(port, dataDir, log);
        try {
            var client = new ChromaClient(URI.create("http://127.0.0.1:" + port), "default_tenant",
                    "default_database", ChromaApiEngine.API_KEY);
            String collection;
            if (loaded) {
                collection = client.collectionId(COLLECTION);
            } else {
                collection = client.createCollection(COLLECTION, spec.space(),
                        Map.of("max_neighbors", spec.maxNeighbors(), "ef_construction", spec.efConstruction()));
                int batches = Math.ceilDiv(data.size(), 1000);
                BenchmarkRun.runConcurrently(4, batches, b -> client.add(collection, ChromaClient.addBody(
                        data.vectors(), b * 1000, Math.min(b * 1000 + 1000, data.size()))));
            }
            client.efSearch(collection, ef);
            byte[] probe = ChromaClient.queryBody(data.queries()[0], K);
            long deadline = System.nanoTime() + 600_000_000_000L;
            while (!queryable(client, collection, data.size(), probe)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("not queryable in 10 minutes");
                }
                Thread.sleep(100);
            }
            Files.writeString(home.resolve("loaded"), collection);
            // Graph merges after a large load run for minutes; measured during them, a query would pay for them.
            if (!ServerProbe.awaitIdle(pid, Duration.ofMinutes(30))) {
                System.out.println("[serving-overhead] the server did not settle within 30 minutes; measuring anyway");
            }
            var bodies = new byte[data.queries().length][];
            for (int q = 0; q < bodies.length; q++) {
                bodies[q] = ChromaClient.queryBody(data.queries()[q], K);
            }
            long postmaster = ServerLauncher.Processes.postmasterPid(dataDir.resolve("postgres"));
            measure("quiver", truth, clients, rounds, bodies.length, q -> client.query(collection, bodies[q]),
                    () -> ServerProbe.treeCpuSeconds(pid)
                            + (postmaster > 0 ? ServerProbe.treeCpuSeconds(postmaster) : 0.0));
        } finally {
            launcher.stop(pid, log);
        }
    }

    private static boolean queryable(ChromaClient client, String collection, int size, byte[] probe) {
        try {
            return client.count(collection) == size && client.query(collection, probe).indexes().length == K;
        } catch (RuntimeException e) {
            // A count waits for indexing to catch up with every acknowledged write; after a large load that outlasts
            // one request's timeout (a 503, or the client's own timeout). Not queryable yet.
            return false;
        }
    }

    private static void lucene(Dataset data, GroundTruth truth, IndexSpec spec, int ef, List<Integer> clients,
            int rounds) throws Exception {
        Path work = Files.createTempDirectory("serving-overhead-");
        try (var engine = new LuceneEngine()) {
            engine.start(work);
            engine.create(spec);
            Engine.Loader loader = engine.loader(data, 1000);
            BenchmarkRun.runConcurrently(2, loader.batches(), loader::send);
            while (!engine.queryable(data.size(), data.queries()[0], K)) {
                Thread.sleep(100);
            }
            engine.efSearch(ef);
            Engine.Searcher searcher = engine.searcher(data.queries(), K, null);
            measure("lucene", truth, clients, rounds, searcher.queries(), searcher::query,
                    ServerProbe::ownCpuSeconds);
        } finally {
            ChromaApiEngine.deleteTree(work);
        }
    }

    private static void measure(String system, GroundTruth truth, List<Integer> clients, int rounds, int queries,
            java.util.function.IntFunction<Answer> query, java.util.function.DoubleSupplier systemCpu) {
        int warmupClients = java.util.Collections.max(clients);
        BenchmarkRun.runConcurrently(warmupClients, queries, query::apply);
        for (int level : clients) {
            double bestCpu = Double.MAX_VALUE;
            double bestQps = 0;
            double bestBench = 0;
            double recall = 0;
            for (int round = 0; round < rounds; round++) {
                var answers = new Answer[queries];
                double cpuBefore = systemCpu.getAsDouble();
                double benchBefore = ServerProbe.ownCpuSeconds();
                long start = System.nanoTime();
                BenchmarkRun.runConcurrently(level, queries, q -> answers[q] = query.apply(q));
                long elapsed = System.nanoTime() - start;
                double cpu = (systemCpu.getAsDouble() - cpuBefore) * 1000 / queries;
                double bench = (ServerProbe.ownCpuSeconds() - benchBefore) * 1000 / queries;
                if (cpu < bestCpu) {
                    bestCpu = cpu;
                    bestQps = queries / (elapsed / 1e9);
                    bestBench = bench;
                }
                double sum = 0;
                for (int q = 0; q < queries; q++) {
                    sum += truth.recall(q, answers[q].indexes());
                }
                recall = sum / queries;
                if (rounds > 1) {
                    System.out.printf("%-8s %7s %10.3f %10.1f %12.3f%n", "", "round " + (round + 1), cpu,
                            queries / (elapsed / 1e9), bench);
                }
            }
            System.out.printf("%-8s %7d %10.3f %10.1f %12.3f %9.4f %8.2f%n", system, level, bestCpu, bestQps,
                    bestBench, recall, loadAverage());
        }
    }

    private static double loadAverage() {
        try {
            return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
