package dev.quiver.tenant.schema;

import dev.quiver.common.TenantId;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates and migrates tenant schemas. Every module contributes its per-tenant tables as Flyway migrations under
 * {@code classpath:db/tenant}; they run in the tenant's schema (Flyway sets the search path), so the SQL names no
 * schema. Thread-safe: Flyway takes a PostgreSQL advisory lock per schema while it migrates.
 */
public final class TenantSchemas {

    private static final Logger log = LoggerFactory.getLogger(TenantSchemas.class);

    private final DataSource dataSource;

    public TenantSchemas(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Creates the tenant's schema if needed and applies every pending tenant migration to it. */
    public void migrate(TenantId tenant) {
        var result = Flyway.configure()
                .dataSource(dataSource)
                .schemas(tenant.schemaName())
                .createSchemas(true)
                .locations("classpath:db/tenant")
                .load()
                .migrate();
        if (result.migrationsExecuted > 0) {
            log.info("Tenant schema {} migrated to version {}", tenant.schemaName(), result.targetSchemaVersion);
        }
    }
}
