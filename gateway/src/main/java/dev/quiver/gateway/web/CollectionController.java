package dev.quiver.gateway.web;

import static dev.quiver.gateway.web.ChromaResources.json;

import dev.quiver.common.ErrorCode;
import dev.quiver.common.Privilege;
import dev.quiver.common.QuiverException;
import dev.quiver.search.api.CollectionChange;
import dev.quiver.search.api.CollectionView;
import dev.quiver.search.api.CreateCollection;
import dev.quiver.search.api.HnswConfiguration;
import dev.quiver.search.api.MetadataValue;
import dev.quiver.tenant.api.DatabaseView;
import dev.quiver.tenant.api.Principal;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/** Chroma's collections of a database. */
@RestController
@RequestMapping("/api/v2/tenants/{tenant}/databases/{database}")
class CollectionController {

    private final ChromaResources resources;
    private final CollectionChanges changes;
    private final ServerEmbedding embedding;

    CollectionController(ChromaResources resources, CollectionChanges changes, ServerEmbedding embedding) {
        this.resources = resources;
        this.changes = changes;
        this.embedding = embedding;
    }

    @PostMapping("/collections")
    ResponseEntity<byte[]> create(Principal caller, @PathVariable String tenant, @PathVariable String database,
            JsonNode request) {
        String name = JsonBody.string(JsonBody.required(request, "name"), "name");
        Map<String, MetadataValue> metadata = CollectionParser.metadata(request, "metadata");
        JsonNode configuration = CollectionParser.configuration(request, "configuration");
        HnswConfiguration hnsw = CollectionParser.hnsw(configuration, metadata);
        String embeddingFunction = CollectionParser.embeddingFunction(configuration);
        // Metadata, which Chroma's clients pass through unchanged (see CollectionView.SHARD_COUNT_KEY); the
        // catalogue checks the range against the node's bounds.
        Integer shardCount = CreateCollection.shardCountOf(metadata);
        boolean getOrCreate = JsonBody.optionalBoolean(request, "get_or_create", false);
        ChromaResources.checkName(name, "name");
        DatabaseView owner = resources.databaseForCreate(caller, tenant, database);
        CollectionView created = changes.create(caller,
                new CreateCollection(owner, name, metadata, hnsw, embeddingFunction, getOrCreate)
                        .withShardCount(shardCount));
        return json(JsonResponses.collection(created, embedding::function));
    }

    @GetMapping("/collections")
    ResponseEntity<byte[]> list(Principal caller, @PathVariable String tenant, @PathVariable String database,
            @RequestParam(required = false) @Nullable Integer limit,
            @RequestParam(required = false) @Nullable Integer offset) {
        int pageLimit = Paging.limit(limit);
        int pageOffset = Paging.offset(offset);
        List<CollectionView> collections = resources.findDatabase(caller, tenant, database)
                .map(found -> {
                    caller.require(Privilege.RECORDS_READ);
                    return resources.collections().list(found, pageLimit, pageOffset);
                })
                .orElse(List.of());
        return json(JsonResponses.collections(collections, embedding::function));
    }

    @GetMapping("/collections_count")
    ResponseEntity<byte[]> count(Principal caller, @PathVariable String tenant, @PathVariable String database) {
        int count = resources.findDatabase(caller, tenant, database)
                .map(found -> {
                    caller.require(Privilege.RECORDS_READ);
                    return resources.collections().count(found);
                })
                .orElse(0);
        return json(Integer.toString(count));
    }

    /** By name, although Chroma's OpenAPI document calls the parameter {@code collection_id}. */
    @GetMapping("/collections/{name}")
    ResponseEntity<byte[]> getByName(Principal caller, @PathVariable String tenant, @PathVariable String database,
            @PathVariable String name) {
        CollectionView collection = resources.collectionByName(caller, tenant, database, name);
        caller.require(Privilege.RECORDS_READ);
        return json(JsonResponses.collection(collection, embedding::function));
    }

    @GetMapping("/collections/by-id/{id}")
    ResponseEntity<byte[]> getById(Principal caller, @PathVariable String tenant, @PathVariable String database,
            @PathVariable String id) {
        CollectionView collection = resources.collectionById(caller, tenant, database, id);
        caller.require(Privilege.RECORDS_READ);
        return json(JsonResponses.collection(collection, embedding::function));
    }

    @PutMapping("/collections/{id}")
    ResponseEntity<byte[]> modify(Principal caller, @PathVariable String tenant, @PathVariable String database,
            @PathVariable String id, JsonNode request) {
        CollectionView collection = resources.collectionById(caller, tenant, database, id);
        caller.require(Privilege.COLLECTION_UPDATE);
        String newName = JsonBody.optionalString(request, "new_name");
        if (newName != null) {
            ChromaResources.checkName(newName, "new_name");
        }
        // Chroma: new_metadata replaces the whole map; null clears it; an empty map is refused.
        Map<String, MetadataValue> newMetadata = null;
        JsonNode metadataNode = request.get("new_metadata");
        if (metadataNode != null && metadataNode.isNull()) {
            newMetadata = Map.of();
        } else if (metadataNode != null) {
            newMetadata = CollectionParser.metadata(request, "new_metadata");
            if (newMetadata == null) {
                throw QuiverException.invalidField(ErrorCode.INVALID_ARGUMENT, "new_metadata", "non-empty",
                        "Validation error: new_metadata: Metadata cannot be empty");
            }
        }
        HnswConfiguration newHnsw =
                CollectionParser.changedHnsw(CollectionParser.configuration(request, "new_configuration"),
                        collection.hnsw());
        resources.collections().modify(collection, new CollectionChange(newName, newMetadata, newHnsw));
        return json("{}");
    }

    @DeleteMapping("/collections/{name}")
    ResponseEntity<byte[]> delete(Principal caller, @PathVariable String tenant, @PathVariable String database,
            @PathVariable String name) {
        changes.delete(caller, resources.collectionByName(caller, tenant, database, name));
        return json("{}");
    }
}
