package dev.quiver.search.shard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class AppendedSequenceTests {

    @Test
    void lagIsEntriesAppendedButNotApplied() {
        AppendedSequence appended = new AppendedSequence(10);

        assertThat(appended.lagBehind(4)).isEqualTo(6);
        assertThat(appended.lagBehind(10)).isZero();
    }

    @Test
    void lagIsZeroWhenTheApplierReadAnEntryBeforeItsWriterReportedIt() {
        AppendedSequence appended = new AppendedSequence(3);

        assertThat(appended.lagBehind(5)).isZero();
    }

    @Test
    void staleReportsDoNotLowerTheAppendedSequence() {
        AppendedSequence appended = new AppendedSequence(0);

        appended.advanceTo(7);
        appended.advanceTo(5);
        appended.advanceTo(7);

        assertThat(appended.get()).isEqualTo(7);
        assertThat(appended.lagBehind(2)).isEqualTo(5);
    }

    @Test
    void whenWritersReportOutOfOrderFromManyThreadsThenTheHighestWins() throws InterruptedException {
        AppendedSequence appended = new AppendedSequence(0);
        int threads = 4;
        int perThread = 10_000;
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> writers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int offset = t;
            writers.add(Thread.ofPlatform().start(() -> {
                awaitQuietly(start);
                // Each thread reports a descending run interleaved with the others: most reports are stale.
                for (int i = perThread; i > 0; i--) {
                    appended.advanceTo((long) i * threads + offset);
                }
            }));
        }
        start.countDown();
        for (Thread writer : writers) {
            writer.join();
        }

        assertThat(appended.get()).isEqualTo((long) perThread * threads + threads - 1);
    }

    @Test
    void rejectsNegativeInitialSequence() {
        assertThatThrownBy(() -> new AppendedSequence(-1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("initial must not be negative: -1");
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
