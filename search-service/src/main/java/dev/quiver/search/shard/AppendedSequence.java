package dev.quiver.search.shard;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The highest log sequence this node knows to be appended for one shard's collection, and how far the shard's
 * applier trails it. Sequences are dense per collection (one per logged batch), so the difference is a count of
 * log entries, not of records.
 *
 * <p>Writers report their sequence after their commit, and readers report the log position their view carries, in
 * any order: the value only rises, so a late or stale report is ignored. The applier reads entries straight from
 * the log and may apply one before its writer has reported it; {@link #lagBehind} is then 0, never negative.
 *
 * <p>Invariant: {@code get()} never decreases. Thread-safe and lock-free; allocates nothing.
 */
final class AppendedSequence {

    private final AtomicLong highest;

    AppendedSequence(long initial) {
        if (initial < 0) {
            throw new IllegalArgumentException("initial must not be negative: " + initial);
        }
        this.highest = new AtomicLong(initial);
    }

    /** Raises the known appended sequence to {@code sequence}; a lower value leaves it as it is. */
    void advanceTo(long sequence) {
        // A plain read first: on the read path the view's position is almost always already known.
        long current = highest.get();
        while (sequence > current) {
            if (highest.compareAndSet(current, sequence)) {
                return;
            }
            current = highest.get();
        }
    }

    long get() {
        return highest.get();
    }

    /** Log entries appended but not yet applied when {@code applied} is the applier's position; at least 0. */
    long lagBehind(long applied) {
        return Math.max(0, highest.get() - applied);
    }
}
