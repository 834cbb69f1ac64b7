package dev.quiver.search.counter;

import dev.quiver.common.TenantId;
import dev.quiver.search.api.CollectionId;
import dev.quiver.search.api.CollectionUsage;
import dev.quiver.search.api.StorageCounters;
import dev.quiver.tenant.api.DatabaseId;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The counters on the collection rows in the control-plane schema, over {@link JdbcClient}: kept by every write,
 * read without touching a record. Thread-safe; transactions are the caller's.
 */
public final class JdbcCollectionCounters implements StorageCounters {

    /*
     * The two-key form of PostgreSQL's advisory locks has its own key space, apart from the one-bigint form that
     * other locks (operator bootstrap, Flyway) use. Two tenants whose ids hash alike only share a lock.
     */
    private static final int TENANT_STORAGE_LOCK = 0x71737462; // "qstb"
    private static final String LOCK_TENANT = """
            select pg_advisory_xact_lock(:space, :key)
            """;
    private static final String COUNT = """
            update quiver.collections
            set record_count = record_count + :records, stored_bytes = stored_bytes + :bytes
            where id = :id
            """;
    private static final String TENANT_BYTES = """
            select coalesce(sum(stored_bytes), 0) from quiver.collections where tenant_id = :tenantId
            """;
    private static final String COLUMNS = "tenant_id, database_id, id, record_count, stored_bytes";
    private static final String ALL = "select " + COLUMNS + """
             from quiver.collections order by tenant_id, id
            """;
    private static final String OF_TENANT = "select " + COLUMNS + """
             from quiver.collections where tenant_id = :tenantId order by id
            """;
    private static final String OF_COLLECTION = "select " + COLUMNS + """
             from quiver.collections where id = :id
            """;

    private final JdbcClient jdbc;

    public JdbcCollectionCounters(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Takes the tenant's storage lock until the caller's transaction ends, so that writes growing its storage in
     * different collections check the sum one after the other. Must run inside a transaction; the sum must be read
     * in a later statement, whose snapshot then holds every growth committed before the lock was granted.
     */
    public void lockTenant(TenantId tenant) {
        jdbc.sql(LOCK_TENANT)
                .param("space", TENANT_STORAGE_LOCK)
                .param("key", tenant.value().hashCode())
                .query()
                .listOfRows();
    }

    /** Adds a write's change to the collection's counters; the caller holds the collection's row lock. */
    public void count(CollectionId collection, JdbcRecordSizes.Change change) {
        if (change.records() == 0 && change.bytes() == 0) {
            return;
        }
        jdbc.sql(COUNT)
                .param("id", collection.value())
                .param("records", change.records())
                .param("bytes", change.bytes())
                .update();
    }

    @Override
    public long tenantBytes(TenantId tenant) {
        return jdbc.sql(TENANT_BYTES).param("tenantId", tenant.value()).query(Long.class).single();
    }

    @Override
    public List<CollectionUsage> collections() {
        return jdbc.sql(ALL).query((rs, row) -> usage(rs)).list();
    }

    @Override
    public List<CollectionUsage> collections(TenantId tenant) {
        return jdbc.sql(OF_TENANT).param("tenantId", tenant.value()).query((rs, row) -> usage(rs)).list();
    }

    @Override
    public Optional<CollectionUsage> findCollection(CollectionId collection) {
        return jdbc.sql(OF_COLLECTION).param("id", collection.value()).query((rs, row) -> usage(rs)).optional();
    }

    private static CollectionUsage usage(ResultSet rs) throws SQLException {
        return new CollectionUsage(new TenantId(rs.getObject("tenant_id", UUID.class)),
                new DatabaseId(rs.getObject("database_id", UUID.class)),
                new CollectionId(rs.getObject("id", UUID.class)),
                rs.getLong("record_count"), rs.getLong("stored_bytes"));
    }
}
