package dev.quiver.search.objectstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetryingObjectStoreTests {

    private static final Duration INITIAL = Duration.ofMillis(200);
    private static final Duration MAX = Duration.ofSeconds(10);

    private final RetryingObjectStore store = new RetryingObjectStore(new FileObjectStore(Path.of("unused")),
            new ObjectStoreProperties.Retry(5, INITIAL, MAX), new SimpleMeterRegistry());

    @Test
    void backoffDoublesFromTheInitialUpToTheMaximumAndIsJittered() {
        for (int attempt = 1; attempt <= 100; attempt++) {
            long ceiling = Math.min(MAX.toNanos(), INITIAL.toNanos() << Math.min(attempt - 1, 20));
            long longest = 0;
            for (int draw = 0; draw < 200; draw++) {
                long backoff = store.backoffNanos(attempt);
                assertThat(backoff).as("attempt %d", attempt).isBetween(0L, ceiling);
                longest = Math.max(longest, backoff);
            }
            // Full jitter spreads over the whole range, not just near its top or bottom.
            assertThat(longest).as("attempt %d", attempt).isGreaterThan(ceiling / 2);
        }
    }

    @Test
    void backoffBoundsThatDoNotNestAreRefused() {
        assertThatThrownBy(() -> new RetryingObjectStore(new FileObjectStore(Path.of("unused")),
                new ObjectStoreProperties.Retry(5, Duration.ofSeconds(2), Duration.ofSeconds(1)),
                new SimpleMeterRegistry()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("initial <= max");
    }
}
