package dev.quiver.gateway.web;

import static dev.quiver.gateway.web.ChromaResources.json;

import dev.quiver.common.ErrorCode;
import dev.quiver.common.QuiverException;
import dev.quiver.gateway.config.GatewayProperties;
import dev.quiver.tenant.api.TenantCatalog;
import java.time.Clock;
import java.time.Instant;
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

    SystemController(Clock clock, GatewayProperties properties) {
        this.clock = clock;
        this.properties = properties;
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

    /** Standalone has no authentication: every caller is the default tenant's anonymous user, as in Chroma. */
    @GetMapping("/api/v2/auth/identity")
    ResponseEntity<byte[]> identity() {
        return json("{\"user_id\":\"\",\"tenant\":\"" + TenantCatalog.DEFAULT_TENANT + "\",\"databases\":[\""
                + TenantCatalog.DEFAULT_DATABASE + "\"]}");
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
