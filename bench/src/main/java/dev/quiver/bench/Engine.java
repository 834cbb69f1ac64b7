package dev.quiver.bench;

import java.nio.file.Path;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * One system under test: Quiver or a peer (the real Chroma server, PostgreSQL with pgvector, Lucene's HNSW called
 * in-process). The scenario runner drives every engine through these calls in the same order on the same data, so
 * the numbers differ only by the system.
 *
 * <p>Life cycle: {@link #start} → {@link #create} → {@link #loader} batches → {@link #queryable} polls →
 * ({@link #efSearch}, {@link #searcher} queries)… → {@link #resources} → {@link #restart} → queries →
 * {@link #close}. One collection per engine instance. Engines are used by one runner thread, except that
 * {@link Loader#send} and {@link Searcher#query} are called from many client threads at once.
 */
interface Engine extends AutoCloseable {

    /** Lower-case name used in {@code --systems}, tables, charts and JSON: quiver, chroma, pgvector, lucene. */
    String name();

    /**
     * Starts the system with an empty data directory of its own under {@code workDir}, on loopback only.
     *
     * @throws Unavailable when the system cannot run on this machine (not installed, unsupported); the run reports
     *     it as skipped with the reason and goes on with the other systems
     */
    void start(Path workDir) throws Unavailable;

    /** What runs, with versions, e.g. {@code "pgvector 0.8.0 on PostgreSQL 15.20"}; valid after {@link #start}. */
    String version();

    /** Settings that differ from the other systems' and that a reader must know, e.g. an iterative scan mode. */
    default String notes() {
        return "";
    }

    /**
     * Why this system cannot build {@code spec} (e.g. int8 vectors in a system without them), or empty when it can.
     * The runner asks before {@link #create} and reports the system as skipped with this reason, because
     * {@code create} cannot throw {@link Unavailable}. The default accepts every spec.
     */
    default Optional<String> findUnsupportedReason(IndexSpec spec) {
        return Optional.empty();
    }

    /**
     * Creates the one empty collection (table, index) of this run.
     *
     * @throws IllegalArgumentException when {@link #findUnsupportedReason} names a reason for {@code spec}
     */
    void create(IndexSpec spec);

    /**
     * Encodes every batch of {@code data.vectors()} (ids, vectors, and the metadata {@code bucket} =
     * {@link Dataset#bucket}) before any clock starts; the returned loader then only sends them.
     */
    Loader loader(Dataset data, int batchSize);

    /**
     * Work a system needs between its last acknowledged write and its first query that the load did not do, such
     * as building an index deferred until the rows are in; counted in the time until queryable. None by default.
     */
    default void finishLoad() {
    }

    /**
     * Whether all {@code expectedCount} records are counted and a query for {@code probe} returns {@code k} hits;
     * a system that acknowledges writes before it indexes them answers false until it has caught up.
     */
    boolean queryable(long expectedCount, float[] probe, int k);

    /** Sets the search beam for the following queries (Chroma {@code ef_search}, pgvector hnsw.ef_search). */
    void efSearch(int ef);

    /**
     * Encodes every query (with the filter, when not null) before any clock starts; the returned searcher only
     * sends them.
     */
    Searcher searcher(float[][] queries, int k, @Nullable Filter filter);

    /** Memory and disk of the system now, measured from outside where it is a separate process. */
    Resources resources();

    /**
     * As {@link #restart}, but with the page cache dropped after the stop and the system's processes started in
     * {@code group}, where they stay (restarts that follow included) until the system stops.
     *
     * @throws Unavailable when the system cannot be started in a group (the in-process Lucene index, and peers
     *     not wired for it yet)
     */
    default double restartIn(MemoryCgroup group, float[] probe, int k) throws Unavailable {
        throw new Unavailable("not measurable: the benchmark cannot start " + name() + " inside a memory cgroup");
    }

    /**
     * CPU time (user and system) the system's processes have used so far, or null when it cannot be measured. Its
     * growth while no request is in flight shows background work such as graph merges. Cheap (no walk of the data
     * directory), since it is sampled every second while the system settles and around every query run.
     */
    @Nullable Double cpuSeconds();

    /**
     * Stops the system cleanly, starts it again on the same data, and returns the seconds from the start until a
     * query for {@code probe} returns {@code k} hits (restart-to-first-query).
     */
    double restart(float[] probe, int k);

    /** Stops the system and deletes its data; never throws. */
    @Override
    void close();

    /** Sends pre-encoded batches; thread-safe. */
    interface Loader {
        int batches();

        void send(int batch);

        /** A loader of {@code batches} batches that {@code send} sends by number. */
        static Loader of(int batches, java.util.function.IntConsumer send) {
            return new Loader() {
                @Override
                public int batches() {
                    return batches;
                }

                @Override
                public void send(int batch) {
                    send.accept(batch);
                }
            };
        }
    }

    /** Sends pre-encoded queries; thread-safe. */
    interface Searcher {
        int queries();

        Answer query(int query);

        /** A searcher of {@code queries} queries that {@code query} answers by number. */
        static Searcher of(int queries, java.util.function.IntFunction<Answer> query) {
            return new Searcher() {
                @Override
                public int queries() {
                    return queries;
                }

                @Override
                public Answer query(int number) {
                    return query.apply(number);
                }
            };
        }
    }

    /**
     * One sample of what the system costs. Nulls mean "not measured" (say why in {@link Engine#notes}).
     *
     * @param rssBytes resident memory of the system's processes (proportional set size summed over the process
     *     tree, so shared memory of a multi-process server is counted once)
     * @param diskBytes bytes of the regular files of the system's data directory
     * @param mappedBytes the part of {@code rssBytes} that is files of the data directory mapped into the server's
     *     memory (for Quiver, the index files Lucene maps), or null when the system maps none or it was not measured
     */
    record Resources(@Nullable Long rssBytes, @Nullable Long diskBytes, @Nullable Long mappedBytes) {
    }

    /** The system cannot run here; the message says why (shown as "skipped: ..."). */
    final class Unavailable extends Exception {
        Unavailable(String reason) {
            super(reason);
        }

        Unavailable(String reason, Throwable cause) {
            super(reason, cause);
        }
    }
}
