package dev.quiver.bench;

import static java.util.Objects.requireNonNull;

import dev.quiver.bench.Report.Footprint;
import dev.quiver.bench.Report.Latency;
import dev.quiver.bench.Report.Point;
import dev.quiver.bench.Report.SystemResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import org.HdrHistogram.Histogram;
import org.jspecify.annotations.Nullable;

/**
 * Runs one scenario against every selected system, one system at a time so that none competes with another for
 * the machine, on the same data, with the same requests, in the same order:
 * <ol>
 *   <li>data, exact neighbours (unfiltered and per filter) and every request body are ready before any clock
 *       starts;</li>
 *   <li>start the system on an empty data directory, sample its idle memory, create the collection;</li>
 *   <li>load: {@code --load-clients} virtual threads take batches from a shared counter, timed from the first send
 *       to the last acknowledgement;</li>
 *   <li>ready: poll until every record is counted and a query returns k hits;</li>
 *   <li>warm up, then for every filter, every ef_search and every client count, send every query once (a closed
 *       loop: each client sends its next query when the previous one is answered) and score the answers against
 *       exact search after the clock stopped;</li>
 *   <li>restart the system on its data and time the first full answer; warm up again and sample memory, which now
 *       holds what serving needs rather than what loading left behind;</li>
 *   <li>with {@code --memory-budget}: restart it once more inside a memory cgroup capped at its idle memory plus
 *       the budget per vector, with a cold page cache, warm up, and sweep the unfiltered queries again;</li>
 *   <li>stop the system and delete its data, also after a failure.</li>
 * </ol>
 * A system that cannot start here is reported as skipped with the reason; one that fails midway as failed, and the
 * run goes on with the next. Not thread-safe: one instance per run.
 */
final class BenchmarkRun {

    /** Latencies in microseconds up to the request timeout, at 3 significant digits. */
    private static final long MAX_LATENCY_MICROS = TimeUnit.MINUTES.toMicros(10);
    private static final long READY_POLL_MILLIS = 50;
    /** A span of nanoseconds that never runs out, yet can be added to {@link System#nanoTime()} without overflow. */
    private static final long FOREVER_NANOS = Long.MAX_VALUE / 4;
    private static final String UNFILTERED = "none";
    /** CPU seconds per second under which a system counts as idle: a tenth of one core. */
    private static final double SETTLED_CPU = 0.1;
    /** Long enough to outlast a system that waits a few idle seconds before compacting (Quiver waits 5 s). */
    private static final int SETTLED_SAMPLES = 10;

    private final Options options;

    BenchmarkRun(Options options) {
        this.options = requireNonNull(options, "options is null");
    }

    Report run() {
        Instant startedAt = Instant.now();
        long phase = System.nanoTime();
        Dataset data = data();
        log("%s: %,d x %d vectors and %,d queries ready in %.1f s", data.name(), data.size(), data.dim(),
                data.queries().length, elapsedSeconds(phase));

        // Exact answers per filter; the map's order is the order queries are measured and reported in.
        var filters = new LinkedHashMap<String, @Nullable Filter>();
        filters.put(UNFILTERED, null);
        options.filters().forEach(percent -> filters.put(Filter.percent(percent).name(), Filter.percent(percent)));
        var truths = new LinkedHashMap<String, GroundTruth>();
        phase = System.nanoTime();
        filters.forEach((name, filter) -> truths.put(name, GroundTruth.load(data, options.space(), options.k(),
                filter, options.seed(), options.cacheDir().resolve("ground-truth"))));
        log("exact top-%d for %d filter settings ready in %.1f s", options.k(), filters.size(),
                elapsedSeconds(phase));

        Path workDir = workDir();
        var results = new ArrayList<SystemResult>();
        try {
            for (String system : options.systems()) {
                results.add(runSystem(system, data, filters, truths, workDir));
            }
        } finally {
            if (options.workDir() == null) {
                ChromaApiEngine.deleteTree(workDir);
            }
        }
        var parameters = new Report.Parameters(data.name(), data.size(), data.dim(), data.queries().length,
                options.k(), options.batch(), options.space().wireName(), options.maxNeighbors(),
                options.efConstruction(), options.efSearch(), List.copyOf(filters.keySet()),
                options.quantization().wireName(), options.loadClients(), options.queryClients(), options.warmup(),
                options.seed());
        return new Report(options.scenario().wireName(), startedAt.toString(), parameters, Report.Machine.current(),
                results, Report.compare(results, List.copyOf(filters.keySet()), options.queryClients()));
    }

    private Dataset data() {
        return switch (options.scenario().data()) {
            case UNIFORM -> Dataset.uniform(options.seed(), options.vectors(), options.queries(), options.dim());
            case GAUSSIAN -> Dataset.gaussian(options.seed(), options.vectors(), options.queries(), options.dim(),
                    options.clusters(), options.spread());
            case TEXT -> TextDataset.load(options.vectors(), options.queries(), options.cacheDir().resolve("text"));
        };
    }

    private Path workDir() {
        try {
            return options.workDir() == null ? Files.createTempDirectory("quiver-bench-")
                    : Files.createDirectories(options.workDir());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the work directory", e);
        }
    }

    Engine engine(String system) {
        Path tools = options.toolsDir();
        return switch (system) {
            case "quiver" -> new ChromaApiEngine("quiver",
                    new ServerLauncher.Quiver(options.serverJar(), ChromaApiEngine.API_KEY, options.quiverJvmArgs(),
                            options.budgetJvmArgs()));
            case "chroma" -> new ChromaApiEngine("chroma", new ServerLauncher.Chroma(tools.resolve("real-chroma")));
            case "pgvector" -> new PgvectorEngine(tools.resolve("pgvector"), options.pgvectorIndexAfterLoad());
            case "lucene" -> new LuceneEngine();
            default -> throw new IllegalArgumentException("unknown system " + system);
        };
    }

    private SystemResult runSystem(String system, Dataset data, Map<String, @Nullable Filter> filters,
            Map<String, GroundTruth> truths, Path workDir) {
        IndexSpec spec = options.indexSpec();
        Engine engine = engine(system);
        // Ctrl-C or a kill must not leave a server running: the hook stops this system if the run is cut short.
        Thread stopOnExit = new Thread(engine::close, "bench-stop-" + system);
        Runtime.getRuntime().addShutdownHook(stopOnExit);
        try (engine) {
            var unsupported = engine.findUnsupportedReason(spec);
            if (unsupported.isPresent()) {
                log("%s: skipped: %s", system, unsupported.get());
                return SystemResult.skipped(system, unsupported.get());
            }
            log("%s: starting", system);
            try {
                engine.start(workDir);
            } catch (Engine.Unavailable e) {
                log("%s: skipped: %s", system, e.getMessage());
                return SystemResult.skipped(system, e.getMessage());
            }
            // Points measured before a failure are kept: at 1M each took minutes, and they are still true.
            var points = new ArrayList<Point>();
            try {
                return measure(engine, spec, data, filters, truths, points);
            } catch (RuntimeException e) {
                log("%s: failed: %s", system, e);
                e.printStackTrace(System.err);
                return new SystemResult(system, "failed", String.valueOf(e.getMessage()), engine.version(),
                        engine.notes(), null, null, points, null, null, List.of(), null);
            }
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(stopOnExit);
            } catch (IllegalStateException e) {
                // The JVM is already shutting down; the hook does the stopping.
            }
        }
    }

    private SystemResult measure(Engine engine, IndexSpec spec, Dataset data, Map<String, @Nullable Filter> filters,
            Map<String, GroundTruth> truths, List<Point> points) {
        String name = engine.name();
        log("%s: %s", name, engine.version());
        Engine.Resources idle = engine.resources();
        engine.create(spec);
        Engine.Loader loader = engine.loader(data, options.batch());

        log("%s: loading %,d batches of up to %,d with %d clients...", name, loader.batches(), options.batch(),
                options.loadClients());
        long loadStart = System.nanoTime();
        Histogram batchLatency = runConcurrently(options.loadClients(), loader.batches(), loader::send);
        long loadEnd = System.nanoTime();
        var load = new Report.Load(data.size(), loader.batches(), Report.seconds(loadEnd - loadStart),
                Report.round(data.size() / ((loadEnd - loadStart) / 1e9), 1), Latency.of(batchLatency));
        log("%s: loaded in %.2f s (%,.0f records/s)", name, load.seconds(), load.vectorsPerSecond());

        float[] probe = data.queries()[0];
        engine.finishLoad();
        awaitQueryable(engine, data.size(), probe);
        long readyAt = System.nanoTime();
        log("%s: queryable %.2f s after the last acknowledgement; waiting for background work to settle...", name,
                Report.seconds(readyAt - loadEnd));
        Long settledAt = awaitSettled(engine);
        var ready = new Report.Ready(Report.seconds(readyAt - loadEnd), Report.seconds(readyAt - loadStart),
                settledAt == null ? null : Report.seconds(settledAt - loadEnd));
        log("%s: settled %s s after the last acknowledgement", name, ready.settledSecondsAfterLoad());
        Engine.Resources loaded = engine.resources();

        var searchers = new LinkedHashMap<String, Engine.Searcher>();
        filters.forEach((filterName, filter) -> searchers.put(filterName,
                engine.searcher(data.queries(), options.k(), filter)));
        List<Double> warmup = warmUp(engine, searchers.get(UNFILTERED));

        for (var filter : searchers.entrySet()) {
            sweep(engine, "", filter.getKey(), filter.getValue(), data, filters.get(filter.getKey()),
                    truths.get(filter.getKey()), points);
        }
        Engine.Resources queried = engine.resources();

        log("%s: restarting on its data...", name);
        double restart = engine.restart(probe, options.k());
        log("%s: first full answer %.2f s after the restart began", name, restart);
        warmUp(engine, engine.searcher(data.queries(), options.k(), null));
        Engine.Resources restarted = engine.resources();

        var footprint = new Footprint(idle.rssBytes(), loaded.rssBytes(), queried.rssBytes(), restarted.rssBytes(),
                loaded.diskBytes(), restarted.diskBytes(),
                idle.rssBytes() == null || restarted.rssBytes() == null ? null
                        : Report.round((restarted.rssBytes() - idle.rssBytes()) / (double) data.size(), 1),
                restarted.diskBytes() == null ? null
                        : Report.round(restarted.diskBytes() / (double) data.size(), 1),
                restarted.mappedBytes() == null ? null
                        : Report.round(restarted.mappedBytes() / (double) data.size(), 1));
        Report.Budget budget = options.memoryBudget() == null ? null
                : underBudget(engine, options.memoryBudget(), idle, data, truths.get(UNFILTERED));
        return new SystemResult(name, "ok", null, engine.version(), engine.notes(), load, ready, points, footprint,
                Report.round(restart, 3), warmup, budget);
    }

    /**
     * Every ef_search and client count of one filter, in order, each point added to {@code points} as soon as it
     * is measured (a failure keeps those before it) and logged with {@code context} after the system's name.
     */
    private void sweep(Engine engine, String context, String filterName, Engine.Searcher searcher, Dataset data,
            @Nullable Filter filter, GroundTruth truth, List<Point> points) {
        for (int ef : options.efSearch()) {
            engine.efSearch(ef);
            for (int clients : options.queryClients()) {
                Point point = queryRun(engine, filterName, ef, clients, searcher, data, filter, truth);
                log("%s: %sfilter %s, ef %d, %d client%s: %.1f queries/s, p99 %.2f ms, recall@%d %.4f", engine.name(),
                        context, point.filter(), ef, clients, clients == 1 ? "" : "s", point.queriesPerSecond(),
                        point.latency().p99Ms(), options.k(), point.recallAtK());
                points.add(point);
            }
        }
    }

    /**
     * The unfiltered sweep again, after one more restart with the page cache dropped and the system's processes in
     * a {@link MemoryCgroup} capped at its idle memory plus {@code perVector} bytes per vector, so every page its
     * searches read is charged to it and only what they keep touching stays resident. Warmed up first, since the
     * page cache starts empty. A system inside the benchmark's process is reported as not measurable.
     */
    private Report.Budget underBudget(Engine engine, double perVector, Engine.Resources idle, Dataset data,
            GroundTruth truth) {
        if (idle.rssBytes() == null) {
            return new Report.Budget(perVector, null, "not measurable: its idle memory is unknown", null, List.of(),
                    null, List.of());
        }
        long limit = idle.rssBytes() + Math.round(perVector * data.size());
        var points = new ArrayList<Point>();
        var warmup = new ArrayList<Double>();
        Double restart = null;
        MemoryCgroup group = null;
        Thread removeOnExit = null;
        try {
            group = MemoryCgroup.create("quiver-bench-" + ProcessHandle.current().pid() + "-" + engine.name(), limit);
            removeOnExit = removeOnExit(group, engine.name());
            log("%s: restarting confined to %,d bytes (idle + %,.0f per vector), page cache dropped...",
                    engine.name(), limit, perVector);
            restart = Report.round(engine.restartIn(group, data.queries()[0], options.k()), 3);
            log("%s: first full answer %.2f s after the restart began", engine.name(), restart);
            Engine.Searcher searcher = engine.searcher(data.queries(), options.k(), null);
            // Rounds bounded like a point: a system that thrashes under the limit would take hours per round.
            warmup.addAll(warmUp(engine, searcher, options.pointTime().toNanos()));
            sweep(engine, "under the limit, ", UNFILTERED, searcher, data, null, truth, points);
            return new Report.Budget(perVector, limit, null, restart, points, group.peakBytes(), warmup);
        } catch (Engine.Unavailable | RuntimeException e) {
            long kills = group == null ? 0 : group.oomKills();
            String failure = (kills > 0 ? "the kernel killed " + kills + " process(es) at the limit; " : "")
                    + e.getMessage();
            log("%s: under the limit: %s", engine.name(), failure);
            return new Report.Budget(perVector, group == null ? null : limit, failure, restart, points,
                    group == null ? null : group.peakBytes(), warmup);
        } finally {
            if (group != null) {
                group.close();
            }
            if (removeOnExit != null) {
                try {
                    Runtime.getRuntime().removeShutdownHook(removeOnExit);
                } catch (IllegalStateException e) {
                    // The JVM is shutting down already: the hook runs, and finds the group gone.
                }
            }
        }
    }

    /**
     * A Ctrl-C or kill in the middle of the phase must not leave the cgroup behind either: a hook removes it (its
     * processes move to the parent group, where runSystem's own hook stops the server).
     */
    private static Thread removeOnExit(MemoryCgroup group, String system) {
        Thread hook = new Thread(() -> {
            try {
                group.close();
            } catch (RuntimeException e) {
                // Best effort while the JVM exits; the group is named with the benchmark's pid.
            }
        }, "bench-cgroup-" + system);
        Runtime.getRuntime().addShutdownHook(hook);
        return hook;
    }

    /**
     * Unrecorded rounds of {@code --warmup} queries at the sweep's middle beam and the highest concurrency, until
     * {@link Warmup#done} says throughput stopped rising, so nothing is measured cold. Returns each round's
     * queries per second.
     */
    private List<Double> warmUp(Engine engine, Engine.Searcher searcher) {
        return warmUp(engine, searcher, FOREVER_NANOS);
    }

    /** As {@link #warmUp(Engine, Engine.Searcher)}, each round stopping after {@code roundNanos} if not done. */
    private List<Double> warmUp(Engine engine, Engine.Searcher searcher, long roundNanos) {
        if (options.warmup() == 0) {
            return List.of();
        }
        engine.efSearch(options.efSearch().get(options.efSearch().size() / 2));
        var rounds = new ArrayList<Double>();
        int offset = 0;
        while (!Warmup.done(rounds)) {
            int first = offset;
            long start = System.nanoTime();
            long sent = runConcurrently(Collections.max(options.queryClients()), options.warmup(), start + roundNanos,
                    i -> searcher.query((first + i) % searcher.queries())).getTotalCount();
            rounds.add(Report.round(sent / ((System.nanoTime() - start) / 1e9), 1));
            offset = (int) ((offset + sent) % searcher.queries());
        }
        log("%s: warmed up in %d rounds of %,d queries: %s q/s", engine.name(), rounds.size(), options.warmup(),
                Warmup.describe(rounds));
        return rounds;
    }

    /**
     * Waits until the system's CPU use stays under {@link #SETTLED_CPU} of one core for {@link #SETTLED_SAMPLES}
     * consecutive seconds, and returns when it did; null when CPU time is not measurable. Gives up (and says so)
     * after the ready timeout, returning the time it gave up.
     */
    private @Nullable Long awaitSettled(Engine engine) {
        Double previous = engine.cpuSeconds();
        if (previous == null) {
            return null;
        }
        long deadline = System.nanoTime() + options.readyTimeout().toNanos();
        int quiet = 0;
        long quietSince = System.nanoTime();
        while (quiet < SETTLED_SAMPLES) {
            ServerLauncher.Processes.sleep(java.time.Duration.ofSeconds(1));
            Double now = engine.cpuSeconds();
            if (now == null) {
                return null;
            }
            if (now - previous < SETTLED_CPU) {
                quiet++;
            } else {
                quiet = 0;
                quietSince = System.nanoTime();
            }
            previous = now;
            if (System.nanoTime() > deadline) {
                log("%s: still busy after %s; measuring anyway", engine.name(), options.readyTimeout());
                return System.nanoTime();
            }
        }
        return quietSince;
    }

    private void awaitQueryable(Engine engine, long count, float[] probe) {
        long deadline = System.nanoTime() + options.readyTimeout().toNanos();
        RuntimeException lastFailure = null;
        while (true) {
            try {
                if (engine.queryable(count, probe, options.k())) {
                    return;
                }
            } catch (RuntimeException e) {
                // A strongly consistent count waits for indexing to catch up with everything acknowledged; after a
                // large load that can outlast one request's timeout (a 503 or a client timeout). Not ready yet.
                if (lastFailure == null) {
                    log("%s: readiness probe failed, polling on: %s", engine.name(), e.getMessage());
                }
                lastFailure = e;
            }
            if (System.nanoTime() > deadline) {
                var timeout = new IllegalStateException("not queryable within " + options.readyTimeout());
                if (lastFailure != null) {
                    timeout.addSuppressed(lastFailure);
                }
                throw timeout;
            }
            ServerLauncher.Processes.sleep(java.time.Duration.ofMillis(READY_POLL_MILLIS));
        }
    }

    private Point queryRun(Engine engine, String filterName, int ef, int clients, Engine.Searcher searcher,
            Dataset data, @Nullable Filter filter, GroundTruth truth) {
        // Each slot is written by exactly one client; the executor's close() publishes them to this thread.
        var answers = new Answer[searcher.queries()];
        Double systemCpuBefore = engine.cpuSeconds();
        // The benchmark's JVM alone: Quiver's server is its child process, and counting the tree counted it twice.
        double benchCpuBefore = ServerProbe.ownCpuSeconds();
        long start = System.nanoTime();
        Histogram latency = runConcurrently(clients, answers.length, start + options.pointTime().toNanos(),
                q -> answers[q] = searcher.query(q));
        long elapsed = System.nanoTime() - start;
        // Clients take queries in order and finish each one they took, so the answered ones are a prefix.
        int answered = 0;
        while (answered < answers.length && answers[answered] != null) {
            answered++;
        }
        if (answered < answers.length) {
            log("%s: filter %s, ef %d, %d clients: %d of %d queries answered within %s", engine.name(), filterName,
                    ef, clients, answered, answers.length, options.pointTime());
        }
        double benchCpu = ServerProbe.ownCpuSeconds() - benchCpuBefore;
        Double systemCpuAfter = engine.cpuSeconds();
        Double systemCpuMsPerQuery = systemCpuBefore == null || systemCpuAfter == null ? null
                : Report.round((systemCpuAfter - systemCpuBefore) * 1000 / answered, 3);

        // Scoring happens after the clock stopped.
        double recallSum = 0;
        double maxDistanceError = 0;
        for (int q = 0; q < answered; q++) {
            Answer answer = answers[q];
            recallSum += truth.recall(q, answer.indexes());
            for (int hit = 0; hit < answer.indexes().length; hit++) {
                int index = answer.indexes()[hit];
                if (index < 0 || index >= data.size() || (filter != null && !filter.accepts(index))) {
                    // A record the filter excludes is as wrong as an unknown one: count it as an infinite error.
                    maxDistanceError = Double.POSITIVE_INFINITY;
                    continue;
                }
                float exact = options.space().distance(data.queries()[q], data.vectors()[index]);
                maxDistanceError = Math.max(maxDistanceError, Math.abs(exact - answer.distances()[hit]));
            }
        }
        return new Point(filterName, ef, clients, answered, Report.seconds(elapsed),
                Report.round(answered / (elapsed / 1e9), 1), Latency.of(latency),
                Report.round(recallSum / answered, 4), maxDistanceError, systemCpuMsPerQuery,
                Report.round(benchCpu * 1000 / answered, 3));
    }

    /** As {@link #runConcurrently(int, int, long, IntConsumer)} without a deadline. */
    static Histogram runConcurrently(int clients, int tasks, IntConsumer task) {
        return runConcurrently(clients, tasks, System.nanoTime() + FOREVER_NANOS, task);
    }

    /**
     * Runs {@code tasks} numbered tasks on {@code clients} virtual threads, each taking the next number when its
     * previous task is done (a closed loop, as real clients behave), until all ran or {@link System#nanoTime()}
     * passes {@code deadlineNanos}: then no client takes another, and each finishes the one it holds, so the tasks
     * that ran are numbers 0 to n - 1. Returns every task's latency in microseconds. The first failure stops the
     * others from taking new work and is rethrown.
     */
    static Histogram runConcurrently(int clients, int tasks, long deadlineNanos, IntConsumer task) {
        var next = new AtomicInteger();
        var futures = new ArrayList<Future<Histogram>>();
        try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int c = 0; c < clients; c++) {
                futures.add(executor.submit(() -> {
                    var histogram = new Histogram(MAX_LATENCY_MICROS, 3);
                    // The deadline is checked before a number is taken, so every number taken runs.
                    for (int i; System.nanoTime() - deadlineNanos < 0 && (i = next.getAndIncrement()) < tasks; ) {
                        long start = System.nanoTime();
                        try {
                            task.accept(i);
                        } catch (RuntimeException e) {
                            next.set(tasks);
                            throw e;
                        }
                        histogram.recordValue(Math.min((System.nanoTime() - start) / 1000, MAX_LATENCY_MICROS));
                    }
                    return histogram;
                }));
            }
        }
        var total = new Histogram(MAX_LATENCY_MICROS, 3);
        for (Future<Histogram> future : futures) {
            try {
                total.add(future.get());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while collecting client results", e);
            } catch (ExecutionException e) {
                throw e.getCause() instanceof RuntimeException cause ? cause : new IllegalStateException(e);
            }
        }
        return total;
    }

    private static double elapsedSeconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    static void log(String format, Object... arguments) {
        System.out.printf("[bench] " + format + "%n", arguments);
    }
}
