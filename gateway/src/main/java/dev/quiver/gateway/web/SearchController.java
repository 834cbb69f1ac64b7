package dev.quiver.gateway.web;

import static dev.quiver.common.QuiverException.invalidField;

import dev.quiver.billing.api.Metering;
import dev.quiver.common.ErrorCode;
import dev.quiver.common.Privilege;
import dev.quiver.search.api.CollectionView;
import dev.quiver.search.api.QueryEmbedder;
import dev.quiver.search.api.RecordStore;
import dev.quiver.search.api.SearchRequest;
import dev.quiver.search.api.SearchResult;
import dev.quiver.tenant.api.Principal;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/**
 * Chroma's Search API on one collection ({@code POST …/collections/{id}/search}): kNN by vector or text, BM25 over
 * documents, rank expressions and reciprocal rank fusion, filters, paging, selection and group-by (see
 * {@link SearchParser}). A read: it needs {@link Privilege#RECORDS_READ}, is rate-limited as one
 * ({@link RequestRateInterceptor}) and metered as one, with each vector leaf counted as a query vector.
 */
@RestController
@RequestMapping("/api/v2/tenants/{tenant}/databases/{database}/collections/{id}")
class SearchController {

    private final ChromaResources resources;
    private final RecordStore records;
    private final Metering metering;
    private final ObjectProvider<QueryEmbedder> embedders;

    SearchController(ChromaResources resources, RecordStore records, Metering metering,
            ObjectProvider<QueryEmbedder> embedders) {
        this.resources = resources;
        this.records = records;
        this.metering = metering;
        this.embedders = embedders;
    }

    @PostMapping("/search")
    void search(Principal caller, @PathVariable String tenant, @PathVariable String database,
            @PathVariable String id, JsonNode request, HttpServletRequest http, HttpServletResponse response)
            throws IOException {
        // The shape first, so a body that is no search request is refused whatever the path names.
        JsonBody.array(JsonBody.required(request, "searches"), "searches");
        RecordStore reader = ReadStaleness.apply(records, http);
        CollectionView collection = resources.collectionById(caller, tenant, database, id);
        caller.require(Privilege.RECORDS_READ);
        List<SearchParser.ParsedSearch> searches =
                SearchParser.parse(request, collection.dimension(), (text, field) -> embed(collection, text, field));
        List<SearchRequest> requests = new ArrayList<>(searches.size());
        int vectorLeaves = 0;
        int maxLimit = 0;
        for (SearchParser.ParsedSearch search : searches) {
            requests.add(search.request());
            vectorLeaves += search.vectorLeaves();
            maxLimit = Math.max(maxLimit, search.maxLeafLimit());
        }
        List<SearchResult> results = requests.isEmpty() ? List.of() : reader.search(collection, requests);
        long returned = 0;
        for (SearchResult result : results) {
            returned += result.records().size();
        }
        // Metered once answered, before the bytes go out, as the query route does.
        metering.read(collection, vectorLeaves, maxLimit, returned);
        ChromaResources.writeJson(response, SearchResponses.write(results, searches));
    }

    private float[] embed(CollectionView collection, String text, String field) {
        QueryEmbedder embedder = embedders.getIfAvailable();
        if (collection.embeddingFunction() == null || embedder == null) {
            throw invalidField(ErrorCode.INVALID_ARGUMENT, field, "embedding-function",
                    "Validation error: " + field + ": collection has no embedding function to embed a text query "
                            + "on the server; send a query vector");
        }
        float[][] vectors = embedder.embedQueries(collection, List.of(text));
        metering.embedded(collection, 1);
        return vectors[0];
    }
}
