package dev.quiver.gateway.web;

import static dev.quiver.gateway.web.ControlJson.object;

import dev.quiver.billing.api.Quota;
import dev.quiver.billing.api.TenantLimits;
import dev.quiver.common.ErrorCode;
import dev.quiver.common.Privilege;
import dev.quiver.common.QuiverException;
import dev.quiver.search.api.CollectionRestore;
import dev.quiver.search.api.CollectionUsage;
import dev.quiver.search.api.CollectionView;
import dev.quiver.search.api.RestoreCollection;
import dev.quiver.search.api.StorageCounters;
import dev.quiver.tenant.api.DatabaseView;
import dev.quiver.tenant.api.Principal;
import dev.quiver.tenant.api.TenantView;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import java.time.Instant;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/**
 * Collections on the control plane: restoring one as of a past time into a new collection. The rules are the
 * {@code Workspace}'s: a database or collection the caller may not see is 404, as one that does not exist; then the
 * privileges; then the body, refused whole with the field and the rule before anything is written.
 */
@RestController
class ControlCollectionController {

    private static final String RESTORE = """
            Creates a new collection holding exactly the records the source held as of `as_of` (every batch logged \
            at or before it, none after), with the source's configuration. The source is only read. Body: \
            `{"as_of": "<ISO-8601 instant>", "name": "<new collection>", "database": "<optional, another database \
            of the tenant; default the source's>"}`. `as_of` must not be in the future nor before the earliest \
            restorable time (the collection's creation, or the start of the log's retention, \
            `quiver.search.log-retention`), which a refusal names. Needs `collection.create` and `records.read`. \
            The new collection counts against the collection, record and storage quotas like any other.""";

    private final ChromaResources resources;
    private final CollectionRestore restores;
    private final StorageCounters counters;
    private final Quotas quotas;
    private final Audit audit;

    ControlCollectionController(ChromaResources resources, CollectionRestore restores, StorageCounters counters,
            Quotas quotas, Audit audit) {
        this.resources = resources;
        this.restores = restores;
        this.counters = counters;
        this.quotas = quotas;
        this.audit = audit;
    }

    /**
     * Restores a collection.
     * 1. Resolve the source's database and the source: hidden or unknown is 404.
     * 2. Check {@code collection.create} (the new collection) and {@code records.read} (the source's records).
     * 3. Validate the body whole: {@code as_of}, {@code name}, then the target database (404 when hidden).
     * 4. Restore, counted against the plan's quotas, and audit.
     */
    @Operation(summary = "Restore a collection as of a past time into a new collection", description = RESTORE)
    @ApiResponse(responseCode = "201", description = "The new collection")
    @ApiResponse(responseCode = "400", description = "as_of in the future or outside the retention, or a bad name")
    @ApiResponse(responseCode = "404", description = "No such database or collection visible to the caller")
    @ApiResponse(responseCode = "409", description = "The name is taken in the target database, or the source's "
            + "log was truncated while it was being restored (try again)")
    @ApiResponse(responseCode = "422", description = "A quota would be exceeded; the body names it")
    @PostMapping("/api/control/v1/databases/{database}/collections/{collection}/restore")
    ResponseEntity<Map<String, @Nullable Object>> restore(Principal caller,
            @Parameter(description = "The source collection's database") @PathVariable String database,
            @Parameter(description = "The source collection's name") @PathVariable String collection,
            JsonNode body) {
        TenantView tenant = ControlJson.tenant(caller);
        DatabaseView sourceDatabase = resources.database(caller, tenant, database);
        CollectionView source = resources.collectionByName(sourceDatabase, collection);
        caller.require(Privilege.COLLECTION_CREATE);
        caller.require(Privilege.RECORDS_READ);
        if (!body.isObject()) {
            throw QuiverException.invalidField(ErrorCode.INVALID_ARGUMENT, "body", "type",
                    "the body must be a JSON object");
        }
        Instant asOf = ControlJson.optionalInstant(body, "as_of");
        if (asOf == null) {
            throw QuiverException.invalidField(ErrorCode.INVALID_ARGUMENT, "as_of", "required", "as_of is required");
        }
        String name = ControlJson.requiredString(body, "name");
        ChromaResources.checkName(name, "name");
        String targetName = ControlJson.optionalString(body, "database");
        DatabaseView target = targetName == null ? sourceDatabase : resources.database(caller, tenant, targetName);
        TenantLimits limits = quotas.limits(tenant);
        CollectionView restored = quotas.counted(() -> restores.restore(new RestoreCollection(source, target, name,
                asOf, limits.quota(Quota.COLLECTIONS_PER_DATABASE), Quotas.writeLimits(limits))));
        audit.collectionRestored(caller, target, restored.name());
        CollectionUsage usage = counters.findCollection(restored.id()).orElse(null);
        return ResponseEntity.status(HttpStatus.CREATED).body(object(
                "id", restored.id().toString(),
                "name", restored.name(),
                "database", target.name(),
                "source", object("database", sourceDatabase.name(), "name", source.name(), "id",
                        source.id().toString()),
                "as_of", asOf.toString(),
                "dimension", restored.dimension(),
                "shard_count", restored.shardCount(),
                "log_position", restored.logPosition(),
                "records", usage == null ? 0 : usage.records(),
                "stored_bytes", usage == null ? 0 : usage.bytes()));
    }
}
