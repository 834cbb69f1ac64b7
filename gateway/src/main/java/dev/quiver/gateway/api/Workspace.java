package dev.quiver.gateway.api;

import dev.quiver.search.api.StoredRecord;
import dev.quiver.tenant.api.DatabaseView;
import dev.quiver.tenant.api.Principal;
import dev.quiver.tenant.api.TenantView;
import java.util.List;

/**
 * The data plane as Java calls, for the console: the same rules as the Chroma routes, in the same order. A database
 * or collection the caller may not see is 404 ({@code DATABASE_NOT_FOUND}, {@code COLLECTION_NOT_FOUND}) exactly
 * like one that does not exist; then the privilege is checked ({@code PERMISSION_DENIED}, or
 * {@code TENANT_SUSPENDED}); then the input, with errors that name the field and the rule and nothing written.
 * Changes are audited like their API counterparts. Databases and collections are named, never addressed by id,
 * and always in the caller's own tenant. Thread-safe.
 */
public interface Workspace {

    /** The caller's visible databases, by name. Needs {@code records.read}. */
    List<DatabaseView> databases(Principal caller);

    /** Creates a database ({@code database.manage}; Chroma's name rule, field {@code name}; 409 when taken). */
    DatabaseView createDatabase(Principal caller, String name);

    /** Deletes a database and its collections ({@code database.manage}). */
    void deleteDatabase(Principal caller, String database);

    /** The database's collections with their sizes, by name. Needs {@code records.read}. */
    List<CollectionSummary> collections(Principal caller, String database);

    /** One collection with its size. Needs {@code records.read}. */
    CollectionSummary collection(Principal caller, String database, String collection);

    /** Creates a collection ({@code collection.create}; fields {@code name}, {@code metric}, {@code metadata}). */
    CollectionSummary createCollection(Principal caller, String database, NewCollection request);

    /** Deletes a collection and its records ({@code collection.delete}). */
    void deleteCollection(Principal caller, String database, String collection);

    /**
     * Records in insertion order with ids, documents, metadata and embeddings. Needs {@code records.read}.
     *
     * @param limit 1 to 100
     */
    List<StoredRecord> peek(Principal caller, String database, String collection, int offset, int limit);

    /** The nearest records to a query, nearest first, with Chroma's distances. Needs {@code records.read}. */
    List<Neighbour> query(Principal caller, String database, String collection, ConsoleQuery query);

    /**
     * The tenant's plan, limits and counted usage: for its members with {@code billing.read} (a suspended tenant's
     * too) and for operators; anyone else gets {@code PERMISSION_DENIED}.
     */
    PlanStatus plan(Principal caller, TenantView tenant);

    /** What a tenant holds now, for operators ({@code PERMISSION_DENIED} for anyone else). */
    TenantUsage usage(Principal operator, TenantView tenant);

    /**
     * Deletes a tenant for an operator: first every collection of every database (their logs and shards live in
     * the search module), then the tenant itself, its schema, members and keys.
     */
    void deleteTenant(Principal operator, TenantView tenant);
}
