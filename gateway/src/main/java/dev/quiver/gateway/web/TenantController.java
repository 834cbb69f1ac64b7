package dev.quiver.gateway.web;

import static dev.quiver.gateway.web.ChromaResources.json;

import dev.quiver.common.ErrorCode;
import dev.quiver.common.Privilege;
import dev.quiver.common.QuiverException;
import dev.quiver.tenant.api.DatabaseView;
import dev.quiver.tenant.api.Principal;
import dev.quiver.tenant.api.TenantView;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/** Chroma's tenants and databases. */
@RestController
@RequestMapping("/api/v2/tenants")
class TenantController {

    private final ChromaResources resources;
    private final DatabaseChanges changes;

    TenantController(ChromaResources resources, DatabaseChanges changes) {
        this.resources = resources;
        this.changes = changes;
    }

    /**
     * Creates a tenant when authentication is off. A caller with a key is refused before any lookup: tenants come
     * from sign-up, and answering "already exists" would reveal other tenants' names.
     */
    @PostMapping
    ResponseEntity<byte[]> createTenant(Principal caller, JsonNode request) {
        if (!caller.unrestricted()) {
            throw new QuiverException(ErrorCode.PERMISSION_DENIED,
                    "Tenants are created by signing up, not with an API key");
        }
        String name = JsonBody.string(JsonBody.required(request, "name"), "name");
        ChromaResources.checkName(name, "name");
        resources.tenants().createTenant(name);
        return json("{}");
    }

    @GetMapping("/{tenant}")
    ResponseEntity<byte[]> getTenant(Principal caller, @PathVariable String tenant) {
        TenantView found = resources.tenant(caller, tenant);
        caller.require(Privilege.RECORDS_READ);
        return json(JsonResponses.write(json -> {
            json.writeStartObject();
            json.writeStringProperty("name", found.name());
            json.writeNullProperty("resource_name");
            json.writeEndObject();
        }));
    }

    /** Chroma Cloud's resource name; accepted for compatibility, with no effect on a single deployment. */
    @PatchMapping("/{tenant}")
    ResponseEntity<byte[]> updateTenant(Principal caller, @PathVariable String tenant, JsonNode request) {
        JsonBody.string(JsonBody.required(request, "resource_name"), "resource_name");
        resources.tenant(caller, tenant);
        return json("{}");
    }

    @GetMapping("/{tenant}/databases")
    ResponseEntity<byte[]> listDatabases(Principal caller, @PathVariable String tenant,
            @RequestParam(required = false) @Nullable Integer limit,
            @RequestParam(required = false) @Nullable Integer offset) {
        int pageLimit = Paging.limit(limit);
        int pageOffset = Paging.offset(offset);
        List<DatabaseView> databases = resources.findTenant(caller, tenant)
                .map(found -> {
                    caller.require(Privilege.RECORDS_READ);
                    return resources.visibleDatabases(caller, found, pageLimit, pageOffset);
                })
                .orElse(List.of());
        return json(JsonResponses.write(json -> {
            json.writeStartArray();
            for (DatabaseView database : databases) {
                writeDatabase(json, database);
            }
            json.writeEndArray();
        }));
    }

    /**
     * Creates a database. Like Chroma, with authentication off a tenant that does not exist yet is created with it;
     * a caller with a key creates databases only in its own tenant, and a key limited to some databases creates
     * none (it could not see what it made).
     */
    @PostMapping("/{tenant}/databases")
    ResponseEntity<byte[]> createDatabase(Principal caller, @PathVariable String tenant, JsonNode request) {
        String name = JsonBody.string(JsonBody.required(request, "name"), "name");
        TenantView owner = caller.unrestricted()
                ? resources.tenants().findTenant(tenant).orElseGet(() -> {
                    ChromaResources.checkName(tenant, "tenant");
                    // Refused names write nothing: not even the tenant that would have held the database.
                    ChromaResources.checkName(name, "name");
                    return createTenantRacing(tenant);
                })
                : resources.tenant(caller, tenant);
        changes.create(caller, owner, name);
        return json("{}");
    }

    private TenantView createTenantRacing(String tenant) {
        try {
            return resources.tenants().createTenant(tenant);
        } catch (QuiverException e) {
            if (e.code() == ErrorCode.ALREADY_EXISTS) {
                return resources.tenants().findTenant(tenant).orElseThrow(() -> e);
            }
            throw e;
        }
    }

    @GetMapping("/{tenant}/databases/{database}")
    ResponseEntity<byte[]> getDatabase(Principal caller, @PathVariable String tenant,
            @PathVariable String database) {
        DatabaseView found = resources.database(caller, tenant, database);
        caller.require(Privilege.RECORDS_READ);
        return json(JsonResponses.write(json -> writeDatabase(json, found)));
    }

    @DeleteMapping("/{tenant}/databases/{database}")
    ResponseEntity<byte[]> deleteDatabase(Principal caller, @PathVariable String tenant,
            @PathVariable String database) {
        DatabaseView found = resources.findDatabase(caller, tenant, database).orElseThrow(() ->
                new QuiverException(ErrorCode.DATABASE_NOT_FOUND, "Database [" + database + "] not found"));
        changes.delete(caller, found);
        return json("{}");
    }

    private static void writeDatabase(tools.jackson.core.JsonGenerator json, DatabaseView database) {
        json.writeStartObject();
        json.writeStringProperty("id", database.id().toString());
        json.writeStringProperty("name", database.name());
        json.writeStringProperty("tenant", database.tenant().name());
        json.writeEndObject();
    }
}
