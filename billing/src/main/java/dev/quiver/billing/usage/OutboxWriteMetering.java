package dev.quiver.billing.usage;

import static java.util.Objects.requireNonNull;

import dev.quiver.search.api.LoggedWrite;
import dev.quiver.search.api.WriteListener;
import java.time.Clock;

/**
 * Meters every logged batch with one outbox row, {@code ceil(loggedBytes / 1024)} write units, inserted inside the
 * transaction that logs the batch: committed with it or rolled back with it, so a batch is metered exactly once
 * even when the process dies right after the commit. One statement, as the listener contract asks, because the
 * collection's row stays locked until the commit. Thread-safe.
 */
public final class OutboxWriteMetering implements WriteListener {

    private final JdbcMeteringOutbox outbox;
    private final Clock clock;

    public OutboxWriteMetering(JdbcMeteringOutbox outbox, Clock clock) {
        this.outbox = requireNonNull(outbox, "outbox is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    @Override
    public void logged(LoggedWrite write) {
        outbox.insert(MeteringEvent.of(write.collection(), MeteringEvent.Kind.WRITE,
                MeteringUnits.writeUnits(write.loggedBytes()), clock.instant()));
    }
}
