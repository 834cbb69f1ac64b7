package dev.quiver.bench;

import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Text search latency on one Quiver server, through the Chroma HTTP API at one client: {@code where_document}
 * ({@code $contains} of rare words, common words and two-character needles, and a {@code $regex}) with the trigram
 * index and with the scan it replaced, and the Search API's hybrid ranking (reciprocal rank fusion of
 * {@code $knn} by text and {@code $bm25}) beside its parts alone.
 *
 * <pre>java -cp quiver-bench.jar -Dloader.main=dev.quiver.bench.TextSearchBench \
 *     org.springframework.boot.loader.launch.PropertiesLauncher --documents 100000</pre>
 * (or {@code bench/text-search.sh}).
 *
 * <ol>
 *   <li>Starts the standalone jar and loads two collections. {@code where}: {@code --documents} Europarl sentences
 *       (beyond the corpus's 88,011, two sentences joined, so every document is distinct) with seeded random
 *       8-dimensional vectors, since only the documents matter. {@code hybrid}: the same documents, {@code --documents}
 *       of them (or {@code --hybrid-documents} when set, since embedding the documents once takes about 20 ms of CPU
 *       each), with their all-MiniLM-L6-v2 vectors (embedded once and cached by {@link TextDataset}, or for the
 *       sentences read from {@code --vectors-file}, a cache file of an earlier encoder of the model)
 *       in a collection whose embedding function is the built-in {@code default}, so
 *       {@code $knn} with a text query embeds it on the server.
 *   <li>{@code where_document}: {@code --where-queries} distinct needles per case, each sent once after one
 *       unrecorded warm-up pass, as {@code get} with {@code limit} 10 and nothing included (the filter still visits
 *       every match). Distinct needles keep Lucene's query cache out of the measurement.
 *   <li>Hybrid: the first {@code --queries} held-out sentences, each once after a warm-up pass over them, as the
 *       Search API with {@code limit} 10: {@code $knn} by text, {@code $knn} by the cached query vector,
 *       {@code $bm25}, and reciprocal rank fusion (k 60, 50 candidates from each) of text {@code $knn} and
 *       {@code $bm25}, then of vector {@code $knn} and {@code $bm25}.
 *   <li>Restarts the server on the same data with {@code -Dquiver.search.where-document-index=scan} and measures
 *       the {@code where_document} cases again: the scan of every document that the index replaced.
 * </ol>
 * Prints p50/p95/p99 and queries/s per case and writes them as JSON under {@code --results-dir}. Seeded; loopback.
 */
public final class TextSearchBench {

    private static final String TENANT = "default_tenant";
    private static final String DATABASE = "default_database";
    private static final int WHERE_DIMENSION = 8;
    private static final int BATCH = 1_000;
    private static final int RRF_K = 60;
    private static final int RRF_CANDIDATES = 50;
    private static final Pattern WORD = Pattern.compile("\\p{L}+");

    private final Map<String, String> options;
    private final Map<String, Object> cases = new LinkedHashMap<>();
    private ChromaClient client;

    private TextSearchBench(Map<String, String> options) {
        this.options = options;
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = Flags.withDefaults("TextSearchBench", Flags.defaults("documents", "100000",
                "hybrid-documents", "0", "queries", "200", "where-queries", "40", "hybrid", "true",
                "vectors-file", "", "embed-only", "false", "seed", "42", "server-jar",
                "server/target/quiver-server.jar", "results-dir", "bench/results", "cache-dir", "bench/target/cache"),
                args);
        new TextSearchBench(options).run();
    }

    private int option(String name) {
        return Integer.parseInt(options.get(name));
    }

    private void run() throws Exception {
        int documents = option("documents");
        TextDataset.Corpus corpus = TextDataset.corpus();
        int available = corpus.data().size();
        List<String> sentences = corpus.prefix(Math.min(documents, available), 0).data();
        List<String> whereDocuments = whereDocuments(sentences, documents);
        int hybridDocuments = option("hybrid-documents") > 0 ? option("hybrid-documents") : documents;
        int hybridSentences = Math.min(hybridDocuments, available);
        // The same documents as the where collection's: sentences, then beyond the corpus pairs of them joined.
        List<String> hybridTexts = hybridDocuments == documents ? whereDocuments
                : whereDocuments(corpus.prefix(hybridSentences, 0).data(), hybridDocuments);
        boolean hybrid = Boolean.parseBoolean(options.get("hybrid"));
        Dataset dataset = null;
        float[][] hybridVectors = null;
        Path textCache = Path.of(options.get("cache-dir")).resolve("text");
        if (hybrid && !options.get("vectors-file").isEmpty()) {
            dataset = TextDataset.readAnyMiniLmCache(Path.of(options.get("vectors-file")), hybridSentences,
                    option("queries"));
            if (dataset == null) {
                throw new IllegalArgumentException(options.get("vectors-file")
                        + " holds no all-MiniLM-L6-v2 vectors of " + hybridSentences + " data and "
                        + option("queries") + " query sentences");
            }
            System.out.println("[text-search] vectors read from " + options.get("vectors-file"));
        } else if (hybrid) {
            dataset = TextDataset.load(hybridSentences, option("queries"), textCache);
        }
        if (hybrid) {
            hybridVectors = dataset.vectors();
            if (hybridDocuments > hybridSentences) {
                float[][] joined = TextDataset.embedCached(hybridTexts.subList(hybridSentences, hybridDocuments),
                        "joined", textCache);
                hybridVectors = java.util.Arrays.copyOf(hybridVectors, hybridDocuments);
                System.arraycopy(joined, 0, hybridVectors, hybridSentences, joined.length);
            }
        }
        if (Boolean.parseBoolean(options.get("embed-only"))) {
            // Fills the cache ahead, for instance at low priority while the machine does other work.
            System.out.printf("[text-search] %,d hybrid documents embedded and cached; --embed-only, so no server%n",
                    hybridDocuments);
            return;
        }
        List<String> queryTexts = hybrid ? TextDataset.querySentences(option("queries")) : List.of();
        Map<String, List<String>> needles = needles(whereDocuments, option("where-queries"),
                new Random(Long.parseLong(options.get("seed"))));

        Path dataDir = Files.createTempDirectory("quiver-text-search");
        Path results = Path.of(options.get("results-dir")).toAbsolutePath();
        Files.createDirectories(results);
        Path logFile = results.resolve("text-search-server.log");
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("startedAt", Instant.now().toString());
        result.put("options", options);
        result.put("whereDocuments", whereDocuments.size());
        result.put("hybridDocuments", hybrid ? hybridDocuments : 0);
        result.put("corpusSentences", available);
        try {
            int port = ServerLauncher.Processes.freePort();
            var indexed = new ServerLauncher.Quiver(Path.of(options.get("server-jar")), ChromaApiEngine.API_KEY,
                    List.of("-Dquiver.search.commit-interval=5s"));
            long pid = indexed.start(port, dataDir, logFile);
            String whereId;
            try {
                client = new ChromaClient(URI.create("http://127.0.0.1:" + port), TENANT, DATABASE,
                        ChromaApiEngine.API_KEY);
                whereId = client.createCollection(Map.of("name", "where",
                        "configuration", Map.of("hnsw", Map.of("space", "l2"))));
                load(whereId, "where", whereDocuments, randomVectors(whereDocuments.size()));
                String hybridId = null;
                if (hybrid) {
                    hybridId = client.createCollection(Map.of("name", "hybrid", "configuration", Map.of(
                            "hnsw", Map.of("space", "cosine"),
                            "embedding_function", Map.of("type", "known", "name", "default", "config", Map.of()))));
                    load(hybridId, "hybrid", hybridTexts, hybridVectors);
                }
                settle(pid);
                whereCases(whereId, needles, "indexed");
                if (hybrid) {
                    hybridCases(hybridId, queryTexts, dataset.queries());
                }
            } finally {
                indexed.stop(pid, logFile);
            }
            var scanning = new ServerLauncher.Quiver(Path.of(options.get("server-jar")), ChromaApiEngine.API_KEY,
                    List.of("-Dquiver.search.where-document-index=scan"));
            pid = scanning.start(port, dataDir, logFile);
            try {
                awaitCount(whereId, whereDocuments.size());
                settle(pid);
                whereCases(whereId, needles, "scan");
            } finally {
                scanning.stop(pid, logFile);
            }
        } finally {
            deleteRecursively(dataDir);
        }
        result.put("cases", cases);
        print(result);
        Path json = results.resolve("text-search-"
                + Instant.now().toString().replace(":", "").replaceAll("\\..*", "") + ".json");
        Files.write(json, ChromaClient.JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(result));
        System.out.println("result  " + json);
    }

    /** The corpus's sentences, then pairs of them joined until there are {@code count}, all distinct. */
    private static List<String> whereDocuments(List<String> sentences, int count) {
        List<String> documents = new ArrayList<>(count);
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < Math.min(count, sentences.size()); i++) {
            documents.add(sentences.get(i));
            seen.add(sentences.get(i));
        }
        int n = sentences.size();
        for (long i = 0; documents.size() < count; i++) {
            String joined = sentences.get((int) (i % n)) + " " + sentences.get((int) ((i * 7919 + 13) % n));
            if (seen.add(joined)) {
                documents.add(joined);
            }
        }
        return documents;
    }

    /**
     * Distinct needles per case, drawn with the seed: rare words (in 1 to 5 documents, at least 6 letters), common
     * words (the most frequent ones of at least 3 letters), two-character needles (the most frequent letter pairs)
     * and regular expressions (a rare word followed by whitespace and a word).
     */
    private static Map<String, List<String>> needles(List<String> documents, int perCase, Random random) {
        Map<String, Integer> documentFrequency = new HashMap<>();
        Map<String, Integer> pairs = new HashMap<>();
        for (String document : documents) {
            Set<String> words = new HashSet<>();
            Matcher matcher = WORD.matcher(document);
            while (matcher.find()) {
                words.add(matcher.group());
            }
            for (String word : words) {
                documentFrequency.merge(word, 1, Integer::sum);
                for (int i = 0; i + 2 <= word.length(); i++) {
                    pairs.merge(word.substring(i, i + 2), 1, Integer::sum);
                }
            }
        }
        List<String> rare = new ArrayList<>();
        List<String> common = new ArrayList<>();
        for (Map.Entry<String, Integer> entry : documentFrequency.entrySet()) {
            String word = entry.getKey();
            if (entry.getValue() <= 5 && word.length() >= 6) {
                rare.add(word);
            }
            if (word.length() >= 3) {
                common.add(word);
            }
        }
        rare.sort(null);
        common.sort(Comparator.comparing((String word) -> -documentFrequency.get(word))
                .thenComparing(Comparator.naturalOrder()));
        List<String> shortNeedles = new ArrayList<>(pairs.keySet());
        shortNeedles.sort(Comparator.comparing((String pair) -> -pairs.get(pair))
                .thenComparing(Comparator.naturalOrder()));
        java.util.Collections.shuffle(rare, random);
        Map<String, List<String>> needles = new LinkedHashMap<>();
        needles.put("$contains rare word", rare.subList(0, perCase));
        needles.put("$contains common word", common.subList(0, perCase));
        needles.put("$contains 2 characters", shortNeedles.subList(0, perCase));
        List<String> regexes = new ArrayList<>();
        for (String word : rare.subList(perCase, 2 * perCase)) {
            regexes.add(word + "\\s+\\p{L}+"); // a word is letters only, so it needs no quoting
        }
        needles.put("$regex rare word + \\s+\\p{L}+", regexes);
        return needles;
    }

    private void load(String collectionId, String name, List<String> documents, float[][] vectors)
            throws Exception {
        long started = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<?>> sent = new ArrayList<>();
            for (int from = 0; from < documents.size(); from += BATCH) {
                int start = from;
                int end = Math.min(documents.size(), from + BATCH);
                sent.add(pool.submit(() -> client.post(collectionId, "add",
                        addBody(documents, vectors, start, end), 201)));
            }
            for (Future<?> future : sent) {
                future.get();
            }
        } finally {
            pool.shutdown();
        }
        awaitCount(collectionId, documents.size());
        System.out.printf(Locale.ROOT, "[text-search] loaded %,d records into %s in %.0f s%n", documents.size(),
                name, (System.nanoTime() - started) / 1e9);
    }

    private void awaitCount(String collectionId, long expected) {
        long deadline = System.nanoTime() + Duration.ofMinutes(30).toNanos();
        while (true) {
            try {
                if (client.count(collectionId) >= expected) {
                    return;
                }
            } catch (java.io.UncheckedIOException e) {
                // A count can time out while a loaded machine indexes; asking again is all a client can do.
                System.out.println("[text-search] " + e.getMessage() + "; asking again");
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("collection " + collectionId + " never reached " + expected);
            }
            ServerLauncher.Processes.sleep(Duration.ofMillis(500));
        }
    }

    private static void settle(long pid) {
        if (!ServerProbe.awaitIdle(pid, Duration.ofMinutes(5))) {
            System.out.println("[text-search] the server did not settle within 5 minutes; measuring anyway");
        }
    }

    private void whereCases(String collectionId, Map<String, List<String>> needles, String mode) {
        for (Map.Entry<String, List<String>> entry : needles.entrySet()) {
            boolean regex = entry.getKey().startsWith("$regex");
            List<byte[]> bodies = new ArrayList<>();
            for (String needle : entry.getValue()) {
                bodies.add(ChromaClient.JSON.writeValueAsBytes(Map.of(
                        "where_document", Map.of(regex ? "$regex" : "$contains", needle),
                        "limit", 10, "include", List.of())));
            }
            measure("where_document " + entry.getKey() + " (" + mode + ")", collectionId, "get", bodies);
        }
    }

    private void hybridCases(String collectionId, List<String> texts, float[][] vectors) {
        Map<String, List<byte[]>> bodies = new LinkedHashMap<>();
        for (int i = 0; i < texts.size(); i++) {
            String text = texts.get(i);
            Map<String, Object> knnText = Map.of("$knn", Map.of("query", text, "limit", 10));
            Map<String, Object> knnVector = Map.of("$knn", Map.of("query", vectors[i], "limit", 10));
            Map<String, Object> bm25 = Map.of("$bm25", Map.of("query", text, "limit", 10));
            bodies.computeIfAbsent("knn(text)", key -> new ArrayList<>()).add(search(knnText));
            bodies.computeIfAbsent("knn(vector)", key -> new ArrayList<>()).add(search(knnVector));
            bodies.computeIfAbsent("bm25(text)", key -> new ArrayList<>()).add(search(bm25));
            bodies.computeIfAbsent("rrf(knn(text), bm25(text))", key -> new ArrayList<>())
                    .add(search(rrf("$knn", text, "$bm25", text)));
            bodies.computeIfAbsent("rrf(knn(vector), bm25(text))", key -> new ArrayList<>())
                    .add(search(rrf("$knn", vectors[i], "$bm25", text)));
        }
        for (Map.Entry<String, List<byte[]>> entry : bodies.entrySet()) {
            measure("search " + entry.getKey(), collectionId, "search", entry.getValue());
        }
    }

    /** What the JS client's {@code Rrf({ranks: [a, b], k: 60})} sends: -(1/(k + rank a) + 1/(k + rank b)). */
    private static Map<String, Object> rrf(String first, Object firstQuery, String second, Object secondQuery) {
        List<Object> terms = new ArrayList<>();
        for (Map<String, Object> rank : List.of(
                Map.<String, Object>of(first, Map.of("query", firstQuery, "limit", RRF_CANDIDATES,
                        "default", 1000, "return_rank", true)),
                Map.<String, Object>of(second, Map.of("query", secondQuery, "limit", RRF_CANDIDATES,
                        "default", 1000, "return_rank", true)))) {
            terms.add(Map.of("$div", Map.of("left", Map.of("$val", 1),
                    "right", Map.of("$sum", List.of(rank, Map.of("$val", RRF_K))))));
        }
        return Map.of("$mul", List.of(Map.of("$sum", terms), Map.of("$val", -1)));
    }

    private static byte[] search(Map<String, Object> rank) {
        return ChromaClient.JSON.writeValueAsBytes(Map.of("searches", List.of(Map.of(
                "rank", rank, "limit", Map.of("limit", 10), "select", Map.of("keys", List.of("#score"))))));
    }

    /** One warm-up pass, then each body once, in order, at one client. */
    private void measure(String name, String collectionId, String route, List<byte[]> bodies) {
        for (byte[] body : bodies) {
            client.post(collectionId, route, body, 200);
        }
        double[] millis = new double[bodies.size()];
        long started = System.nanoTime();
        for (int i = 0; i < bodies.size(); i++) {
            long start = System.nanoTime();
            client.post(collectionId, route, bodies.get(i), 200);
            millis[i] = (System.nanoTime() - start) / 1e6;
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        Map<String, Object> measured = new LinkedHashMap<>();
        measured.put("queries", bodies.size());
        measured.put("p50Millis", percentile(millis, 0.50));
        measured.put("p95Millis", percentile(millis, 0.95));
        measured.put("p99Millis", percentile(millis, 0.99));
        measured.put("queriesPerSecond", bodies.size() / seconds);
        cases.put(name, measured);
        System.out.printf(Locale.ROOT, "[text-search] %-58s p50 %8.2f ms  p95 %8.2f ms  p99 %8.2f ms  %8.1f q/s%n",
                name, measured.get("p50Millis"), measured.get("p95Millis"), measured.get("p99Millis"),
                measured.get("queriesPerSecond"));
    }

    private static byte[] addBody(List<String> documents, float[][] vectors, int from, int to) {
        List<String> ids = new ArrayList<>(to - from);
        List<String> embeddings = new ArrayList<>(to - from);
        var bytes = ByteBuffer.allocate(vectors[from].length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = from; i < to; i++) {
            ids.add("d" + i);
            bytes.clear();
            bytes.asFloatBuffer().put(vectors[i]);
            embeddings.add(Base64.getEncoder().encodeToString(bytes.array()));
        }
        return ChromaClient.JSON.writeValueAsBytes(Map.of("ids", ids, "embeddings", embeddings,
                "documents", documents.subList(from, to)));
    }

    private float[][] randomVectors(int count) {
        Random random = new Random(Long.parseLong(options.get("seed")));
        float[][] vectors = new float[count][WHERE_DIMENSION];
        for (float[] vector : vectors) {
            for (int d = 0; d < WHERE_DIMENSION; d++) {
                vector[d] = random.nextFloat();
            }
        }
        return vectors;
    }

    private static double percentile(double[] values, double quantile) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(quantile * sorted.length) - 1)];
    }

    private static void deleteRecursively(Path directory) throws IOException {
        try (var files = Files.walk(directory)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        }
    }

    private static void print(Map<String, Object> result) {
        System.out.println();
        System.out.printf(Locale.ROOT, "where_document collection: %,d documents; hybrid collection: %,d documents "
                + "(the corpus has %,d sentences)%n", result.get("whereDocuments"), result.get("hybridDocuments"),
                result.get("corpusSentences"));
        System.out.printf(Locale.ROOT, "%-70s %9s %9s %9s %9s%n", "case (1 client)", "p50 ms", "p95 ms", "p99 ms",
                "q/s");
        @SuppressWarnings("unchecked")
        Map<String, Map<String, Object>> cases = (Map<String, Map<String, Object>>) result.get("cases");
        for (Map.Entry<String, Map<String, Object>> entry : cases.entrySet()) {
            Map<String, Object> measured = entry.getValue();
            System.out.printf(Locale.ROOT, "%-70s %9.2f %9.2f %9.2f %9.1f%n", entry.getKey(),
                    measured.get("p50Millis"), measured.get("p95Millis"), measured.get("p99Millis"),
                    measured.get("queriesPerSecond"));
        }
    }
}
