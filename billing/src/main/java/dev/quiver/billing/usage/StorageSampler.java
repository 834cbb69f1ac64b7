package dev.quiver.billing.usage;

import static java.util.Objects.requireNonNull;

import dev.quiver.search.api.CollectionUsage;
import dev.quiver.search.api.StorageCounters;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Samples the bytes every collection stores into byte-hours.
 *
 * <p>One sample is one transaction:
 * 1. Lock the row holding the last sample's time. Another process sampling at the same moment waits here.
 * 2. If a sample was taken less than half an interval ago (by another gateway, or by the one this one waited
 *    for), stop: that interval is metered already.
 * 3. Read the counters and insert, per collection, {@code bytes * (now - last sample)} in byte-hours, rounded down
 *    to whole byte-hours (less than one lost per collection and sample). The first sample ever only sets the time.
 * 4. Record the time of this sample; the commit publishes the events and the time together.
 * The bytes sampled now are charged for the whole time since the last sample, also after a downtime: data
 * is stored while no process runs.
 *
 * <p>Thread-safe; meant to be called from one timer thread per process.
 */
public final class StorageSampler {

    private static final String LOCK = """
            select sampled_at from quiver.metering_storage_samples where id = 1 for update
            """;
    private static final String RECORD = """
            update quiver.metering_storage_samples set sampled_at = :sampledAt where id = 1
            """;

    private final StorageCounters counters;
    private final JdbcClient jdbc;
    private final JdbcMeteringOutbox outbox;
    private final TransactionTemplate transactions;
    private final Clock clock;
    private final Duration interval;

    public StorageSampler(StorageCounters counters, JdbcClient jdbc, JdbcMeteringOutbox outbox,
            TransactionTemplate transactions, Clock clock, Duration interval) {
        this.counters = requireNonNull(counters, "counters is null");
        this.jdbc = requireNonNull(jdbc, "jdbc is null");
        this.outbox = requireNonNull(outbox, "outbox is null");
        this.transactions = requireNonNull(transactions, "transactions is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.interval = requireNonNull(interval, "interval is null");
    }

    /** Takes a sample unless another process took one recently; returns the events it inserted. */
    public int sample() {
        Integer inserted = transactions.execute(status -> {
            Timestamp last = jdbc.sql(LOCK).query(Timestamp.class).optional().orElse(null);
            Instant now = clock.instant();
            List<MeteringEvent> events = events(last == null ? null : last.toInstant(), now, interval,
                    counters.collections());
            if (events == null) {
                return 0;
            }
            outbox.insertAll(events);
            jdbc.sql(RECORD).param("sampledAt", Timestamp.from(now)).update();
            return events.size();
        });
        return inserted == null ? 0 : inserted;
    }

    /**
     * The storage events of a sample at {@code now}, or null when the last one is less than half an interval old
     * (nothing to do, not even recording the time).
     */
    static @Nullable List<MeteringEvent> events(@Nullable Instant last, Instant now, Duration interval,
            List<CollectionUsage> collections) {
        if (last == null) {
            return List.of();
        }
        long elapsed = Duration.between(last, now).toMillis();
        if (elapsed < interval.toMillis() / 2) {
            return null;
        }
        List<MeteringEvent> events = new ArrayList<>();
        for (CollectionUsage usage : collections) {
            long byteHours = MeteringUnits.byteHours(Math.max(0, usage.bytes()), elapsed);
            if (byteHours > 0) {
                events.add(new MeteringEvent(usage.tenant(), usage.database(), usage.collection(),
                        MeteringEvent.Kind.STORAGE, byteHours, now));
            }
        }
        return events;
    }
}
