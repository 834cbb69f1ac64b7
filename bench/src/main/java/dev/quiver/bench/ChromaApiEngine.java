package dev.quiver.bench;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import org.jspecify.annotations.Nullable;

/**
 * A server driven through the Chroma v2 HTTP API by the same client code, whichever it is: Quiver or the real
 * Chroma server. Only the launcher differs, so both are measured by identical requests. Memory and disk are read
 * from outside the process ({@code /proc} and the data directory), the same way for both.
 */
final class ChromaApiEngine implements Engine {

    private static final String TENANT = "default_tenant";
    private static final String DATABASE = "default_database";

    /**
     * The key every request of the run carries: a fresh random one, in Quiver's key format ({@code qk_} and 32
     * base64url characters), so no secret lives in the repository.
     */
    static final String API_KEY = newApiKey();
    private static final int REOPEN_WARMUP_QUERIES = 50;

    private final String name;
    private final ServerLauncher launcher;
    private @Nullable Path dataDir;
    private @Nullable Path logFile;
    private int port;
    private long pid;
    /** Where the server's processes start, once {@link #restartIn} confined them; null before. */
    private @Nullable MemoryCgroup group;
    private @Nullable ChromaClient client;
    private @Nullable String collectionId;
    private String version = "";
    /** The readiness probe, reused to wait for Chroma after the restart that applies a new ef_search. */
    private float @Nullable [] lastProbe;
    private int probeK;

    ChromaApiEngine(String name, ServerLauncher launcher) {
        this.name = requireNonNull(name, "name is null");
        this.launcher = requireNonNull(launcher, "launcher is null");
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void start(Path workDir) throws Unavailable {
        Path home = workDir.resolve(name);
        dataDir = home.resolve("data");
        logFile = home.resolve("server.log");
        try {
            Files.createDirectories(dataDir);
        } catch (IOException e) {
            throw new Unavailable("cannot create " + dataDir, e);
        }
        port = ServerLauncher.Processes.freePort();
        pid = launcher.start(port, dataDir, logFile);
        client = new ChromaClient(URI.create("http://127.0.0.1:" + port), TENANT, DATABASE, API_KEY);
        version = "API " + client.version() + processVersion();
    }

    /** Which build of the server answers: Quiver's jar manifest or Chroma's package, as far as we can tell. */
    private String processVersion() {
        return switch (launcher) {
            case ServerLauncher.Quiver quiver -> ", " + quiver.serverJar().getFileName();
            case ServerLauncher.Chroma chroma -> ", chromadb 3.5.0 npm package (chroma 1.4.4 server)";
        };
    }

    @Override
    public String version() {
        return version;
    }

    @Override
    public String notes() {
        String common = "HTTP/1.1 Chroma v2 API; base64 float32 embeddings on add, JSON arrays on query";
        return launcher instanceof ServerLauncher.Chroma
                ? common + "; restarted after each ef_search change, which Chroma applies only when it reopens the index"
                : common;
    }

    @Override
    public void create(IndexSpec spec) {
        var hnsw = new LinkedHashMap<String, Object>();
        hnsw.put("max_neighbors", spec.maxNeighbors());
        hnsw.put("ef_construction", spec.efConstruction());
        if (spec.quantization() != IndexSpec.Quantization.NONE) {
            hnsw.put("quantization", spec.quantization().wireName());
        }
        collectionId = client().createCollection("bench-" + System.currentTimeMillis(), spec.space(), hnsw);
    }

    /** Chroma stores float32 only; Quiver quantizes on request. */
    @Override
    public java.util.Optional<String> findUnsupportedReason(IndexSpec spec) {
        return spec.quantization() == IndexSpec.Quantization.NONE || launcher instanceof ServerLauncher.Quiver
                ? java.util.Optional.empty()
                : java.util.Optional.of("Chroma has no " + spec.quantization().wireName() + " vectors");
    }

    @Override
    public Loader loader(Dataset data, int batchSize) {
        int batches = Math.ceilDiv(data.size(), batchSize);
        var bodies = new byte[batches][];
        for (int b = 0; b < batches; b++) {
            int from = b * batchSize;
            bodies[b] = ChromaClient.addBody(data.vectors(), from, Math.min(from + batchSize, data.size()));
        }
        ChromaClient client = client();
        String collection = collection();
        return Loader.of(bodies.length, batch -> client.add(collection, bodies[batch]));
    }

    @Override
    public boolean queryable(long expectedCount, float[] probe, int k) {
        lastProbe = probe;
        probeK = k;
        return client().count(collection()) == expectedCount
                && client().query(collection(), ChromaClient.queryBody(probe, k)).indexes().length == k;
    }

    /**
     * Changes {@code ef_search} as a Chroma user does. The real Chroma server stores the new value but keeps
     * searching its open index with the old one until it reopens it (measured: recall did not move between
     * ef_search 10 and 160), so for Chroma the change is followed by a restart and a short warm-up.
     */
    @Override
    public void efSearch(int ef) {
        client().efSearch(collection(), ef);
        if (launcher instanceof ServerLauncher.Chroma) {
            float[] probe = lastProbe;
            if (probe == null) {
                throw new IllegalStateException("efSearch before the collection was queryable");
            }
            restart(probe, probeK);
            byte[] body = ChromaClient.queryBody(probe, probeK);
            for (int i = 0; i < REOPEN_WARMUP_QUERIES; i++) {
                client().query(collection(), body);
            }
        }
    }

    @Override
    public Searcher searcher(float[][] queries, int k, @Nullable Filter filter) {
        var bodies = new byte[queries.length][];
        for (int q = 0; q < queries.length; q++) {
            bodies[q] = ChromaClient.queryBody(queries[q], k, filter);
        }
        ChromaClient client = client();
        String collection = collection();
        return Searcher.of(bodies.length, query -> client.query(collection, bodies[query]));
    }

    @Override
    public Resources resources() {
        if (launcher instanceof ServerLauncher.Quiver) {
            collectGarbage();
        }
        long postmaster = postmaster();
        return new Resources(sum(ServerProbe.processTreePssBytes(pid),
                        postmaster > 0 ? ServerProbe.processTreePssBytes(postmaster) : Long.valueOf(0)),
                dataDir == null ? null : ServerProbe.directoryBytes(dataDir),
                dataDir == null ? null : ServerProbe.processTreeMappedPssBytes(pid, dataDir));
    }

    private void collectGarbage() {
        try {
            ServerProbe.collectGarbage(pid);
        } catch (IOException e) {
            // jcmd could not start: the sample is taken with whatever garbage the heap holds.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public @Nullable Double cpuSeconds() {
        long postmaster = postmaster();
        return sum(ServerProbe.treeCpuSeconds(pid), postmaster > 0 ? ServerProbe.treeCpuSeconds(postmaster) : 0.0);
    }

    /**
     * Quiver's embedded PostgreSQL detaches from the JVM (pg_ctl daemonizes it), so it is not among the JVM's
     * descendants; it is found through its pid file and counted as part of Quiver. -1 for Chroma.
     */
    private long postmaster() {
        return launcher instanceof ServerLauncher.Quiver && dataDir != null
                ? ServerLauncher.Processes.postmasterPid(dataDir.resolve("postgres")) : -1;
    }

    @Override
    public double restart(float[] probe, int k) {
        return restart(probe, k, false);
    }

    @Override
    public double restartIn(MemoryCgroup group, float[] probe, int k) {
        this.group = group;
        return restart(probe, k, true);
    }

    private double restart(float[] probe, int k, boolean coldPageCache) {
        launcher.stop(pid, logFile);
        if (coldPageCache) {
            MemoryCgroup.dropPageCache();
        }
        long start = System.nanoTime();
        try {
            pid = launcher.start(port, dataDir, logFile, group);
        } catch (Unavailable e) {
            throw new IllegalStateException("the server did not come back after a restart: " + e.getMessage(), e);
        }
        byte[] body = ChromaClient.queryBody(probe, k);
        while (true) {
            try {
                if (client().query(collection(), body).indexes().length == k) {
                    return (System.nanoTime() - start) / 1e9;
                }
            } catch (RuntimeException e) {
                // Recovering: a server may answer 503 until its index is back.
            }
            if (System.nanoTime() - start > ServerLauncher.READY_TIMEOUT.toNanos()) {
                throw new IllegalStateException("no answer within " + ServerLauncher.READY_TIMEOUT + " of a restart");
            }
            ServerLauncher.Processes.sleep(java.time.Duration.ofMillis(20));
        }
    }

    @Override
    public void close() {
        try {
            if (pid > 0 && logFile != null) {
                launcher.stop(pid, logFile);
            }
        } catch (RuntimeException e) {
            System.err.println("warning: could not stop " + name + ": " + e.getMessage());
        }
        if (dataDir != null) {
            deleteTree(dataDir);
        }
    }

    private static @Nullable Long sum(@Nullable Long server, @Nullable Long database) {
        return server == null ? null : server + (database == null ? 0 : database);
    }

    private static @Nullable Double sum(@Nullable Double server, @Nullable Double database) {
        return server == null ? null : server + (database == null ? 0 : database);
    }

    static void deleteTree(Path root) {
        try (var paths = Files.walk(root)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            System.err.println("warning: could not delete " + root + ": " + e.getMessage());
        }
    }

    private ChromaClient client() {
        if (client == null) {
            throw new IllegalStateException(name + " is not started");
        }
        return client;
    }

    private String collection() {
        if (collectionId == null) {
            throw new IllegalStateException(name + " has no collection yet");
        }
        return collectionId;
    }

    private static String newApiKey() {
        var bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        return "qk_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
