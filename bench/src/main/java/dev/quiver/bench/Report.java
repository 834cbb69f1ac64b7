package dev.quiver.bench;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.jspecify.annotations.Nullable;

/**
 * Everything one run measured, for every system. Written as JSON (snake_case keys) and printed as a table from the
 * same values. Durations are seconds, latencies milliseconds, sizes bytes; null means not measured. Immutable.
 *
 * @param scenario the scenario's name
 * @param startedAt ISO-8601 instant the run started
 * @param parameters the data, index and load shape, identical for every system
 * @param machine where it ran (the systems and the benchmark share the machine)
 * @param systems one entry per system, in the order run
 * @param comparisons the best throughput each system reached at the recall target, and the ratios between them
 */
record Report(String scenario, String startedAt, Parameters parameters, Machine machine,
        List<SystemResult> systems, List<Comparison> comparisons) {

    /** The recall the targets are stated at. */
    static final double RECALL_TARGET = 0.95;

    Report {
        requireNonNull(scenario, "scenario is null");
        requireNonNull(startedAt, "startedAt is null");
        requireNonNull(parameters, "parameters is null");
        requireNonNull(machine, "machine is null");
        systems = List.copyOf(systems);
        comparisons = List.copyOf(comparisons);
    }

    record Parameters(String dataset, int vectors, int dim, int queries, int k, int batch, String space,
            int maxNeighbors, int efConstruction, List<Integer> efSearch, List<String> filters, String quantization,
            int loadClients, List<Integer> queryClients, int warmup, long seed) {
    }

    /**
     * @param cores processors visible to the benchmark
     * @param memoryBytes the machine's memory ({@code MemTotal})
     * @param java the JDK that runs the benchmark, Quiver and the in-process Lucene index
     */
    record Machine(int cores, @Nullable Long memoryBytes, String cpu, String os, String java) {
        static Machine current() {
            return new Machine(Runtime.getRuntime().availableProcessors(), meminfoBytes(), cpuModel(),
                    System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                            + System.getProperty("os.arch"),
                    Runtime.version() + " (" + System.getProperty("java.vendor") + ")");
        }

        private static @Nullable Long meminfoBytes() {
            return procLine(Path.of("/proc/meminfo"), "MemTotal:")
                    .map(value -> Long.parseLong(value.replace("kB", "").strip()) * 1024).orElse(null);
        }

        private static String cpuModel() {
            return procLine(Path.of("/proc/cpuinfo"), "model name").map(value -> value.replaceFirst("^\\s*:", "")
                    .strip()).orElse(System.getProperty("os.arch"));
        }

        private static Optional<String> procLine(Path file, String prefix) {
            try (var lines = Files.lines(file)) {
                return lines.filter(line -> line.startsWith(prefix)).findFirst()
                        .map(line -> line.substring(prefix.length()));
            } catch (IOException | RuntimeException e) {
                return Optional.empty();
            }
        }
    }

    /**
     * One system's results.
     *
     * @param status {@code ok}, {@code skipped} (could not run here: see reason) or {@code failed} (see reason)
     * @param queries one point per filter, ef_search and client count, in the order run
     * @param restartSeconds from starting the stopped system on its data until a query returned k hits
     * @param warmupQueriesPerSecond each unrecorded warm-up round's throughput after the load, until it stopped
     *     rising (empty with {@code --warmup 0})
     * @param budget the unfiltered sweep under a memory limit, when {@code --memory-budget} asked for it
     */
    record SystemResult(String system, String status, @Nullable String reason, @Nullable String version,
            @Nullable String notes, @Nullable Load load, @Nullable Ready ready, List<Point> queries,
            @Nullable Footprint footprint, @Nullable Double restartSeconds, List<Double> warmupQueriesPerSecond,
            @Nullable Budget budget) {
        SystemResult {
            requireNonNull(system, "system is null");
            requireNonNull(status, "status is null");
            queries = List.copyOf(queries);
            warmupQueriesPerSecond = List.copyOf(warmupQueriesPerSecond);
        }

        static SystemResult skipped(String system, String reason) {
            return new SystemResult(system, "skipped", reason, null, null, null, null, List.of(), null, null,
                    List.of(), null);
        }

        boolean ok() {
            return status.equals("ok");
        }
    }

    /**
     * @param seconds from sending the first batch to receiving the last acknowledgement
     * @param batchLatency time of one batch
     */
    record Load(int vectors, int batches, double seconds, double vectorsPerSecond, Latency batchLatency) {
    }

    /**
     * @param secondsAfterLoad from the last acknowledgement until the count was complete and a query returned k hits
     * @param secondsFromLoadStart the same end point, from the first batch
     * @param settledSecondsAfterLoad from the last acknowledgement until the system stopped working in the
     *     background (graph merges, flushes): its CPU use stayed under a tenth of a core for ten seconds. Queries
     *     are measured after that, so background work does not blur them. Null when CPU time is not measurable.
     */
    record Ready(double secondsAfterLoad, double secondsFromLoadStart, @Nullable Double settledSecondsAfterLoad) {
    }

    /**
     * One measured point of a recall-vs-throughput curve.
     *
     * @param filter {@code none} or the filter's selectivity, e.g. {@code 1%}
     * @param maxDistanceError largest |returned distance - exact distance| over all hits; near zero unless the
     *     system computes another distance than the space promises
     * @param systemCpuMsPerQuery CPU time the system's processes used per query during the run, which is steadier
     *     than throughput on a shared machine; null when not measurable. For the in-process Lucene peer it is the
     *     benchmark's own process, client work included
     * @param benchCpuMsPerQuery CPU time the benchmark's process (the clients) used per query
     */
    record Point(String filter, int efSearch, int clients, int queries, double seconds, double queriesPerSecond,
            Latency latency, double recallAtK, double maxDistanceError, @Nullable Double systemCpuMsPerQuery,
            double benchCpuMsPerQuery) {
    }

    /**
     * Memory and disk at the moments that matter. Per-vector values are net of the idle system:
     * {@code (rssAfterRestart - rssIdle) / vectors}, taken after a restart and a warm-up so that what the load
     * phase left behind (buffers, garbage, page cache of files no query reads) does not count.
     * {@code mappedBytesPerVector} is the part of the resident memory after the restart that maps the data
     * directory's files (for Quiver, the Lucene index files its queries read), per vector; unlike the net figure it
     * holds nothing that a process pays once (a JVM's compiled code, its classes, pools), whatever the vector count.
     */
    record Footprint(@Nullable Long rssIdle, @Nullable Long rssAfterLoad, @Nullable Long rssAfterQueries,
            @Nullable Long rssAfterRestart, @Nullable Long diskAfterLoad, @Nullable Long diskAfterRestart,
            @Nullable Double rssBytesPerVector, @Nullable Double diskBytesPerVector,
            @Nullable Double mappedBytesPerVector) {
    }

    /**
     * The unfiltered sweep run again after the restart with the system's processes in a memory cgroup capped at
     * {@code limitBytes}: its idle memory plus {@code bytesPerVector} per vector, anonymous memory and page cache
     * alike, so the kernel keeps resident only what the searches keep touching. A system whose searches need less
     * than the limit answers as fast as without it; one that needs more reads pages again and again.
     *
     * @param limitBytes null when the phase could not start
     * @param failure why the phase stopped or could not start (the points before it are kept), or null
     * @param restartSeconds from starting the system in the group, with a cold page cache, to its first full answer
     * @param peakBytes the most the group held under the limit
     * @param warmupQueriesPerSecond the warm-up rounds under the limit, as the page cache refilled
     */
    record Budget(double bytesPerVector, @Nullable Long limitBytes, @Nullable String failure,
            @Nullable Double restartSeconds, List<Point> queries,
            @Nullable Long peakBytes, List<Double> warmupQueriesPerSecond) {
        Budget {
            queries = List.copyOf(queries);
            warmupQueriesPerSecond = List.copyOf(warmupQueriesPerSecond);
        }
    }

    /** Percentiles from an HdrHistogram recorded in microseconds (3 significant digits), in milliseconds. */
    record Latency(double p50Ms, double p95Ms, double p99Ms, double maxMs, double meanMs) {
        static Latency of(Histogram microseconds) {
            return new Latency(milliseconds(microseconds.getValueAtPercentile(50)),
                    milliseconds(microseconds.getValueAtPercentile(95)),
                    milliseconds(microseconds.getValueAtPercentile(99)),
                    milliseconds(microseconds.getMaxValue()), round(microseconds.getMean() / 1000, 3));
        }

        private static double milliseconds(long microseconds) {
            return round(microseconds / 1000.0, 3);
        }
    }

    /**
     * The highest throughput each system reached with recall@k at or above {@link #RECALL_TARGET}, for one filter
     * and client count, and Quiver's ratio to each of the others (null where either never reached the target).
     */
    record Comparison(String filter, int clients, List<Best> best, List<Ratio> quiverOver) {
        Comparison {
            best = List.copyOf(best);
            quiverOver = List.copyOf(quiverOver);
        }
    }

    /**
     * @param point the fastest point at the target, or null when the system never reached it
     * @param highestRecall the best recall the system reached over the sweep, to show how far it was
     */
    record Best(String system, @Nullable Point point, double highestRecall) {
    }

    /** Quiver's throughput over the other system's, and Quiver's p99 latency over the other's, at the target. */
    record Ratio(String system, @Nullable Double throughput, @Nullable Double p99Latency) {
    }

    static List<Comparison> compare(List<SystemResult> systems, List<String> filters, List<Integer> clientLevels) {
        var comparisons = new ArrayList<Comparison>();
        for (String filter : filters) {
            for (int clients : clientLevels) {
                var best = new ArrayList<Best>();
                for (SystemResult system : systems) {
                    if (!system.ok()) {
                        continue;
                    }
                    List<Point> points = system.queries().stream()
                            .filter(p -> p.filter().equals(filter) && p.clients() == clients).toList();
                    Point fastest = points.stream().filter(p -> p.recallAtK() >= RECALL_TARGET)
                            .max(Comparator.comparingDouble(Point::queriesPerSecond)).orElse(null);
                    best.add(new Best(system.system(), fastest,
                            points.stream().mapToDouble(Point::recallAtK).max().orElse(0)));
                }
                Point quiver = best.stream().filter(b -> b.system().equals("quiver")).findFirst()
                        .map(Best::point).orElse(null);
                var ratios = new ArrayList<Ratio>();
                for (Best other : best) {
                    if (other.system().equals("quiver")) {
                        continue;
                    }
                    boolean both = quiver != null && other.point() != null;
                    ratios.add(new Ratio(other.system(),
                            both ? round(quiver.queriesPerSecond() / other.point().queriesPerSecond(), 2) : null,
                            both ? round(quiver.latency().p99Ms() / other.point().latency().p99Ms(), 2) : null));
                }
                comparisons.add(new Comparison(filter, clients, best, ratios));
            }
        }
        return comparisons;
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
        out.printf("scenario  %s: %,d x %d %s, space %s, max_neighbors %d, ef_construction %d, %s vectors%n",
                scenario, p.vectors(), p.dim(), p.dataset(), p.space(), p.maxNeighbors(), p.efConstruction(),
                p.quantization().equals("none") ? "float32" : p.quantization());
        out.printf("          %,d queries, k=%d, batch %d, %d load clients, seed %d%n", p.queries(), p.k(), p.batch(),
                p.loadClients(), p.seed());
        out.printf("machine   %d cores, %s, %s, %s, Java %s%n", machine.cores(), gibibytes(machine.memoryBytes()),
                machine.cpu(), machine.os(), machine.java());
        out.println();
        for (SystemResult system : systems) {
            out.printf("%-9s %s%n", system.system(), system.ok() ? system.version()
                    : system.status() + ": " + system.reason());
            if (system.notes() != null && !system.notes().isEmpty()) {
                out.printf("%-9s %s%n", "", system.notes());
            }
            List<Double> warmup = system.warmupQueriesPerSecond();
            if (!warmup.isEmpty()) {
                out.printf("%-9s warm-up: %d rounds of %,d queries, %s q/s%n", "", warmup.size(), p.warmup(),
                        Warmup.describe(warmup));
            }
        }
        out.println();
        out.printf("%-9s %12s %10s %12s %12s %12s %12s %12s %12s %12s %10s%n", "system", "load rec/s", "batch p99",
                "ready after", "settled", "RSS idle", "RSS loaded", "RSS B/vec", "mapped B/vec", "disk B/vec", "restart");
        for (SystemResult system : systems) {
            if (!system.ok()) {
                continue;
            }
            Footprint f = system.footprint();
            out.printf("%-9s %12s %10s %12s %12s %12s %12s %12s %12s %12s %10s%n", system.system(),
                    system.load() == null ? "n/a" : "%,.0f".formatted(system.load().vectorsPerSecond()),
                    system.load() == null ? "n/a" : "%.0f ms".formatted(system.load().batchLatency().p99Ms()),
                    system.ready() == null ? "n/a" : "%.2f s".formatted(system.ready().secondsAfterLoad()),
                    system.ready() == null || system.ready().settledSecondsAfterLoad() == null ? "n/a"
                            : "%.2f s".formatted(system.ready().settledSecondsAfterLoad()),
                    mebibytes(f == null ? null : f.rssIdle()), mebibytes(f == null ? null : f.rssAfterLoad()),
                    f == null || f.rssBytesPerVector() == null ? "n/a" : "%,.0f".formatted(f.rssBytesPerVector()),
                    f == null || f.mappedBytesPerVector() == null ? "n/a"
                            : "%,.0f".formatted(f.mappedBytesPerVector()),
                    f == null || f.diskBytesPerVector() == null ? "n/a" : "%,.0f".formatted(f.diskBytesPerVector()),
                    system.restartSeconds() == null ? "n/a" : "%.2f s".formatted(system.restartSeconds()));
        }
        out.println();
        out.printf("%-9s %-6s %5s %7s %10s %9s %9s %9s %9s %10s %9s %9s%n", "system", "filter", "ef", "clients",
                "queries/s", "p50 ms", "p95 ms", "p99 ms", "recall@" + p.k(), "dist err", "cpu ms/q", "bench ms");
        for (SystemResult system : systems) {
            system.queries().forEach(point -> printPoint(out, system.system(), point));
        }
        out.println();
        printBudgets(out);
        out.printf("at recall@%d >= %.2f: highest throughput per system (ef_search), and quiver's ratio to it%n",
                p.k(), RECALL_TARGET);
        for (Comparison comparison : comparisons) {
            var line = new StringBuilder("  filter %-4s %d client%s:".formatted(comparison.filter(),
                    comparison.clients(), comparison.clients() == 1 ? " " : "s"));
            for (Best best : comparison.best()) {
                line.append(best.point() == null
                        ? "  %s never (max %.3f)".formatted(best.system(), best.highestRecall())
                        : "  %s %.0f q/s p99 %.1f ms (ef %d)".formatted(best.system(),
                                best.point().queriesPerSecond(), best.point().latency().p99Ms(),
                                best.point().efSearch()));
            }
            for (Ratio ratio : comparison.quiverOver()) {
                if (ratio.throughput() != null) {
                    line.append("  | quiver/%s %.2fx".formatted(ratio.system(), ratio.throughput()));
                }
            }
            out.println(line);
        }
    }

    private static void printPoint(PrintStream out, String system, Point point) {
        out.printf("%-9s %-6s %5d %7d %10.1f %9.2f %9.2f %9.2f %9.4f %10.2g %9s %9.2f%n",
                system, point.filter(), point.efSearch(), point.clients(),
                point.queriesPerSecond(), point.latency().p50Ms(), point.latency().p95Ms(),
                point.latency().p99Ms(), point.recallAtK(), point.maxDistanceError(),
                point.systemCpuMsPerQuery() == null ? "n/a" : "%.2f".formatted(point.systemCpuMsPerQuery()),
                point.benchCpuMsPerQuery());
    }

    /** The sweeps under a memory limit, each point beside the same point without the limit. */
    private void printBudgets(PrintStream out) {
        for (SystemResult system : systems) {
            Budget budget = system.budget();
            if (budget == null) {
                continue;
            }
            out.printf("%s under a memory limit of idle + %,.0f B/vector = %s (cgroup: heap and page cache): "
                    + "peak %s, restart %s%s%n", system.system(), budget.bytesPerVector(),
                    mebibytes(budget.limitBytes()), mebibytes(budget.peakBytes()),
                    budget.restartSeconds() == null ? "n/a" : "%.2f s".formatted(budget.restartSeconds()),
                    budget.failure() == null ? "" : "; stopped: " + budget.failure());
            if (!budget.warmupQueriesPerSecond().isEmpty()) {
                out.printf("  warm-up under the limit: %s q/s%n", Warmup.describe(budget.warmupQueriesPerSecond()));
            }
            for (Point point : budget.queries()) {
                printPoint(out, system.system(), point);
                system.queries().stream().filter(free -> free.filter().equals(point.filter())
                                && free.efSearch() == point.efSearch() && free.clients() == point.clients())
                        .findFirst().ifPresent(free -> out.printf("%-9s %-6s %5s %7s %10s  %.2gx the throughput "
                                + "without the limit%n", "", "", "", "", "",
                                point.queriesPerSecond() / free.queriesPerSecond()));
            }
            out.println();
        }
    }

    private static String mebibytes(@Nullable Long bytes) {
        return bytes == null ? "n/a" : "%.0f MiB".formatted(bytes / (1024.0 * 1024.0));
    }

    private static String gibibytes(@Nullable Long bytes) {
        return bytes == null ? "memory n/a" : "%.1f GiB".formatted(bytes / (1024.0 * 1024.0 * 1024.0));
    }
}
