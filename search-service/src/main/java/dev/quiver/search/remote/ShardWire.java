package dev.quiver.search.remote;

import dev.quiver.search.api.GroupBy;
import dev.quiver.search.api.Hit;
import dev.quiver.search.api.Include;
import dev.quiver.search.api.MetadataValue;
import dev.quiver.search.api.Rank;
import dev.quiver.search.api.RecordFilter;
import dev.quiver.search.api.SearchFilter;
import dev.quiver.search.api.SearchRequest;
import dev.quiver.search.api.SearchSelect;
import dev.quiver.search.api.StoredRecord;
import dev.quiver.search.api.Where;
import dev.quiver.search.api.WhereDocument;
import dev.quiver.search.merge.ShardPartial;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The JSON of the calls between a gateway and a search node ({@code /internal/v1}): filters, records, hits, Search
 * API requests and shards' parts of their answers, in a form of our own rather than Chroma's, so no parsing or
 * validation is repeated on the node. Floats travel as JSON numbers written from {@code float}, which read back to
 * the same {@code float} (non-finite ones as their Java text). Both sides are this class, so a gateway and a node of
 * one release always agree. Thread-safe.
 */
public final class ShardWire {

    /** The header that carries the cluster's shared secret on every internal call. */
    public static final String SECRET_HEADER = "X-Quiver-Cluster-Secret";
    /** Status a node answers for a shard it does not hold: the caller asks for the owner again and retries. */
    public static final int NOT_OWNER = 421;

    private final JsonMapper json = JsonMapper.builder().build();

    public ObjectNode object() {
        return json.createObjectNode();
    }

    public byte[] bytes(JsonNode node) {
        return json.writeValueAsBytes(node);
    }

    public JsonNode read(byte[] body) {
        return json.readTree(body);
    }

    // ---- requests

    public void writeFilter(ObjectNode request, RecordFilter filter) {
        ObjectNode node = request.putObject("filter");
        if (filter.ids() != null) {
            ArrayNode ids = node.putArray("ids");
            for (String id : filter.ids()) {
                ids.add(id);
            }
        }
        if (filter.where() != null) {
            node.set("where", where(filter.where()));
        }
        if (filter.whereDocument() != null) {
            node.set("whereDocument", whereDocument(filter.whereDocument()));
        }
    }

    public RecordFilter readFilter(JsonNode request) {
        JsonNode node = request.path("filter");
        List<String> ids = null;
        if (node.has("ids")) {
            ids = new ArrayList<>();
            for (JsonNode id : node.get("ids")) {
                ids.add(id.asString());
            }
        }
        Where where = node.has("where") ? where(node.get("where")) : null;
        WhereDocument whereDocument = node.has("whereDocument") ? whereDocument(node.get("whereDocument")) : null;
        return new RecordFilter(ids, where, whereDocument);
    }

    public void writeInclude(ObjectNode request, Set<Include> include) {
        ArrayNode array = request.putArray("include");
        for (Include part : include) {
            array.add(part.name());
        }
    }

    public Set<Include> readInclude(JsonNode request) {
        Set<Include> include = EnumSet.noneOf(Include.class);
        for (JsonNode part : request.path("include")) {
            include.add(Include.valueOf(part.asString()));
        }
        return include;
    }

    public void writeQueries(ObjectNode request, float[][] queries) {
        ArrayNode array = request.putArray("queries");
        for (float[] query : queries) {
            array.add(floats(query));
        }
    }

    public float[][] readQueries(JsonNode request) {
        JsonNode array = request.path("queries");
        float[][] queries = new float[array.size()][];
        for (int i = 0; i < queries.length; i++) {
            queries[i] = floats(array.get(i));
        }
        return queries;
    }

    /** The whole of each search: rank tree, filter, page, select and group-by. */
    public void writeSearches(ObjectNode request, List<SearchRequest> searches) {
        ArrayNode array = request.putArray("searches");
        for (SearchRequest search : searches) {
            ObjectNode node = array.addObject();
            if (search.rank() != null) {
                node.set("rank", rank(search.rank()));
            }
            if (search.filter() != null) {
                node.set("filter", searchFilter(search.filter()));
            }
            node.put("offset", search.offset());
            node.put("limit", search.limit());
            SearchSelect select = search.select();
            ObjectNode selectNode = node.putObject("select");
            selectNode.put("documents", select.documents());
            selectNode.put("embeddings", select.embeddings());
            selectNode.put("scores", select.scores());
            selectNode.put("allMetadata", select.allMetadata());
            selectNode.set("metadataKeys", strings(select.metadataKeys()));
            GroupBy groupBy = search.groupBy();
            if (groupBy != null) {
                ObjectNode groupNode = node.putObject("groupBy");
                groupNode.set("keys", strings(groupBy.keys()));
                groupNode.put("descending", groupBy.descending());
                groupNode.set("orderBy", strings(groupBy.orderBy()));
                groupNode.put("k", groupBy.k());
            }
        }
    }

    public List<SearchRequest> readSearches(JsonNode request) {
        List<SearchRequest> searches = new ArrayList<>();
        for (JsonNode node : request.path("searches")) {
            JsonNode select = node.get("select");
            JsonNode groupBy = node.get("groupBy");
            searches.add(new SearchRequest(
                    node.has("rank") ? rank(node.get("rank")) : null,
                    node.has("filter") ? searchFilter(node.get("filter")) : null,
                    node.get("offset").intValue(),
                    node.get("limit").intValue(),
                    new SearchSelect(select.get("documents").booleanValue(), select.get("embeddings").booleanValue(),
                            select.get("scores").booleanValue(), select.get("allMetadata").booleanValue(),
                            strings(select.get("metadataKeys"))),
                    groupBy == null ? null : new GroupBy(strings(groupBy.get("keys")),
                            groupBy.get("descending").booleanValue(), strings(groupBy.get("orderBy")),
                            groupBy.get("k").intValue())));
        }
        return searches;
    }

    // ---- answers
    /** Shards' parts of search answers, one per search, for {@link dev.quiver.search.merge.SearchMerge}. */
    public ArrayNode partials(List<ShardPartial> partials) {
        ArrayNode array = json.createArrayNode();
        for (ShardPartial partial : partials) {
            ObjectNode node = array.addObject();
            ArrayNode leaves = node.putArray("leaves");
            for (ShardPartial.Leaf leaf : partial.leaves()) {
                ObjectNode leafNode = leaves.addObject();
                ArrayNode candidates = leafNode.putArray("candidates");
                for (int candidate : leaf.candidates()) {
                    candidates.add(candidate);
                }
                ArrayNode measures = leafNode.putArray("measures");
                for (float measure : leaf.measures()) {
                    measures.add(number(measure));
                }
            }
            ArrayNode candidates = node.putArray("candidates");
            for (ShardPartial.Candidate candidate : partial.candidates()) {
                ObjectNode candidateNode = candidates.addObject();
                candidateNode.put("order", candidate.order());
                candidateNode.set("record", record(candidate.record()));
                if (!candidate.groupValues().isEmpty()) {
                    ObjectNode group = candidateNode.putObject("group");
                    candidate.groupValues().forEach((key, value) -> group.set(key, value(value)));
                }
            }
        }
        return array;
    }

    public List<ShardPartial> readPartials(JsonNode array) {
        List<ShardPartial> partials = new ArrayList<>(array.size());
        for (JsonNode node : array) {
            List<ShardPartial.Leaf> leaves = new ArrayList<>();
            for (JsonNode leaf : node.path("leaves")) {
                JsonNode candidates = leaf.get("candidates");
                JsonNode measures = leaf.get("measures");
                int[] indices = new int[candidates.size()];
                float[] values = new float[measures.size()];
                for (int i = 0; i < indices.length; i++) {
                    indices[i] = candidates.get(i).intValue();
                }
                for (int i = 0; i < values.length; i++) {
                    values[i] = number(measures.get(i));
                }
                leaves.add(new ShardPartial.Leaf(indices, values));
            }
            List<ShardPartial.Candidate> candidates = new ArrayList<>();
            for (JsonNode candidate : node.path("candidates")) {
                Map<String, MetadataValue> group = new LinkedHashMap<>();
                if (candidate.has("group")) {
                    for (Map.Entry<String, JsonNode> entry : candidate.get("group").properties()) {
                        group.put(entry.getKey(), value(entry.getValue()));
                    }
                }
                candidates.add(new ShardPartial.Candidate(candidate.get("order").longValue(),
                        readRecord(candidate.get("record")), group));
            }
            partials.add(new ShardPartial(leaves, candidates));
        }
        return partials;
    }


    public ArrayNode records(List<StoredRecord> records) {
        ArrayNode array = json.createArrayNode();
        for (StoredRecord record : records) {
            array.add(record(record));
        }
        return array;
    }

    public List<StoredRecord> readRecords(JsonNode array) {
        List<StoredRecord> records = new ArrayList<>(array.size());
        for (JsonNode node : array) {
            records.add(readRecord(node));
        }
        return records;
    }

    public ArrayNode hits(List<List<Hit>> results) {
        ArrayNode array = json.createArrayNode();
        for (List<Hit> hits : results) {
            ArrayNode one = array.addArray();
            for (Hit hit : hits) {
                ObjectNode node = one.addObject();
                node.set("record", record(hit.record()));
                node.put("score", hit.score());
            }
        }
        return array;
    }

    public List<List<Hit>> readHits(JsonNode array) {
        List<List<Hit>> results = new ArrayList<>(array.size());
        for (JsonNode one : array) {
            List<Hit> hits = new ArrayList<>(one.size());
            for (JsonNode node : one) {
                hits.add(new Hit(readRecord(node.get("record")), node.get("score").floatValue()));
            }
            results.add(hits);
        }
        return results;
    }

    private ObjectNode record(StoredRecord record) {
        ObjectNode node = json.createObjectNode();
        node.put("id", record.id());
        if (record.embedding() != null) {
            node.set("embedding", floats(record.embedding()));
        }
        if (record.document() != null) {
            node.put("document", record.document());
        }
        if (record.metadata() != null) {
            ObjectNode metadata = node.putObject("metadata");
            record.metadata().forEach((key, value) -> metadata.set(key, value(value)));
        }
        if (record.uri() != null) {
            node.put("uri", record.uri());
        }
        return node;
    }

    private StoredRecord readRecord(JsonNode node) {
        Map<String, MetadataValue> metadata = null;
        if (node.has("metadata")) {
            metadata = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> entry : node.get("metadata").properties()) {
                metadata.put(entry.getKey(), value(entry.getValue()));
            }
        }
        return new StoredRecord(node.get("id").asString(),
                node.has("embedding") ? floats(node.get("embedding")) : null,
                node.has("document") ? node.get("document").asString() : null, metadata,
                node.has("uri") ? node.get("uri").asString() : null);
    }

    // ---- ranks and search filters

    private ObjectNode rank(Rank rank) {
        ObjectNode node = json.createObjectNode();
        switch (rank) {
            case Rank.Knn knn -> {
                ObjectNode leaf = node.putObject("knn");
                leaf.set("query", floats(knn.query()));
                leaf.put("limit", knn.limit());
                if (knn.defaultValue() != null) {
                    leaf.set("default", number(knn.defaultValue()));
                }
                leaf.put("returnRank", knn.returnRank());
            }
            case Rank.Bm25 bm25 -> {
                ObjectNode leaf = node.putObject("bm25");
                leaf.put("text", bm25.text());
                leaf.put("limit", bm25.limit());
                if (bm25.defaultValue() != null) {
                    leaf.set("default", number(bm25.defaultValue()));
                }
                leaf.put("returnRank", bm25.returnRank());
            }
            case Rank.Value value -> node.set("value", number(value.value()));
            case Rank.Sum sum -> node.set("sum", ranks(sum.terms()));
            case Rank.Product product -> node.set("product", ranks(product.factors()));
            case Rank.Minimum minimum -> node.set("min", ranks(minimum.operands()));
            case Rank.Maximum maximum -> node.set("max", ranks(maximum.operands()));
            case Rank.Difference difference -> node.set("sub", ranks(List.of(difference.left(), difference.right())));
            case Rank.Quotient quotient -> node.set("div", ranks(List.of(quotient.left(), quotient.right())));
            case Rank.Absolute absolute -> node.set("abs", rank(absolute.operand()));
            case Rank.Exponential exponential -> node.set("exp", rank(exponential.operand()));
            case Rank.Logarithm logarithm -> node.set("log", rank(logarithm.operand()));
        }
        return node;
    }

    private ArrayNode ranks(List<Rank> ranks) {
        ArrayNode array = json.createArrayNode();
        for (Rank rank : ranks) {
            array.add(rank(rank));
        }
        return array;
    }

    private Rank rank(JsonNode node) {
        Map.Entry<String, JsonNode> only = single(node, "rank");
        JsonNode operand = only.getValue();
        return switch (only.getKey()) {
            case "knn" -> new Rank.Knn(floats(operand.get("query")), operand.get("limit").intValue(),
                    operand.has("default") ? number(operand.get("default")) : null,
                    operand.get("returnRank").booleanValue());
            case "bm25" -> new Rank.Bm25(operand.get("text").asString(), operand.get("limit").intValue(),
                    operand.has("default") ? number(operand.get("default")) : null,
                    operand.get("returnRank").booleanValue());
            case "value" -> new Rank.Value(number(operand));
            case "sum" -> new Rank.Sum(ranks(operand));
            case "product" -> new Rank.Product(ranks(operand));
            case "min" -> new Rank.Minimum(ranks(operand));
            case "max" -> new Rank.Maximum(ranks(operand));
            case "sub" -> new Rank.Difference(rank(operand.get(0)), rank(operand.get(1)));
            case "div" -> new Rank.Quotient(rank(operand.get(0)), rank(operand.get(1)));
            case "abs" -> new Rank.Absolute(rank(operand));
            case "exp" -> new Rank.Exponential(rank(operand));
            case "log" -> new Rank.Logarithm(rank(operand));
            default -> throw new IllegalArgumentException("Unknown rank expression: " + node);
        };
    }

    private List<Rank> ranks(JsonNode array) {
        List<Rank> ranks = new ArrayList<>(array.size());
        for (JsonNode rank : array) {
            ranks.add(rank(rank));
        }
        return ranks;
    }

    private ObjectNode searchFilter(SearchFilter filter) {
        ObjectNode node = json.createObjectNode();
        switch (filter) {
            case SearchFilter.And and -> {
                ArrayNode clauses = node.putArray("and");
                and.clauses().forEach(clause -> clauses.add(searchFilter(clause)));
            }
            case SearchFilter.Or or -> {
                ArrayNode clauses = node.putArray("or");
                or.clauses().forEach(clause -> clauses.add(searchFilter(clause)));
            }
            case SearchFilter.Metadata metadata -> node.set("metadata", where(metadata.where()));
            case SearchFilter.Document document -> node.set("document", whereDocument(document.whereDocument()));
            case SearchFilter.Ids ids -> {
                ObjectNode leaf = node.putObject("ids");
                leaf.set("values", strings(ids.ids()));
                leaf.put("negated", ids.negated());
            }
        }
        return node;
    }

    private SearchFilter searchFilter(JsonNode node) {
        Map.Entry<String, JsonNode> only = single(node, "search filter");
        JsonNode operand = only.getValue();
        return switch (only.getKey()) {
            case "and" -> new SearchFilter.And(searchFilters(operand));
            case "or" -> new SearchFilter.Or(searchFilters(operand));
            case "metadata" -> new SearchFilter.Metadata(where(operand));
            case "document" -> new SearchFilter.Document(whereDocument(operand));
            case "ids" -> new SearchFilter.Ids(strings(operand.get("values")), operand.get("negated").booleanValue());
            default -> throw new IllegalArgumentException("Unknown search filter: " + node);
        };
    }

    private List<SearchFilter> searchFilters(JsonNode array) {
        List<SearchFilter> clauses = new ArrayList<>(array.size());
        for (JsonNode clause : array) {
            clauses.add(searchFilter(clause));
        }
        return clauses;
    }

    private static Map.Entry<String, JsonNode> single(JsonNode node, String what) {
        if (node == null || !node.isObject() || node.size() != 1) {
            throw new IllegalArgumentException("A " + what + " is an object of one member: " + node);
        }
        return node.properties().iterator().next();
    }

    private ArrayNode strings(List<String> values) {
        ArrayNode array = json.createArrayNode();
        values.forEach(array::add);
        return array;
    }

    private static List<String> strings(@Nullable JsonNode array) {
        List<String> values = new ArrayList<>();
        if (array != null) {
            array.forEach(element -> values.add(element.asString()));
        }
        return values;
    }

    /**
     * A float as a JSON number, or as the text Java gives it when it is not finite (a rank constant or measure may
     * be), since JSON numbers have no NaN or infinity.
     */
    private JsonNode number(float value) {
        return Float.isFinite(value) ? json.getNodeFactory().numberNode(value)
                : json.getNodeFactory().textNode(Float.toString(value));
    }

    private static float number(JsonNode node) {
        return node.isString() ? Float.parseFloat(node.asString()) : node.floatValue();
    }

    // ---- filters and values

    private ObjectNode where(Where where) {
        ObjectNode node = json.createObjectNode();
        switch (where) {
            case Where.And and -> {
                ArrayNode clauses = node.putArray("and");
                and.clauses().forEach(clause -> clauses.add(where(clause)));
            }
            case Where.Or or -> {
                ArrayNode clauses = node.putArray("or");
                or.clauses().forEach(clause -> clauses.add(where(clause)));
            }
            case Where.Compare compare -> {
                ObjectNode leaf = node.putObject("compare");
                leaf.put("key", compare.key());
                leaf.put("operator", compare.operator().name());
                leaf.set("value", value(compare.value()));
            }
            case Where.In in -> {
                ObjectNode leaf = node.putObject("in");
                leaf.put("key", in.key());
                leaf.put("negated", in.negated());
                ArrayNode values = leaf.putArray("values");
                in.values().forEach(value -> values.add(value(value)));
            }
            case Where.Contains contains -> {
                ObjectNode leaf = node.putObject("contains");
                leaf.put("key", contains.key());
                leaf.put("negated", contains.negated());
                leaf.set("value", value(contains.value()));
            }
        }
        return node;
    }

    private Where where(JsonNode node) {
        if (node.has("and")) {
            return new Where.And(wheres(node.get("and")));
        }
        if (node.has("or")) {
            return new Where.Or(wheres(node.get("or")));
        }
        if (node.has("compare")) {
            JsonNode leaf = node.get("compare");
            return new Where.Compare(leaf.get("key").asString(), Where.Operator.valueOf(leaf.get("operator")
                    .asString()), value(leaf.get("value")));
        }
        if (node.has("in")) {
            JsonNode leaf = node.get("in");
            List<MetadataValue> values = new ArrayList<>();
            for (JsonNode value : leaf.get("values")) {
                values.add(value(value));
            }
            return new Where.In(leaf.get("key").asString(), leaf.get("negated").booleanValue(), values);
        }
        JsonNode leaf = node.get("contains");
        if (leaf == null) {
            throw new IllegalArgumentException("Unknown where clause: " + node);
        }
        return new Where.Contains(leaf.get("key").asString(), leaf.get("negated").booleanValue(),
                value(leaf.get("value")));
    }

    private List<Where> wheres(JsonNode array) {
        List<Where> clauses = new ArrayList<>(array.size());
        for (JsonNode clause : array) {
            clauses.add(where(clause));
        }
        return clauses;
    }

    private ObjectNode whereDocument(WhereDocument where) {
        ObjectNode node = json.createObjectNode();
        switch (where) {
            case WhereDocument.And and -> {
                ArrayNode clauses = node.putArray("and");
                and.clauses().forEach(clause -> clauses.add(whereDocument(clause)));
            }
            case WhereDocument.Or or -> {
                ArrayNode clauses = node.putArray("or");
                or.clauses().forEach(clause -> clauses.add(whereDocument(clause)));
            }
            case WhereDocument.Contains contains -> {
                ObjectNode leaf = node.putObject("contains");
                leaf.put("text", contains.text());
                leaf.put("negated", contains.negated());
            }
            case WhereDocument.Regex regex -> {
                ObjectNode leaf = node.putObject("regex");
                leaf.put("pattern", regex.pattern().pattern());
                leaf.put("negated", regex.negated());
            }
        }
        return node;
    }

    private WhereDocument whereDocument(JsonNode node) {
        if (node.has("and") || node.has("or")) {
            List<WhereDocument> clauses = new ArrayList<>();
            for (JsonNode clause : node.has("and") ? node.get("and") : node.get("or")) {
                clauses.add(whereDocument(clause));
            }
            return node.has("and") ? new WhereDocument.And(clauses) : new WhereDocument.Or(clauses);
        }
        if (node.has("contains")) {
            JsonNode leaf = node.get("contains");
            return new WhereDocument.Contains(leaf.get("text").asString(), leaf.get("negated").booleanValue());
        }
        JsonNode leaf = node.get("regex");
        if (leaf == null) {
            throw new IllegalArgumentException("Unknown where_document clause: " + node);
        }
        // The gateway compiled and checked the pattern; compiling the same text gives the same pattern.
        return new WhereDocument.Regex(Pattern.compile(leaf.get("pattern").asString()),
                leaf.get("negated").booleanValue());
    }

    private ObjectNode value(MetadataValue value) {
        ObjectNode node = json.createObjectNode();
        switch (value) {
            case MetadataValue.StringValue string -> node.put("string", string.value());
            case MetadataValue.IntValue integer -> node.put("int", integer.value());
            case MetadataValue.FloatValue number -> node.put("float", number.value());
            case MetadataValue.BoolValue bool -> node.put("bool", bool.value());
            case MetadataValue.StringArray array -> {
                ArrayNode values = node.putArray("strings");
                array.values().forEach(values::add);
            }
            case MetadataValue.IntArray array -> {
                ArrayNode values = node.putArray("ints");
                array.values().forEach(values::add);
            }
            case MetadataValue.FloatArray array -> {
                ArrayNode values = node.putArray("floats");
                array.values().forEach(values::add);
            }
            case MetadataValue.BoolArray array -> {
                ArrayNode values = node.putArray("bools");
                array.values().forEach(values::add);
            }
            case MetadataValue.Null ignored -> node.putNull("null");
        }
        return node;
    }

    private MetadataValue value(JsonNode node) {
        if (node.has("string")) {
            return new MetadataValue.StringValue(node.get("string").asString());
        }
        if (node.has("int")) {
            return new MetadataValue.IntValue(node.get("int").longValue());
        }
        if (node.has("float")) {
            return new MetadataValue.FloatValue(node.get("float").doubleValue());
        }
        if (node.has("bool")) {
            return new MetadataValue.BoolValue(node.get("bool").booleanValue());
        }
        if (node.has("strings")) {
            List<String> values = new ArrayList<>();
            node.get("strings").forEach(element -> values.add(element.asString()));
            return new MetadataValue.StringArray(values);
        }
        if (node.has("ints")) {
            List<Long> values = new ArrayList<>();
            node.get("ints").forEach(element -> values.add(element.longValue()));
            return new MetadataValue.IntArray(values);
        }
        if (node.has("floats")) {
            List<Double> values = new ArrayList<>();
            node.get("floats").forEach(element -> values.add(element.doubleValue()));
            return new MetadataValue.FloatArray(values);
        }
        if (node.has("bools")) {
            List<Boolean> values = new ArrayList<>();
            node.get("bools").forEach(element -> values.add(element.booleanValue()));
            return new MetadataValue.BoolArray(values);
        }
        return new MetadataValue.Null();
    }

    private ArrayNode floats(float[] values) {
        ArrayNode array = json.createArrayNode();
        for (float value : values) {
            array.add(value);
        }
        return array;
    }

    private static float[] floats(@Nullable JsonNode array) {
        if (array == null) {
            return new float[0];
        }
        float[] values = new float[array.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = array.get(i).floatValue();
        }
        return values;
    }
}
