package dev.quiver.embedding.config;

import dev.quiver.embedding.api.EmbeddingFunctions;
import dev.quiver.embedding.onnx.BuiltInEmbeddingFunctions;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The embedding pool and the registry of built-in functions. The model is not loaded here but on the first text
 * embedded, so a server whose collections never name an embedding function never spends its memory.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(EmbeddingProperties.class)
public class EmbeddingConfiguration {

    /**
     * Inference is CPU-bound native code: a fixed pool of platform threads sized to the cores, never the request's
     * virtual thread, which the native call would pin. The queue is bounded so that overload is refused, not
     * buffered.
     */
    @Bean(destroyMethod = "shutdown")
    ExecutorService embeddingPool(EmbeddingProperties properties) {
        int threads = properties.effectiveThreads();
        AtomicInteger number = new AtomicInteger();
        return new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS,
                new LinkedBlockingQueue<>(properties.queueCapacity()), task -> {
                    Thread thread = new Thread(task, "quiver-embed-" + number.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
    }

    @Bean(destroyMethod = "close")
    BuiltInEmbeddingFunctions embeddingFunctions(@Qualifier("embeddingPool") ExecutorService embeddingPool,
            EmbeddingProperties properties) {
        return new BuiltInEmbeddingFunctions(embeddingPool, properties.batchSize(), properties.timeout());
    }
}
