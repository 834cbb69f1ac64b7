package dev.quiver.embedding.onnx;

import static java.util.Objects.requireNonNull;

import dev.quiver.embedding.api.EmbeddingFunction;
import dev.quiver.embedding.api.EmbeddingUnavailableException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An {@link EmbeddingFunction} over a {@link SentenceEncoder} whose model and tokenizer are class-path resources,
 * loaded on the first call and then shared by every caller.
 *
 * <p>A call's texts are sorted by length and cut into batches of {@code batchSize}, so that each batch pads little;
 * the batches run on the shared pool, which is sized to the cores, and the call waits for all of them up to
 * {@code timeout}. The vectors come back in the caller's order. Thread-safe.
 */
public final class OnnxEmbeddingFunction implements EmbeddingFunction {

    private static final Logger log = LoggerFactory.getLogger(OnnxEmbeddingFunction.class);

    private final String name;
    private final String model;
    private final int dimension;
    private final String modelResource;
    private final String tokenizerResource;
    private final int maxTokens;
    private final ExecutorService pool;
    private final int batchSize;
    private final Duration timeout;
    private final ReentrantLock loading = new ReentrantLock();

    /**
     * Held shared by every batch while it runs and exclusively by {@link #close()}, so that the native session is
     * never freed under a run (a crash, not an exception).
     */
    private final ReentrantReadWriteLock running = new ReentrantReadWriteLock();

    /** Null until the first call loads it; written once, under {@link #loading}. */
    private volatile @Nullable SentenceEncoder encoder;

    /**
     * @param modelResource     class-path name of the ONNX file
     * @param tokenizerResource class-path name of the Hugging Face {@code tokenizer.json}
     * @param maxTokens         word pieces kept per text, special tokens included
     * @param pool              the bounded pool of platform threads that runs the batches; not shut down here
     * @param batchSize         texts per session run
     * @param timeout           how long a call waits for its batches
     */
    public OnnxEmbeddingFunction(String name, String model, int dimension, String modelResource,
            String tokenizerResource, int maxTokens, ExecutorService pool, int batchSize, Duration timeout) {
        this.name = requireNonNull(name, "name is null");
        this.model = requireNonNull(model, "model is null");
        this.modelResource = requireNonNull(modelResource, "modelResource is null");
        this.tokenizerResource = requireNonNull(tokenizerResource, "tokenizerResource is null");
        this.pool = requireNonNull(pool, "pool is null");
        this.timeout = requireNonNull(timeout, "timeout is null");
        if (dimension < 1 || maxTokens < 3 || batchSize < 1 || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("dimension, batchSize and timeout must be positive, maxTokens at "
                    + "least 3: " + dimension + ", " + batchSize + ", " + timeout + ", " + maxTokens);
        }
        this.dimension = dimension;
        this.maxTokens = maxTokens;
        this.batchSize = batchSize;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String model() {
        return model;
    }

    @Override
    public int dimension() {
        return dimension;
    }

    @Override
    public float[][] embed(List<String> texts) {
        requireNonNull(texts, "texts is null");
        int count = texts.size();
        float[][] vectors = new float[count][];
        if (count == 0) {
            return vectors;
        }
        // 1. Longest first, so that each batch holds texts of about one length and pads little.
        Integer[] order = new Integer[count];
        for (int i = 0; i < count; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingInt((Integer i) -> texts.get(i).length()).reversed());
        // 2. One task per batch on the shared pool; the caller only waits.
        long deadline = System.nanoTime() + timeout.toNanos();
        List<Future<?>> batches = new ArrayList<>(count / batchSize + 1);
        try {
            for (int from = 0; from < count; from += batchSize) {
                int[] positions = new int[Math.min(batchSize, count - from)];
                List<String> batch = new ArrayList<>(positions.length);
                for (int j = 0; j < positions.length; j++) {
                    positions[j] = order[from + j];
                    batch.add(requireNonNull(texts.get(positions[j]), "texts holds null"));
                }
                batches.add(pool.submit(() -> {
                    float[][] encoded;
                    running.readLock().lock();
                    try {
                        encoded = encoder().encode(batch);
                    } finally {
                        running.readLock().unlock();
                    }
                    for (int j = 0; j < positions.length; j++) {
                        vectors[positions[j]] = encoded[j];
                    }
                }));
            }
            // 3. Wait for all; the pool's writes to vectors happen-before Future.get returns.
            for (Future<?> batch : batches) {
                batch.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            }
        } catch (RejectedExecutionException e) {
            cancel(batches);
            throw new EmbeddingUnavailableException("The server is embedding too much at once; retry later", e);
        } catch (TimeoutException e) {
            cancel(batches);
            throw new EmbeddingUnavailableException("Embedding " + count + " texts took longer than " + timeout
                    + "; retry with fewer", e);
        } catch (InterruptedException e) {
            cancel(batches);
            Thread.currentThread().interrupt();
            throw new EmbeddingUnavailableException("Interrupted while embedding", e);
        } catch (ExecutionException e) {
            cancel(batches);
            if (e.getCause() instanceof EmbeddingUnavailableException unavailable) {
                throw unavailable;
            }
            throw new IllegalStateException("embedding " + count + " texts with " + model + " failed", e.getCause());
        }
        return vectors;
    }

    /** Word pieces {@code text} becomes, the cut applied: what one text costs the model. Loads it if needed. */
    int tokens(String text) {
        running.readLock().lock();
        try {
            return encoder().tokens(text);
        } finally {
            running.readLock().unlock();
        }
    }

    /** Closes the model if it was loaded, once the batches running have finished; a later call loads it again. */
    public void close() {
        running.writeLock().lock();
        loading.lock();
        try {
            SentenceEncoder loaded = encoder;
            encoder = null;
            if (loaded != null) {
                loaded.close();
            }
        } finally {
            loading.unlock();
            running.writeLock().unlock();
        }
    }

    private SentenceEncoder encoder() {
        SentenceEncoder loaded = encoder;
        if (loaded != null) {
            return loaded;
        }
        loading.lock();
        try {
            loaded = encoder;
            if (loaded == null) {
                long started = System.nanoTime();
                try {
                    loaded = new SentenceEncoder(read(modelResource), resource(tokenizerResource), maxTokens,
                            dimension, 1);
                } catch (RuntimeException | LinkageError e) {
                    // A missing native library or a damaged jar: refuse this call, try again on the next.
                    log.error("cannot load embedding model {} from {}", model, modelResource, e);
                    throw new EmbeddingUnavailableException("The embedding model " + model + " cannot be loaded",
                            e);
                }
                encoder = loaded;
                log.info("embedding model {} loaded in {} ms ({} dimensions, {} word pieces per text)", model,
                        (System.nanoTime() - started) / 1_000_000, dimension, maxTokens);
            }
            return loaded;
        } finally {
            loading.unlock();
        }
    }

    private static void cancel(List<Future<?>> batches) {
        for (Future<?> batch : batches) {
            batch.cancel(false);
        }
    }

    private static byte[] read(String name) {
        try (InputStream in = resource(name)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + name + " from the class path", e);
        }
    }

    private static InputStream resource(String name) {
        InputStream in = OnnxEmbeddingFunction.class.getResourceAsStream(name);
        if (in == null) {
            throw new IllegalStateException(name + " is not on the class path");
        }
        return in;
    }
}
