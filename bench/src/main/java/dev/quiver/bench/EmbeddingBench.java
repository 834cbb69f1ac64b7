package dev.quiver.bench;

import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import dev.quiver.embedding.onnx.BuiltInEmbeddingFunctions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Embedding throughput, in sentences per second: the server's all-MiniLM-L6-v2 ({@code quiver-embedding}) at
 * several batch sizes on a pool of one platform thread per core, against LangChain4j's encoder of the same ONNX
 * file as {@link TextDataset} calls it. Input is the first Europarl data sentences, English or not, as the
 * {@code text-minilm} scenario embeds them. Not part of any test run: start it on a quiet machine.
 *
 * <pre>java --enable-native-access=ALL-UNNAMED -cp ... dev.quiver.bench.EmbeddingBench [sentences] [batch sizes]</pre>
 *
 * Defaults: 1,000 sentences, batch sizes 1,8,16,32,64. Each configuration embeds the sentences once to warm up, then
 * is timed over one more pass.
 */
public final class EmbeddingBench {

    private EmbeddingBench() {
    }

    public static void main(String[] args) throws Exception {
        int count = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        String batches = args.length > 1 ? args[1] : "1,8,16,32,64";
        int threads = Runtime.getRuntime().availableProcessors();
        List<String> sentences = TextDataset.sentences(count);
        System.out.printf(Locale.ROOT, "[embed] %,d Europarl sentences, %d cores%n", count, threads);

        for (String batch : batches.split(",")) {
            int batchSize = Integer.parseInt(batch.trim());
            try (ExecutorService pool = pool(threads)) {
                var functions = new BuiltInEmbeddingFunctions(pool, batchSize, Duration.ofHours(1));
                if (batchSize == Integer.parseInt(batches.split(",")[0].trim())) {
                    long pieces = 0;
                    for (String sentence : sentences) {
                        pieces += functions.miniLmTokens(sentence);
                    }
                    System.out.printf(Locale.ROOT, "[embed] %.1f word pieces per sentence on average, [CLS] and "
                            + "[SEP] included%n", (double) pieces / count);
                }
                functions.miniLm().embed(sentences);
                long started = System.nanoTime();
                functions.miniLm().embed(sentences);
                report("quiver-embedding batch " + batchSize, count, started);
                functions.close();
            }
        }

        // LangChain4j as TextDataset runs it: one ONNX run per sentence on a pool of one thread per core.
        for (int poolThreads : new int[] {threads, 1}) {
            try (ExecutorService pool = pool(poolThreads)) {
                var model = new AllMiniLmL6V2EmbeddingModel(pool);
                List<TextSegment> segments = new ArrayList<>(count);
                for (String sentence : sentences) {
                    segments.add(TextSegment.from(sentence));
                }
                model.embedAll(segments);
                long started = System.nanoTime();
                model.embedAll(segments);
                report("langchain4j " + poolThreads + " pool thread(s)", count, started);
            }
        }
    }

    private static ExecutorService pool(int threads) {
        var number = new AtomicInteger();
        return Executors.newFixedThreadPool(threads, task -> new Thread(task, "bench-embed-" + number.incrementAndGet()));
    }

    private static void report(String what, int count, long started) {
        double seconds = (System.nanoTime() - started) / 1e9;
        System.out.printf(Locale.ROOT, "[embed] %-36s %,8.1f sentences/s (%,d in %.1f s)%n", what, count / seconds,
                count, seconds);
    }
}
