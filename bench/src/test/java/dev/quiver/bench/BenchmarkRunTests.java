package dev.quiver.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class BenchmarkRunTests {

    @Test
    void withoutADeadlineEveryTaskRunsOnce() {
        var ran = ConcurrentHashMap.<Integer>newKeySet();

        Histogram latency = BenchmarkRun.runConcurrently(4, 100, ran::add);

        assertThat(ran).hasSize(100);
        assertThat(latency.getTotalCount()).isEqualTo(100);
    }

    @Test
    void atTheDeadlineClientsStopTakingTasksAndTheTasksThatRanAreAPrefix() {
        var ran = ConcurrentHashMap.<Integer>newKeySet();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);

        Histogram latency = BenchmarkRun.runConcurrently(4, 10_000, deadline, task -> {
            ran.add(task);
            sleep(10);
        });

        // 4 clients for 3 s at 10 ms a task: about 1,200 of the 10,000 (all would take 25 s), none skipped below
        // the last.
        assertThat(ran.size()).isBetween(1, 5_000);
        assertThat(ran).allSatisfy(task -> assertThat(task).isLessThan(ran.size()));
        assertThat(latency.getTotalCount()).isEqualTo(ran.size());
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
