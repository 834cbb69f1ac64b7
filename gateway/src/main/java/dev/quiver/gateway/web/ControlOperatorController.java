package dev.quiver.gateway.web;

import static dev.quiver.common.QuiverException.invalidField;
import static dev.quiver.gateway.web.ControlJson.object;

import dev.quiver.common.ErrorCode;
import dev.quiver.gateway.api.TenantUsage;
import dev.quiver.gateway.api.Workspace;
import dev.quiver.tenant.api.Principal;
import dev.quiver.tenant.api.TenantAdministration;
import dev.quiver.tenant.api.TenantStatus;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/**
 * What platform operators do to tenants: find them, see what they hold, suspend and resume them, delete them. The
 * operator check comes first, before any lookup, so that a tenant caller learns nothing about other tenants here;
 * then the tenant ({@code TENANT_NOT_FOUND}); then the input. Suspending and resuming answer 200 with the tenant's
 * status as it is afterwards, so the console shows it without asking again.
 */
@RestController
@RequestMapping("/api/control/v1/operator/tenants")
class ControlOperatorController {

    private static final int MAX_LIMIT = 1000;

    private final TenantAdministration administration;
    private final Workspace workspace;

    ControlOperatorController(TenantAdministration administration, Workspace workspace) {
        this.administration = administration;
        this.workspace = workspace;
    }

    @GetMapping
    List<Map<String, @Nullable Object>> search(Principal caller,
            @RequestParam(defaultValue = "") String search,
            @RequestParam(defaultValue = "100") int limit,
            @RequestParam(defaultValue = "0") int offset) {
        ChromaWorkspace.requireOperator(caller);
        if (limit < 1 || limit > MAX_LIMIT) {
            throw invalidField(ErrorCode.INVALID_ARGUMENT, "limit", "range",
                    "limit must be from 1 to " + MAX_LIMIT + ": " + limit);
        }
        if (offset < 0) {
            throw invalidField(ErrorCode.INVALID_ARGUMENT, "offset", "range", "offset must not be negative: "
                    + offset);
        }
        return administration.search(caller, search, limit, offset).stream()
                .map(ControlOperatorController::status)
                .toList();
    }

    /**
     * The tenant's status and what it holds now: databases, collections, records and stored bytes (the counters its
     * writes keep) and index bytes on disk.
     */
    @GetMapping("/{id}")
    Map<String, @Nullable Object> get(Principal caller, @PathVariable String id) {
        TenantStatus status = find(caller, id);
        TenantUsage usage = workspace.usage(caller, status.tenant());
        Map<String, @Nullable Object> answer = status(status);
        answer.put("usage", object("databases", usage.databases(), "collections", usage.collections(),
                "records", usage.records(), "stored_bytes", usage.storedBytes(), "disk_bytes", usage.diskBytes()));
        return answer;
    }

    /**
     * Suspends the tenant with a reason its members are shown ({@code {"reason": "..."}}, 1 to 500 characters).
     * From the next request on its keys and sessions may not read or change data; nothing is deleted.
     */
    @PostMapping("/{id}/suspend")
    Map<String, @Nullable Object> suspend(Principal caller, @PathVariable String id, JsonNode body) {
        TenantStatus status = find(caller, id);
        administration.suspend(caller, status.tenant(), ControlJson.requiredString(body, "reason"));
        return status(find(caller, id));
    }

    /** Lifts a suspension from the next request on; resuming an active tenant changes nothing. */
    @PostMapping("/{id}/resume")
    Map<String, @Nullable Object> resume(Principal caller, @PathVariable String id) {
        TenantStatus status = find(caller, id);
        administration.resume(caller, status.tenant());
        return status(find(caller, id));
    }

    /**
     * Deletes a tenant: first every collection of every database (their logs and shards live in the search
     * module), then the tenant itself, its schema, members and keys.
     */
    @DeleteMapping("/{id}")
    ResponseEntity<Void> delete(Principal caller, @PathVariable String id) {
        workspace.deleteTenant(caller, find(caller, id).tenant());
        return ResponseEntity.noContent().build();
    }

    /** The tenant with this id, after the operator check; anything else is 404. */
    private TenantStatus find(Principal caller, String id) {
        return OperatedTenants.get(administration, caller, id);
    }

    private static Map<String, @Nullable Object> status(TenantStatus status) {
        return object("id", status.tenant().id().toString(), "name", status.tenant().name(),
                "created_at", ControlJson.instant(status.createdAt()), "suspended", status.suspended(),
                "suspended_at", ControlJson.instant(status.suspendedAt()),
                "suspended_reason", status.suspendedReason());
    }
}
