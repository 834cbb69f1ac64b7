package dev.quiver.search.checkpoint;

import dev.quiver.common.TenantId;
import dev.quiver.search.api.CollectionId;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The recorded checkpoints of shards, in the control-plane schema. Thread-safe. */
public final class JdbcCheckpoints {

    private static final String COLUMNS = """
            tenant_id, collection_id, shard, sequence, epoch, manifest_key, bytes, file_keys, created_at
            """;
    private static final String INSERT = """
            insert into quiver.shard_checkpoints (tenant_id, collection_id, shard, sequence, epoch, manifest_key,
                bytes, file_keys, created_at)
            values (:tenantId, :collectionId, :shard, :sequence, :epoch, :manifestKey, :bytes, :fileKeys, :createdAt)
            on conflict (collection_id, shard, sequence) do nothing
            """;
    private static final String NEWEST = "select " + COLUMNS + """
            from quiver.shard_checkpoints
            where collection_id = :collectionId and shard = :shard
            order by sequence desc
            limit 1
            """;
    /**
     * The newest checkpoint taken before {@code :before}: with it every later one must stay, so a restore as of
     * any time since {@code :before} finds a checkpoint taken before that time and the log after it.
     */
    private static final String NEWEST_BEFORE = "select " + COLUMNS + """
            from quiver.shard_checkpoints
            where collection_id = :collectionId and shard = :shard and created_at <= :before
            order by sequence desc
            limit 1
            """;
    /**
     * The sequence the log of a collection of {@code :shardCount} shards may be truncated through: over its shards,
     * the least of each shard's newest checkpoint taken before {@code :before}. No row while a shard has none, since
     * the log then holds that shard's only copy of every entry.
     */
    private static final String TRUNCATABLE_THROUGH = """
            select min(newest) from (
                select shard, max(sequence) as newest
                from quiver.shard_checkpoints
                where collection_id = :collectionId and shard < :shardCount and created_at <= :before
                group by shard) per_shard
            having count(*) = :shardCount
            """;
    private static final String FROM = "select " + COLUMNS + """
            from quiver.shard_checkpoints
            where collection_id = :collectionId and shard = :shard and sequence >= :from
            order by sequence
            """;
    private static final String DELETE_BELOW = """
            delete from quiver.shard_checkpoints
            where collection_id = :collectionId and shard = :shard and sequence < :below
            """;
    private static final String DELETED_COLLECTIONS = """
            select distinct c.tenant_id, c.collection_id
            from quiver.shard_checkpoints c
            where not exists (select 1 from quiver.collections k where k.id = c.collection_id)
            limit :limit
            """;
    private static final String DELETE_COLLECTION = """
            delete from quiver.shard_checkpoints where collection_id = :collectionId
            """;

    private final JdbcClient jdbc;

    public JdbcCheckpoints(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Records a checkpoint; recording the same one twice keeps the first. */
    void insert(RecordedCheckpoint checkpoint) {
        jdbc.sql(INSERT)
                .param("tenantId", checkpoint.tenant().value())
                .param("collectionId", checkpoint.collection().value())
                .param("shard", checkpoint.shard())
                .param("sequence", checkpoint.sequence())
                .param("epoch", checkpoint.epoch())
                .param("manifestKey", checkpoint.manifestKey())
                .param("bytes", checkpoint.bytes())
                .param("fileKeys", checkpoint.fileKeys().toArray(String[]::new))
                .param("createdAt", Timestamp.from(checkpoint.createdAt()))
                .update();
    }

    Optional<RecordedCheckpoint> findNewest(CollectionId collection, int shard) {
        return jdbc.sql(NEWEST)
                .param("collectionId", collection.value())
                .param("shard", shard)
                .query(JdbcCheckpoints::checkpoint)
                .optional();
    }

    Optional<RecordedCheckpoint> findNewestBefore(CollectionId collection, int shard, Instant before) {
        return jdbc.sql(NEWEST_BEFORE)
                .param("collectionId", collection.value())
                .param("shard", shard)
                .param("before", Timestamp.from(before))
                .query(JdbcCheckpoints::checkpoint)
                .optional();
    }

    /** See {@link #TRUNCATABLE_THROUGH}; empty while some shard has no checkpoint taken before {@code before}. */
    OptionalLong findTruncatableThrough(CollectionId collection, int shardCount, Instant before) {
        return jdbc.sql(TRUNCATABLE_THROUGH)
                .param("collectionId", collection.value())
                .param("shardCount", shardCount)
                .param("before", Timestamp.from(before))
                .query((rs, row) -> rs.getLong(1))
                .optional()
                .map(OptionalLong::of)
                .orElse(OptionalLong.empty());
    }

    /** The checkpoints from {@code sequence} on, oldest first. */
    List<RecordedCheckpoint> listFrom(CollectionId collection, int shard, long sequence) {
        return jdbc.sql(FROM)
                .param("collectionId", collection.value())
                .param("shard", shard)
                .param("from", sequence)
                .query(JdbcCheckpoints::checkpoint)
                .list();
    }

    int deleteBelow(CollectionId collection, int shard, long sequence) {
        return jdbc.sql(DELETE_BELOW)
                .param("collectionId", collection.value())
                .param("shard", shard)
                .param("below", sequence)
                .update();
    }

    /** Collections that have checkpoint rows but no longer exist, at most {@code limit}. */
    List<DeletedCollection> listDeletedCollections(int limit) {
        return jdbc.sql(DELETED_COLLECTIONS)
                .param("limit", limit)
                .query((rs, row) -> new DeletedCollection(new TenantId(rs.getObject("tenant_id", UUID.class)),
                        new CollectionId(rs.getObject("collection_id", UUID.class))))
                .list();
    }

    void deleteCollection(CollectionId collection) {
        jdbc.sql(DELETE_COLLECTION)
                .param("collectionId", collection.value())
                .update();
    }

    private static RecordedCheckpoint checkpoint(ResultSet rs, int row) throws SQLException {
        Array keys = rs.getArray("file_keys");
        List<String> fileKeys = Arrays.asList((String[]) keys.getArray());
        keys.free();
        return new RecordedCheckpoint(new TenantId(rs.getObject("tenant_id", UUID.class)),
                new CollectionId(rs.getObject("collection_id", UUID.class)), rs.getInt("shard"),
                rs.getLong("sequence"), rs.getLong("epoch"), rs.getString("manifest_key"), rs.getLong("bytes"),
                fileKeys, rs.getTimestamp("created_at").toInstant());
    }

    /** A deleted collection whose checkpoints are still recorded. */
    record DeletedCollection(TenantId tenant, CollectionId collection) {
    }
}
