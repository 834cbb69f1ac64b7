package dev.quiver.gateway.web;

import static dev.quiver.common.QuiverException.invalidField;

import dev.quiver.common.ErrorCode;
import dev.quiver.common.QuiverException;
import dev.quiver.search.api.GroupBy;
import dev.quiver.search.api.Rank;
import dev.quiver.search.api.SearchFilter;
import dev.quiver.search.api.SearchRequest;
import dev.quiver.search.api.SearchSelect;
import dev.quiver.search.api.WhereDocument;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Parses Chroma's Search API request ({@code SearchRequestPayload}) as the official clients send it: per search a
 * {@code filter} that is a where clause (with {@code #id} and {@code #document} keys), a {@code rank} expression
 * ({@code $knn}, {@code $val}, {@code $sum}, {@code $sub}, {@code $mul}, {@code $div}, {@code $abs}, {@code $exp},
 * {@code $log}, {@code $max}, {@code $min}; their {@code Rrf} is sugar for these), {@code limit} as
 * {@code {offset, limit}}, {@code select} as {@code {keys}}, and {@code group_by} as {@code {keys, aggregate}}.
 *
 * <p>Quiver's additions, which Chroma's clients pass through untouched as raw rank objects: {@code $bm25}
 * ({@code {"query": text, "limit", "default", "return_rank"}}) ranks documents by BM25, and so does {@code $knn}
 * with {@code "key": "#document"} and a text query. A text {@code $knn} on {@code #embedding} is embedded on the
 * server by the collection's embedding function ({@link TextEmbedder}).
 *
 * <p>A missing or non-array {@code searches} is 422 as in Chroma (the body does not have the request's type);
 * anything wrong inside a search is 400 naming the JSON path of the field and the rule. Stateless.
 */
final class SearchParser {

    /** Turns the text of a {@code $knn} into a vector, or refuses with 400 naming {@code field}. */
    @FunctionalInterface
    interface TextEmbedder {
        float[] embed(String text, String field);
    }

    /** One parsed search, with the selected keys in the order Chroma's response lists them. */
    record ParsedSearch(SearchRequest request, List<String> selectKeys, int vectorLeaves, int maxLeafLimit) {
    }

    private static final String DOCUMENT = "#document";
    private static final String EMBEDDING = "#embedding";
    private static final String METADATA = "#metadata";
    private static final String SCORE = "#score";
    private static final List<String> PREDEFINED = List.of(DOCUMENT, EMBEDDING, METADATA, SCORE);
    private static final List<String> READ_LEVELS = List.of("index_and_wal", "index_only", "index_and_bounded_wal");

    private SearchParser() {
    }

    static List<ParsedSearch> parse(JsonNode request, @Nullable Integer dimension, TextEmbedder texts) {
        JsonNode readLevel = JsonBody.optional(request, "read_level");
        if (readLevel != null && !(readLevel.isString() && READ_LEVELS.contains(readLevel.stringValue()))) {
            throw JsonBody.shape("read_level", "unknown variant " + JsonBody.describe(readLevel)
                    + ", expected one of `index_and_wal`, `index_only`, `index_and_bounded_wal`");
        }
        JsonNode searches = JsonBody.array(JsonBody.required(request, "searches"), "searches");
        List<ParsedSearch> parsed = new ArrayList<>(searches.size());
        for (int i = 0; i < searches.size(); i++) {
            parsed.add(search(searches.get(i), "searches[" + i + "]", dimension, texts));
        }
        return parsed;
    }

    private static ParsedSearch search(JsonNode search, String path, @Nullable Integer dimension,
            TextEmbedder texts) {
        if (!search.isObject()) {
            throw invalid(path, "object", "must be an object");
        }
        for (Map.Entry<String, JsonNode> member : search.properties()) {
            if (!List.of("filter", "rank", "limit", "select", "group_by").contains(member.getKey())) {
                throw invalid(path + "." + member.getKey(), "known-field",
                        "unknown field; expected filter, rank, limit, select or group_by");
            }
        }
        JsonNode filterNode = JsonBody.optional(search, "filter");
        SearchFilter filter = filterNode == null || (filterNode.isObject() && filterNode.isEmpty()) ? null
                : filter(filterNode, path + ".filter");
        JsonNode rankNode = JsonBody.optional(search, "rank");
        Leaves leaves = new Leaves();
        Rank rank = rankNode == null || (rankNode.isObject() && rankNode.isEmpty()) ? null
                : rank(rankNode, path + ".rank", dimension, texts, leaves);
        int offset = 0;
        int limit = Integer.MAX_VALUE;
        JsonNode limitNode = JsonBody.optional(search, "limit");
        if (limitNode != null) {
            object(limitNode, path + ".limit");
            JsonNode offsetValue = JsonBody.optional(limitNode, "offset");
            offset = offsetValue == null ? 0 : unsigned(offsetValue, path + ".limit.offset");
            JsonNode limitValue = JsonBody.optional(limitNode, "limit");
            limit = limitValue == null ? Integer.MAX_VALUE : unsigned(limitValue, path + ".limit.limit");
        }
        List<String> selectKeys = List.of();
        JsonNode selectNode = JsonBody.optional(search, "select");
        if (selectNode != null) {
            object(selectNode, path + ".select");
            JsonNode keys = JsonBody.optional(selectNode, "keys");
            selectKeys = keys == null ? List.of() : strings(keys, path + ".select.keys");
        }
        GroupBy groupBy = groupBy(JsonBody.optional(search, "group_by"), path + ".group_by");
        if (groupBy != null && rank == null) {
            throw invalid(path + ".group_by", "requires-rank", "group_by requires rank expression to be specified");
        }
        List<String> ordered = selectOrder(selectKeys);
        List<String> metadataKeys = new ArrayList<>();
        for (String key : ordered) {
            if (!PREDEFINED.contains(key)) {
                metadataKeys.add(key);
            }
        }
        SearchSelect select = new SearchSelect(ordered.contains(DOCUMENT), ordered.contains(EMBEDDING),
                ordered.contains(SCORE), ordered.contains(METADATA), metadataKeys);
        return new ParsedSearch(new SearchRequest(rank, filter, offset, limit, select, groupBy), ordered,
                leaves.vectors, leaves.maxLimit);
    }

    /** Chroma's response lists the selected keys sorted: the predefined ones first, then fields by name. */
    static List<String> selectOrder(List<String> keys) {
        List<String> ordered = new ArrayList<>();
        for (String predefined : PREDEFINED) {
            if (keys.contains(predefined)) {
                ordered.add(predefined);
            }
        }
        TreeSet<String> fields = new TreeSet<>();
        for (String key : keys) {
            if (!PREDEFINED.contains(key)) {
                fields.add(key);
            }
        }
        ordered.addAll(fields);
        return ordered;
    }

    /** Counts the leaves that search vectors, for metering. */
    private static final class Leaves {
        int vectors;
        int maxLimit;
    }

    // ---- rank -------------------------------------------------------------------------------------------------

    private static Rank rank(JsonNode node, String path, @Nullable Integer dimension, TextEmbedder texts,
            Leaves leaves) {
        if (!node.isObject() || node.size() != 1) {
            throw invalid(path, "rank-expression", "a rank expression is an object with exactly one operator");
        }
        Map.Entry<String, JsonNode> only = node.properties().iterator().next();
        String operator = only.getKey();
        JsonNode operand = only.getValue();
        String at = path + "." + operator;
        return switch (operator) {
            case "$knn" -> knn(operand, at, dimension, texts, leaves);
            case "$bm25" -> {
                object(operand, at);
                JsonNode query = JsonBody.optional(operand, "query");
                if (query == null || !query.isString()) {
                    throw invalid(at + ".query", "string", "must be a string");
                }
                yield bm25(query.stringValue(), operand, at, leaves);
            }
            case "$val" -> new Rank.Value(finite(operand, at));
            case "$sum" -> new Rank.Sum(operands(operand, at, dimension, texts, leaves));
            case "$mul" -> new Rank.Product(operands(operand, at, dimension, texts, leaves));
            case "$max" -> new Rank.Maximum(operands(operand, at, dimension, texts, leaves));
            case "$min" -> new Rank.Minimum(operands(operand, at, dimension, texts, leaves));
            case "$sub" -> new Rank.Difference(side(operand, at, "left", dimension, texts, leaves),
                    side(operand, at, "right", dimension, texts, leaves));
            case "$div" -> new Rank.Quotient(side(operand, at, "left", dimension, texts, leaves),
                    side(operand, at, "right", dimension, texts, leaves));
            case "$abs" -> new Rank.Absolute(rank(operand, at, dimension, texts, leaves));
            case "$exp" -> new Rank.Exponential(rank(operand, at, dimension, texts, leaves));
            case "$log" -> new Rank.Logarithm(rank(operand, at, dimension, texts, leaves));
            default -> throw invalid(at, "rank-operator", "unknown rank operator " + operator + "; expected one of "
                    + "$knn, $bm25, $val, $sum, $sub, $mul, $div, $abs, $exp, $log, $max, $min");
        };
    }

    private static Rank knn(JsonNode knn, String path, @Nullable Integer dimension, TextEmbedder texts,
            Leaves leaves) {
        object(knn, path);
        JsonNode keyNode = JsonBody.optional(knn, "key");
        String key = EMBEDDING;
        if (keyNode != null) {
            if (!keyNode.isString()) {
                throw invalid(path + ".key", "string", "must be a string");
            }
            key = keyNode.stringValue();
        }
        JsonNode query = knn.get("query");
        if (query == null || query.isNull()) {
            throw invalid(path + ".query", "required", "missing field `query`");
        }
        if (key.equals(DOCUMENT)) {
            if (!query.isString()) {
                throw invalid(path + ".query", "string", "a $knn over #document ranks by BM25 and needs a text");
            }
            return bm25(query.stringValue(), knn, path, leaves);
        }
        if (!key.equals(EMBEDDING)) {
            throw invalid(path + ".key", "searchable-key", "Quiver searches #embedding (vectors) and #document "
                    + "(BM25); key " + key + " has no vector index");
        }
        float[] vector;
        if (query.isString()) {
            vector = texts.embed(query.stringValue(), path + ".query");
        } else if (query.isArray()) {
            vector = vector(query, path + ".query");
        } else {
            throw invalid(path + ".query", "dense-vector",
                    "must be a list of numbers or a text; sparse vectors are not supported");
        }
        if (dimension != null && vector.length != dimension) {
            throw invalidField(ErrorCode.DIMENSION_MISMATCH, path + ".query", "dimension",
                    "Collection expecting embedding with dimension of " + dimension + ", got " + vector.length);
        }
        int limit = leafLimit(knn, path);
        leaves.vectors++;
        leaves.maxLimit = Math.max(leaves.maxLimit, limit);
        return new Rank.Knn(vector, limit, defaultValue(knn, path), returnRank(knn, path));
    }

    private static Rank bm25(String text, JsonNode leaf, String path, Leaves leaves) {
        int limit = leafLimit(leaf, path);
        leaves.maxLimit = Math.max(leaves.maxLimit, limit);
        return new Rank.Bm25(text, limit, defaultValue(leaf, path), returnRank(leaf, path));
    }

    private static int leafLimit(JsonNode leaf, String path) {
        JsonNode limit = JsonBody.optional(leaf, "limit");
        if (limit == null) {
            return Rank.DEFAULT_LIMIT;
        }
        int value = unsigned(limit, path + ".limit");
        if (value == 0) {
            throw invalid(path + ".limit", "positive", "must be a positive integer");
        }
        return value;
    }

    private static @Nullable Float defaultValue(JsonNode leaf, String path) {
        JsonNode value = JsonBody.optional(leaf, "default");
        return value == null ? null : finite(value, path + ".default");
    }

    private static boolean returnRank(JsonNode leaf, String path) {
        JsonNode value = JsonBody.optional(leaf, "return_rank");
        if (value == null) {
            return false;
        }
        if (!value.isBoolean()) {
            throw invalid(path + ".return_rank", "boolean", "must be a boolean");
        }
        return value.booleanValue();
    }

    private static List<Rank> operands(JsonNode node, String path, @Nullable Integer dimension,
            TextEmbedder texts, Leaves leaves) {
        if (!node.isArray() || node.isEmpty()) {
            throw invalid(path, "non-empty-list", "must be a non-empty list of rank expressions");
        }
        List<Rank> ranks = new ArrayList<>(node.size());
        for (int i = 0; i < node.size(); i++) {
            ranks.add(rank(node.get(i), path + "[" + i + "]", dimension, texts, leaves));
        }
        return ranks;
    }

    private static Rank side(JsonNode node, String path, String name, @Nullable Integer dimension,
            TextEmbedder texts, Leaves leaves) {
        object(node, path);
        JsonNode side = node.get(name);
        if (side == null || side.isNull()) {
            throw invalid(path + "." + name, "required", "missing field `" + name + "`");
        }
        return rank(side, path + "." + name, dimension, texts, leaves);
    }

    private static float[] vector(JsonNode array, String path) {
        if (array.isEmpty()) {
            throw invalid(path, "dimension", "a query vector must have at least 1 dimension");
        }
        float[] vector = new float[array.size()];
        for (int i = 0; i < vector.length; i++) {
            JsonNode component = array.get(i);
            if (!component.isNumber()) {
                throw invalid(path + "[" + i + "]", "number", "must be a number");
            }
            float value = component.floatValue();
            if (!Float.isFinite(value)) {
                throw invalid(path + "[" + i + "]", "finite", "must be a finite 32-bit float");
            }
            vector[i] = value;
        }
        return vector;
    }

    private static float finite(JsonNode value, String path) {
        if (!value.isNumber() || !Float.isFinite(value.floatValue())) {
            throw invalid(path, "finite", "must be a finite number");
        }
        return value.floatValue();
    }

    // ---- filter -----------------------------------------------------------------------------------------------

    static SearchFilter filter(JsonNode node, String path) {
        if (!node.isObject() || node.size() != 1) {
            throw invalidWhere(path, "a where clause is an object with exactly one key");
        }
        Map.Entry<String, JsonNode> only = node.properties().iterator().next();
        String key = only.getKey();
        JsonNode value = only.getValue();
        String at = path + "." + key;
        if (key.equals("$and") || key.equals("$or")) {
            if (!value.isArray()) {
                throw invalidWhere(at, key + " takes a list of where clauses");
            }
            List<SearchFilter> clauses = new ArrayList<>(value.size());
            for (int i = 0; i < value.size(); i++) {
                clauses.add(filter(value.get(i), at + "[" + i + "]"));
            }
            return key.equals("$and") ? new SearchFilter.And(clauses) : new SearchFilter.Or(clauses);
        }
        if (key.equals(DOCUMENT)) {
            return new SearchFilter.Document(documentCondition(value, at));
        }
        if (key.equals("#id")) {
            return idCondition(value, at);
        }
        ObjectNode single = JsonNodeFactory.instance.objectNode();
        single.set(key, value);
        return new SearchFilter.Metadata(FilterParser.where(single, path));
    }

    private static WhereDocument documentCondition(JsonNode value, String path) {
        if (!value.isObject() || value.size() != 1) {
            throw invalidWhere(path, "#document takes one of $contains, $not_contains, $regex, $not_regex");
        }
        Map.Entry<String, JsonNode> operation = value.properties().iterator().next();
        String at = path + "." + operation.getKey();
        JsonNode operand = operation.getValue();
        if (!operand.isString()) {
            throw invalidWhere(at, "#document conditions take a string");
        }
        String text = operand.stringValue();
        return switch (operation.getKey()) {
            case "$contains" -> new WhereDocument.Contains(text, false);
            case "$not_contains" -> new WhereDocument.Contains(text, true);
            case "$regex" -> new WhereDocument.Regex(pattern(text, at), false);
            case "$not_regex" -> new WhereDocument.Regex(pattern(text, at), true);
            default -> throw invalidWhere(at,
                    "#document takes one of $contains, $not_contains, $regex, $not_regex");
        };
    }

    private static SearchFilter idCondition(JsonNode value, String path) {
        if (value.isString()) {
            return new SearchFilter.Ids(List.of(value.stringValue()), false);
        }
        if (!value.isObject() || value.size() != 1) {
            throw invalidWhere(path, "#id takes one of $eq, $ne, $in, $nin");
        }
        Map.Entry<String, JsonNode> operation = value.properties().iterator().next();
        String at = path + "." + operation.getKey();
        JsonNode operand = operation.getValue();
        return switch (operation.getKey()) {
            case "$eq", "$ne" -> {
                if (!operand.isString()) {
                    throw invalidWhere(at, "ids are strings");
                }
                yield new SearchFilter.Ids(List.of(operand.stringValue()), operation.getKey().equals("$ne"));
            }
            case "$in", "$nin" -> {
                if (!operand.isArray() || operand.isEmpty()) {
                    throw invalidWhere(at, "takes a non-empty list of ids");
                }
                yield new SearchFilter.Ids(strings(operand, at), operation.getKey().equals("$nin"));
            }
            default -> throw invalidWhere(at, "#id takes one of $eq, $ne, $in, $nin");
        };
    }

    private static Pattern pattern(String regex, String path) {
        try {
            return Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            throw invalidField(ErrorCode.INVALID_WHERE, path, "regex",
                    "Regex syntax errror: regex parse error: " + e.getDescription());
        }
    }

    // ---- group by ---------------------------------------------------------------------------------------------

    private static @Nullable GroupBy groupBy(@Nullable JsonNode node, String path) {
        if (node == null) {
            return null;
        }
        object(node, path);
        JsonNode keysNode = JsonBody.optional(node, "keys");
        List<String> keys = keysNode == null ? List.of() : strings(keysNode, path + ".keys");
        JsonNode aggregate = JsonBody.optional(node, "aggregate");
        if (keys.isEmpty() != (aggregate == null)) {
            throw invalid(path, "keys-and-aggregate",
                    "group_by keys and aggregate must both be specified or both be omitted");
        }
        if (aggregate == null) {
            return null;
        }
        for (int i = 0; i < keys.size(); i++) {
            if (PREDEFINED.contains(keys.get(i))) {
                throw invalid(path + ".keys[" + i + "]", "metadata-key", "group_by keys must be metadata fields "
                        + "(cannot use #score, #document, #embedding, or #metadata)");
            }
        }
        if (!aggregate.isObject() || aggregate.size() != 1) {
            throw invalid(path + ".aggregate", "aggregate", "must be {\"$min_k\": {...}} or {\"$max_k\": {...}}");
        }
        Map.Entry<String, JsonNode> only = aggregate.properties().iterator().next();
        String at = path + ".aggregate." + only.getKey();
        boolean descending = switch (only.getKey()) {
            case "$min_k" -> false;
            case "$max_k" -> true;
            default -> throw invalid(path + ".aggregate." + only.getKey(), "aggregate",
                    "unknown aggregate; expected $min_k or $max_k");
        };
        JsonNode body = only.getValue();
        object(body, at);
        JsonNode orderNode = JsonBody.optional(body, "keys");
        List<String> orderBy = orderNode == null ? List.of() : strings(orderNode, at + ".keys");
        if (orderBy.isEmpty()) {
            throw invalid(at + ".keys", "non-empty", "aggregate keys must not be empty");
        }
        for (int i = 0; i < orderBy.size(); i++) {
            String key = orderBy.get(i);
            if (!key.equals(SCORE) && PREDEFINED.contains(key)) {
                throw invalid(at + ".keys[" + i + "]", "aggregate-key", "aggregate keys must be metadata fields "
                        + "or #score (cannot use #document, #embedding, or #metadata)");
            }
        }
        JsonNode kNode = JsonBody.optional(body, "k");
        if (kNode == null) {
            throw invalid(at + ".k", "required", "missing field `k`");
        }
        int k = unsigned(kNode, at + ".k");
        if (k == 0) {
            throw invalid(at + ".k", "positive", "aggregate k must be greater than 0");
        }
        return new GroupBy(keys, descending, orderBy, k);
    }

    // ---- helpers ----------------------------------------------------------------------------------------------

    private static void object(JsonNode node, String path) {
        if (!node.isObject()) {
            throw invalid(path, "object", "must be an object");
        }
    }

    private static int unsigned(JsonNode value, String path) {
        if (!value.isIntegralNumber() || !value.canConvertToLong() || value.longValue() < 0
                || value.longValue() > 0xFFFF_FFFFL) {
            throw invalid(path, "u32", "must be an integer in [0, 4294967295]");
        }
        return (int) Math.min(Integer.MAX_VALUE, value.longValue());
    }

    private static List<String> strings(JsonNode node, String path) {
        if (!node.isArray()) {
            throw invalid(path, "list", "must be a list of strings");
        }
        List<String> values = new ArrayList<>(node.size());
        for (int i = 0; i < node.size(); i++) {
            JsonNode element = node.get(i);
            if (!element.isString()) {
                throw invalid(path + "[" + i + "]", "string", "must be a string");
            }
            values.add(element.stringValue());
        }
        return values;
    }

    private static QuiverException invalid(String path, String rule, String problem) {
        return invalidField(ErrorCode.INVALID_ARGUMENT, path, rule, "Validation error: " + path + ": " + problem);
    }

    private static QuiverException invalidWhere(String path, String problem) {
        return invalidField(ErrorCode.INVALID_WHERE, path, "where", "Invalid where clause: " + path + ": " + problem);
    }
}
