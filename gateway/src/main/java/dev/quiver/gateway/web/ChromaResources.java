package dev.quiver.gateway.web;

import static dev.quiver.common.QuiverException.invalidField;

import dev.quiver.common.ErrorCode;
import dev.quiver.common.QuiverException;
import dev.quiver.search.api.CollectionCatalog;
import dev.quiver.search.api.CollectionId;
import dev.quiver.search.api.CollectionView;
import dev.quiver.tenant.api.DatabaseView;
import dev.quiver.tenant.api.Principal;
import dev.quiver.tenant.api.TenantCatalog;
import dev.quiver.tenant.api.TenantView;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;

/**
 * Resolves the tenant, database and collection a Chroma path names, as the caller may see them, with the messages
 * the real Chroma server gives when one does not exist. Whatever the caller may not see is answered exactly as if it
 * did not exist. Privileges are checked by the caller of these methods, after visibility. Thread-safe.
 */
@Component
class ChromaResources {

    /** Chroma's rule for tenant, database and collection names. */
    private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9._-]{1,510}[a-zA-Z0-9]");

    private final TenantCatalog tenants;
    private final CollectionCatalog collections;

    ChromaResources(TenantCatalog tenants, CollectionCatalog collections) {
        this.tenants = tenants;
        this.collections = collections;
    }

    TenantCatalog tenants() {
        return tenants;
    }

    CollectionCatalog collections() {
        return collections;
    }

    static void checkName(String name, String field) {
        if (!NAME.matcher(name).matches()) {
            throw invalidField(ErrorCode.INVALID_ARGUMENT, field, "name",
                    "Validation error: " + field + ": Expected a name containing 3-512 characters from "
                            + "[a-zA-Z0-9._-], starting and ending with a character in [a-zA-Z0-9]. Got: " + name);
        }
    }

    /**
     * The tenant a path names, as the caller may see it. A caller bound to a tenant sees only its own, named by
     * its name, its id or {@code default_tenant}; any other name is 404 exactly like a tenant that does not exist,
     * decided from the principal alone (no query), so the answer cannot tell the two apart.
     */
    TenantView tenant(Principal caller, String name) {
        return findTenant(caller, name).orElseThrow(() -> tenantNotFound(name));
    }

    /**
     * Like {@link #tenant}, but empty instead of 404 for an anonymous caller (authentication off), whose list
     * endpoints answer an empty list for an unknown tenant, as Chroma does. A bound caller naming another tenant is
     * still 404: it must not learn which names exist.
     */
    Optional<TenantView> findTenant(Principal caller, String name) {
        if (caller.unrestricted()) {
            return tenants.findTenant(name);
        }
        TenantView own = caller.tenant();
        if (own != null && (name.equals(TenantCatalog.DEFAULT_TENANT) || name.equals(own.name())
                || name.equals(own.id().toString()))) {
            return Optional.of(own);
        }
        throw tenantNotFound(name);
    }

    private static QuiverException tenantNotFound(String name) {
        return new QuiverException(ErrorCode.TENANT_NOT_FOUND, "Tenant [" + name + "] not found");
    }

    /** The database, if it exists and the caller may see it (a key limited to other databases may not). */
    Optional<DatabaseView> findDatabase(Principal caller, String tenant, String database) {
        return findTenant(caller, tenant).flatMap(found -> findDatabase(caller, found, database));
    }

    /** The database of a tenant already resolved for the caller, if it exists and the caller may see it. */
    Optional<DatabaseView> findDatabase(Principal caller, TenantView tenant, String database) {
        return tenants.findDatabase(tenant, database).filter(caller::sees);
    }

    /** The database for an operation on it: an unknown or hidden tenant or database is 404. */
    DatabaseView database(Principal caller, String tenant, String database) {
        return findDatabase(caller, tenant, database).orElseThrow(() -> databaseNotFound(database));
    }

    /** Like {@link #database(Principal, String, String)}, in a tenant already resolved for the caller. */
    DatabaseView database(Principal caller, TenantView tenant, String database) {
        return findDatabase(caller, tenant, database).orElseThrow(() -> databaseNotFound(database));
    }

    private static QuiverException databaseNotFound(String database) {
        return new QuiverException(ErrorCode.DATABASE_NOT_FOUND,
                "Database [" + database + "] not found. Are you sure it exists?");
    }

    /** The database a collection is created in: Chroma answers 400 when it does not exist (or is hidden). */
    DatabaseView databaseForCreate(Principal caller, String tenant, String database) {
        return findDatabase(caller, tenant, database).orElseThrow(() -> new QuiverException(
                ErrorCode.INVALID_ARGUMENT, "Database [" + database + "] does not exist"));
    }

    /** The databases of a tenant the caller may see, ordered by name. */
    List<DatabaseView> visibleDatabases(Principal caller, TenantView tenant, int limit, int offset) {
        if (caller.databases() == null) {
            return tenants.listDatabases(tenant, limit, offset);
        }
        // A limited key: filter before paging, so pages hold only what the key sees. Keys name few databases.
        return tenants.listDatabases(tenant, Integer.MAX_VALUE, 0).stream()
                .filter(caller::sees)
                .skip(offset)
                .limit(limit)
                .toList();
    }

    /** A collection by name; a hidden or unknown tenant or database makes it as unknown as the collection. */
    CollectionView collectionByName(Principal caller, String tenant, String database, String name) {
        return findDatabase(caller, tenant, database)
                .flatMap(found -> collections.findByName(found, name))
                .orElseThrow(() -> collectionNotFound(name));
    }

    /** A collection by name in a database already resolved for the caller. */
    CollectionView collectionByName(DatabaseView database, String name) {
        return collections.findByName(database, name).orElseThrow(() -> collectionNotFound(name));
    }

    private static QuiverException collectionNotFound(String name) {
        return new QuiverException(ErrorCode.COLLECTION_NOT_FOUND, "Collection [" + name + "] does not exist");
    }

    /** A collection by id for record operations; another database's collection is not found. */
    CollectionView collectionById(Principal caller, String tenant, String database, String id) {
        CollectionId collectionId = collectionId(id);
        return findDatabase(caller, tenant, database)
                .flatMap(found -> collections.findById(found, collectionId))
                .orElseThrow(() -> new QuiverException(ErrorCode.COLLECTION_NOT_FOUND,
                        "Collection [" + id + "] does not exist."));
    }

    static CollectionId collectionId(String id) {
        try {
            UUID uuid = UUID.fromString(id);
            if (uuid.toString().equalsIgnoreCase(id)) {
                return new CollectionId(uuid);
            }
        } catch (IllegalArgumentException e) {
            // not a UUID: refused below
        }
        throw invalidField(ErrorCode.INVALID_ARGUMENT, "collection_id", "uuid",
                "Collection ID is not a valid UUIDv4");
    }

    static ResponseEntity<byte[]> json(int status, byte[] body) {
        return ResponseEntity.status(status).contentType(MediaType.APPLICATION_JSON).body(body);
    }

    static ResponseEntity<byte[]> json(byte[] body) {
        return json(200, body);
    }

    static ResponseEntity<byte[]> json(String body) {
        return json(200, JsonBody.utf8(body));
    }

    /** Writes a 200 JSON body to the servlet response, with the headers {@link #json(byte[])} gives. */
    static void writeJson(HttpServletResponse response, byte[] body) throws IOException {
        response.setStatus(200);
        response.setContentType(MediaType.APPLICATION_JSON_VALUE);
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }
}
