package dev.quiver.billing.usage;

import static java.util.Objects.requireNonNull;

import dev.quiver.billing.api.Granularity;
import dev.quiver.billing.api.Metering;
import dev.quiver.common.TenantId;
import dev.quiver.search.api.CollectionId;
import dev.quiver.search.api.CollectionView;
import dev.quiver.tenant.api.DatabaseId;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Read and embedding metering: reads and embedded texts are far too frequent for an outbox row each, so their
 * units are summed in memory per collection, kind and UTC hour and written to the outbox in one batch by {@link #flush()}, which the billing timer calls
 * every {@code quiver.billing.read-flush-interval} and once more at shutdown.
 *
 * <p>Exactly-once within the process: a read adds to its entry with {@link Map#merge} and a flush takes each entry
 * out with {@link Map#remove}, both atomic, so a read that races a flush lands either in the batch being written or
 * in a new entry for the next one. A failed insert puts its units back. A process killed outright loses what it
 * counted since the last flush (at most one interval): under-billing, never double counting.
 *
 * <p>Thread-safe.
 */
public final class BufferedReadMetering implements Metering {

    private static final Logger log = LoggerFactory.getLogger(BufferedReadMetering.class);

    /**
     * A collection's units of one kind in one UTC hour; the hour keeps units counted at 10:59 out of 11:00's
     * roll-up.
     */
    private record Bucket(TenantId tenant, DatabaseId database, CollectionId collection, MeteringEvent.Kind kind,
            Instant hour) {
    }

    private final JdbcMeteringOutbox outbox;
    private final Clock clock;
    private final ConcurrentHashMap<Bucket, Long> pending = new ConcurrentHashMap<>();

    public BufferedReadMetering(JdbcMeteringOutbox outbox, Clock clock) {
        this.outbox = requireNonNull(outbox, "outbox is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    @Override
    public void read(CollectionView collection, int queries, int nResults, long records) {
        Integer dimension = collection.dimension();
        long units = MeteringUnits.readUnits(queries, queries == 0 ? 0 : nResults,
                queries == 0 ? 0 : collection.hnsw().searchEf(), dimension == null ? 0 : dimension, records);
        count(collection, MeteringEvent.Kind.READ, units);
    }

    @Override
    public void embedded(CollectionView collection, int texts) {
        count(collection, MeteringEvent.Kind.EMBEDDING, MeteringUnits.embeddingUnits(texts));
    }

    private void count(CollectionView collection, MeteringEvent.Kind kind, long units) {
        Bucket bucket = new Bucket(collection.database().tenant().id(), collection.database().id(), collection.id(),
                kind, MeteringUnits.periodStart(clock.instant(), Granularity.HOUR));
        pending.merge(bucket, units, Long::sum);
    }

    /** Writes what was counted since the last flush to the outbox; keeps it for the next flush if that fails. */
    public void flush() {
        List<Bucket> taken = new ArrayList<>();
        List<MeteringEvent> events = new ArrayList<>();
        for (Bucket bucket : pending.keySet()) {
            Long units = pending.remove(bucket);
            if (units != null) {
                taken.add(bucket);
                events.add(new MeteringEvent(bucket.tenant(), bucket.database(), bucket.collection(),
                        bucket.kind(), units, bucket.hour()));
            }
        }
        try {
            outbox.insertAll(events);
        } catch (RuntimeException e) {
            for (int i = 0; i < taken.size(); i++) {
                pending.merge(taken.get(i), events.get(i).units(), Long::sum);
            }
            log.warn("Could not write {} read and embedding metering events, keeping them for the next flush", events.size(), e);
        }
    }

    /** Units counted but not yet written, for the pending gauge. */
    public long pendingUnits() {
        long total = 0;
        for (Long units : pending.values()) {
            total += units;
        }
        return total;
    }
}
