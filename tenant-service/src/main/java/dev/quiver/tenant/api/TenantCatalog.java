package dev.quiver.tenant.api;

import dev.quiver.common.QuotaLimit;
import dev.quiver.common.TenantId;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Tenants and databases by name. Names are validated by the caller; methods that create throw a
 * {@code QuiverException} with {@code ALREADY_EXISTS} when the name is taken, and methods named {@code get} throw
 * one with {@code TENANT_NOT_FOUND} or {@code DATABASE_NOT_FOUND}. Thread-safe.
 */
public interface TenantCatalog {

    /** The tenant every standalone client starts in, as in Chroma. */
    String DEFAULT_TENANT = "default_tenant";

    /** The database every tenant starts with, as in Chroma. */
    String DEFAULT_DATABASE = "default_database";

    /** Creates a tenant and provisions its schema. */
    TenantView createTenant(String name);

    Optional<TenantView> findTenant(String name);

    /**
     * The tenant with this id, for callers that hold only the id (an operator's request, a Chroma path naming the
     * tenant by id). The default scans {@link #listTenants()}, enough for a hand-written fake; the real catalogue
     * answers with one indexed lookup.
     */
    default Optional<TenantView> findTenant(TenantId id) {
        return listTenants().stream().filter(tenant -> tenant.id().equals(id)).findFirst();
    }

    /** Creates a database with no quota on the tenant's number of databases: for start-up work and tests. */
    default DatabaseView createDatabase(TenantView tenant, String name) {
        return createDatabase(tenant, name, null);
    }

    /**
     * Creates a database unless the tenant would then have more than {@code databases} allows. The count and the
     * insert run in one transaction with the tenant's row locked, so concurrent creates never exceed the limit.
     *
     * @param databases the most databases the tenant may have, or null for no limit
     * @throws dev.quiver.common.QuotaExceededException when the limit is reached; nothing is written
     */
    DatabaseView createDatabase(TenantView tenant, String name, @Nullable QuotaLimit databases);

    Optional<DatabaseView> findDatabase(TenantView tenant, String name);

    /** The tenant's databases ordered by name, as Chroma lists them. */
    List<DatabaseView> listDatabases(TenantView tenant, int limit, int offset);

    /** Deletes the database row; the caller has already dropped what lives in it. */
    void deleteDatabase(DatabaseView database);

    /** Every tenant, for start-up work that visits each tenant's schema. */
    List<TenantView> listTenants();
}
