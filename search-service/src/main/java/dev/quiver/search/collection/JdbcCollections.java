package dev.quiver.search.collection;

import dev.quiver.common.ErrorCode;
import dev.quiver.common.QuiverException;
import dev.quiver.search.api.CollectionChange;
import dev.quiver.search.api.CollectionId;
import dev.quiver.search.api.CollectionView;
import dev.quiver.search.api.CreateCollection;
import dev.quiver.search.api.HnswConfiguration;
import dev.quiver.search.api.MetadataValue;
import dev.quiver.search.api.Metric;
import dev.quiver.search.api.Quantization;
import dev.quiver.search.index.BatchCodec;
import dev.quiver.common.TenantId;
import dev.quiver.tenant.api.DatabaseId;
import dev.quiver.tenant.api.DatabaseView;
import dev.quiver.tenant.api.TenantView;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.SqlParameterValue;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Collection rows in the control-plane schema, over {@link JdbcClient}. Thread-safe; transactions are the caller's.
 */
public final class JdbcCollections {

    private static final String COLUMNS = """
            id, name, metadata, space, ef_construction, ef_search, max_neighbors, resize_factor, sync_threshold,
            quantization, embedding_function, dimension, log_position, version, shard_count
            """;
    private static final String INSERT = """
            insert into quiver.collections (id, tenant_id, database_id, name, metadata, space, ef_construction,
                ef_search, max_neighbors, resize_factor, sync_threshold, quantization, embedding_function,
                created_at, shard_count)
            values (:id, :tenantId, :databaseId, :name, :metadata, :space, :efConstruction, :efSearch,
                :maxNeighbors, :resizeFactor, :syncThreshold, :quantization, :embeddingFunction, :createdAt,
                :shardCount)
            """;
    private static final String FIND_BY_NAME = "select " + COLUMNS + """
            from quiver.collections where database_id = :databaseId and name = :name
            """;
    private static final String FIND_BY_ID = "select " + COLUMNS + """
            from quiver.collections where database_id = :databaseId and id = :id
            """;
    /*
     * For a search node, which is asked about a collection by id alone (a lease, a gateway's call): the database and
     * tenant come from their rows. Column names are qualified because databases and tenants have names too.
     */
    private static final String FIND_ANYWHERE = "select " + COLUMNS.replace("id, name,", "c.id, c.name,") + """
            , d.id as database_id, d.name as database_name, t.id as tenant_id, t.name as tenant_name
            from quiver.collections c join quiver.databases d on d.id = c.database_id
                join quiver.tenants t on t.id = d.tenant_id
            where c.id = :id
            """;
    // The real Chroma server pages through collections in id order, not creation order.
    private static final String LIST = "select " + COLUMNS + """
            from quiver.collections where database_id = :databaseId
            order by id limit :limit offset :offset
            """;
    private static final String COUNT = """
            select count(*) from quiver.collections where database_id = :databaseId
            """;
    /*
     * Serialises collection creation per database for the collection quota: the row lock is held until commit,
     * so the count that follows sees every collection committed by a concurrent creator. "No key update" leaves
     * the foreign-key checks of other inserts that reference the database unblocked.
     */
    private static final String LOCK_DATABASE = """
            select id from quiver.databases where id = :databaseId for no key update
            """;
    // The space, ef_construction and quantization are fixed at creation: the shards' segments are built with them.
    private static final String UPDATE = """
            update quiver.collections set name = :name, metadata = :metadata, ef_search = :efSearch,
                max_neighbors = :maxNeighbors, resize_factor = :resizeFactor, sync_threshold = :syncThreshold,
                version = version + 1
            where id = :id
            """;
    private static final String DELETE = """
            delete from quiver.collections where id = :id
            """;
    /*
     * Advancing the position takes the row lock until commit, which serialises writers of one collection: the
     * sequence a writer gets is therefore visible to appliers only after every smaller one has committed or
     * rolled back. The dimension is fixed by the first batch that carries vectors.
     */
    private static final String ADVANCE = """
            update quiver.collections
            set log_position = log_position + 1, dimension = coalesce(dimension, :dimension)
            where id = :id
            returning log_position, dimension, record_count, stored_bytes
            """;

    private static final String CREATED_AT = """
            select created_at from quiver.collections where id = :id
            """;
    // A restored collection starts where its source's log was at the restored time.
    private static final String RESTORED = """
            update quiver.collections set log_position = :logPosition, dimension = :dimension where id = :id
            """;

    private final JdbcClient jdbc;
    private final Clock clock;

    public JdbcCollections(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /**
     * The position a batch got, the collection's dimension after it, and its counters before it (exact: the row
     * stays locked until the batch commits or rolls back).
     */
    public record Advance(long sequence, @Nullable Integer dimension, long records, long storedBytes) {
    }

    public CollectionView insert(CreateCollection command) {
        return insert(new CollectionId(UUID.randomUUID()), command);
    }

    /**
     * Inserts a collection under an id the caller chose, as a restore does to name its objects first. The command's
     * shard count must be set and checked by the caller.
     */
    public CollectionView insert(CollectionId id, CreateCollection command) {
        HnswConfiguration hnsw = command.hnsw();
        Integer shardCount = command.shardCount();
        if (shardCount == null) {
            throw new IllegalArgumentException("the shard count of collection " + command.name() + " is not set");
        }
        try {
            jdbc.sql(INSERT)
                    .param("id", id.value())
                    .param("tenantId", command.database().tenant().id().value())
                    .param("databaseId", command.database().id().value())
                    .param("name", command.name())
                    .param("metadata", encode(command.metadata()))
                    .param("space", hnsw.space().chromaName())
                    .param("efConstruction", hnsw.constructionEf())
                    .param("efSearch", hnsw.searchEf())
                    .param("maxNeighbors", hnsw.maxNeighbors())
                    .param("resizeFactor", hnsw.resizeFactor())
                    .param("syncThreshold", hnsw.syncThreshold())
                    .param("quantization", hnsw.quantization().wireName())
                    .param("embeddingFunction", new SqlParameterValue(Types.VARCHAR, command.embeddingFunction()))
                    .param("createdAt", Timestamp.from(clock.instant()))
                    .param("shardCount", shardCount)
                    .update();
        } catch (DuplicateKeyException e) {
            throw alreadyExists(command.name());
        }
        return new CollectionView(id, command.database(), command.name(), command.metadata(), hnsw,
                command.embeddingFunction(), null, 0, 0, shardCount);
    }

    /**
     * Locks the database's row until the caller's transaction ends; false when the database no longer exists.
     * Must run inside a transaction.
     */
    public boolean lockDatabase(DatabaseView database) {
        return jdbc.sql(LOCK_DATABASE).param("databaseId", database.id().value()).query(UUID.class).optional()
                .isPresent();
    }

    public Optional<CollectionView> findByName(DatabaseView database, String name) {
        return jdbc.sql(FIND_BY_NAME)
                .param("databaseId", database.id().value())
                .param("name", name)
                .query((rs, row) -> collection(rs, database))
                .optional();
    }

    public Optional<CollectionView> findById(DatabaseView database, CollectionId id) {
        return jdbc.sql(FIND_BY_ID)
                .param("databaseId", database.id().value())
                .param("id", id.value())
                .query((rs, row) -> collection(rs, database))
                .optional();
    }

    /** The collection with this id in whatever database holds it; for search nodes, never for a tenant's request. */
    public Optional<CollectionView> findById(CollectionId id) {
        return jdbc.sql(FIND_ANYWHERE)
                .param("id", id.value())
                .query((rs, row) -> collection(rs, new DatabaseView(
                        new DatabaseId(rs.getObject("database_id", UUID.class)),
                        new TenantView(new TenantId(rs.getObject("tenant_id", UUID.class)),
                                rs.getString("tenant_name")),
                        rs.getString("database_name"))))
                .optional();
    }

    public List<CollectionView> list(DatabaseView database, int limit, int offset) {
        return jdbc.sql(LIST)
                .param("databaseId", database.id().value())
                .param("limit", limit)
                .param("offset", offset)
                .query((rs, row) -> collection(rs, database))
                .list();
    }

    public int count(DatabaseView database) {
        return jdbc.sql(COUNT).param("databaseId", database.id().value()).query(Integer.class).single();
    }

    public void update(CollectionView collection, CollectionChange change) {
        HnswConfiguration hnsw = change.newHnsw() == null ? collection.hnsw() : change.newHnsw();
        String name = change.newName() == null ? collection.name() : change.newName();
        Map<String, MetadataValue> metadata =
                change.newMetadata() == null ? collection.metadata() : change.newMetadata();
        try {
            jdbc.sql(UPDATE)
                    .param("id", collection.id().value())
                    .param("name", name)
                    .param("metadata", encode(metadata))
                    .param("efSearch", hnsw.searchEf())
                    .param("maxNeighbors", hnsw.maxNeighbors())
                    .param("resizeFactor", hnsw.resizeFactor())
                    .param("syncThreshold", hnsw.syncThreshold())
                    .update();
        } catch (DuplicateKeyException e) {
            throw alreadyExists(name);
        }
    }

    public void delete(CollectionId id) {
        jdbc.sql(DELETE).param("id", id.value()).update();
    }

    /** When the collection was created; empty when it is gone. */
    public Optional<Instant> findCreatedAt(CollectionId id) {
        return jdbc.sql(CREATED_AT)
                .param("id", id.value())
                .query((rs, row) -> rs.getTimestamp("created_at").toInstant())
                .optional();
    }

    /**
     * Sets a restored collection's log position and dimension, inside the transaction that inserted it, before any
     * write can reach it.
     */
    public void restored(CollectionId id, long logPosition, @Nullable Integer dimension) {
        jdbc.sql(RESTORED)
                .param("id", id.value())
                .param("logPosition", logPosition)
                .param("dimension", new SqlParameterValue(Types.INTEGER, dimension))
                .update();
    }

    /** Takes the next log position under the collection's row lock; empty when the collection is gone. */
    public Optional<Advance> advance(CollectionId id, @Nullable Integer dimension) {
        return jdbc.sql(ADVANCE)
                .param("id", id.value())
                .param("dimension", new SqlParameterValue(Types.INTEGER, dimension))
                .query((rs, row) -> new Advance(rs.getLong("log_position"), (Integer) rs.getObject("dimension"),
                        rs.getLong("record_count"), rs.getLong("stored_bytes")))
                .optional();
    }

    private static QuiverException alreadyExists(String name) {
        return new QuiverException(ErrorCode.ALREADY_EXISTS, "Collection [" + name + "] already exists");
    }

    private static SqlParameterValue encode(@Nullable Map<String, MetadataValue> metadata) {
        byte[] bytes = metadata == null || metadata.isEmpty() ? null : BatchCodec.encodeMetadata(metadata);
        return new SqlParameterValue(Types.BINARY, bytes);
    }

    private static Quantization quantization(String name) {
        return Quantization.fromWireName(name)
                .orElseThrow(() -> new IllegalStateException("unknown quantization in collections table: " + name));
    }

    private static CollectionView collection(ResultSet rs, DatabaseView database) throws SQLException {
        byte[] metadata = rs.getBytes("metadata");
        HnswConfiguration hnsw = new HnswConfiguration(
                Metric.fromChromaName(rs.getString("space")),
                rs.getInt("ef_construction"),
                rs.getInt("ef_search"),
                rs.getInt("max_neighbors"),
                rs.getDouble("resize_factor"),
                rs.getInt("sync_threshold"),
                quantization(rs.getString("quantization")));
        return new CollectionView(
                new CollectionId(rs.getObject("id", UUID.class)),
                database,
                rs.getString("name"),
                metadata == null ? null : BatchCodec.decodeMetadata(metadata),
                hnsw,
                rs.getString("embedding_function"),
                (Integer) rs.getObject("dimension"),
                rs.getLong("log_position"),
                rs.getInt("version"),
                rs.getInt("shard_count"));
    }
}
