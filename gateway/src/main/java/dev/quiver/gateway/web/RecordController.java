package dev.quiver.gateway.web;

import static dev.quiver.gateway.web.ChromaResources.json;
import static dev.quiver.gateway.web.ChromaResources.writeJson;
import static java.util.Objects.requireNonNull;

import dev.quiver.billing.api.Metering;
import dev.quiver.billing.api.TenantLimits;
import dev.quiver.common.ErrorCode;
import dev.quiver.common.Privilege;
import dev.quiver.common.QuiverException;
import dev.quiver.search.api.CollectionView;
import dev.quiver.search.api.Hit;
import dev.quiver.search.api.Include;
import dev.quiver.search.api.MetadataValue;
import dev.quiver.search.api.RecordFilter;
import dev.quiver.search.api.RecordStore;
import dev.quiver.search.api.RecordWrite;
import dev.quiver.search.api.StoredRecord;
import dev.quiver.search.api.WriteBatch;
import dev.quiver.tenant.api.Principal;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/**
 * Chroma's record operations on one collection, addressed by its id. Every answered get, query and count is
 * metered ({@link Metering}); writes are metered by the record store, inside the transaction that logs them.
 * Documents and query texts the server embeds ({@link ServerEmbedding}) are metered as embedding units once the
 * write is logged or the query embedded.
 */
@RestController
@RequestMapping("/api/v2/tenants/{tenant}/databases/{database}/collections/{id}")
class RecordController {

    private final ChromaResources resources;
    private final RecordStore records;
    private final Quotas quotas;
    private final Metering metering;
    private final ServerEmbedding embedding;

    RecordController(ChromaResources resources, RecordStore records, Quotas quotas, Metering metering,
            ServerEmbedding embedding) {
        this.resources = resources;
        this.records = records;
        this.quotas = quotas;
        this.metering = metering;
        this.embedding = embedding;
    }

    @PostMapping("/add")
    ResponseEntity<byte[]> add(Principal caller, @PathVariable String tenant, @PathVariable String database,
            @PathVariable String id, JsonNode request) {
        write(caller, tenant, database, id, request, WriteBatch.Operation.ADD);
        return json(201, JsonBody.utf8("{}"));
    }

    @PostMapping("/upsert")
    ResponseEntity<byte[]> upsert(Principal caller, @PathVariable String tenant, @PathVariable String database,
            @PathVariable String id, JsonNode request) {
        write(caller, tenant, database, id, request, WriteBatch.Operation.UPSERT);
        return json("{}");
    }

    @PostMapping("/update")
    ResponseEntity<byte[]> update(Principal caller, @PathVariable String tenant, @PathVariable String database,
            @PathVariable String id, JsonNode request) {
        write(caller, tenant, database, id, request, WriteBatch.Operation.UPDATE);
        return json("{}");
    }

    private void write(Principal caller, String tenant, String database, String id, JsonNode request,
            WriteBatch.Operation operation) {
        CollectionView collection = resources.collectionById(caller, tenant, database, id);
        caller.require(Privilege.RECORDS_WRITE);
        ServerEmbedding.Support support = embedding.support(collection);
        WriteBatch parsed = RecordParser.write(request, operation, collection.dimension(), support);
        // The owning tenant's plan, also when an unauthenticated local caller writes into it.
        TenantLimits limits = quotas.limits(collection.database().tenant());
        quotas.checkWrite(limits, parsed);
        if (RecordQuotas.mergesMetadata(parsed)) {
            Map<String, Map<String, MetadataValue>> stored = storedMetadata(collection, parsed);
            quotas.counted(() -> {
                RecordQuotas.checkMerged(limits, parsed, stored);
                return null;
            });
        }
        // Without a function (an update's new documents on such a collection) stored vectors are kept, as in Chroma.
        int embedded = support.function() == null ? 0 : ServerEmbedding.documentsToEmbed(parsed);
        WriteBatch batch = parsed;
        if (embedded > 0) {
            // 1. Every check that needs no vector ran above, so a batch they refuse costs no inference.
            // 2. Embed, then check all the batch's vectors together, and the dimension quota, before logging.
            batch = ServerEmbedding.embedDocuments(parsed, requireNonNull(support.function()));
            RecordParser.checkEmbedded(batch, collection.dimension());
            quotas.checkWrite(limits, batch);
        }
        WriteBatch checked = batch;
        quotas.counted(() -> {
            records.write(collection, checked, Quotas.writeLimits(limits));
            return null;
        });
        if (embedded > 0) {
            metering.embedded(collection, embedded);
        }
    }

    /** The stored metadata of the batch's ids that exist, for the merged-metadata quota check. */
    private Map<String, Map<String, MetadataValue>> storedMetadata(CollectionView collection, WriteBatch batch) {
        List<String> ids = batch.records().stream().map(RecordWrite::id).distinct().toList();
        Map<String, Map<String, MetadataValue>> stored = new HashMap<>();
        for (StoredRecord record : records.get(collection, new RecordFilter(ids, null, null), 0, ids.size(),
                EnumSet.of(Include.METADATAS))) {
            stored.put(record.id(), record.metadata() == null ? Map.of() : record.metadata());
        }
        return stored;
    }

    @PostMapping("/delete")
    ResponseEntity<byte[]> delete(Principal caller, @PathVariable String tenant, @PathVariable String database,
            @PathVariable String id, JsonNode request) {
        RecordFilter filter = RecordParser.filter(request);
        if (filter.ids() != null && filter.ids().isEmpty() && filter.where() == null
                && filter.whereDocument() == null) {
            throw QuiverException.invalidField(ErrorCode.INVALID_ARGUMENT, "ids", "non-empty",
                    "Validation error: ids, where: Either ids or where must be specified");
        }
        CollectionView collection = resources.collectionById(caller, tenant, database, id);
        caller.require(Privilege.RECORDS_WRITE);
        int deleted = records.delete(collection, filter);
        return json("{\"deleted\":" + deleted + "}");
    }

    @PostMapping("/get")
    ResponseEntity<byte[]> get(Principal caller, @PathVariable String tenant, @PathVariable String database,
            @PathVariable String id, JsonNode request, HttpServletRequest http) {
        RecordStore reader = ReadStaleness.apply(records, http);
        RecordFilter filter = RecordParser.filter(request);
        List<String> include = RecordParser.include(request, RecordParser.GET_DEFAULT_INCLUDE);
        JsonNode limitNode = JsonBody.optional(request, "limit");
        JsonNode offsetNode = JsonBody.optional(request, "offset");
        int limit = limitNode == null ? Integer.MAX_VALUE : JsonBody.unsigned(limitNode, "limit");
        int offset = offsetNode == null ? 0 : JsonBody.unsigned(offsetNode, "offset");
        CollectionView collection = resources.collectionById(caller, tenant, database, id);
        caller.require(Privilege.RECORDS_READ);
        List<StoredRecord> found = limit == 0 ? List.of()
                : reader.get(collection, filter, offset, limit, RecordParser.includeSet(include));
        metering.read(collection, 0, 0, found.size());
        return json(JsonResponses.get(found, include));
    }

    /**
     * Chroma's query. The response is written straight to the servlet response rather than returned as a
     * {@code ResponseEntity}: the route is the data plane's hottest, and Spring's return-value handling (message
     * converter selection, content negotiation, header copying) cost more CPU than writing the JSON itself. The
     * bytes and headers are the same ({@code 200}, {@code application/json}, a {@code Content-Length}); a refusal is
     * thrown before anything is written, so the error handling is unchanged.
     */
    @PostMapping("/query")
    void query(Principal caller, @PathVariable String tenant, @PathVariable String database,
            @PathVariable String id, JsonNode request, HttpServletRequest http, HttpServletResponse response)
            throws IOException {
        RecordStore reader = ReadStaleness.apply(records, http);
        // Quiver's extension: query_texts instead of query_embeddings, embedded with the collection's function.
        JsonNode textsNode = JsonBody.optional(request, "query_texts");
        if (textsNode == null) {
            JsonBody.required(request, "query_embeddings");
        } else if (JsonBody.optional(request, "query_embeddings") != null) {
            throw QuiverException.invalidField(ErrorCode.INVALID_ARGUMENT, "query_texts", "exclusive",
                    "Validation error: query_texts: send query_embeddings or query_texts, not both");
        }
        List<String> texts = textsNode == null ? List.of() : RecordParser.queryTexts(textsNode);
        RecordFilter filter = RecordParser.filter(request);
        List<String> include = RecordParser.include(request, RecordParser.QUERY_DEFAULT_INCLUDE);
        JsonNode nResultsNode = JsonBody.optional(request, "n_results");
        int nResults = nResultsNode == null ? 10 : JsonBody.unsigned(nResultsNode, "n_results");
        CollectionView collection = resources.collectionById(caller, tenant, database, id);
        caller.require(Privilege.RECORDS_READ);
        float[][] queries;
        if (textsNode == null) {
            queries = RecordParser.queryEmbeddings(request, collection.dimension());
        } else {
            ServerEmbedding.Support support = embedding.support(collection);
            if (support.function() == null) {
                throw support.refusal("query_texts");
            }
            queries = support.function().embed(texts);
            RecordParser.checkEmbeddedQueries(queries, collection.dimension(), "query_texts");
            if (!texts.isEmpty()) {
                metering.embedded(collection, texts.size());
            }
        }
        List<List<Hit>> results;
        int searched = 0;
        if (queries.length == 0) {
            results = List.of();
        } else if (nResults == 0 || collection.dimension() == null) {
            results = new ArrayList<>(queries.length);
            for (int i = 0; i < queries.length; i++) {
                results.add(List.of());
            }
        } else {
            results = reader.query(collection, queries, nResults, filter, RecordParser.includeSet(include));
            searched = queries.length;
        }
        long returned = 0;
        for (List<Hit> hits : results) {
            returned += hits.size();
        }
        // Metered once answered, before the bytes go out: the search was done even if the client has gone.
        metering.read(collection, searched, nResults, returned);
        writeJson(response, JsonResponses.query(results, include, collection.hnsw().space()));
    }

    @GetMapping("/count")
    ResponseEntity<byte[]> count(Principal caller, @PathVariable String tenant, @PathVariable String database,
            @PathVariable String id, HttpServletRequest http) {
        RecordStore reader = ReadStaleness.apply(records, http);
        CollectionView collection = resources.collectionById(caller, tenant, database, id);
        caller.require(Privilege.RECORDS_READ);
        int count = reader.count(collection);
        metering.read(collection, 0, 0, 0);
        return json(Integer.toString(count));
    }

    @PostMapping("/fork")
    ResponseEntity<byte[]> unsupported(Principal caller, @PathVariable String tenant,
            @PathVariable String database, @PathVariable String id) {
        resources.collectionById(caller, tenant, database, id);
        throw new QuiverException(ErrorCode.NOT_IMPLEMENTED, "This operation is not implemented yet");
    }

    @GetMapping({"/fork_count", "/indexing_status"})
    ResponseEntity<byte[]> unsupportedRead(Principal caller, @PathVariable String tenant,
            @PathVariable String database, @PathVariable String id) {
        return unsupported(caller, tenant, database, id);
    }
}
