package dev.quiver.gateway.web;

import static dev.quiver.gateway.web.ChromaResources.json;

import dev.quiver.billing.api.Plans;
import dev.quiver.billing.api.Quota;
import dev.quiver.common.ErrorCode;
import dev.quiver.common.QuiverException;
import dev.quiver.gateway.config.GatewayProperties;
import dev.quiver.gateway.security.CallerFilter;
import dev.quiver.tenant.api.DatabaseView;
import dev.quiver.tenant.api.Principal;
import dev.quiver.tenant.api.TenantCatalog;
import dev.quiver.tenant.api.TenantView;
import jakarta.servlet.http.HttpServletRequest;
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
    private final Plans plans;

    SystemController(Clock clock, GatewayProperties properties, ChromaResources resources, Plans plans) {
        this.clock = clock;
        this.properties = properties;
        this.resources = resources;
        this.plans = plans;
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

    /**
     * What a client may send in one batch. Chroma's clients split or refuse larger batches by this number, so a
     * caller with a key is told its tenant's {@code records_per_batch} quota when that is smaller than the server's
     * own limit; a caller without one (the route needs no key) gets the server's.
     */
    @GetMapping("/api/v2/pre-flight-checks")
    ResponseEntity<byte[]> preFlightChecks(HttpServletRequest request) {
        long maxBatchSize = properties.maxBatchSize();
        if (request.getAttribute(CallerFilter.ATTRIBUTE) instanceof Principal caller && caller.tenant() != null
                && !caller.unrestricted()) {
            maxBatchSize = Math.min(maxBatchSize, plans.limits(caller.tenant()).limit(Quota.RECORDS_PER_BATCH));
        }
        return json("{\"max_batch_size\":" + maxBatchSize + ",\"supports_base64_encoding\":true}");
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
