package dev.quiver.bench;

import static java.util.Objects.requireNonNull;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The command line of one benchmark run, checked once at parse time so a typo fails before any data is generated.
 *
 * @param scenario name of the scenario to run ({@code quickstart})
 * @param url base URL of the server, without {@code /api/v2}; must be a loopback address
 * @param vectors number of records loaded into the collection
 * @param dim dimension of every vector
 * @param queries number of distinct query vectors
 * @param batch records per {@code add} request
 * @param space Chroma distance space of the collection
 * @param hnsw optional HNSW parameters for {@code configuration.hnsw}, by Chroma name ({@code ef_search},
 *     {@code ef_construction}, {@code max_neighbors}); absent ones are left to the server's defaults
 * @param loadClients concurrent {@code add} requests in flight
 * @param queryClients concurrency levels for the query phase, each measured separately, in the order given
 * @param seed seed of the data and query generators; same seed, same vectors
 * @param tenant Chroma tenant name
 * @param database Chroma database name
 * @param label free text naming the target ({@code quiver}, {@code chroma}); part of the result file name
 * @param pid process id of the server, to sample its resident memory; null when unknown
 * @param dataDir the server's data directory, to measure its size on disk; null when unknown
 * @param warmup queries sent before the measured runs and not recorded, so a JIT-compiled server is measured warm
 * @param readyTimeout how long to wait after the last add for the collection to become queryable
 * @param resultsDir where the JSON result is written
 * @param cacheDir where exact-search results are cached between runs
 * @param keepCollection whether to leave the benchmark collection on the server afterwards
 */
record Options(
        String scenario,
        URI url,
        int vectors,
        int dim,
        int queries,
        int batch,
        Space space,
        Map<String, Integer> hnsw,
        int loadClients,
        List<Integer> queryClients,
        long seed,
        String tenant,
        String database,
        String label,
        @Nullable Long pid,
        @Nullable Path dataDir,
        int warmup,
        Duration readyTimeout,
        Path resultsDir,
        Path cacheDir,
        boolean keepCollection) {

    static final String USAGE = """
            usage: java -jar quiver-bench.jar quickstart [flags]
              --url URL             server base URL (default http://127.0.0.1:8000); loopback only
              --vectors N           records to load (default 100000)
              --dim D               vector dimension (default 128)
              --queries Q           query vectors (default 1000)
              --batch B             records per add request (default 1000)
              --space l2|cosine|ip  collection distance space (default l2)
              --ef-search N         HNSW search beam, sent as configuration.hnsw.ef_search (default: server's)
              --ef-construction N   HNSW build beam, configuration.hnsw.ef_construction (default: server's)
              --max-neighbors N     HNSW links per node, configuration.hnsw.max_neighbors (default: server's)
              --load-clients C      concurrent add requests (default 4)
              --query-clients LIST  query concurrency levels, comma separated (default 1,8)
              --seed S              data and query seed (default 42)
              --tenant T            (default default_tenant)
              --database D          (default default_database)
              --label TEXT          names the target in the output, e.g. quiver or chroma
              --pid PID             server process: report its resident memory (VmRSS)
              --data-dir DIR        server data directory: report its size on disk
              --warmup N            unrecorded queries before measuring (default: --queries)
              --ready-timeout SEC   wait for the data to become queryable (default 600)
              --results-dir DIR     JSON output directory (default bench/results)
              --cache-dir DIR       exact-search cache directory (default bench/target/ground-truth)
              --keep-collection     do not delete the collection at the end
            """;

    Options {
        requireNonNull(scenario, "scenario is null");
        requireNonNull(url, "url is null");
        requireNonNull(space, "space is null");
        hnsw = Map.copyOf(hnsw);
        hnsw.forEach(Options::positive);
        queryClients = List.copyOf(queryClients);
        requireNonNull(tenant, "tenant is null");
        requireNonNull(database, "database is null");
        requireNonNull(label, "label is null");
        requireNonNull(readyTimeout, "readyTimeout is null");
        requireNonNull(resultsDir, "resultsDir is null");
        requireNonNull(cacheDir, "cacheDir is null");
        positive("vectors", vectors);
        positive("dim", dim);
        positive("queries", queries);
        positive("batch", batch);
        positive("load-clients", loadClients);
        if (queryClients.isEmpty()) {
            throw new IllegalArgumentException("query-clients must name at least one level");
        }
        queryClients.forEach(clients -> positive("query-clients", clients));
        if (warmup < 0) {
            throw new IllegalArgumentException("warmup must not be negative: " + warmup);
        }
        if (vectors < Quickstart.K) {
            throw new IllegalArgumentException("vectors must be at least " + Quickstart.K + ": " + vectors);
        }
        // This tool generates real load; it must never be pointed at a machine other than this one.
        requireLoopback(url);
    }

    /** Parses {@code scenario [--flag value | --flag=value | --switch]...}. */
    static Options parse(String... args) {
        var positional = new ArrayList<String>();
        var flags = new LinkedHashMap<String, String>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--")) {
                positional.add(arg);
                continue;
            }
            int equals = arg.indexOf('=');
            if (equals > 0) {
                flags.put(arg.substring(2, equals), arg.substring(equals + 1));
            } else if (arg.equals("--keep-collection")) {
                flags.put("keep-collection", "true");
            } else if (i + 1 < args.length) {
                flags.put(arg.substring(2), args[++i]);
            } else {
                throw new IllegalArgumentException("flag " + arg + " needs a value");
            }
        }
        if (positional.size() != 1) {
            throw new IllegalArgumentException("expected exactly one scenario, got " + positional);
        }
        var reader = new FlagReader(flags);
        int queries = reader.integer("queries", 1000);
        var options = new Options(
                positional.getFirst(),
                URI.create(stripTrailingSlash(reader.text("url", "http://127.0.0.1:8000"))),
                reader.integer("vectors", 100_000),
                reader.integer("dim", 128),
                queries,
                reader.integer("batch", 1000),
                Space.fromWireName(reader.text("space", "l2")),
                hnsw(reader, flags),
                reader.integer("load-clients", 4),
                integers(reader.text("query-clients", "1,8")),
                Long.parseLong(reader.text("seed", "42")),
                reader.text("tenant", "default_tenant"),
                reader.text("database", "default_database"),
                reader.text("label", ""),
                flags.containsKey("pid") ? Long.valueOf(reader.text("pid", "")) : null,
                flags.containsKey("data-dir") ? Path.of(reader.text("data-dir", "")) : null,
                reader.integer("warmup", queries),
                Duration.ofSeconds(reader.integer("ready-timeout", 600)),
                Path.of(reader.text("results-dir", "bench/results")),
                Path.of(reader.text("cache-dir", "bench/target/ground-truth")),
                Boolean.parseBoolean(reader.text("keep-collection", "false")));
        reader.rejectUnused();
        return options;
    }

    private static Map<String, Integer> hnsw(FlagReader reader, Map<String, String> flags) {
        var hnsw = new LinkedHashMap<String, Integer>();
        for (String flag : List.of("ef-search", "ef-construction", "max-neighbors")) {
            if (flags.containsKey(flag)) {
                hnsw.put(flag.replace('-', '_'), reader.integer(flag, 0));
            }
        }
        return hnsw;
    }

    private static void positive(String name, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be positive: " + value);
        }
    }

    private static void requireLoopback(URI url) {
        String host = url.getHost();
        if (host == null || !"http".equals(url.getScheme())) {
            throw new IllegalArgumentException("url must be http://host:port: " + url);
        }
        try {
            for (InetAddress address : InetAddress.getAllByName(host)) {
                if (!address.isLoopbackAddress()) {
                    throw new IllegalArgumentException("url must point at this machine (loopback): " + url);
                }
            }
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("unknown host in url: " + url, e);
        }
    }

    private static String stripTrailingSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    private static List<Integer> integers(String commaSeparated) {
        var values = new ArrayList<Integer>();
        for (String part : commaSeparated.split(",")) {
            values.add(Integer.valueOf(part.strip()));
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
