package dev.quiver.search.counter;

import dev.quiver.common.TenantId;
import dev.quiver.search.api.CollectionId;
import dev.quiver.search.index.BatchCodec;
import dev.quiver.search.wal.JdbcWal;
import dev.quiver.search.wal.WalEntry;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Counts the collections whose counters do not hold their whole log (those written before the counters existed)
 * by replaying their logs through the same size statements a write runs. The log of such a collection keeps every
 * batch since the collection was created (checkpoints truncate only counted collections' logs), so the replay gives
 * exactly the sizes and counters the writes would have kept.
 * Thread-safe; several processes may run it at once (see {@link #recount(TenantId, CollectionId)}).
 */
public final class LogRecount {

    private static final Logger log = LoggerFactory.getLogger(LogRecount.class);
    private static final int PAGE = 64;

    private static final String UNCOUNTED = """
            select tenant_id, id from quiver.collections where not counted order by tenant_id, id
            """;
    private static final String LOCK_UNCOUNTED = """
            select log_position from quiver.collections where id = :id and not counted for update
            """;
    private static final String COUNTED = """
            update quiver.collections set record_count = :records, stored_bytes = :bytes, counted = true
            where id = :id
            """;

    private final JdbcClient jdbc;
    private final JdbcWal wal;
    private final JdbcRecordSizes sizes;
    private final TransactionTemplate transactions;

    public LogRecount(JdbcClient jdbc, JdbcWal wal, JdbcRecordSizes sizes, TransactionTemplate transactions) {
        this.jdbc = jdbc;
        this.wal = wal;
        this.sizes = sizes;
        this.transactions = transactions;
    }

    /** Counts every collection not counted yet; one that fails is logged and left for the next start. */
    public void recountAll() {
        List<Uncounted> uncounted = jdbc.sql(UNCOUNTED)
                .query((rs, row) -> new Uncounted(new TenantId(rs.getObject("tenant_id", UUID.class)),
                        new CollectionId(rs.getObject("id", UUID.class))))
                .list();
        int counted = 0;
        for (Uncounted collection : uncounted) {
            try {
                if (recount(collection.tenant(), collection.id())) {
                    counted++;
                }
            } catch (RuntimeException e) {
                log.warn("Cannot count collection {} from its log; its record and storage counters stay "
                        + "incomplete until the next start", collection.id(), e);
            }
        }
        if (!uncounted.isEmpty()) {
            log.info("Counted the records and bytes of {} collections from their logs", counted);
        }
    }

    /**
     * Counts one collection from its log, in one transaction.
     * 1. Lock its row, if it is still not counted: writers wait, so the log does not grow under the replay, and a
     *    second process arriving later finds it counted and does nothing.
     * 2. Drop the sizes that writes since the upgrade stored: the replay stores them again, in log order.
     * 3. Replay every batch through the size statement and sum the changes.
     * 4. Store the sums and mark the collection counted.
     *
     * @return false when the collection was counted meanwhile or deleted
     */
    boolean recount(TenantId tenant, CollectionId collection) {
        Boolean done = transactions.execute(status -> {
            if (jdbc.sql(LOCK_UNCOUNTED).param("id", collection.value()).query(Long.class).optional().isEmpty()) {
                return false;
            }
            sizes.deleteCollection(tenant, collection);
            long records = 0;
            long bytes = 0;
            long after = 0;
            List<WalEntry> page;
            while (!(page = wal.read(tenant, collection, after, PAGE)).isEmpty()) {
                for (WalEntry entry : page) {
                    JdbcRecordSizes.Change change =
                            sizes.write(tenant, collection, RecordSizes.of(BatchCodec.decode(entry.payload())));
                    records += change.records();
                    bytes += change.bytes();
                    after = entry.sequence();
                }
            }
            jdbc.sql(COUNTED)
                    .param("id", collection.value())
                    .param("records", records)
                    .param("bytes", bytes)
                    .update();
            return true;
        });
        return Boolean.TRUE.equals(done);
    }

    private record Uncounted(TenantId tenant, CollectionId id) {
    }
}
