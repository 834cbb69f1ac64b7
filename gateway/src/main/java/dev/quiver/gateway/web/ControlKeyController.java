package dev.quiver.gateway.web;

import dev.quiver.tenant.api.ApiKeyId;
import dev.quiver.tenant.api.ApiKeys;
import dev.quiver.tenant.api.MintKey;
import dev.quiver.tenant.api.MintedKey;
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

/** The tenant's API keys: minted (the secret is shown this once), listed, revoked. Needs {@code keys.manage}. */
@RestController
@RequestMapping("/api/control/v1/keys")
class ControlKeyController {

    private final ApiKeys keys;

    ControlKeyController(ApiKeys keys) {
        this.keys = keys;
    }

    @PostMapping
    ResponseEntity<Map<String, @Nullable Object>> mint(Principal caller, JsonNode body) {
        MintKey request = new MintKey(ControlJson.requiredString(body, "name"),
                ControlJson.requiredString(body, "role"), ControlJson.optionalStrings(body, "databases"),
                ControlJson.optionalInstant(body, "expires_at"));
        MintedKey minted = keys.mint(caller, request);
        Map<String, @Nullable Object> answer = ControlJson.key(minted.key());
        answer.put("key", minted.secret());
        return ResponseEntity.status(HttpStatus.CREATED).body(answer);
    }

    @GetMapping
    List<Map<String, @Nullable Object>> list(Principal caller) {
        return keys.list(caller).stream().map(ControlJson::key).toList();
    }

    @DeleteMapping("/{id}")
    ResponseEntity<Void> revoke(Principal caller, @PathVariable String id) {
        keys.revoke(caller, new ApiKeyId(ControlJson.pathId(id, "API key")));
        return ResponseEntity.noContent().build();
    }
}
