package dev.quiver.gateway.web;

import static dev.quiver.gateway.web.ControlJson.object;

import dev.quiver.common.ErrorCode;
import dev.quiver.common.Privilege;
import dev.quiver.common.QuiverException;
import dev.quiver.tenant.api.DatabaseView;
import dev.quiver.tenant.api.Principal;
import dev.quiver.tenant.api.TenantView;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/**
 * The caller's databases, for the console: the same rules as the Chroma routes (a hidden database is 404, then
 * {@code database.manage} for changes), and deleting one deletes its collections first.
 */
@RestController
@RequestMapping("/api/control/v1/databases")
class ControlDatabaseController {

    private final ChromaResources resources;
    private final DatabaseChanges changes;

    ControlDatabaseController(ChromaResources resources, DatabaseChanges changes) {
        this.resources = resources;
        this.changes = changes;
    }

    @GetMapping
    List<Map<String, @Nullable Object>> list(Principal caller) {
        TenantView tenant = ControlJson.tenant(caller);
        caller.require(Privilege.RECORDS_READ);
        return resources.visibleDatabases(caller, tenant, Integer.MAX_VALUE, 0).stream()
                .map(ControlDatabaseController::database)
                .toList();
    }

    @PostMapping
    ResponseEntity<Map<String, @Nullable Object>> create(Principal caller, JsonNode body) {
        String name = ControlJson.requiredString(body, "name");
        DatabaseView created = changes.create(caller, ControlJson.tenant(caller), name);
        return ResponseEntity.status(HttpStatus.CREATED).body(database(created));
    }

    @DeleteMapping("/{name}")
    ResponseEntity<Void> delete(Principal caller, @PathVariable String name) {
        TenantView tenant = ControlJson.tenant(caller);
        DatabaseView found = resources.tenants().findDatabase(tenant, name).filter(caller::sees)
                .orElseThrow(() -> new QuiverException(ErrorCode.DATABASE_NOT_FOUND,
                        "Database [" + name + "] not found"));
        changes.delete(caller, found);
        return ResponseEntity.noContent().build();
    }

    private static Map<String, @Nullable Object> database(DatabaseView database) {
        return object("id", database.id().toString(), "name", database.name());
    }
}
