package dev.quiver.tenant.catalog;

import dev.quiver.common.ErrorCode;
import dev.quiver.common.QuiverException;
import dev.quiver.common.QuotaLimit;
import dev.quiver.common.TenantId;
import dev.quiver.tenant.access.AccessChanges;
import dev.quiver.tenant.api.DatabaseId;
import dev.quiver.tenant.api.DatabaseView;
import dev.quiver.tenant.api.TenantCatalog;
import dev.quiver.tenant.api.TenantView;
import dev.quiver.tenant.schema.TenantSchemas;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Tenants and databases in the control-plane schema, over {@link JdbcClient}, with the lookups that every data
 * request makes cached in memory.
 *
 * <p>Every Chroma request names its tenant and database, so without a cache each one paid two SQL round trips
 * before its real work. Only found rows are cached; a miss always asks PostgreSQL, so a tenant or database created
 * by any process is seen at once.
 * <ul>
 *   <li>A tenant's name and id never change, but an operator may delete the tenant: any local change of access
 *       data ({@link AccessChanges}, which a tenant deletion signals) clears the cached tenants, and an entry
 *       expires after {@link #DATABASE_TTL} too, for deletions made by another process.
 *   <li>A database is deleted here, and evicted once that deletion commits. Another process sharing the
 *       PostgreSQL may delete (and re-create) it too, so an entry also expires after {@link #DATABASE_TTL}: that
 *       bounds how long this process can see a database deleted elsewhere.
 * </ul>
 * Creating or deleting a database signals {@link AccessChanges}, so cached API-key principals limited to a deleted
 * database lose it.
 * Thread-safe.
 */
public class JdbcTenantCatalog implements TenantCatalog {

    /** How long a cached tenant or database is trusted without asking PostgreSQL again; see the class comment. */
    static final Duration DATABASE_TTL = Duration.ofSeconds(5);

    private static final String INSERT_TENANT = """
            insert into quiver.tenants (id, name, created_at) values (:id, :name, :createdAt)
            """;
    private static final String FIND_TENANT = """
            select id, name from quiver.tenants where name = :name
            """;
    private static final String FIND_TENANT_BY_ID = """
            select id, name from quiver.tenants where id = :id
            """;
    private static final String LIST_TENANTS = """
            select id, name from quiver.tenants order by created_at, name
            """;
    private static final String INSERT_DATABASE = """
            insert into quiver.databases (id, tenant_id, name, created_at)
            values (:id, :tenantId, :name, :createdAt)
            """;
    private static final String FIND_DATABASE = """
            select id, name from quiver.databases where tenant_id = :tenantId and name = :name
            """;
    private static final String LIST_DATABASES = """
            select id, name from quiver.databases where tenant_id = :tenantId
            order by name limit :limit offset :offset
            """;
    /*
     * Serialises database creation per tenant: the row lock is held until commit, so the count below sees every
     * database committed by a concurrent creator before this one inserts. "No key update" leaves the foreign-key
     * checks of other inserts that reference the tenant unblocked.
     */
    private static final String LOCK_TENANT = """
            select id from quiver.tenants where id = :id for no key update
            """;
    private static final String COUNT_DATABASES = """
            select count(*) from quiver.databases where tenant_id = :tenantId
            """;
    private static final String DELETE_DATABASE = """
            delete from quiver.databases where id = :id
            """;

    private final JdbcClient jdbc;
    private final TenantSchemas schemas;
    private final Clock clock;
    private final AccessChanges changes;
    private final ConcurrentHashMap<String, CachedTenant> tenantsByName = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<DatabaseKey, CachedDatabase> databasesByName = new ConcurrentHashMap<>();
    /**
     * Bumped by every eviction. A lookup caches its row only if no eviction happened since it started, so a row
     * read just before a deletion committed is never cached after the deletion evicted it.
     */
    private final AtomicLong databaseGeneration = new AtomicLong();
    /** Orders caching a looked-up database against evicting it; never held during SQL. */
    private final ReentrantLock databaseCacheLock = new ReentrantLock();

    private record DatabaseKey(TenantId tenant, String name) {
    }

    private record CachedTenant(TenantView tenant, long loadedNanos) {
    }

    private record CachedDatabase(DatabaseView database, long loadedNanos) {
    }

    public JdbcTenantCatalog(JdbcClient jdbc, TenantSchemas schemas, Clock clock, AccessChanges changes) {
        this.jdbc = jdbc;
        this.schemas = schemas;
        this.clock = clock;
        this.changes = changes;
        // A lookup racing a deletion may cache the tenant again; the TTL bounds that as it does for other processes.
        changes.subscribe(tenantsByName::clear);
    }

    /**
     * Creates the default tenant and database when missing and brings every tenant schema up to date. Runs once
     * at start-up, before requests are served.
     */
    public void initialize() {
        TenantView tenant = findTenant(DEFAULT_TENANT).orElseGet(() -> createTenant(DEFAULT_TENANT));
        for (TenantView each : listTenants()) {
            schemas.migrate(each.id());
        }
        if (findDatabase(tenant, DEFAULT_DATABASE).isEmpty() && DEFAULT_TENANT.equals(tenant.name())) {
            insertDatabase(DatabaseId.DEFAULT, tenant, DEFAULT_DATABASE);
        }
    }

    @Override
    @Transactional
    public TenantView createTenant(String name) {
        TenantId id = new TenantId(UUID.randomUUID());
        try {
            jdbc.sql(INSERT_TENANT)
                    .param("id", id.value())
                    .param("name", name)
                    .param("createdAt", Timestamp.from(clock.instant()))
                    .update();
        } catch (DuplicateKeyException e) {
            throw new QuiverException(ErrorCode.ALREADY_EXISTS, "Tenant [" + name + "] already exists");
        }
        // The schema is created inside the same transaction's connection pool but by Flyway's own connection;
        // should the insert roll back afterwards, the empty schema is harmless and reused by no one.
        schemas.migrate(id);
        return new TenantView(id, name);
    }

    @Override
    public Optional<TenantView> findTenant(String name) {
        CachedTenant cached = tenantsByName.get(name);
        long now = System.nanoTime();
        if (cached != null && now - cached.loadedNanos() < DATABASE_TTL.toNanos()) {
            return Optional.of(cached.tenant());
        }
        Optional<TenantView> found =
                jdbc.sql(FIND_TENANT).param("name", name).query(JdbcTenantCatalog::tenant).optional();
        if (found.isPresent()) {
            tenantsByName.put(name, new CachedTenant(found.get(), now));
        } else {
            tenantsByName.remove(name);
        }
        return found;
    }

    /** Not cached: ids are looked up by operators and rare routes, never on every data request. */
    @Override
    public Optional<TenantView> findTenant(TenantId id) {
        return jdbc.sql(FIND_TENANT_BY_ID).param("id", id.value()).query(JdbcTenantCatalog::tenant).optional();
    }

    @Override
    public List<TenantView> listTenants() {
        return jdbc.sql(LIST_TENANTS).query(JdbcTenantCatalog::tenant).list();
    }

    @Override
    @Transactional
    public DatabaseView createDatabase(TenantView tenant, String name, @Nullable QuotaLimit databases) {
        if (databases != null) {
            // 1. Lock the tenant's row, so concurrent creators of this tenant queue here until we commit.
            // 2. Count what is committed now, and refuse when one more would exceed the limit.
            // 3. Insert below, still holding the lock.
            jdbc.sql(LOCK_TENANT).param("id", tenant.id().value()).query(UUID.class).optional()
                    .orElseThrow(() -> new QuiverException(ErrorCode.TENANT_NOT_FOUND,
                            "Tenant [" + tenant.name() + "] not found"));
            long count = jdbc.sql(COUNT_DATABASES).param("tenantId", tenant.id().value()).query(Long.class)
                    .single();
            databases.check("Create Database", count + 1);
        }
        DatabaseView database = insertDatabase(new DatabaseId(UUID.randomUUID()), tenant, name);
        changes.changed();
        return database;
    }

    private DatabaseView insertDatabase(DatabaseId id, TenantView tenant, String name) {
        try {
            jdbc.sql(INSERT_DATABASE)
                    .param("id", id.value())
                    .param("tenantId", tenant.id().value())
                    .param("name", name)
                    .param("createdAt", Timestamp.from(clock.instant()))
                    .update();
        } catch (DuplicateKeyException e) {
            throw new QuiverException(ErrorCode.ALREADY_EXISTS, "Database [" + name + "] already exists");
        }
        return new DatabaseView(id, tenant, name);
    }

    @Override
    public Optional<DatabaseView> findDatabase(TenantView tenant, String name) {
        DatabaseKey key = new DatabaseKey(tenant.id(), name);
        CachedDatabase cached = databasesByName.get(key);
        long now = System.nanoTime();
        if (cached != null && now - cached.loadedNanos() < DATABASE_TTL.toNanos()) {
            return Optional.of(cached.database());
        }
        long generation = databaseGeneration.get();
        Optional<DatabaseView> found = jdbc.sql(FIND_DATABASE)
                .param("tenantId", tenant.id().value())
                .param("name", name)
                .query((rs, row) -> database(rs, tenant))
                .optional();
        databaseCacheLock.lock();
        try {
            if (found.isEmpty()) {
                databasesByName.remove(key);
            } else if (databaseGeneration.get() == generation) {
                databasesByName.put(key, new CachedDatabase(found.get(), now));
            }
        } finally {
            databaseCacheLock.unlock();
        }
        return found;
    }

    @Override
    public List<DatabaseView> listDatabases(TenantView tenant, int limit, int offset) {
        return jdbc.sql(LIST_DATABASES)
                .param("tenantId", tenant.id().value())
                .param("limit", limit)
                .param("offset", offset)
                .query((rs, row) -> database(rs, tenant))
                .list();
    }

    @Override
    @Transactional
    public void deleteDatabase(DatabaseView database) {
        DatabaseKey key = new DatabaseKey(database.tenant().id(), database.name());
        evict(key);
        jdbc.sql(DELETE_DATABASE).param("id", database.id().value()).update();
        // Keys limited to this database lose it (the cascade deletes their rows); cached principals must too.
        changes.changed();
        // Until the deletion commits, a lookup still finds the row and may cache it; evict again afterwards.
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCompletion(int status) {
                    evict(key);
                }
            });
        } else {
            evict(key);
        }
    }

    private void evict(DatabaseKey key) {
        databaseCacheLock.lock();
        try {
            databaseGeneration.incrementAndGet();
            databasesByName.remove(key);
        } finally {
            databaseCacheLock.unlock();
        }
    }

    private static TenantView tenant(ResultSet rs, int row) throws SQLException {
        return new TenantView(new TenantId(rs.getObject("id", UUID.class)), rs.getString("name"));
    }

    private static DatabaseView database(ResultSet rs, TenantView tenant) throws SQLException {
        return new DatabaseView(new DatabaseId(rs.getObject("id", UUID.class)), tenant, rs.getString("name"));
    }
}
