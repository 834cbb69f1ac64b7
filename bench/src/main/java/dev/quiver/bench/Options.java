package dev.quiver.bench;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The command line of one benchmark run, checked once at parse time so a typo fails before any data is generated.
 *
 * @param scenario which data and defaults
 * @param systems the systems to run, in order ({@code quiver}, {@code chroma}, {@code pgvector}, {@code lucene})
 * @param vectors number of records loaded
 * @param dim vector dimension (fixed by the model for text data)
 * @param queries number of distinct query vectors
 * @param k neighbours per query
 * @param batch records per add request (or insert batch)
 * @param space distance space
 * @param maxNeighbors HNSW links per node, the same for every system
 * @param efConstruction HNSW build beam, the same for every system
 * @param efSearch the search beams swept, each measured separately
 * @param filters filter selectivities in percent, each measured besides the unfiltered queries
 * @param quantization vector storage of the index
 * @param loadClients concurrent add requests in flight
 * @param queryClients concurrency levels for the query phase
 * @param warmup unrecorded queries per warm-up round after the load and after the restart; rounds repeat until
 *     throughput stops rising
 * @param seed data and query seed
 * @param clusters centres of the Gaussian mixture
 * @param spread standard deviation of each component around its centre
 * @param readyTimeout how long to wait for loaded data to become queryable
 * @param pointTime how long one measured point may send new queries: a system that answers a filtered query in a
 *     second would otherwise hold a 1M run for hours; the point then counts the queries answered by then
 * @param label free text added to the result file name
 * @param resultsDir where JSON and PNG results are written
 * @param cacheDir where exact-search results and embedded text are cached between runs
 * @param workDir where the systems keep their data during the run (deleted afterwards); null = a new temporary
 *     directory
 * @param serverJar the Quiver server jar
 * @param quiverJvmArgs extra flags for Quiver's JVM, for example a JFR recording or a heap limit
 * @param toolsDir the repository's {@code tools} directory (peer start scripts)
 * @param pgvectorIndexAfterLoad whether pgvector's HNSW index is built by CREATE INDEX once every row is in, the
 *     way pgvector advises to bulk-load, rather than kept up to date row by row as the other systems do
 * @param memoryBudget bytes per vector over the idle system: after the restart, each system running as processes
 *     of its own is confined to a memory cgroup of that size and the unfiltered sweep runs again; null = no such
 *     phase
 * @param budgetJvmArgs extra flags for Quiver's JVM when it restarts under the memory limit, for example a fixed
 *     heap: left to itself, the JVM sizes its heap at a quarter of the limit and grows it out of the page cache
 */
record Options(
        Scenario scenario,
        List<String> systems,
        int vectors,
        int dim,
        int queries,
        int k,
        int batch,
        Space space,
        int maxNeighbors,
        int efConstruction,
        List<Integer> efSearch,
        List<Integer> filters,
        IndexSpec.Quantization quantization,
        int loadClients,
        List<Integer> queryClients,
        int warmup,
        long seed,
        int clusters,
        double spread,
        Duration readyTimeout,
        Duration pointTime,
        String label,
        Path resultsDir,
        Path cacheDir,
        @Nullable Path workDir,
        Path serverJar,
        List<String> quiverJvmArgs,
        Path toolsDir,
        boolean pgvectorIndexAfterLoad,
        @Nullable Double memoryBudget,
        List<String> budgetJvmArgs) {

    static final Set<String> SYSTEMS = Set.of("quiver", "chroma", "pgvector", "lucene");

    static final String USAGE = """
            usage: java -jar quiver-bench.jar SCENARIO [flags]
              SCENARIO              quickstart (uniform 100k x 128, l2), clustered-128 (Gaussian mixture 1M x 128,
                                    l2), clustered-768 (Gaussian mixture 100k x 768, cosine), text-minilm (Europarl
                                    sentences embedded with all-MiniLM-L6-v2, 100k x 384, cosine)
              --systems LIST        systems to run, in order (default quiver,chroma,pgvector,lucene)
              --vectors N           records to load (default: the scenario's)
              --dim D               vector dimension (default: the scenario's; fixed for text-minilm)
              --queries Q           query vectors (default 1000)
              --k K                 neighbours per query (default 10)
              --batch B             records per add request (default 1000)
              --space l2|cosine|ip  distance space (default: the scenario's)
              --max-neighbors M     HNSW links per node, every system (default 16)
              --ef-construction N   HNSW build beam, every system (default 100)
              --ef-search LIST      search beams to sweep (default 10,20,40,80,160,320)
              --filters LIST        filter selectivities in percent, besides unfiltered (default 10,1; none: -)
              --quantization Q      none or int8 (default none; systems without int8 are skipped)
              --load-clients C      concurrent add requests (default 4)
              --query-clients LIST  query concurrency levels (default 1,8)
              --warmup N            unrecorded queries per warm-up round, after the load and after the restart;
                                    rounds repeat until throughput stops rising (default 3000; 0: none)
              --seed S              data and query seed (default 42)
              --clusters C          Gaussian mixture centres (default 64)
              --spread S            Gaussian standard deviation per component (default 0.6)
              --ready-timeout SEC   wait for the data to become queryable (default 1800)
              --point-seconds SEC   stop sending a point's queries after this long; it counts those answered
                                    (default 120)
              --label TEXT          added to the result file names
              --results-dir DIR     JSON and PNG output (default bench/results)
              --cache-dir DIR       exact neighbours and embedded text (default bench/target/cache)
              --work-dir DIR        the systems' data during the run (default: a new temporary directory)
              --server-jar FILE     Quiver's jar (default server/target/quiver-server.jar)
              --quiver-jvm FLAGS    extra JVM flags for Quiver, space-separated (for example
                                    "-XX:StartFlightRecording=filename=quiver.jfr -Xmx2g")
              --tools-dir DIR       peer start scripts (default tools)
              --pgvector-index WHEN online: the HNSW index exists before the first row (default); after-load:
                                    rows first, then CREATE INDEX, timed as part of "ready after"
              --memory-budget B     after the restart, confine each server's processes to idle memory + B bytes
                                    per vector (a cgroup v1 memory limit counting page cache; needs root), drop
                                    the page cache, and run the unfiltered sweep again (default: no such phase)
              --budget-jvm FLAGS    extra JVM flags for Quiver inside that limit, for example "-Xmx256m" (by
                                    default its heap may grow to a quarter of the limit, out of the page cache)
            """;

    Options {
        requireNonNull(scenario, "scenario is null");
        systems = List.copyOf(systems);
        requireNonNull(space, "space is null");
        efSearch = List.copyOf(efSearch);
        filters = List.copyOf(filters);
        requireNonNull(quantization, "quantization is null");
        queryClients = List.copyOf(queryClients);
        requireNonNull(readyTimeout, "readyTimeout is null");
        requireNonNull(pointTime, "pointTime is null");
        if (pointTime.isNegative() || pointTime.isZero()) {
            throw new IllegalArgumentException("point-seconds must be positive: " + pointTime.toSeconds());
        }
        requireNonNull(label, "label is null");
        requireNonNull(resultsDir, "resultsDir is null");
        requireNonNull(cacheDir, "cacheDir is null");
        requireNonNull(serverJar, "serverJar is null");
        quiverJvmArgs = List.copyOf(quiverJvmArgs);
        if (memoryBudget != null && !(memoryBudget > 0)) {
            throw new IllegalArgumentException("memory-budget must be a positive number of bytes per vector: "
                    + memoryBudget);
        }
        budgetJvmArgs = List.copyOf(budgetJvmArgs);
        if (memoryBudget == null && !budgetJvmArgs.isEmpty()) {
            throw new IllegalArgumentException("budget-jvm applies only with memory-budget: " + budgetJvmArgs);
        }
        requireNonNull(toolsDir, "toolsDir is null");
        if (systems.isEmpty() || !SYSTEMS.containsAll(systems) || Set.copyOf(systems).size() != systems.size()) {
            throw new IllegalArgumentException("systems must be distinct names from " + SYSTEMS + ": " + systems);
        }
        positive("vectors", vectors);
        positive("dim", dim);
        positive("queries", queries);
        positive("k", k);
        positive("batch", batch);
        positive("max-neighbors", maxNeighbors - 1);
        positive("ef-construction", efConstruction);
        positive("load-clients", loadClients);
        if (efSearch.isEmpty() || queryClients.isEmpty()) {
            throw new IllegalArgumentException("ef-search and query-clients must name at least one value each");
        }
        efSearch.forEach(ef -> positive("ef-search", ef));
        queryClients.forEach(clients -> positive("query-clients", clients));
        for (int percent : filters) {
            if (percent < 1 || percent > 99) {
                throw new IllegalArgumentException("filters are percentages in [1, 99]: " + percent);
            }
            if ((long) vectors * percent / 100 < k) {
                throw new IllegalArgumentException("a " + percent + " % filter keeps fewer than k = " + k
                        + " of " + vectors + " records");
            }
        }
        if (warmup < 0) {
            throw new IllegalArgumentException("warmup must not be negative: " + warmup);
        }
        if (vectors < k) {
            throw new IllegalArgumentException("vectors must be at least k = " + k + ": " + vectors);
        }
        if (scenario.data() == Scenario.Data.TEXT && dim != scenario.defaultDim()) {
            throw new IllegalArgumentException("text-minilm vectors have " + scenario.defaultDim()
                    + " dimensions; --dim cannot change them");
        }
        if (clusters < 1 || !(spread > 0)) {
            throw new IllegalArgumentException("clusters must be positive and spread > 0");
        }
    }

    /** The index every system builds. */
    IndexSpec indexSpec() {
        return new IndexSpec(dim, space, maxNeighbors, efConstruction, quantization);
    }

    /** Parses {@code scenario [--flag value | --flag=value]...}. */
    static Options parse(String... args) {
        Flags parsed = Flags.parse(args, Set.of());
        List<String> positional = parsed.positional();
        Map<String, String> flags = parsed.flags();
        if (positional.size() != 1) {
            throw new IllegalArgumentException("expected exactly one scenario, got " + positional);
        }
        Scenario scenario = Scenario.fromWireName(positional.getFirst());
        var reader = new FlagReader(flags);
        String workDir = reader.text("work-dir", "");
        var options = new Options(
                scenario,
                List.of(reader.text("systems", "quiver,chroma,pgvector,lucene").split(",")),
                reader.integer("vectors", scenario.defaultVectors()),
                reader.integer("dim", scenario.defaultDim()),
                reader.integer("queries", 1000),
                reader.integer("k", 10),
                reader.integer("batch", 1000),
                Space.fromWireName(reader.text("space", scenario.defaultSpace().wireName())),
                reader.integer("max-neighbors", 16),
                reader.integer("ef-construction", 100),
                integers(reader.text("ef-search", "10,20,40,80,160,320")),
                integers(reader.text("filters", "10,1")),
                quantization(reader.text("quantization", "none")),
                reader.integer("load-clients", 4),
                integers(reader.text("query-clients", "1,8")),
                reader.integer("warmup", 3000),
                Long.parseLong(reader.text("seed", "42")),
                reader.integer("clusters", 64),
                Double.parseDouble(reader.text("spread", "0.6")),
                Duration.ofSeconds(reader.integer("ready-timeout", 1800)),
                Duration.ofSeconds(reader.integer("point-seconds", 120)),
                reader.text("label", ""),
                Path.of(reader.text("results-dir", "bench/results")),
                Path.of(reader.text("cache-dir", "bench/target/cache")),
                workDir.isEmpty() ? null : Path.of(workDir),
                Path.of(reader.text("server-jar", "server/target/quiver-server.jar")),
                words(reader.text("quiver-jvm", "")),
                Path.of(reader.text("tools-dir", "tools")),
                switch (reader.text("pgvector-index", "online")) {
                    case "online" -> false;
                    case "after-load" -> true;
                    default -> throw new IllegalArgumentException(
                            "pgvector-index must be online or after-load: " + reader.text("pgvector-index", ""));
                },
                reader.text("memory-budget", "").isEmpty() ? null
                        : Double.parseDouble(reader.text("memory-budget", "")),
                words(reader.text("budget-jvm", "")));
        reader.rejectUnused();
        return options;
    }

    /** A name for the result files: scenario, optional label, and what differs from the defaults that matters. */
    String resultName() {
        String safeLabel = label.replaceAll("[^A-Za-z0-9._-]", "_");
        return scenario.wireName() + (quantization == IndexSpec.Quantization.NONE ? "" : "-" + quantization.wireName())
                + (safeLabel.isEmpty() ? "" : "-" + safeLabel);
    }

    /** Whitespace-separated words, none for a blank text: how JVM flags are given on one command-line value. */
    static List<String> words(String text) {
        return text.isBlank() ? List.of() : List.of(text.strip().split("\\s+"));
    }

    private static IndexSpec.Quantization quantization(String text) {
        return switch (text) {
            case "none" -> IndexSpec.Quantization.NONE;
            case "int8" -> IndexSpec.Quantization.INT8;
            default -> throw new IllegalArgumentException("quantization must be none or int8: " + text);
        };
    }

    private static void positive(String name, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be positive: " + value);
        }
    }

    private static List<Integer> integers(String commaSeparated) {
        var values = new ArrayList<Integer>();
        if (commaSeparated.equals("-")) {
            return values;
        }
        for (String part : commaSeparated.split(",")) {
            try {
                values.add(Integer.valueOf(part.strip().replace("_", "")));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not a list of integers: " + commaSeparated, e);
            }
        }
        return values;
    }

    /** Reads flags by name and remembers which were read, so an unknown flag is an error rather than ignored. */
    private static final class FlagReader {
        private final Map<String, String> flags;
        private final Map<String, String> unused;

        FlagReader(Map<String, String> flags) {
            this.flags = flags;
            this.unused = new LinkedHashMap<>(flags);
        }

        String text(String name, String defaultValue) {
            unused.remove(name);
            return flags.getOrDefault(name, defaultValue);
        }

        int integer(String name, int defaultValue) {
            String value = text(name, Integer.toString(defaultValue));
            try {
                return Integer.parseInt(value.replace("_", ""));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--" + name + " must be an integer: " + value, e);
            }
        }

        void rejectUnused() {
            if (!unused.isEmpty()) {
                throw new IllegalArgumentException("unknown flags: " + unused.keySet());
            }
        }
    }
}
