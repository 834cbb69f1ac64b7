package dev.quiver.gateway.web;

import static dev.quiver.gateway.web.ControlJson.object;

import dev.quiver.common.Privilege;
import dev.quiver.tenant.api.Members;
import dev.quiver.tenant.api.Principal;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/** Roles of the caller's tenant (built-in and custom) and the privileges they are made of. */
@RestController
@RequestMapping("/api/control/v1")
class ControlRoleController {

    private final Members members;

    ControlRoleController(Members members) {
        this.members = members;
    }

    @GetMapping("/roles")
    List<Map<String, @Nullable Object>> list(Principal caller) {
        return members.roles(caller).stream().map(ControlJson::role).toList();
    }

    @PostMapping("/roles")
    ResponseEntity<Map<String, @Nullable Object>> create(Principal caller, JsonNode body) {
        String name = ControlJson.requiredString(body, "name");
        return ResponseEntity.status(HttpStatus.CREATED)
                .body(ControlJson.role(members.createRole(caller, name, ControlJson.privileges(body, "privileges"))));
    }

    @PutMapping("/roles/{name}")
    Map<String, @Nullable Object> update(Principal caller, @PathVariable String name, JsonNode body) {
        return ControlJson.role(members.updateRole(caller, name, ControlJson.privileges(body, "privileges")));
    }

    @DeleteMapping("/roles/{name}")
    ResponseEntity<Void> delete(Principal caller, @PathVariable String name) {
        members.deleteRole(caller, name);
        return ResponseEntity.noContent().build();
    }

    /** Every privilege a role can hold, for the console's role editor. Needs only a caller. */
    @GetMapping("/privileges")
    List<Map<String, @Nullable Object>> privileges() {
        return Arrays.stream(Privilege.values())
                .map(privilege -> object("key", privilege.key(), "description", privilege.description()))
                .toList();
    }
}
