package dev.quiver.gateway.web;

import static dev.quiver.gateway.web.ControlJson.object;

import dev.quiver.gateway.api.Workspace;
import dev.quiver.tenant.api.DatabaseView;
import dev.quiver.tenant.api.Principal;
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
 * The caller's databases, for the console: the {@link Workspace}'s rules, which are the Chroma routes' (a hidden
 * database is 404, then {@code database.manage} for changes), and deleting one deletes its collections first.
 */
@RestController
@RequestMapping("/api/control/v1/databases")
class ControlDatabaseController {

    private final Workspace workspace;

    ControlDatabaseController(Workspace workspace) {
        this.workspace = workspace;
    }

    @GetMapping
    List<Map<String, @Nullable Object>> list(Principal caller) {
        return workspace.databases(caller).stream()
                .map(ControlDatabaseController::database)
                .toList();
    }

    @PostMapping
    ResponseEntity<Map<String, @Nullable Object>> create(Principal caller, JsonNode body) {
        String name = ControlJson.requiredString(body, "name");
        DatabaseView created = workspace.createDatabase(caller, name);
        return ResponseEntity.status(HttpStatus.CREATED).body(database(created));
    }

    @DeleteMapping("/{name}")
    ResponseEntity<Void> delete(Principal caller, @PathVariable String name) {
        workspace.deleteDatabase(caller, name);
        return ResponseEntity.noContent().build();
    }

    private static Map<String, @Nullable Object> database(DatabaseView database) {
        return object("id", database.id().toString(), "name", database.name());
    }
}
