package dev.quiver.bench;

import static java.util.Objects.requireNonNull;

import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.jspecify.annotations.Nullable;

/**
 * Everything one quickstart run measured. It is written as JSON (snake_case keys) and printed as a table, from
 * the same values. Durations are seconds, latencies milliseconds, sizes bytes. Immutable.
 *
 * @param scenario always {@code quickstart}
 * @param label what the run targeted, from {@code --label}
 * @param startedAt ISO-8601 instant the run started
 * @param url the server's base URL
 * @param serverVersion what {@code GET /api/v2/version} answered
 * @param parameters the data and load shape
 * @param load the add phase
 * @param ready the wait between the last add acknowledgement and the first complete answer
 * @param queries one entry per query concurrency level, in the order run
 * @param server memory and disk samples
 * @param environment the machine the benchmark ran on (server and benchmark share it)
 */
record QuickstartResult(
        String scenario,
        String label,
        String startedAt,
        String url,
        String serverVersion,
        Parameters parameters,
        Load load,
        Ready ready,
        List<QueryRun> queries,
        Server server,
        Environment environment) {

    QuickstartResult {
        requireNonNull(scenario, "scenario is null");
        requireNonNull(label, "label is null");
        requireNonNull(startedAt, "startedAt is null");
        requireNonNull(url, "url is null");
        requireNonNull(serverVersion, "serverVersion is null");
        requireNonNull(parameters, "parameters is null");
        requireNonNull(load, "load is null");
        requireNonNull(ready, "ready is null");
        queries = List.copyOf(queries);
        requireNonNull(server, "server is null");
        requireNonNull(environment, "environment is null");
    }

    /** @param hnsw the {@code configuration.hnsw} fields sent besides {@code space}; empty = server defaults */
    record Parameters(int vectors, int dim, int queries, int k, int batch, String space, Map<String, Integer> hnsw,
            int loadClients, List<Integer> queryClients, int warmupQueries, long seed, String tenant,
            String database) {
        Parameters {
            hnsw = Map.copyOf(hnsw);
            queryClients = List.copyOf(queryClients);
        }
    }

    /**
     * @param seconds from sending the first add to receiving the last acknowledgement
     * @param vectorsPerSecond {@code vectors / seconds}
     * @param batchLatency time of one add request
     */
    record Load(int vectors, int batches, double seconds, double vectorsPerSecond, Latency batchLatency) {
    }

    /**
     * @param secondsAfterLoad from the last add acknowledgement until count equalled N and a query returned k hits
     * @param secondsFromLoadStart the same end point, measured from the first add
     * @param polls how many count/query rounds that took (one means "immediately")
     */
    record Ready(double secondsAfterLoad, double secondsFromLoadStart, int polls) {
    }

    /**
     * @param clients concurrent clients, each sending one query at a time
     * @param queriesPerSecond answered queries over the wall time of the run
     * @param recallAtK mean share of the exact k nearest that the server returned
     * @param maxDistanceError largest |server distance - exact distance| over all returned hits; near zero unless
     *     the server computes a different distance than the space promises
     */
    record QueryRun(int clients, int queries, double seconds, double queriesPerSecond, Latency latency,
            double recallAtK, double maxDistanceError) {
    }

    /** Percentiles from an HdrHistogram recorded in microseconds (3 significant digits), in milliseconds. */
    record Latency(double p50Ms, double p95Ms, double p99Ms, double maxMs, double meanMs) {
        static Latency of(Histogram microseconds) {
            return new Latency(
                    milliseconds(microseconds.getValueAtPercentile(50)),
                    milliseconds(microseconds.getValueAtPercentile(95)),
                    milliseconds(microseconds.getValueAtPercentile(99)),
                    milliseconds(microseconds.getMaxValue()),
                    round(microseconds.getMean() / 1000, 3));
        }

        private static double milliseconds(long microseconds) {
            return round(microseconds / 1000.0, 3);
        }
    }

    /** Samples taken before the load, after it became queryable, and after the query phase; null = not measured. */
    record Server(@Nullable Long rssBytesBeforeLoad, @Nullable Long rssBytesAfterLoad,
            @Nullable Long rssBytesAfterQueries, @Nullable Long peakRssBytes,
            @Nullable Long dataDirBytesAfterLoad, @Nullable Long dataDirBytesAfterQueries) {
    }

    /**
     * @param cores processors visible to the benchmark's JVM
     * @param javaVersion the benchmark's JVM, not the server's
     */
    record Environment(int cores, String javaVersion, String os) {
        static Environment current() {
            return new Environment(Runtime.getRuntime().availableProcessors(), Runtime.version().toString(),
                    System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        }
    }

    static double round(double value, int decimals) {
        double scale = Math.pow(10, decimals);
        return Math.round(value * scale) / scale;
    }

    static double seconds(long nanos) {
        return round(nanos / (double) TimeUnit.SECONDS.toNanos(1), 3);
    }

    void printTable(PrintStream out) {
        var p = parameters;
        out.println();
        out.printf("quickstart  label=%s  url=%s  server version %s%n", label.isEmpty() ? "-" : label, url,
                serverVersion);
        out.printf("data        %,d x %d, space %s, hnsw %s, seed %d, %,d queries, k=%d%n", p.vectors(), p.dim(),
                p.space(), p.hnsw().isEmpty() ? "server defaults" : p.hnsw(), p.seed(), p.queries(), p.k());
        out.println();
        out.printf("load        %,d vectors in %.2f s = %,.0f vectors/s  (batch %d, %d clients; per add p50 %.0f ms,"
                + " p99 %.0f ms)%n", load.vectors(), load.seconds(), load.vectorsPerSecond(), p.batch(),
                p.loadClients(), load.batchLatency().p50Ms(), load.batchLatency().p99Ms());
        out.printf("queryable   %.3f s after the last add (%.2f s from the first; %d poll%s)%n",
                ready.secondsAfterLoad(), ready.secondsFromLoadStart(), ready.polls(), ready.polls() == 1 ? "" : "s");
        out.println();
        out.printf("%7s %8s %10s %9s %9s %9s %9s %10s %10s%n", "clients", "queries", "queries/s", "p50 ms",
                "p95 ms", "p99 ms", "max ms", "recall@" + p.k(), "dist err");
        for (QueryRun run : queries) {
            out.printf("%7d %8d %10.1f %9.2f %9.2f %9.2f %9.2f %10.4f %10.2g%n", run.clients(), run.queries(),
                    run.queriesPerSecond(), run.latency().p50Ms(), run.latency().p95Ms(), run.latency().p99Ms(),
                    run.latency().maxMs(), run.recallAtK(), run.maxDistanceError());
        }
        out.println();
        out.printf("server RSS  before load %s, after load %s, after queries %s, peak %s%n",
                mebibytes(server.rssBytesBeforeLoad()), mebibytes(server.rssBytesAfterLoad()),
                mebibytes(server.rssBytesAfterQueries()), mebibytes(server.peakRssBytes()));
        out.printf("data dir    after load %s, after queries %s%n", mebibytes(server.dataDirBytesAfterLoad()),
                mebibytes(server.dataDirBytesAfterQueries()));
    }

    private static String mebibytes(@Nullable Long bytes) {
        return bytes == null ? "n/a" : "%.1f MiB".formatted(bytes / (1024.0 * 1024.0));
    }
}
