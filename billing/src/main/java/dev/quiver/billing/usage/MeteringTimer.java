package dev.quiver.billing.usage;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs metering's periodic work on one named platform thread ({@code quiver-metering}): the read flush, the
 * storage sample and the roll-up. A failed run (the database away) is logged and retried at the next period; what
 * it would have moved stays where it was. {@link #close()} stops the timer, then flushes the reads counted since
 * the last flush, so a graceful shutdown (after the web server stopped taking requests) loses none.
 */
public final class MeteringTimer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(MeteringTimer.class);

    private final ScheduledExecutorService timer;
    private final BufferedReadMetering reads;

    public MeteringTimer(BufferedReadMetering reads, StorageSampler storage, JdbcRollups rollups,
            Duration readFlushInterval, Duration storageSampleInterval, Duration rollupInterval) {
        this.reads = requireNonNull(reads, "reads is null");
        requireNonNull(storage, "storage is null");
        requireNonNull(rollups, "rollups is null");
        this.timer = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("quiver-metering").daemon().factory());
        schedule("read flush", reads::flush, readFlushInterval);
        // At once too: the first sample only records the time, so the next one meters a whole interval.
        timer.execute(guarded("storage sample", storage::sample));
        schedule("storage sample", storage::sample, storageSampleInterval);
        schedule("roll-up", rollups::rollUp, rollupInterval);
    }

    private void schedule(String name, Runnable task, Duration period) {
        long millis = period.toMillis();
        timer.scheduleWithFixedDelay(guarded(name, task), millis, millis, TimeUnit.MILLISECONDS);
    }

    private static Runnable guarded(String name, Runnable task) {
        return () -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                // An exception would cancel the schedule for good; the next period retries instead.
                log.warn("Metering {} failed; retrying at the next period", name, e);
            }
        };
    }

    @Override
    public void close() {
        timer.shutdown();
        try {
            if (!timer.awaitTermination(10, TimeUnit.SECONDS)) {
                timer.shutdownNow();
            }
        } catch (InterruptedException e) {
            timer.shutdownNow();
            Thread.currentThread().interrupt();
        }
        reads.flush();
    }
}
