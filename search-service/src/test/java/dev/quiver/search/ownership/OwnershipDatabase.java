package dev.quiver.search.ownership;

import dev.quiver.search.api.CollectionId;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * One real PostgreSQL for the ownership tests of this JVM, migrated as the server migrates it, with the
 * collections the tests place. Closed by the JVM's exit.
 */
final class OwnershipDatabase {

    private static OwnershipDatabase instance;

    private final EmbeddedPostgres postgres;
    private final DataSource dataSource;
    private final JdbcClient jdbc;
    private final UUID tenant = UUID.randomUUID();
    private final UUID database = UUID.randomUUID();

    private OwnershipDatabase() throws IOException {
        postgres = EmbeddedPostgres.builder().start();
        dataSource = postgres.getPostgresDatabase();
        Flyway.configure().dataSource(dataSource).schemas("quiver").createSchemas(true)
                .locations("classpath:db/quiver").load().migrate();
        jdbc = JdbcClient.create(dataSource);
        jdbc.sql("insert into quiver.tenants (id, name, created_at) values (:id, 'ownership', now())")
                .param("id", tenant).update();
        jdbc.sql("insert into quiver.databases (id, tenant_id, name, created_at) values (:id, :tenant, 'd', now())")
                .param("id", database).param("tenant", tenant).update();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                postgres.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }));
    }

    static synchronized OwnershipDatabase get() {
        if (instance == null) {
            try {
                instance = new OwnershipDatabase();
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot start the embedded PostgreSQL", e);
            }
        }
        return instance;
    }

    DataSource dataSource() {
        return dataSource;
    }

    JdbcClient jdbc() {
        return jdbc;
    }

    TransactionTemplate transactions() {
        return new TransactionTemplate(new DataSourceTransactionManager(dataSource));
    }

    /** Removes every node, lease and collection, so each test starts from an empty cluster. */
    void clear() {
        jdbc.sql("delete from quiver.shard_leases").update();
        jdbc.sql("delete from quiver.search_nodes").update();
        jdbc.sql("delete from quiver.collections").update();
    }

    /** Creates a collection with {@code shardCount} shards and returns its shards. */
    List<ShardKey> collection(int shardCount) {
        CollectionId id = new CollectionId(UUID.randomUUID());
        jdbc.sql("""
                insert into quiver.collections (id, tenant_id, database_id, name, space, ef_construction, ef_search,
                    max_neighbors, resize_factor, sync_threshold, created_at, shard_count)
                values (:id, :tenant, :database, :name, 'l2', 100, 100, 16, 1.2, 1000, now(), :shardCount)
                """)
                .param("id", id.value())
                .param("tenant", tenant)
                .param("database", database)
                .param("name", "collection-" + id.value())
                .param("shardCount", shardCount)
                .update();
        List<ShardKey> shards = new ArrayList<>();
        for (int shard = 0; shard < shardCount; shard++) {
            shards.add(new ShardKey(id, shard));
        }
        return shards;
    }

    /** Makes every lease of the table expired, as if its owner had stopped renewing a lease duration ago. */
    void expireAll() {
        jdbc.sql("update quiver.shard_leases set expires_at = clock_timestamp() - interval '1 second'").update();
    }
}
