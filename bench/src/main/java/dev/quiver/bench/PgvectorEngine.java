package dev.quiver.bench;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * PostgreSQL with pgvector's HNSW index, the "pgvector" peer: a throwaway cluster of its own, started by
 * {@code tools/pgvector/start.sh} on a free loopback port and queried over JDBC, the way an application would use it.
 *
 * <p>The table is {@code items (id, bucket, embedding)} with the record index as id; the HNSW index exists before the
 * first row, so rows are indexed as they are inserted (online), as in the other systems; or, built after the load,
 * the way pgvector's documentation advises to bulk-load, by one CREATE INDEX in {@link #finishLoad}. Each batch is one
 * multi-row INSERT in its own transaction, acknowledged after its commit is flushed (fsync and synchronous_commit
 * on). Filtered queries use pgvector 0.8's iterative index scans in strict order, so a selective filter still
 * returns k rows, nearest first.
 *
 * <p>The engine does not install anything: {@code tools/pgvector/install.sh} must have run once on the machine,
 * else {@link #start} reports the engine unavailable.
 *
 * <p>Thread-safety: the life-cycle methods are called by one runner thread. {@link Loader#send} and
 * {@link Searcher#query} run on many client threads at once; each borrows a connection of its own from a pool that
 * grows to the number of concurrent callers (at most {@link #MAX_CONNECTIONS}).
 */
final class PgvectorEngine implements Engine {

    /** Well under the server's max_connections (100), which also serves the runner's own connection. */
    static final int MAX_CONNECTIONS = 64;

    /** pgvector's default hnsw.ef_search, which a new session has until {@link #efSearch} changes it. */
    private static final int DEFAULT_EF_SEARCH = 40;

    /** initdb, a checkpoint at shutdown or crash recovery at start fit easily; a hung script does not block a run. */
    private static final Duration SCRIPT_TIMEOUT = Duration.ofMinutes(5);
    private static final Duration ACQUIRE_TIMEOUT = Duration.ofMinutes(2);
    private static final Duration QUERYABLE_AFTER_RESTART_TIMEOUT = Duration.ofMinutes(5);
    /** An index built after the load takes minutes at 1M rows on two cores; a hung build must still end. */
    private static final Duration INDEX_BUILD_TIMEOUT = Duration.ofHours(3);
    /**
     * The build's graph must fit in maintenance_work_mem, or pgvector builds the rest far more slowly on disk:
     * 1M x 128 floats with m 16 take about 1.3 GB. Set for the building session only.
     */
    private static final String INDEX_BUILD_MEMORY = "4GB";

    private final boolean indexAfterLoad;

    private final Path toolsDir;

    // Runner thread only, except where noted.
    private @Nullable Path baseDir;
    private @Nullable Path clusterDir;
    private int port;
    private long postmasterPid;
    private @Nullable String version;
    private @Nullable IndexSpec spec;
    private @Nullable Thread shutdownHook;

    /** Replaced by {@link #restart}; read by client threads, so searchers made before a restart keep working. */
    private volatile @Nullable ConnectionPool pool;

    /** The beam every following query runs with; client threads compare it with their session's setting. */
    private volatile int efSearch = DEFAULT_EF_SEARCH;

    /** An engine whose scripts are in {@code tools/pgvector} under the working directory (the repository root). */
    PgvectorEngine() {
        this(Path.of("tools", "pgvector"), false);
    }

    /**
     * An engine whose {@code install.sh}, {@code start.sh} and {@code stop.sh} are in {@code toolsDir}, which
     * builds its HNSW index after the load when {@code indexAfterLoad}, else before the first row.
     */
    PgvectorEngine(Path toolsDir, boolean indexAfterLoad) {
        this.toolsDir = requireNonNull(toolsDir, "toolsDir is null").toAbsolutePath().normalize();
        this.indexAfterLoad = indexAfterLoad;
    }

    @Override
    public String name() {
        return "pgvector";
    }

    /**
     * Steps: 1. check that the scripts exist; 2. make a folder of our own under {@code workDir} for the cluster, its
     * log, its pid file and the scripts' output (which step 3 already writes); 3. check that pgvector is installed
     * ({@code install.sh --check}), since installing needs root and is not the benchmark's business; 4. start a new
     * cluster on a free port; 5. open the pool and read the versions. Any failure deletes the folder again.
     */
    @Override
    public void start(Path workDir) throws Unavailable {
        requireNonNull(workDir, "workDir is null");
        if (baseDir != null) {
            throw new IllegalStateException("already started in " + baseDir);
        }
        for (String script : List.of("install.sh", "start.sh", "stop.sh")) {
            if (!Files.isRegularFile(toolsDir.resolve(script))) {
                throw new Unavailable("pgvector scripts not found: no " + toolsDir.resolve(script)
                        + " (run the benchmark from the repository root)");
            }
        }
        Path base;
        try {
            Files.createDirectories(workDir);
            base = Files.createTempDirectory(workDir.toAbsolutePath(), "pgvector-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a folder for PostgreSQL under " + workDir, e);
        }
        baseDir = base;
        clusterDir = base.resolve("cluster");
        try {
            int installed;
            try {
                installed = runScript("install.sh", "--check");
            } catch (UncheckedIOException e) {
                throw new Unavailable("cannot run the pgvector scripts with bash: " + e.getCause().getMessage(), e);
            }
            if (installed != 0) {
                throw new Unavailable("pgvector is not installed; run tools/pgvector/install.sh as root once ("
                        + lastScriptLines(1) + ")");
            }
            port = freeLoopbackPort();
            startCluster();
            pool = new ConnectionPool(port);
            version = readVersion();
        } catch (Unavailable | RuntimeException e) {
            close();
            throw e;
        }
        // A runner that dies without close() must not leave a server running: stop it when the JVM exits.
        Thread hook = new Thread(this::stopClusterQuietly, "pgvector-stop-" + port);
        Runtime.getRuntime().addShutdownHook(hook);
        shutdownHook = hook;
    }

    @Override
    public String version() {
        return requireNonNull(version, "not started");
    }

    @Override
    public String notes() {
        return (indexAfterLoad
                ? "rows loaded into an unindexed table, then one CREATE INDEX (maintenance_work_mem "
                        + INDEX_BUILD_MEMORY + ", PostgreSQL's default parallel workers), so load rec/s counts the"
                        + " inserts only and ready-after includes the build; one multi-row INSERT per batch"
                : "rows indexed online, one multi-row INSERT per batch")
                + " committed durably (fsync, synchronous_commit on), text vector literals over JDBC; filtered"
                + " queries take the plan PostgreSQL's planner picks"
                + " (HNSW scan with hnsw.iterative_scan = strict_order and the default hnsw.max_scan_tuples 20000,"
                + " or the bucket btree with an exact sort); ef_search capped at 1000 by pgvector; l2 distance ="
                + " (<->)^2; disk includes the WAL (pg_wal, up to max_wal_size 1GB between checkpoints)";
    }

    @Override
    public Optional<String> findUnsupportedReason(IndexSpec spec) {
        if (spec.quantization() != IndexSpec.Quantization.NONE) {
            return Optional.of("pgvector has no int8 vectors (its halfvec is float16)");
        }
        if (spec.dim() > 2000) {
            return Optional.of("pgvector's HNSW indexes vectors of at most 2,000 dimensions: " + spec.dim());
        }
        return Optional.empty();
    }

    /**
     * Creates the table and its indexes while it is empty: HNSW with the spec's m and ef_construction (unless it is
     * built after the load), and a btree on bucket, which a real deployment that filters on it would have.
     */
    @Override
    public void create(IndexSpec spec) {
        requireNonNull(spec, "spec is null");
        findUnsupportedReason(spec).ifPresent(reason -> {
            throw new IllegalArgumentException(reason);
        });
        if (this.spec != null) {
            throw new IllegalStateException("the collection exists already: " + this.spec);
        }
        ConnectionPool current = requirePool();
        PooledConnection connection = current.acquire();
        try (Statement statement = connection.connection().createStatement()) {
            statement.execute(PgvectorSql.createTable(spec.dim()));
            if (!indexAfterLoad) {
                statement.execute(PgvectorSql.createHnswIndex(spec));
            }
            statement.execute(PgvectorSql.CREATE_BUCKET_INDEX);
            current.release(connection);
        } catch (SQLException e) {
            current.discard(connection);
            throw new IllegalStateException("cannot create the table for " + spec, e);
        }
        this.spec = spec;
    }

    @Override
    public Loader loader(Dataset data, int batchSize) {
        IndexSpec current = requireSpec();
        if (data.dim() != current.dim()) {
            throw new IllegalArgumentException("data has dim " + data.dim() + ", the table " + current.dim());
        }
        if (batchSize < 1 || batchSize > PgvectorSql.MAX_ROWS_PER_INSERT) {
            throw new IllegalArgumentException(
                    "batchSize must be in [1, " + PgvectorSql.MAX_ROWS_PER_INSERT + "]: " + batchSize);
        }
        float[][] vectors = data.vectors();
        int count = vectors.length;
        var literals = new String[count];
        // Encoding 10⁵ vectors to text takes seconds on one core; it is before the clock, but need not be slow.
        IntStream.range(0, count).parallel().forEach(i -> literals[i] = PgvectorSql.vectorLiteral(vectors[i]));
        var buckets = new int[count];
        for (int i = 0; i < count; i++) {
            buckets[i] = Dataset.bucket(i);
        }
        int batches = (count + batchSize - 1) / batchSize;
        String fullInsert = PgvectorSql.insert(batchSize);
        int lastRows = count - (batches - 1) * batchSize;
        String lastInsert = lastRows == batchSize ? fullInsert : PgvectorSql.insert(lastRows);
        return Loader.of(batches, batch -> {
            if (batch < 0 || batch >= batches) {
                throw new IllegalArgumentException("batch must be in [0, " + batches + "): " + batch);
            }
            int first = batch * batchSize;
            int rows = Math.min(batchSize, count - first);
            ConnectionPool pool = requirePool();
            PooledConnection connection = pool.acquire();
            // pgjdbc caches the parsed statement by its text, and prepares it on the server after a few uses.
            try (PreparedStatement insert = connection.connection().prepareStatement(
                    batch == batches - 1 ? lastInsert : fullInsert)) {
                for (int row = 0, parameter = 1; row < rows; row++) {
                    insert.setInt(parameter++, first + row);
                    insert.setInt(parameter++, buckets[first + row]);
                    insert.setObject(parameter++, literals[first + row], Types.OTHER);
                }
                insert.executeUpdate();
                pool.release(connection);
            } catch (SQLException e) {
                pool.discard(connection);
                throw new IllegalStateException("insert of batch " + batch + " failed", e);
            }
        });
    }

    /** Builds the HNSW index when it was deferred until the rows are in; nothing otherwise. */
    @Override
    public void finishLoad() {
        if (!indexAfterLoad) {
            return;
        }
        IndexSpec current = requireSpec();
        ConnectionPool connections = requirePool();
        PooledConnection connection = connections.acquire();
        try {
            // The pool's socket timeout is for statements that take seconds; a build outlasts it.
            connection.connection().setNetworkTimeout(Runnable::run, (int) INDEX_BUILD_TIMEOUT.toMillis());
            try (Statement statement = connection.connection().createStatement()) {
                statement.execute("SET maintenance_work_mem = '" + INDEX_BUILD_MEMORY + "'");
                statement.execute(PgvectorSql.createHnswIndex(current));
                // The planner needs the table's statistics to choose the index for a filtered query.
                statement.execute("ANALYZE items");
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot build the HNSW index after the load", e);
        } finally {
            // Its session settings and timeout are not those of a query connection.
            connections.discard(connection);
        }
    }

    @Override
    public boolean queryable(long expectedCount, float[] probe, int k) {
        IndexSpec current = requireSpec();
        ConnectionPool connections = requirePool();
        PooledConnection connection = connections.acquire();
        try {
            long count;
            try (Statement statement = connection.connection().createStatement();
                    ResultSet result = statement.executeQuery(PgvectorSql.COUNT)) {
                result.next();
                count = result.getLong(1);
            }
            boolean queryable = count == expectedCount && search(connection,
                    PgvectorSql.search(current.space(), k, null), PgvectorSql.vectorLiteral(probe), current.space(),
                    k).indexes().length == k;
            connections.release(connection);
            return queryable;
        } catch (SQLException e) {
            connections.discard(connection);
            throw new IllegalStateException("cannot count the rows or query", e);
        }
    }

    /**
     * Sets hnsw.ef_search, capped at the {@value PgvectorSql#MAX_EF_SEARCH} pgvector accepts, so a sweep past it
     * measures pgvector at its widest beam (the notes say so) rather than failing the run.
     *
     * @throws IllegalArgumentException when {@code ef} is not positive
     */
    @Override
    public void efSearch(int ef) {
        int applied = Math.min(ef, PgvectorSql.MAX_EF_SEARCH);
        PgvectorSql.setEfSearch(applied);
        efSearch = applied;
    }

    /** The beam queries run with now. */
    int appliedEfSearch() {
        return efSearch;
    }

    @Override
    public Searcher searcher(float[][] queries, int k, @Nullable Filter filter) {
        IndexSpec current = requireSpec();
        Space space = current.space();
        String sql = PgvectorSql.search(space, k, filter);
        var literals = new String[queries.length];
        for (int q = 0; q < queries.length; q++) {
            if (queries[q].length != current.dim()) {
                throw new IllegalArgumentException("query " + q + " has dim " + queries[q].length);
            }
            literals[q] = PgvectorSql.vectorLiteral(queries[q]);
        }
        return Searcher.of(literals.length, query -> {
            ConnectionPool connections = requirePool();
            PooledConnection connection = connections.acquire();
            try {
                Answer answer = search(connection, sql, literals[query], space, k);
                connections.release(connection);
                return answer;
            } catch (SQLException e) {
                connections.discard(connection);
                throw new IllegalStateException("query " + query + " failed", e);
            }
        });
    }

    /**
     * PostgreSQL's plan for a query of this engine ({@code EXPLAIN} output, one line per node), to check which
     * index serves it.
     */
    String plan(float[] query, int k, @Nullable Filter filter) {
        IndexSpec current = requireSpec();
        ConnectionPool connections = requirePool();
        PooledConnection connection = connections.acquire();
        try {
            applyEfSearch(connection);
            var lines = new StringBuilder();
            try (PreparedStatement explain = connection.connection().prepareStatement(
                    "EXPLAIN " + PgvectorSql.search(current.space(), k, filter))) {
                explain.setObject(1, PgvectorSql.vectorLiteral(query), Types.OTHER);
                try (ResultSet result = explain.executeQuery()) {
                    while (result.next()) {
                        lines.append(result.getString(1)).append('\n');
                    }
                }
            }
            connections.release(connection);
            return lines.toString();
        } catch (SQLException e) {
            connections.discard(connection);
            throw new IllegalStateException("EXPLAIN failed", e);
        }
    }

    /**
     * The proportional set size of the postmaster and all its children (backends, WAL writer, checkpointer...), so
     * shared_buffers count once, and the bytes of the cluster's files (data and WAL, not the server log).
     */
    @Override
    public Resources resources() {
        Path cluster = requireNonNull(clusterDir, "not started");
        // PostgreSQL reads relations into its shared buffers (counted in the PSS) and maps none of them.
        return new Resources(ServerProbe.processTreePssBytes(postmasterPid), ServerProbe.directoryBytes(cluster),
                null);
    }

    @Override
    public @Nullable Double cpuSeconds() {
        return ServerProbe.treeCpuSeconds(postmasterPid);
    }

    /**
     * Fast shutdown, then a start on the same cluster; the seconds run from the start command until a query on a
     * new connection returns k rows. The index's pages are no longer in shared_buffers, only in the OS page cache.
     */
    @Override
    public double restart(float[] probe, int k) {
        IndexSpec current = requireSpec();
        closePool();
        stopCluster();
        long started = System.nanoTime();
        try {
            startCluster();
        } catch (Unavailable e) {
            throw new IllegalStateException("PostgreSQL did not start again: " + e.getMessage(), e);
        }
        var connections = new ConnectionPool(port);
        pool = connections;
        String sql = PgvectorSql.search(current.space(), k, null);
        String literal = PgvectorSql.vectorLiteral(probe);
        long deadline = started + QUERYABLE_AFTER_RESTART_TIMEOUT.toNanos();
        while (true) {
            PooledConnection connection = connections.acquire();
            try {
                int hits = search(connection, sql, literal, current.space(), k).indexes().length;
                connections.release(connection);
                if (hits == k) {
                    return (System.nanoTime() - started) / 1e9;
                }
            } catch (SQLException e) {
                connections.discard(connection);
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("no answer after the restart", e);
                }
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("fewer than " + k + " hits after the restart");
            }
        }
    }

    /** Stops the cluster (fast shutdown) and deletes its folder; reports failures on stderr and never throws. */
    @Override
    public void close() {
        closePool();
        stopClusterQuietly();
        Thread hook = shutdownHook;
        if (hook != null) {
            shutdownHook = null;
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // The JVM is already shutting down; the hook runs or has run, and stopping twice is harmless.
            }
        }
        Path base = baseDir;
        if (base != null) {
            deleteRecursively(base);
        }
        baseDir = null;
        clusterDir = null;
        spec = null;
    }

    /** The one query of this engine on a borrowed connection; the caller releases or discards the connection. */
    private Answer search(PooledConnection connection, String sql, String literal, Space space, int k)
            throws SQLException {
        applyEfSearch(connection);
        try (PreparedStatement statement = connection.connection().prepareStatement(sql)) {
            statement.setObject(1, literal, Types.OTHER);
            try (ResultSet result = statement.executeQuery()) {
                var indexes = new int[k];
                var distances = new float[k];
                int hits = 0;
                while (result.next()) {
                    assert hits < k : "LIMIT " + k + " returned more rows";
                    indexes[hits] = result.getInt(1);
                    distances[hits] = PgvectorSql.chromaDistance(space, result.getDouble(2));
                    hits++;
                }
                return hits == k ? new Answer(indexes, distances)
                        : new Answer(Arrays.copyOf(indexes, hits), Arrays.copyOf(distances, hits));
            }
        }
    }

    /** Brings the session's hnsw.ef_search up to date: one extra round trip only after {@link #efSearch} changed. */
    private void applyEfSearch(PooledConnection connection) throws SQLException {
        int wanted = efSearch;
        if (connection.efSearch() != wanted) {
            try (Statement statement = connection.connection().createStatement()) {
                statement.execute(PgvectorSql.setEfSearch(wanted));
            }
            connection.efSearch(wanted);
        }
    }

    private String readVersion() {
        ConnectionPool connections = requirePool();
        PooledConnection connection = connections.acquire();
        try (Statement statement = connection.connection().createStatement();
                ResultSet result = statement.executeQuery(PgvectorSql.VERSION)) {
            result.next();
            String text = "pgvector " + result.getString(1) + " on PostgreSQL " + result.getString(2);
            connections.release(connection);
            return text;
        } catch (SQLException e) {
            connections.discard(connection);
            throw new IllegalStateException("cannot read the versions", e);
        }
    }

    private void startCluster() throws Unavailable {
        Path base = requireNonNull(baseDir, "not started");
        Path pidFile = base.resolve("postmaster.pid");
        int exit = runScript("start.sh", "--background", "--pid-file", pidFile.toString(),
                "--log-file", base.resolve("server.log").toString(), Integer.toString(port),
                requireNonNull(clusterDir).toString());
        if (exit != 0) {
            throw new Unavailable("PostgreSQL did not start (start.sh exit " + exit + "): " + lastScriptLines(3));
        }
        try {
            postmasterPid = Long.parseLong(Files.readString(pidFile).strip());
        } catch (IOException | NumberFormatException e) {
            throw new Unavailable("start.sh wrote no pid to " + pidFile, e);
        }
    }

    private void stopCluster() {
        Path base = requireNonNull(baseDir, "not started");
        int exit = runScript("stop.sh", "--pid-file", base.resolve("postmaster.pid").toString());
        if (exit != 0) {
            throw new IllegalStateException("stop.sh failed (exit " + exit + "): " + lastScriptLines(3));
        }
    }

    private void stopClusterQuietly() {
        if (baseDir == null || !Files.exists(requireNonNull(baseDir).resolve("postmaster.pid"))) {
            return;
        }
        try {
            stopCluster();
        } catch (RuntimeException e) {
            System.err.println("warning: cannot stop PostgreSQL (port " + port + "): " + e.getMessage());
        }
    }

    private void closePool() {
        ConnectionPool current = pool;
        pool = null;
        if (current != null) {
            current.close();
        }
    }

    /**
     * Runs one of the scripts with bash, its output appended to {@code scripts.log} in our folder, and returns its
     * exit status; a script still running after {@link #SCRIPT_TIMEOUT} is killed and reported as failed.
     */
    private int runScript(String script, String... arguments) {
        Path base = requireNonNull(baseDir, "not started");
        var command = new ArrayList<String>();
        command.add("bash");
        command.add(toolsDir.resolve(script).toString());
        command.addAll(List.of(arguments));
        try {
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(base.resolve("scripts.log").toFile()))
                    .start();
            // The scripts read nothing; an open stdin pipe would only keep a stray reader waiting.
            process.getOutputStream().close();
            if (!process.waitFor(SCRIPT_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return -1;
            }
            return process.exitValue();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command, e);
        }
    }

    /** The last lines the scripts printed, joined, for an error message. */
    private String lastScriptLines(int count) {
        try {
            List<String> lines = Files.readAllLines(requireNonNull(baseDir).resolve("scripts.log"));
            return String.join(" | ", lines.subList(Math.max(0, lines.size() - count), lines.size()));
        } catch (IOException e) {
            return "(no script output: " + e.getMessage() + ")";
        }
    }

    private ConnectionPool requirePool() {
        return requireNonNull(pool, "not started");
    }

    private IndexSpec requireSpec() {
        return requireNonNull(spec, "create() was not called");
    }

    private static int freeLoopbackPort() {
        // The port is free now; the server binds it a moment later. Another process taking it in between makes
        // start.sh fail with a clear message, which is rare enough not to retry.
        try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free loopback port", e);
        }
    }

    private static void deleteRecursively(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException | UncheckedIOException e) {
            System.err.println("warning: cannot delete " + root + ": " + e);
        }
    }

    /**
     * A session and the hnsw.ef_search it runs with. Owned by one thread between {@link ConnectionPool#acquire}
     * and {@link ConnectionPool#release}.
     */
    private static final class PooledConnection {
        private final Connection connection;
        private int efSearch = DEFAULT_EF_SEARCH;

        PooledConnection(Connection connection) {
            this.connection = connection;
        }

        Connection connection() {
            return connection;
        }

        int efSearch() {
            return efSearch;
        }

        void efSearch(int ef) {
            efSearch = ef;
        }
    }

    /**
     * Connections to the cluster, opened on demand, so the pool holds as many as callers ever ran at once (at most
     * {@link #MAX_CONNECTIONS}) and the first query of a new client thread pays for one connection. Thread-safe.
     */
    private static final class ConnectionPool implements AutoCloseable {
        private final String url;
        private final Properties properties = new Properties();
        private final LinkedBlockingQueue<PooledConnection> idle = new LinkedBlockingQueue<>();
        private final AtomicInteger open = new AtomicInteger();
        private volatile boolean closed;

        ConnectionPool(int port) {
            url = "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
            properties.setProperty("user", "postgres");
            properties.setProperty("ApplicationName", "quiver-bench");
            // Every blocking call has a timeout: connecting, and any statement (an online insert batch of 10,000
            // rows into HNSW takes seconds, not minutes).
            properties.setProperty("connectTimeout", "10");
            properties.setProperty("socketTimeout", "600");
            properties.setProperty("assumeMinServerVersion", "15");
        }

        PooledConnection acquire() {
            PooledConnection connection = idle.poll();
            if (connection != null) {
                return connection;
            }
            if (open.incrementAndGet() <= MAX_CONNECTIONS) {
                try {
                    return connect();
                } catch (SQLException | RuntimeException e) {
                    open.decrementAndGet();
                    throw new IllegalStateException("cannot connect to " + url, e);
                }
            }
            open.decrementAndGet();
            try {
                connection = idle.poll(ACQUIRE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for a connection", e);
            }
            if (connection == null) {
                throw new IllegalStateException("no free connection within " + ACQUIRE_TIMEOUT + " (all "
                        + MAX_CONNECTIONS + " busy)");
            }
            return connection;
        }

        void release(PooledConnection connection) {
            if (closed) {
                discard(connection);
            } else {
                idle.add(connection);
            }
        }

        /** Drops a connection that failed (its session state is unknown) or outlived the pool. */
        void discard(PooledConnection connection) {
            open.decrementAndGet();
            try {
                connection.connection().close();
            } catch (SQLException e) {
                // Closing a broken connection fails too; there is nothing left to release.
            }
        }

        /** Closes the idle connections; borrowed ones are closed when they come back. */
        @Override
        public void close() {
            closed = true;
            for (PooledConnection connection = idle.poll(); connection != null; connection = idle.poll()) {
                discard(connection);
            }
        }

        /** A new session with the settings every query of this engine relies on. */
        private PooledConnection connect() throws SQLException {
            Connection connection = DriverManager.getConnection(url, properties);
            try (Statement statement = connection.createStatement()) {
                // Without it an HNSW scan stops after ef_search candidates, and a 1 % filter keeps ~1 % of them:
                // fewer than k rows. strict_order keeps the rows sorted by distance, as in the other systems.
                statement.execute("SET hnsw.iterative_scan = strict_order");
            } catch (SQLException e) {
                connection.close();
                throw e;
            }
            return new PooledConnection(connection);
        }
    }
}
