package dev.quiver.bench;

import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import dev.quiver.embedding.onnx.BuiltInEmbeddingFunctions;
import java.lang.management.ManagementFactory;
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
 * <pre>java --enable-native-access=ALL-UNNAMED -cp ... dev.quiver.bench.EmbeddingBench [sentences] [runs]</pre>
 *
 * A run is {@code q<batch size>} (the server's function) or {@code l<pool threads>} (LangChain4j), done in the order
 * given; the default is 1,000 sentences and {@code l2,q1,q8,q16,q32,q64,l1}. Each run embeds the sentences once to
 * warm up, then is timed over one more pass.
 */
public final class EmbeddingBench {

    private EmbeddingBench() {
    }

    public static void main(String[] args) throws Exception {
        int count = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        String runs = args.length > 1 ? args[1] : "l2,q1,q8,q16,q32,q64,l1";
        int threads = Runtime.getRuntime().availableProcessors();
        List<String> sentences = TextDataset.sentences(count);
        System.out.printf(Locale.ROOT, "[embed] %,d Europarl sentences, %d cores%n", count, threads);
        for (String run : runs.split(",")) {
            int number = Integer.parseInt(run.trim().substring(1));
            switch (run.trim().charAt(0)) {
                case 'q' -> quiver(sentences, threads, number);
                case 'l' -> langChain4j(sentences, number);
                default -> throw new IllegalArgumentException("a run is q<batch size> or l<pool threads>: " + run);
            }
        }
    }

    /** The server's function: batches of {@code batchSize} on a pool of one platform thread per core. */
    private static void quiver(List<String> sentences, int threads, int batchSize) {
        try (ExecutorService pool = pool(threads)) {
            var functions = new BuiltInEmbeddingFunctions(pool, batchSize, Duration.ofHours(1));
            long pieces = 0;
            for (String sentence : sentences) {
                pieces += functions.miniLmTokens(sentence);
            }
            functions.miniLm().embed(sentences);
            long started = System.nanoTime();
            long cpu = cpuNanos();
            functions.miniLm().embed(sentences);
            report("quiver-embedding batch " + batchSize, sentences.size(), started, cpu);
            System.out.printf(Locale.ROOT, "[embed]   %.1f word pieces per sentence, [CLS] and [SEP] included%n",
                    (double) pieces / sentences.size());
            functions.close();
        }
    }

    /** LangChain4j as TextDataset runs it: one ONNX run per sentence on a pool of {@code poolThreads}. */
    private static void langChain4j(List<String> sentences, int poolThreads) {
        try (ExecutorService pool = pool(poolThreads)) {
            var model = new AllMiniLmL6V2EmbeddingModel(pool);
            List<TextSegment> segments = new ArrayList<>(sentences.size());
            for (String sentence : sentences) {
                segments.add(TextSegment.from(sentence));
            }
            model.embedAll(segments);
            long started = System.nanoTime();
            long cpu = cpuNanos();
            model.embedAll(segments);
            report("langchain4j " + poolThreads + " pool thread(s)", sentences.size(), started, cpu);
        }
    }

    private static ExecutorService pool(int threads) {
        var number = new AtomicInteger();
        return Executors.newFixedThreadPool(threads, task -> new Thread(task, "bench-embed-" + number.incrementAndGet()));
    }

    /**
     * Prints sentences per second, and the process's CPU time per sentence, which other jobs on the machine change
     * far less than the wall-clock rate.
     */
    private static void report(String what, int count, long started, long cpuStarted) {
        double seconds = (System.nanoTime() - started) / 1e9;
        double cpuMillis = (cpuNanos() - cpuStarted) / 1e6 / count;
        System.out.printf(Locale.ROOT, "[embed] %-36s %,8.1f sentences/s (%,d in %.1f s), %.1f ms CPU each, load "
                + "%.1f%n", what, count / seconds, count, seconds, cpuMillis,
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }

    private static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }
}
