package dev.quiver.gateway.web;

import static dev.quiver.common.QuiverException.invalidField;
import static java.util.Objects.requireNonNull;

import dev.quiver.billing.api.Metering;
import dev.quiver.billing.api.Plans;
import dev.quiver.billing.api.Quota;
import dev.quiver.common.ErrorCode;
import dev.quiver.common.Privilege;
import dev.quiver.common.QuiverException;
import dev.quiver.embedding.api.EmbeddingFunction;
import dev.quiver.gateway.api.CollectionSummary;
import dev.quiver.gateway.api.ConsoleQuery;
import dev.quiver.gateway.api.Neighbour;
import dev.quiver.gateway.api.NewCollection;
import dev.quiver.gateway.api.PlanStatus;
import dev.quiver.gateway.api.TenantUsage;
import dev.quiver.gateway.api.Workspace;
import dev.quiver.search.api.CollectionId;
import dev.quiver.search.api.CollectionUsage;
import dev.quiver.search.api.CollectionView;
import dev.quiver.search.api.CreateCollection;
import dev.quiver.search.api.Hit;
import dev.quiver.search.api.HnswConfiguration;
import dev.quiver.search.api.Include;
import dev.quiver.search.api.MetadataValue;
import dev.quiver.search.api.Metric;
import dev.quiver.search.api.RecordFilter;
import dev.quiver.search.api.RecordStore;
import dev.quiver.search.api.StorageCounters;
import dev.quiver.search.api.StoredRecord;
import dev.quiver.search.api.Where;
import dev.quiver.tenant.api.DatabaseView;
import dev.quiver.tenant.api.Principal;
import dev.quiver.tenant.api.TenantAdministration;
import dev.quiver.tenant.api.TenantView;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/**
 * The console's {@link Workspace}, built from the pieces the Chroma routes use, so both follow one set of rules:
 * {@link ChromaResources} resolves what the caller may see (404 otherwise), {@link DatabaseChanges} and
 * {@link CollectionChanges} check privileges, change and audit, and {@link RecordParser}, {@link FilterParser} and
 * {@link CollectionParser} validate input with the API's messages. Every method resolves first, checks the privilege
 * second and validates third, and writes only once all three passed. Thread-safe.
 */
@Component
class ChromaWorkspace implements Workspace {

    /** The most neighbours or records one console request returns. */
    static final int MAX_RESULTS = 100;

    private static final Set<Include> EVERYTHING =
            EnumSet.of(Include.EMBEDDINGS, Include.DOCUMENTS, Include.METADATAS, Include.URIS);

    private final ChromaResources resources;
    private final DatabaseChanges databaseChanges;
    private final CollectionChanges collectionChanges;
    private final RecordStore records;
    private final TenantAdministration administration;
    private final Plans plans;
    private final Metering metering;
    private final StorageCounters counters;
    private final ServerEmbedding embedding;

    ChromaWorkspace(ChromaResources resources, DatabaseChanges databaseChanges, CollectionChanges collectionChanges,
            RecordStore records, TenantAdministration administration, Plans plans, Metering metering,
            StorageCounters counters, ServerEmbedding embedding) {
        this.embedding = requireNonNull(embedding, "embedding is null");
        this.plans = requireNonNull(plans, "plans is null");
        this.metering = requireNonNull(metering, "metering is null");
        this.counters = requireNonNull(counters, "counters is null");
        this.resources = requireNonNull(resources, "resources is null");
        this.databaseChanges = requireNonNull(databaseChanges, "databaseChanges is null");
        this.collectionChanges = requireNonNull(collectionChanges, "collectionChanges is null");
        this.records = requireNonNull(records, "records is null");
        this.administration = requireNonNull(administration, "administration is null");
    }

    @Override
    public List<DatabaseView> databases(Principal caller) {
        TenantView tenant = ControlJson.tenant(caller);
        caller.require(Privilege.RECORDS_READ);
        return resources.visibleDatabases(caller, tenant, Integer.MAX_VALUE, 0);
    }

    @Override
    public DatabaseView createDatabase(Principal caller, String name) {
        return databaseChanges.create(caller, ControlJson.tenant(caller), name);
    }

    @Override
    public void deleteDatabase(Principal caller, String database) {
        databaseChanges.delete(caller, resources.database(caller, ControlJson.tenant(caller), database));
    }

    @Override
    public List<CollectionSummary> collections(Principal caller, String database) {
        DatabaseView found = resources.database(caller, ControlJson.tenant(caller), database);
        caller.require(Privilege.RECORDS_READ);
        Map<CollectionId, CollectionUsage> usage = new HashMap<>();
        for (CollectionUsage counted : counters.collections(found.tenant().id())) {
            usage.put(counted.collection(), counted);
        }
        List<CollectionSummary> summaries = new ArrayList<>();
        for (CollectionView collection : resources.collections().list(found, Integer.MAX_VALUE, 0)) {
            summaries.add(summary(collection, usage.get(collection.id())));
        }
        summaries.sort((left, right) -> left.collection().name().compareTo(right.collection().name()));
        return summaries;
    }

    @Override
    public CollectionSummary collection(Principal caller, String database, String collection) {
        CollectionView found = resolve(caller, database, collection);
        caller.require(Privilege.RECORDS_READ);
        return summary(found, counters.findCollection(found.id()).orElse(null));
    }

    /**
     * Creates a collection.
     * 1. Resolve the database: one the caller may not see is 404, as if it did not exist.
     * 2. Check {@code collection.create} before reading the request, as the Chroma route does.
     * 3. Validate name, metric, metadata and embedding function; the metric wins over legacy {@code hnsw:space}
     *    metadata, as Chroma's configuration does.
     * 4. Create and audit, through the same step as the Chroma route.
     */
    @Override
    public CollectionSummary createCollection(Principal caller, String database, NewCollection request) {
        DatabaseView owner = resources.database(caller, ControlJson.tenant(caller), database);
        caller.require(Privilege.COLLECTION_CREATE);
        ChromaResources.checkName(request.name(), "name");
        Metric metric = metric(request.metric());
        Map<String, MetadataValue> metadata = metadata(request.metadata());
        String embeddingFunction = embeddingFunction(request.embeddingFunction());
        HnswConfiguration legacy = CollectionParser.hnsw(null, metadata);
        HnswConfiguration hnsw = new HnswConfiguration(metric, legacy.constructionEf(), legacy.searchEf(),
                legacy.maxNeighbors(), legacy.resizeFactor(), legacy.syncThreshold(), legacy.quantization());
        CollectionView created = collectionChanges.create(caller,
                new CreateCollection(owner, request.name(), metadata, hnsw, embeddingFunction, false));
        return summary(created, null, 0);
    }

    @Override
    public void deleteCollection(Principal caller, String database, String collection) {
        collectionChanges.delete(caller, resolve(caller, database, collection));
    }

    @Override
    public List<StoredRecord> peek(Principal caller, String database, String collection, int offset, int limit) {
        CollectionView found = resolve(caller, database, collection);
        caller.require(Privilege.RECORDS_READ);
        range("limit", limit, 1, MAX_RESULTS);
        range("offset", offset, 0, Integer.MAX_VALUE);
        List<StoredRecord> peeked = records.get(found, RecordFilter.ALL, offset, limit, EVERYTHING);
        // The console's reads are the tenant's reads too, metered as the get and query routes meter theirs.
        metering.read(found, 0, 0, peeked.size());
        return peeked;
    }

    /**
     * Queries a collection.
     * 1. Resolve the collection (404 when hidden), then check {@code records.read}.
     * 2. Validate everything before searching: {@code n_results}, exactly one of embedding and text, the filter,
     *    and the embedding's dimension against the collection's.
     * 3. A text is embedded with the collection's function as the query route embeds {@code query_texts} (refused
     *    naming {@code text} when the server runs none for it), and metered as one embedding unit once embedded.
     * 4. Search as the query route does, meter the read as it does, and convert scores to distances with the
     *    collection's {@link Metric}.
     */
    @Override
    public List<Neighbour> query(Principal caller, String database, String collection, ConsoleQuery query) {
        CollectionView found = resolve(caller, database, collection);
        caller.require(Privilege.RECORDS_READ);
        range("n_results", query.nResults(), 1, MAX_RESULTS);
        String embeddingText = blankToNull(query.embedding());
        String text = blankToNull(query.text());
        if (embeddingText != null && text != null) {
            throw invalidField(ErrorCode.INVALID_ARGUMENT, "text", "exclusive",
                    "Validation error: text: give an embedding or a text, not both");
        }
        if (embeddingText == null && text == null) {
            throw invalidField(ErrorCode.INVALID_ARGUMENT, "embedding", "required",
                    "Validation error: embedding: give an embedding or a text to query with");
        }
        String where = blankToNull(query.where());
        Where filter = where == null ? null : FilterParser.where(JsonBody.parseField(where, "where"), "where");
        float[] vector;
        if (text == null) {
            vector = RecordParser.embedding(JsonBody.parseField(requireNonNull(embeddingText), "embedding"),
                    "embedding", found.dimension());
        } else {
            ServerEmbedding.Support support = embedding.support(found);
            EmbeddingFunction function = support.function();
            if (function == null) {
                throw support.refusal("text");
            }
            float[][] embedded = function.embed(List.of(text));
            RecordParser.checkEmbeddedQueries(embedded, found.dimension(), "text");
            metering.embedded(found, 1);
            vector = embedded[0];
        }
        if (found.dimension() == null) {
            // Nothing was ever written with a vector: there is nothing to be near.
            metering.read(found, 0, 0, 0);
            return List.of();
        }
        List<List<Hit>> results = records.query(found, new float[][] {vector}, query.nResults(),
                new RecordFilter(null, filter, null), EVERYTHING);
        Metric metric = found.hnsw().space();
        List<Hit> hits = results.getFirst();
        metering.read(found, 1, query.nResults(), hits.size());
        List<Neighbour> neighbours = new ArrayList<>(hits.size());
        for (Hit hit : hits) {
            neighbours.add(new Neighbour(hit.record(), metric.distance(hit.score())));
        }
        return neighbours;
    }

    @Override
    public PlanStatus plan(Principal caller, TenantView tenant) {
        if (!(caller.operator() && !caller.unrestricted())) {
            if (!tenant.equals(caller.tenant())) {
                throw new QuiverException(ErrorCode.PERMISSION_DENIED, "A tenant sees only its own plan");
            }
            caller.require(Privilege.BILLING_READ);
        }
        List<DatabaseView> databases = resources.tenants().listDatabases(tenant, Integer.MAX_VALUE, 0);
        long fullest = 0;
        for (DatabaseView database : databases) {
            fullest = Math.max(fullest, resources.collections().count(database));
        }
        long largest = 0;
        long stored = 0;
        for (CollectionUsage collection : counters.collections(tenant.id())) {
            largest = Math.max(largest, collection.records());
            stored += collection.bytes();
        }
        return new PlanStatus(tenant, plans.limits(tenant), Map.of(Quota.DATABASES, (long) databases.size(),
                Quota.COLLECTIONS_PER_DATABASE, fullest, Quota.RECORDS_PER_COLLECTION, largest,
                Quota.STORAGE_BYTES, stored));
    }

    @Override
    public TenantUsage usage(Principal operator, TenantView tenant) {
        requireOperator(operator);
        List<DatabaseView> databases = resources.tenants().listDatabases(tenant, Integer.MAX_VALUE, 0);
        int collections = 0;
        long recordCount = 0;
        long storedBytes = 0;
        for (CollectionUsage collection : counters.collections(tenant.id())) {
            collections++;
            recordCount += collection.records();
            storedBytes += collection.bytes();
        }
        long diskBytes = 0;
        for (DatabaseView database : databases) {
            for (CollectionView collection : resources.collections().list(database, Integer.MAX_VALUE, 0)) {
                // Sizing a shard's files lists its directory; it never reads a record.
                diskBytes += records.diskBytes(collection);
            }
        }
        return new TenantUsage(databases.size(), collections, recordCount, storedBytes, diskBytes);
    }

    /**
     * Deletes a tenant.
     * 1. Check that the caller is an operator, before any lookup.
     * 2. Delete every collection of every database: their logs live in the tenant's schema but their shards on
     *    the search nodes' disks, which the tenant module cannot reach.
     * 3. Delete the tenant, its schema, members, keys and databases.
     */
    @Override
    public void deleteTenant(Principal operator, TenantView tenant) {
        requireOperator(operator);
        for (DatabaseView database : resources.tenants().listDatabases(tenant, Integer.MAX_VALUE, 0)) {
            resources.collections().deleteAll(database);
        }
        administration.delete(operator, tenant);
    }

    /**
     * Refuses anyone but a platform operator, including the anonymous caller of a server with authentication off,
     * which may do everything within tenants but nothing to them.
     */
    static void requireOperator(Principal caller) {
        if (!caller.operator() || caller.unrestricted()) {
            throw new QuiverException(ErrorCode.PERMISSION_DENIED, "Only platform operators manage tenants");
        }
    }

    private CollectionView resolve(Principal caller, String database, String collection) {
        DatabaseView found = resources.database(caller, ControlJson.tenant(caller), database);
        return resources.collectionByName(found, collection);
    }

    /** The collection with its counters (none yet when it was created since they were read) and disk bytes. */
    private CollectionSummary summary(CollectionView collection, @Nullable CollectionUsage usage) {
        return summary(collection, usage, records.diskBytes(collection));
    }

    /** The collection with its counters, disk bytes and the function the server embeds its text with, if any. */
    private CollectionSummary summary(CollectionView collection, @Nullable CollectionUsage usage, long diskBytes) {
        ServerEmbedding.Support support = embedding.support(collection);
        EmbeddingFunction function = support.function();
        return new CollectionSummary(collection, usage == null ? 0 : usage.records(),
                usage == null ? 0 : usage.bytes(), diskBytes,
                function == null ? null : function.name() + " (" + function.model() + ", " + function.dimension()
                        + " dimensions)", support.absence());
    }

    private static Metric metric(String name) {
        try {
            return Metric.fromChromaName(name);
        } catch (IllegalArgumentException e) {
            throw invalidField(ErrorCode.INVALID_ARGUMENT, "metric", "one-of",
                    "Validation error: metric: must be one of `l2`, `cosine`, `ip`, got `" + name + "`");
        }
    }

    /**
     * Chroma's {@code embedding_function} configuration for a function the server runs, chosen by name, or null
     * for none; a name the server does not run is refused naming {@code embedding_function}, since the console
     * could neither embed documents nor query by text with it.
     */
    private @Nullable String embeddingFunction(@Nullable String name) {
        String chosen = blankToNull(name);
        if (chosen == null) {
            return null;
        }
        String configuration = ServerEmbedding.knownConfiguration(chosen.trim());
        if (!embedding.runs(configuration)) {
            throw invalidField(ErrorCode.INVALID_ARGUMENT, "embedding_function", "one-of",
                    "Validation error: embedding_function: the server runs no embedding function named '" + chosen
                            + "'; choose default, or none and send embeddings");
        }
        return configuration;
    }

    private static @Nullable Map<String, MetadataValue> metadata(@Nullable String text) {
        String json = blankToNull(text);
        if (json == null) {
            return null;
        }
        JsonNode node = JsonBody.parseField(json, "metadata");
        Map<String, MetadataValue> metadata = RecordParser.metadata(node, "metadata", false, -1);
        return metadata.isEmpty() ? null : metadata;
    }

    private static void range(String field, int value, int min, int max) {
        if (value < min || value > max) {
            throw invalidField(ErrorCode.INVALID_ARGUMENT, field, "range", "Validation error: " + field
                    + ": must be " + (max == Integer.MAX_VALUE ? "at least " + min
                    : "between " + min + " and " + max) + ", got " + value);
        }
    }

    private static @Nullable String blankToNull(@Nullable String text) {
        return text == null || text.isBlank() ? null : text;
    }
}
