package dev.quiver.search.wal;

import dev.quiver.common.TenantId;
import dev.quiver.search.api.CollectionId;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.OptionalLong;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The write-ahead log in each tenant's schema, over {@link JdbcClient}. The caller holds the collection's row lock
 * while appending (see the collections table), so sequences are dense and assigned in commit order. The schema name
 * comes only from a {@link TenantId}, never from user text. Thread-safe.
 */
public final class JdbcWal {

    private static final String APPEND = """
            insert into %s.wal (collection_id, sequence, record_count, payload, created_at)
            values (:collectionId, :sequence, :recordCount, :payload, :createdAt)
            """;
    private static final String READ = """
            select sequence, record_count, payload from %s.wal
            where collection_id = :collectionId and sequence > :after
            order by sequence
            limit :limit
            """;
    private static final String DELETE_COLLECTION = """
            delete from %s.wal where collection_id = :collectionId
            """;

    private static final String TRUNCATE = """
            delete from %s.wal
            where collection_id = :collectionId and sequence <= :through and created_at <= :notAfter
              and exists (select 1 from quiver.collections where id = :collectionId and counted)
            """;

    private static final String FIRST = """
            select coalesce(min(sequence), 0) from %s.wal where collection_id = :collectionId
            """;

    private static final String LAST_AT_OR_BEFORE = """
            select coalesce(max(sequence), 0) from %s.wal
            where collection_id = :collectionId and created_at <= :atOrBefore
            """;

    /*
     * Copies a range of one collection's log into another's of the same tenant, keeping sequences and payloads; the
     * copies are dated now, when the target's log got them.
     */
    private static final String COPY = """
            insert into %1$s.wal (collection_id, sequence, record_count, payload, created_at)
            select :target, sequence, record_count, payload, :createdAt from %1$s.wal
            where collection_id = :source and sequence > :after and sequence <= :through
            """;

    private final JdbcClient jdbc;
    private final Clock clock;

    public JdbcWal(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /** Appends one batch; must run inside the transaction that advanced the collection's log position. */
    public void append(TenantId tenant, CollectionId collection, long sequence, int recordCount, byte[] payload) {
        jdbc.sql(APPEND.formatted(tenant.schemaName()))
                .param("collectionId", collection.value())
                .param("sequence", sequence)
                .param("recordCount", recordCount)
                .param("payload", payload)
                .param("createdAt", Timestamp.from(clock.instant()))
                .update();
    }

    /** Up to {@code limit} entries after {@code after}, in sequence order. */
    public List<WalEntry> read(TenantId tenant, CollectionId collection, long after, int limit) {
        return jdbc.sql(READ.formatted(tenant.schemaName()))
                .param("collectionId", collection.value())
                .param("after", after)
                .param("limit", limit)
                .query((rs, row) -> new WalEntry(rs.getLong("sequence"), rs.getInt("record_count"),
                        rs.getBytes("payload")))
                .list();
    }

    /**
     * Deletes the entries up to and including {@code through} that were appended at or before {@code notAfter};
     * returns how many. Only for entries a recorded checkpoint holds, so the log is not the only copy of any. A
     * collection whose counters are not counted yet keeps its whole log, which {@code LogRecount} replays to count it.
     */
    public int truncate(TenantId tenant, CollectionId collection, long through, Instant notAfter) {
        return jdbc.sql(TRUNCATE.formatted(tenant.schemaName()))
                .param("collectionId", collection.value())
                .param("through", through)
                .param("notAfter", Timestamp.from(notAfter))
                .update();
    }

    /** The first sequence the collection's log still holds; empty when it holds none. */
    public OptionalLong firstSequence(TenantId tenant, CollectionId collection) {
        // Sequences start at 1, so 0 stands for an empty log.
        long first = jdbc.sql(FIRST.formatted(tenant.schemaName()))
                .param("collectionId", collection.value())
                .query(Long.class)
                .single();
        return first == 0 ? OptionalLong.empty() : OptionalLong.of(first);
    }

    /** The last sequence the log still holds that was appended at or before the time; 0 when none. */
    public long lastSequenceAtOrBefore(TenantId tenant, CollectionId collection, Instant atOrBefore) {
        return jdbc.sql(LAST_AT_OR_BEFORE.formatted(tenant.schemaName()))
                .param("collectionId", collection.value())
                .param("atOrBefore", Timestamp.from(atOrBefore))
                .query(Long.class)
                .single();
    }

    /**
     * Copies the entries of {@code source} after {@code after} up to and including {@code through} into the log of
     * {@code target}, with their sequences and payloads; returns how many. Both collections are the tenant's.
     */
    public int copy(TenantId tenant, CollectionId source, CollectionId target, long after, long through) {
        return jdbc.sql(COPY.formatted(tenant.schemaName()))
                .param("source", source.value())
                .param("target", target.value())
                .param("after", after)
                .param("through", through)
                .param("createdAt", Timestamp.from(clock.instant()))
                .update();
    }

    /** Removes a deleted collection's log. */
    public void deleteCollection(TenantId tenant, CollectionId collection) {
        jdbc.sql(DELETE_COLLECTION.formatted(tenant.schemaName()))
                .param("collectionId", collection.value())
                .update();
    }
}
