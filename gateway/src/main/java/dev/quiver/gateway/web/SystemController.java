package dev.quiver.gateway.web;

import static dev.quiver.gateway.web.ChromaResources.json;

import dev.quiver.common.ErrorCode;
import dev.quiver.common.QuiverException;
import dev.quiver.gateway.config.GatewayProperties;
import dev.quiver.tenant.api.DatabaseView;
import dev.quiver.tenant.api.Principal;
import dev.quiver.tenant.api.TenantCatalog;
import dev.quiver.tenant.api.TenantView;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Chroma's system endpoints: liveness, version, limits and identity. */
@RestController
class SystemController {

    private final Clock clock;
    private final GatewayProperties properties;
    private final ChromaResources resources;

    SystemController(Clock clock, GatewayProperties properties, ChromaResources resources) {
        this.clock = clock;
        this.properties = properties;
        this.resources = resources;
    }

    @GetMapping("/api/v2/heartbeat")
    ResponseEntity<byte[]> heartbeat() {
        Instant now = clock.instant();
        long nanos = now.getEpochSecond() * 1_000_000_000L + now.getNano();
        return json("{\"nanosecond heartbeat\":" + nanos + "}");
    }

    @GetMapping("/api/v2/version")
    ResponseEntity<byte[]> version() {
        return json("\"" + properties.chromaVersion() + "\"");
    }

    @GetMapping("/api/v2/healthcheck")
    ResponseEntity<byte[]> healthcheck() {
        return json("{\"is_executor_ready\":true,\"is_log_client_ready\":true}");
    }

    @GetMapping("/api/v2/pre-flight-checks")
    ResponseEntity<byte[]> preFlightChecks() {
        return json("{\"max_batch_size\":" + properties.maxBatchSize() + ",\"supports_base64_encoding\":true}");
    }

    /**
     * Who the key stands for, so that a client given only a key finds its tenant and databases. With
     * authentication off every caller is the default tenant's anonymous user, as in a local Chroma server.
     */
    @GetMapping("/api/v2/auth/identity")
    ResponseEntity<byte[]> identity(Principal caller) {
        TenantView tenant = caller.tenant();
        if (caller.unrestricted() || tenant == null) {
            return json("{\"user_id\":\"\",\"tenant\":\"" + TenantCatalog.DEFAULT_TENANT
                    + "\",\"databases\":[\"" + TenantCatalog.DEFAULT_DATABASE + "\"]}");
        }
        List<DatabaseView> databases = resources.visibleDatabases(caller, tenant, Integer.MAX_VALUE, 0);
        return json(JsonResponses.write(json -> {
            json.writeStartObject();
            json.writeStringProperty("user_id", caller.user() == null ? "" : caller.user().toString());
            json.writeStringProperty("tenant", tenant.name());
            json.writeArrayPropertyStart("databases");
            for (DatabaseView database : databases) {
                json.writeString(database.name());
            }
            json.writeEndArray();
            json.writeEndObject();
        }));
    }

    @PostMapping("/api/v2/reset")
    ResponseEntity<byte[]> reset() {
        throw new QuiverException(ErrorCode.FORBIDDEN, "Reset is disabled by config");
    }

    @RequestMapping("/api/v1/**")
    ResponseEntity<byte[]> legacy() {
        throw new QuiverException(ErrorCode.GONE, "The v1 API is deprecated. Please use /v2 apis");
    }
}
