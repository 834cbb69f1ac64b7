package dev.quiver.search.objectstore;

import static java.util.Objects.requireNonNull;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Retries the calls of another store that fail with a retryable {@link ObjectStoreException}, waiting between
 * attempts with exponential backoff and full jitter: before retry {@code n} (from 1) it sleeps a uniformly random
 * time in {@code [0, min(maxBackoff, initialBackoff * 2^(n-1))]}, so nodes that failed together do not retry
 * together. A failure that is not retryable is thrown at once. Safe because objects are immutable: repeating an
 * upload writes the same bytes, repeating a delete deletes nothing more.
 *
 * <p>Meters, tagged with {@code operation} ({@code put}, {@code download}, {@code read}, {@code list},
 * {@code delete}): {@code quiver.objectstore.retries} counts retries, {@code quiver.objectstore.failures} counts
 * calls that failed for good, and the timer {@code quiver.objectstore.operation} (also tagged {@code outcome})
 * times each call, retries and waits included.
 *
 * <p>Thread-safe when the store beneath is. Closing it closes the store beneath.
 */
public final class RetryingObjectStore implements ObjectStore, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RetryingObjectStore.class);

    /** The operations, as their meters name them. */
    enum Operation {
        PUT("put"),
        DOWNLOAD("download"),
        READ("read"),
        LIST("list"),
        DELETE("delete");

        private final String tag;

        Operation(String tag) {
            this.tag = tag;
        }
    }

    private final ObjectStore delegate;
    private final int attempts;
    private final long initialBackoffNanos;
    private final long maxBackoffNanos;
    private final Map<Operation, Meters> meters = new EnumMap<>(Operation.class);

    /**
     * @param delegate the store whose calls are retried
     * @param retry    attempts in all (the first included) and the backoff bounds
     * @param registry where the retry, failure and timing meters are registered
     */
    public RetryingObjectStore(ObjectStore delegate, ObjectStoreProperties.Retry retry, MeterRegistry registry) {
        this.delegate = requireNonNull(delegate, "delegate is null");
        requireNonNull(retry, "retry is null");
        requireNonNull(registry, "registry is null");
        if (retry.attempts() < 1) {
            throw new IllegalArgumentException("attempts must be positive: " + retry.attempts());
        }
        if (retry.initialBackoff().isNegative() || retry.maxBackoff().compareTo(retry.initialBackoff()) < 0) {
            throw new IllegalArgumentException("backoff must satisfy 0 <= initial <= max: "
                    + retry.initialBackoff() + ", " + retry.maxBackoff());
        }
        this.attempts = retry.attempts();
        this.initialBackoffNanos = retry.initialBackoff().toNanos();
        this.maxBackoffNanos = retry.maxBackoff().toNanos();
        for (Operation operation : Operation.values()) {
            meters.put(operation, new Meters(registry, operation));
        }
    }

    @Override
    public void put(String key, Path file) {
        call(Operation.PUT, key, () -> {
            delegate.put(key, file);
            return null;
        });
    }

    @Override
    public void put(String key, byte[] bytes) {
        call(Operation.PUT, key, () -> {
            delegate.put(key, bytes);
            return null;
        });
    }

    @Override
    public void download(String key, Path target) {
        call(Operation.DOWNLOAD, key, () -> {
            delegate.download(key, target);
            return null;
        });
    }

    @Override
    public Optional<byte[]> read(String key) {
        return call(Operation.READ, key, () -> delegate.read(key));
    }

    @Override
    public List<StoredObject> list(String prefix) {
        return call(Operation.LIST, prefix, () -> delegate.list(prefix));
    }

    @Override
    public void delete(Collection<String> keys) {
        if (keys.isEmpty()) {
            return;
        }
        String subject = keys.size() == 1 ? keys.iterator().next()
                : keys.iterator().next() + " and " + (keys.size() - 1) + " more";
        call(Operation.DELETE, subject, () -> {
            delegate.delete(keys);
            return null;
        });
    }

    @Override
    public void close() {
        if (delegate instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception e) {
                throw new IllegalStateException("Cannot close " + delegate, e);
            }
        }
    }

    @Override
    public String toString() {
        return delegate + ", retried up to " + attempts + " times";
    }

    private <T> T call(Operation operation, String subject, Supplier<T> action) {
        Meters meter = meters.get(operation);
        long start = System.nanoTime();
        for (int attempt = 1; ; attempt++) {
            try {
                T result = action.get();
                meter.success.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
                return result;
            } catch (ObjectStoreException e) {
                if (!e.retryable() || attempt >= attempts) {
                    meter.failures.increment();
                    meter.failure.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
                    throw e;
                }
                long backoff = backoffNanos(attempt);
                log.warn("Object store {} of {} failed (attempt {} of {}), retrying in {} ms: {}", operation.tag,
                        subject, attempt, attempts, backoff / 1_000_000, e.getMessage());
                meter.retries.increment();
                sleep(backoff, e);
            } catch (RuntimeException e) {
                meter.failures.increment();
                meter.failure.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
                throw e;
            }
        }
    }

    /** Full jitter: uniform in [0, min(max, initial * 2^(attempt-1))], for attempt >= 1. */
    long backoffNanos(int attempt) {
        int doublings = Math.min(attempt - 1, 62);
        long ceiling = initialBackoffNanos > (maxBackoffNanos >> doublings)
                ? maxBackoffNanos : Math.min(maxBackoffNanos, initialBackoffNanos << doublings);
        return ceiling <= 0 ? 0 : ThreadLocalRandom.current().nextLong(ceiling + 1);
    }

    private static void sleep(long nanos, ObjectStoreException failure) {
        try {
            Thread.sleep(Duration.ofNanos(nanos));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            ObjectStoreException interrupted = new ObjectStoreException(
                    "Interrupted while waiting to retry: " + failure.getMessage(), false, e);
            interrupted.addSuppressed(failure);
            throw interrupted;
        }
    }

    /** The meters of one operation, registered once so a call does no lookup. */
    private static final class Meters {

        final Counter retries;
        final Counter failures;
        final Timer success;
        final Timer failure;

        Meters(MeterRegistry registry, Operation operation) {
            retries = Counter.builder("quiver.objectstore.retries")
                    .description("Object store calls repeated after a retryable failure")
                    .tag("operation", operation.tag).register(registry);
            failures = Counter.builder("quiver.objectstore.failures")
                    .description("Object store calls that failed for good, after any retries")
                    .tag("operation", operation.tag).register(registry);
            success = timer(registry, operation, "success");
            failure = timer(registry, operation, "failure");
        }

        private static Timer timer(MeterRegistry registry, Operation operation, String outcome) {
            return Timer.builder("quiver.objectstore.operation")
                    .description("Time of an object store call, retries and waits included")
                    .tag("operation", operation.tag).tag("outcome", outcome).register(registry);
        }
    }
}
