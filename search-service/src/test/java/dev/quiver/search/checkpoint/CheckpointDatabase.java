package dev.quiver.search.checkpoint;

import dev.quiver.common.TenantId;
import dev.quiver.tenant.api.DatabaseId;
import dev.quiver.tenant.api.DatabaseView;
import dev.quiver.tenant.api.TenantView;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The real PostgreSQL of the checkpoint tests, migrated as the server migrates it, and tenants in it. */
final class CheckpointDatabase {

    private CheckpointDatabase() {
    }

    /** A started embedded PostgreSQL with the control-plane schema. */
    static EmbeddedPostgres start() throws IOException {
        EmbeddedPostgres postgres = EmbeddedPostgres.builder().start();
        Flyway.configure().dataSource(postgres.getPostgresDatabase()).schemas("quiver").createSchemas(true)
                .locations("classpath:db/quiver").load().migrate();
        return postgres;
    }

    /** A new tenant with its own schema and one database {@code db}, created at {@code createdAt}. */
    static DatabaseView newTenantDatabase(EmbeddedPostgres postgres, Instant createdAt) {
        TenantId tenant = new TenantId(UUID.randomUUID());
        JdbcClient jdbc = JdbcClient.create(postgres.getPostgresDatabase());
        jdbc.sql("insert into quiver.tenants (id, name, created_at) values (:id, :name, :now)")
                .param("id", tenant.value())
                .param("name", "tenant-" + tenant.value())
                .param("now", Timestamp.from(createdAt))
                .update();
        DatabaseId databaseId = new DatabaseId(UUID.randomUUID());
        jdbc.sql("insert into quiver.databases (id, tenant_id, name, created_at) values (:id, :tenant, 'db', :now)")
                .param("id", databaseId.value())
                .param("tenant", tenant.value())
                .param("now", Timestamp.from(createdAt))
                .update();
        Flyway.configure().dataSource(postgres.getPostgresDatabase()).schemas(tenant.schemaName())
                .createSchemas(true).locations("classpath:db/tenant").load().migrate();
        return new DatabaseView(databaseId, new TenantView(tenant, "tenant-" + tenant.value()), "db");
    }
}
