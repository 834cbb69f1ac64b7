package dev.quiver.search.shard;

import static java.util.Objects.requireNonNull;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.noop.NoopCounter;
import io.micrometer.core.instrument.noop.NoopTimer;

/**
 * The meters of opening and closing shards, registered once by the configuration.
 *
 * @param closedIdle    shards closed because nobody used them for the idle time
 * @param closedOverCap shards closed because more than the maximum were open
 * @param evicted       closed shards whose local files were deleted to stay within the disk budget
 * @param openedLocal   from a request to its shard caught up with the log, when the shard opened from local files
 * @param openedRestored the same when the shard's files were first downloaded from its checkpoint
 */
public record ShardCacheMeters(Counter closedIdle, Counter closedOverCap, Counter evicted, Timer openedLocal,
        Timer openedRestored) {

    public ShardCacheMeters {
        requireNonNull(closedIdle, "closedIdle is null");
        requireNonNull(closedOverCap, "closedOverCap is null");
        requireNonNull(evicted, "evicted is null");
        requireNonNull(openedLocal, "openedLocal is null");
        requireNonNull(openedRestored, "openedRestored is null");
    }

    /** Meters that count nothing, for a registry that nothing observes. */
    public static ShardCacheMeters none() {
        Meter.Id counter = new Meter.Id("none", Tags.empty(), null, null, Meter.Type.COUNTER);
        Meter.Id timer = new Meter.Id("none", Tags.empty(), null, null, Meter.Type.TIMER);
        return new ShardCacheMeters(new NoopCounter(counter), new NoopCounter(counter), new NoopCounter(counter),
                new NoopTimer(timer), new NoopTimer(timer));
    }
}
