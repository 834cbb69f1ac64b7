package dev.quiver.gateway.web;

import static dev.quiver.gateway.web.ChromaResources.json;

import dev.quiver.common.ErrorCode;
import dev.quiver.common.QuiverException;
import dev.quiver.tenant.api.DatabaseView;
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

    TenantController(ChromaResources resources) {
        this.resources = resources;
    }

    @PostMapping
    ResponseEntity<byte[]> createTenant(JsonNode request) {
        String name = JsonBody.string(JsonBody.required(request, "name"), "name");
        ChromaResources.checkName(name, "name");
        resources.tenants().createTenant(name);
        return json("{}");
    }

    @GetMapping("/{tenant}")
    ResponseEntity<byte[]> getTenant(@PathVariable String tenant) {
        TenantView found = resources.tenant(tenant);
        return json(JsonResponses.write(json -> {
            json.writeStartObject();
            json.writeStringProperty("name", found.name());
            json.writeNullProperty("resource_name");
            json.writeEndObject();
        }));
    }

    /** Chroma Cloud's resource name; accepted for compatibility, with no effect on a single deployment. */
    @PatchMapping("/{tenant}")
    ResponseEntity<byte[]> updateTenant(@PathVariable String tenant,
            JsonNode request) {
        JsonBody.string(JsonBody.required(request, "resource_name"), "resource_name");
        resources.tenant(tenant);
        return json("{}");
    }

    @GetMapping("/{tenant}/databases")
    ResponseEntity<byte[]> listDatabases(@PathVariable String tenant,
            @RequestParam(required = false) @Nullable Integer limit,
            @RequestParam(required = false) @Nullable Integer offset) {
        List<DatabaseView> databases = resources.tenants().findTenant(tenant)
                .map(found -> resources.tenants().listDatabases(found, Paging.limit(limit), Paging.offset(offset)))
                .orElse(List.of());
        return json(JsonResponses.write(json -> {
            json.writeStartArray();
            for (DatabaseView database : databases) {
                writeDatabase(json, database);
            }
            json.writeEndArray();
        }));
    }

    /** Creates a database; like Chroma, a tenant that does not exist yet is created with it. */
    @PostMapping("/{tenant}/databases")
    ResponseEntity<byte[]> createDatabase(@PathVariable String tenant,
            JsonNode request) {
        String name = JsonBody.string(JsonBody.required(request, "name"), "name");
        ChromaResources.checkName(name, "name");
        TenantView owner = resources.tenants().findTenant(tenant).orElseGet(() -> {
            ChromaResources.checkName(tenant, "tenant");
            return createTenantRacing(tenant);
        });
        resources.tenants().createDatabase(owner, name);
        return json("{}");
    }

    private TenantView createTenantRacing(String tenant) {
        try {
            return resources.tenants().createTenant(tenant);
        } catch (QuiverException e) {
            if (e.code() == ErrorCode.ALREADY_EXISTS) {
                return resources.tenant(tenant);
            }
            throw e;
        }
    }

    @GetMapping("/{tenant}/databases/{database}")
    ResponseEntity<byte[]> getDatabase(@PathVariable String tenant, @PathVariable String database) {
        DatabaseView found = resources.database(tenant, database);
        return json(JsonResponses.write(json -> writeDatabase(json, found)));
    }

    @DeleteMapping("/{tenant}/databases/{database}")
    ResponseEntity<byte[]> deleteDatabase(@PathVariable String tenant, @PathVariable String database) {
        DatabaseView found = resources.findDatabase(tenant, database).orElseThrow(() -> new QuiverException(
                ErrorCode.DATABASE_NOT_FOUND, "Database [" + database + "] not found"));
        resources.collections().deleteAll(found);
        resources.tenants().deleteDatabase(found);
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
