package dev.quiver.bench;

import static java.util.Objects.requireNonNull;

import dev.quiver.bench.ChromaClient.QueryAnswer;
import dev.quiver.bench.QuickstartResult.Latency;
import dev.quiver.bench.QuickstartResult.QueryRun;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import org.HdrHistogram.Histogram;

/**
 * The quickstart scenario (issue #3): load N seeded random vectors through {@code add}, wait until they are all
 * queryable, then query at each concurrency level and score the answers against exact search.
 *
 * <p>Steps, in this order so that no measured phase competes with the benchmark's own CPU work on a small machine:
 * <ol>
 *   <li>generate the data, compute (or read) the exact neighbours, and encode every request body;</li>
 *   <li>create a fresh collection;</li>
 *   <li>load: {@code --load-clients} virtual threads take batches from a shared counter, timed from the first send
 *       to the last acknowledgement;</li>
 *   <li>ready: poll until {@code count == N} and a query returns k hits, because a server may acknowledge writes
 *       before it indexes them;</li>
 *   <li>warm up with unrecorded queries, so a JIT-compiled server is not measured cold;</li>
 *   <li>query: for each level, every query once, latency per request in an HdrHistogram;</li>
 *   <li>delete the collection (in all cases, unless {@code --keep-collection}).</li>
 * </ol>
 * Not thread-safe: one instance per run.
 */
final class Quickstart {

    /** The scenario's neighbour count: recall@10, and "queryable" means a query returns 10 hits. */
    static final int K = 10;

    /** Latencies in microseconds up to the request timeout, at 3 significant digits. */
    private static final long MAX_LATENCY_MICROS = TimeUnit.MINUTES.toMicros(10);

    private static final long READY_POLL_MILLIS = 50;

    private final Options options;
    private final ChromaClient client;
    private final ServerProbe probe;

    Quickstart(Options options) {
        this.options = requireNonNull(options, "options is null");
        this.client = new ChromaClient(options.url(), options.tenant(), options.database());
        this.probe = new ServerProbe(options.pid(), options.dataDir());
    }

    QuickstartResult run() {
        Instant startedAt = Instant.now();
        // Fail on an unreachable server before spending time on data.
        String serverVersion = client.version();

        // 1. Everything CPU-heavy on the client side happens before any clock starts.
        long phase = System.nanoTime();
        var dataset = Dataset.uniform(options.seed(), options.vectors(), options.queries(), options.dim());
        log("generated %,d x %d vectors and %,d queries (seed %d) in %.1f s", options.vectors(), options.dim(),
                options.queries(), options.seed(), elapsedSeconds(phase));
        phase = System.nanoTime();
        var truth = GroundTruth.load(dataset, options.space(), K, options.seed(), options.cacheDir());
        log("exact top-%d (%s) ready in %.1f s", K, options.space().wireName(), elapsedSeconds(phase));
        byte[][] addBodies = addBodies(dataset);
        byte[][] queryBodies = new byte[options.queries()][];
        for (int q = 0; q < queryBodies.length; q++) {
            queryBodies[q] = ChromaClient.queryBody(dataset.queries()[q], K);
        }

        // 2. A fresh collection per run, so reruns against a long-lived server never see old records.
        String name = "bench-quickstart-" + startedAt.toEpochMilli();
        String collectionId = client.createCollection(name, options.space(), options.hnsw());
        log("created collection %s (%s, space %s, hnsw %s)", name, collectionId, options.space().wireName(),
                options.hnsw().isEmpty() ? "server defaults" : options.hnsw());
        try {
            ServerProbe.Sample beforeLoad = probe.sample();

            // 3. Load.
            log("loading %,d batches of up to %,d with %d clients...", addBodies.length, options.batch(),
                    options.loadClients());
            long loadStart = System.nanoTime();
            Histogram addLatency = runConcurrently(options.loadClients(), addBodies.length,
                    batch -> client.add(collectionId, addBodies[batch]));
            long loadEnd = System.nanoTime();
            var load = new QuickstartResult.Load(options.vectors(), addBodies.length,
                    QuickstartResult.seconds(loadEnd - loadStart),
                    QuickstartResult.round(options.vectors() / ((loadEnd - loadStart) / 1e9), 1),
                    Latency.of(addLatency));
            log("loaded in %.2f s", load.seconds());

            // 4. Ready.
            int polls = awaitQueryable(collectionId, queryBodies[0]);
            long readyAt = System.nanoTime();
            var ready = new QuickstartResult.Ready(QuickstartResult.seconds(readyAt - loadEnd),
                    QuickstartResult.seconds(readyAt - loadStart), polls);
            log("queryable %.3f s after the last add", ready.secondsAfterLoad());
            ServerProbe.Sample afterLoad = probe.sample();

            // 5. Warm-up at the highest level, to also warm the server's connection handling.
            int warmupClients = Collections.max(options.queryClients());
            runConcurrently(warmupClients, options.warmup(),
                    i -> client.query(collectionId, queryBodies[i % queryBodies.length]));
            log("warmed up with %,d queries", options.warmup());

            // 6. Query.
            var runs = new ArrayList<QueryRun>();
            for (int clients : options.queryClients()) {
                QueryRun run = queryRun(clients, collectionId, queryBodies, dataset, truth);
                log("%d client%s: %.1f queries/s, p99 %.2f ms, recall@%d %.4f", clients, clients == 1 ? "" : "s",
                        run.queriesPerSecond(), run.latency().p99Ms(), K, run.recallAtK());
                runs.add(run);
            }
            ServerProbe.Sample afterQueries = probe.sample();

            var parameters = new QuickstartResult.Parameters(options.vectors(), options.dim(), options.queries(), K,
                    options.batch(), options.space().wireName(), options.hnsw(), options.loadClients(),
                    options.queryClients(), options.warmup(), options.seed(), options.tenant(), options.database());
            var server = new QuickstartResult.Server(beforeLoad.rssBytes(), afterLoad.rssBytes(),
                    afterQueries.rssBytes(), afterQueries.peakRssBytes(), afterLoad.dataDirBytes(),
                    afterQueries.dataDirBytes());
            return new QuickstartResult("quickstart", options.label(), startedAt.toString(),
                    options.url().toString(), serverVersion, parameters, load, ready, runs, server,
                    QuickstartResult.Environment.current());
        } finally {
            // 7. Leave the server as we found it.
            if (!options.keepCollection()) {
                deleteCollection(name);
            }
        }
    }

    /** A failed clean-up is reported but must not hide the failure that ended the run. */
    private void deleteCollection(String name) {
        try {
            client.deleteCollection(name);
        } catch (RuntimeException e) {
            System.err.println("warning: could not delete collection " + name + ": " + e.getMessage());
        }
    }

    private byte[][] addBodies(Dataset dataset) {
        int batches = Math.ceilDiv(options.vectors(), options.batch());
        var bodies = new byte[batches][];
        for (int b = 0; b < batches; b++) {
            int from = b * options.batch();
            bodies[b] = ChromaClient.addBody(dataset.vectors(), from, Math.min(from + options.batch(),
                    options.vectors()));
        }
        return bodies;
    }

    /** Polls until every record is counted and a query returns k hits; returns the number of polls. */
    private int awaitQueryable(String collectionId, byte[] queryBody) {
        long deadline = System.nanoTime() + options.readyTimeout().toNanos();
        for (int polls = 1; ; polls++) {
            long count = client.count(collectionId);
            if (count == options.vectors() && client.query(collectionId, queryBody).indexes().length == K) {
                return polls;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("not queryable after %s: count %d of %d".formatted(
                        options.readyTimeout(), count, options.vectors()));
            }
            try {
                Thread.sleep(READY_POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the collection", e);
            }
        }
    }

    private QueryRun queryRun(int clients, String collectionId, byte[][] queryBodies, Dataset dataset,
            GroundTruth truth) {
        // Each slot is written by exactly one client; the executor's close() publishes them to this thread.
        var answers = new QueryAnswer[queryBodies.length];
        long start = System.nanoTime();
        Histogram latency = runConcurrently(clients, queryBodies.length,
                q -> answers[q] = client.query(collectionId, queryBodies[q]));
        long elapsed = System.nanoTime() - start;

        // Scoring happens after the clock stopped.
        double recallSum = 0;
        double maxDistanceError = 0;
        for (int q = 0; q < answers.length; q++) {
            QueryAnswer answer = answers[q];
            recallSum += truth.recall(q, answer.indexes());
            for (int hit = 0; hit < answer.indexes().length; hit++) {
                int index = answer.indexes()[hit];
                if (index >= 0 && index < dataset.vectors().length) {
                    float exact = options.space().distance(dataset.queries()[q], dataset.vectors()[index]);
                    maxDistanceError = Math.max(maxDistanceError, Math.abs(exact - answer.distances()[hit]));
                }
            }
        }
        return new QueryRun(clients, answers.length, QuickstartResult.seconds(elapsed),
                QuickstartResult.round(answers.length / (elapsed / 1e9), 1), Latency.of(latency),
                QuickstartResult.round(recallSum / answers.length, 4), maxDistanceError);
    }

    /**
     * Runs {@code tasks} numbered tasks on {@code clients} virtual threads, each taking the next number when its
     * previous request is answered (a closed loop, as real clients behave). Returns every task's latency in
     * microseconds. The first failure stops the others from taking new work and is rethrown.
     */
    private static Histogram runConcurrently(int clients, int tasks, IntConsumer task) {
        var next = new AtomicInteger();
        var futures = new ArrayList<Future<Histogram>>();
        try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int c = 0; c < clients; c++) {
                futures.add(executor.submit(() -> {
                    var histogram = new Histogram(MAX_LATENCY_MICROS, 3);
                    for (int i = next.getAndIncrement(); i < tasks; i = next.getAndIncrement()) {
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

    private static void log(String format, Object... arguments) {
        System.out.printf("[bench] " + format + "%n", arguments);
    }
}
