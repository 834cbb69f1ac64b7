package dev.quiver.gateway.web;

import static dev.quiver.common.QuiverException.invalidField;

import dev.quiver.common.ErrorCode;
import dev.quiver.common.QuiverException;
import dev.quiver.search.api.CollectionCatalog;
import dev.quiver.search.api.CollectionId;
import dev.quiver.search.api.CollectionView;
import dev.quiver.tenant.api.DatabaseView;
import dev.quiver.tenant.api.TenantCatalog;
import dev.quiver.tenant.api.TenantView;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;

/**
 * Resolves the tenant, database and collection a Chroma path names, with the messages the real Chroma server
 * gives when one does not exist. Thread-safe.
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

    TenantView tenant(String name) {
        return tenants.findTenant(name).orElseThrow(() -> new QuiverException(ErrorCode.TENANT_NOT_FOUND,
                "Tenant [" + name + "] not found"));
    }

    Optional<DatabaseView> findDatabase(String tenant, String database) {
        return tenants.findTenant(tenant).flatMap(found -> tenants.findDatabase(found, database));
    }

    /** The database for an operation on it: an unknown tenant or database is 404. */
    DatabaseView database(String tenant, String database) {
        return findDatabase(tenant, database).orElseThrow(() -> new QuiverException(ErrorCode.DATABASE_NOT_FOUND,
                "Database [" + database + "] not found. Are you sure it exists?"));
    }

    /** The database a collection is created in: Chroma answers 400 when it does not exist. */
    DatabaseView databaseForCreate(String tenant, String database) {
        return findDatabase(tenant, database).orElseThrow(() -> new QuiverException(ErrorCode.INVALID_ARGUMENT,
                "Database [" + database + "] does not exist"));
    }

    CollectionView collectionByName(String tenant, String database, String name) {
        return findDatabase(tenant, database)
                .flatMap(found -> collections.findByName(found, name))
                .orElseThrow(() -> new QuiverException(ErrorCode.COLLECTION_NOT_FOUND,
                        "Collection [" + name + "] does not exist"));
    }

    /** A collection by id for record operations; another database's collection is not found. */
    CollectionView collectionById(String tenant, String database, String id) {
        CollectionId collectionId = collectionId(id);
        return findDatabase(tenant, database)
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
}
