package dev.quiver.embedding.config;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.PositiveOrZero;
import java.time.Duration;
import org.hibernate.validator.constraints.time.DurationMax;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of server-side embedding.
 *
 * @param threads       platform threads that run inference, one ONNX session run each; 0 for one per core
 * @param batchSize     texts per ONNX session run. On two cores and Europarl sentences (54 word pieces on
 *                      average) 1 and 2 tie at about 100 sentences/s and larger batches cost more CPU per text
 *                      (4: 88/s, 8: 75/s, 32: 49/s; bench's EmbeddingBench)
 * @param queueCapacity batches that may wait for a thread; past it a request is refused with 503 rather than
 *                      queued for ever
 * @param timeout       how long one request waits for its vectors before it is refused with 503
 */
@Validated
@ConfigurationProperties("quiver.embedding")
public record EmbeddingProperties(
        @PositiveOrZero @Max(256) @DefaultValue("0") int threads,
        @Positive @Max(1024) @DefaultValue("2") int batchSize,
        @Positive @DefaultValue("10000") int queueCapacity,
        @NotNull @DurationMin(millis = 100) @DurationMax(minutes = 10) @DefaultValue("60s") Duration timeout) {

    /** The threads to start: {@link #threads}, or one per core when it is 0. */
    public int effectiveThreads() {
        return threads == 0 ? Runtime.getRuntime().availableProcessors() : threads;
    }
}
