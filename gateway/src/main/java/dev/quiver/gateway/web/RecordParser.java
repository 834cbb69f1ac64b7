package dev.quiver.gateway.web;

import static dev.quiver.common.QuiverException.invalidField;
import static dev.quiver.gateway.web.JsonBody.array;
import static dev.quiver.gateway.web.JsonBody.optional;
import static dev.quiver.gateway.web.JsonBody.required;
import static dev.quiver.gateway.web.JsonBody.shape;

import dev.quiver.common.ErrorCode;
import dev.quiver.common.QuiverException;
import dev.quiver.search.api.Include;
import dev.quiver.search.api.MetadataValue;
import dev.quiver.search.api.RecordFilter;
import dev.quiver.search.api.RecordStore;
import dev.quiver.search.api.RecordWrite;
import dev.quiver.search.api.WriteBatch;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * Turns Chroma record requests into validated search commands, checking everything before anything is written:
 * shapes (422), then Chroma's validation rules (400) in the order Chroma applies them. Stateless.
 */
final class RecordParser {

    static final List<String> GET_DEFAULT_INCLUDE = List.of("documents", "metadatas");
    static final List<String> QUERY_DEFAULT_INCLUDE = List.of("documents", "metadatas", "distances");

    private RecordParser() {
    }

    /**
     * Parses add, upsert or update for a collection the server embeds nothing for. Add and upsert need embeddings;
     * update may leave any part out.
     *
     * @param dimension the collection's dimension, or null before its first vectors
     */
    static WriteBatch write(JsonNode body, WriteBatch.Operation operation, @Nullable Integer dimension) {
        return write(body, operation, dimension, new ServerEmbedding.Support(null, "The collection has no embedding "
                + "function"));
    }

    /**
     * Parses add, upsert or update. Where the server embeds for the collection ({@code support} has a function),
     * a record may come with a document and no embedding, in add and upsert too: its embedding is left null here
     * for {@link ServerEmbedding#embedDocuments}, and {@link #checkEmbedded} checks the dimensions once it is
     * filled in. Where it does not, add and upsert need embeddings as in Chroma, and documents sent without them
     * are refused with a 400 that says why.
     *
     * @param dimension the collection's dimension, or null before its first vectors
     */
    static WriteBatch write(JsonNode body, WriteBatch.Operation operation, @Nullable Integer dimension,
            ServerEmbedding.Support support) {
        List<String> ids = ids(required(body, "ids"), "ids");
        boolean update = operation == WriteBatch.Operation.UPDATE;
        boolean serverEmbeds = support.available();
        JsonNode embeddingsNode = optional(body, "embeddings");
        if (embeddingsNode == null && !update && !serverEmbeds && optional(body, "documents") == null) {
            // Chroma's 422 (a missing member) or its shape error (an explicit null).
            required(body, "embeddings");
        }
        List<float @Nullable []> embeddings = embeddingsNode == null ? null
                : embeddings(embeddingsNode, "embeddings", update || serverEmbeds);
        List<@Nullable String> documents = nullableStrings(optional(body, "documents"), "documents");
        List<@Nullable String> uris = nullableStrings(optional(body, "uris"), "uris");
        // In update and upsert a null metadata value removes the key; add refuses it (Chroma's rules).
        boolean patch = update || operation == WriteBatch.Operation.UPSERT;
        List<@Nullable Map<String, MetadataValue>> metadatas = metadatas(optional(body, "metadatas"), patch);

        int count = ids.size();
        if ((embeddings != null && embeddings.size() != count) || (documents != null && documents.size() != count)
                || (uris != null && uris.size() != count) || (metadatas != null && metadatas.size() != count)) {
            throw invalidField(ErrorCode.INVALID_ARGUMENT, "ids", "length",
                    "Inconsistent number of IDs, embeddings, documents, URIs and metadatas");
        }
        checkIds(ids);
        if (embeddings != null) {
            checkDimensions(embeddings, dimension);
        }
        List<RecordWrite> records = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            float[] embedding = embeddings == null ? null : embeddings.get(i);
            String document = documents == null ? null : documents.get(i);
            if (embedding == null && !update) {
                if (document == null) {
                    throw invalidField(ErrorCode.INVALID_ARGUMENT, "embeddings[" + i + "]", "embedding-or-document",
                            "Validation error: embeddings[" + i + "]: record '" + ids.get(i) + "' has neither an "
                                    + "embedding nor a document to embed");
                }
                if (!serverEmbeds) {
                    throw support.refusal("documents[" + i + "]");
                }
            }
            records.add(new RecordWrite(ids.get(i), embedding, document,
                    metadatas == null ? null : metadatas.get(i),
                    uris == null ? null : uris.get(i)));
        }
        return new WriteBatch(operation, records);
    }

    /**
     * Checks a batch's vectors once the server has embedded its documents: one dimension for all of them, and the
     * collection's if it has one. Vectors that came with the request were already checked one by one.
     *
     * @param dimension the collection's dimension, or null before its first vectors
     */
    static void checkEmbedded(WriteBatch batch, @Nullable Integer dimension) {
        List<float @Nullable []> embeddings = new ArrayList<>(batch.records().size());
        for (RecordWrite record : batch.records()) {
            embeddings.add(record.embedding());
        }
        checkDimensions(embeddings, dimension);
    }

    /**
     * The {@code query_texts} of a query, Quiver's extension of Chroma's query for collections the server embeds
     * for: a non-empty array of strings.
     */
    static List<String> queryTexts(JsonNode node) {
        array(node, "query_texts");
        List<String> texts = new ArrayList<>(node.size());
        for (int i = 0; i < node.size(); i++) {
            texts.add(JsonBody.string(node.get(i), "query_texts[" + i + "]"));
        }
        return texts;
    }

    /** Checks vectors the server made from {@code field}'s texts against the collection's dimension. */
    static void checkEmbeddedQueries(float[][] queries, @Nullable Integer dimension, String field) {
        if (queries.length > 0) {
            checkDimension(queries[0].length, dimension, field);
        }
    }

    /** The {@code ids}, {@code where} and {@code where_document} of a get, query or delete. */
    static RecordFilter filter(JsonNode body) {
        JsonNode idsNode = optional(body, "ids");
        JsonNode where = optional(body, "where");
        JsonNode whereDocument = optional(body, "where_document");
        List<String> ids = idsNode == null ? null : ids(idsNode, "ids");
        return new RecordFilter(ids,
                where == null ? null : FilterParser.where(where, "where"),
                whereDocument == null ? null : FilterParser.whereDocument(whereDocument, "where_document"));
    }

    /** The {@code include} list as sent, or the default; each value checked. */
    static List<String> include(JsonNode body, List<String> fallback) {
        JsonNode node = body.get("include");
        if (node == null) {
            return fallback;
        }
        array(node, "include");
        List<String> names = new ArrayList<>(node.size());
        for (int i = 0; i < node.size(); i++) {
            JsonNode value = node.get(i);
            String name = value.isString() ? value.stringValue() : null;
            if (name == null || !List.of("distances", "documents", "embeddings", "metadatas", "uris")
                    .contains(name)) {
                throw shape("include[" + i + "]", "unknown variant " + (name == null ? JsonBody.describe(value)
                        : "`" + name + "`") + ", expected one of `distances`, `documents`, `embeddings`, "
                        + "`metadatas`, `uris`");
            }
            names.add(name);
        }
        return names;
    }

    static Set<Include> includeSet(List<String> names) {
        Set<Include> include = EnumSet.noneOf(Include.class);
        for (String name : names) {
            include.add(Include.valueOf(name.toUpperCase(java.util.Locale.ROOT)));
        }
        return include;
    }

    /** Query vectors: float arrays (or base64), all of the collection's dimension. */
    static float[][] queryEmbeddings(JsonNode body, @Nullable Integer dimension) {
        JsonNode node = required(body, "query_embeddings");
        List<float @Nullable []> embeddings = embeddings(node, "query_embeddings", false);
        checkDimensions(embeddings, dimension);
        return embeddings.toArray(new float[0][]);
    }

    private static List<String> ids(JsonNode node, String field) {
        array(node, field);
        List<String> ids = new ArrayList<>(node.size());
        for (int i = 0; i < node.size(); i++) {
            ids.add(JsonBody.string(node.get(i), field + "[" + i + "]"));
        }
        return ids;
    }

    private static void checkIds(List<String> ids) {
        for (int i = 0; i < ids.size(); i++) {
            if (ids.get(i).isEmpty()) {
                throw invalidField(ErrorCode.INVALID_ARGUMENT, "ids[" + i + "]", "non-empty",
                        "Empty ID, ID must have at least one character");
            }
        }
    }

    private static List<float @Nullable []> embeddings(JsonNode node, String name, boolean nullable) {
        array(node, name);
        List<float @Nullable []> embeddings = new ArrayList<>(node.size());
        for (int i = 0; i < node.size(); i++) {
            JsonNode value = node.get(i);
            String field = name + "[" + i + "]";
            if (value.isNull() && nullable) {
                embeddings.add(null);
            } else if (value.isString()) {
                embeddings.add(decodeBase64(value.stringValue(), field));
            } else if (value.isArray()) {
                embeddings.add(floats(value, field));
            } else {
                throw shape(field, "invalid type: " + JsonBody.describe(value) + ", expected a sequence");
            }
        }
        return embeddings;
    }

    private static float[] floats(JsonNode value, String field) {
        float[] vector = new float[value.size()];
        for (int j = 0; j < vector.length; j++) {
            JsonNode element = value.get(j);
            if (!element.isNumber()) {
                throw shape(field + "[" + j + "]",
                        "invalid type: " + JsonBody.describe(element) + ", expected f32");
            }
            // Beyond float32's range becomes infinite here and is refused by the finiteness rule, as in Chroma.
            vector[j] = (float) element.doubleValue();
        }
        return vector;
    }

    /** Chroma's base64 form: the little-endian float32 bytes of the vector. */
    private static float[] decodeBase64(String text, String field) {
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw invalidField(ErrorCode.INVALID_ARGUMENT, field, "base64", "Invalid base64 string: "
                    + base64Problem(text));
        }
        if (bytes.length % Float.BYTES != 0) {
            throw invalidField(ErrorCode.INVALID_ARGUMENT, field, "base64", "Invalid byte length: "
                    + bytes.length + " bytes cannot be converted to f32 values (must be divisible by 4)");
        }
        FloatBuffer floats = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
        float[] vector = new float[floats.remaining()];
        floats.get(vector);
        for (int j = 0; j < vector.length; j++) {
            if (!Float.isFinite(vector[j])) {
                throw invalidField(ErrorCode.INVALID_ARGUMENT, field, "finite", "Non-finite float value at "
                        + "embedding index " + j + ": " + (Float.isNaN(vector[j]) ? "NaN" : "inf"));
            }
        }
        return vector;
    }

    /** The first offending character in the words of Rust's base64 crate, which Chroma reports. */
    private static String base64Problem(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean valid = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+'
                    || c == '/' || c == '=';
            if (!valid) {
                return "Invalid symbol " + (int) c + ", offset " + i + ".";
            }
        }
        return "Invalid padding or length: " + text.length() + " characters.";
    }

    /**
     * One query vector sent as a JSON array of numbers, as the console sends it: the same rules as
     * {@code query_embeddings}, with errors naming {@code field}.
     *
     * @param dimension the collection's dimension, or null before its first vectors
     */
    static float[] embedding(JsonNode node, String field, @Nullable Integer dimension) {
        if (!node.isArray()) {
            throw shape(field, "invalid type: " + JsonBody.describe(node) + ", expected a sequence");
        }
        float[] vector = floats(node, field);
        checkVector(vector, field, field);
        checkDimension(vector.length, dimension, field);
        return vector;
    }

    private static void checkDimensions(List<float @Nullable []> embeddings, @Nullable Integer dimension) {
        int first = -1;
        for (int i = 0; i < embeddings.size(); i++) {
            float[] vector = embeddings.get(i);
            if (vector == null) {
                continue;
            }
            String field = "embeddings[" + i + "]";
            checkVector(vector, field, "embeddings");
            if (first == -1) {
                first = vector.length;
            } else if (vector.length != first) {
                throw invalidField(ErrorCode.INVALID_ARGUMENT, field, "dimension",
                        "Inconsistent dimensions in provided embeddings");
            }
        }
        if (first != -1) {
            checkDimension(first, dimension, "embeddings");
        }
    }

    /**
     * One vector's own rules: at least one dimension, finite values, at most {@link RecordStore#MAX_DIMENSION}.
     *
     * @param field the vector's JSON path, which the error names
     * @param name  the request member, which Chroma's message names
     */
    private static void checkVector(float[] vector, String field, String name) {
        if (vector.length == 0) {
            throw invalidField(ErrorCode.INVALID_ARGUMENT, field, "dimension",
                    "Validation error: " + name + ": Each embedding must have at least 1 dimension");
        }
        for (float component : vector) {
            if (!Float.isFinite(component)) {
                throw invalidField(ErrorCode.INVALID_ARGUMENT, field, "finite",
                        "Validation error: " + name + ": Embeddings must not contain NaN or Infinity values");
            }
        }
        if (vector.length > RecordStore.MAX_DIMENSION) {
            throw invalidField(ErrorCode.INVALID_ARGUMENT, field, "dimension", "Validation error: " + name + ": "
                    + "an embedding has " + vector.length + " dimensions, more than the maximum of "
                    + RecordStore.MAX_DIMENSION);
        }
    }

    /** {@code DIMENSION_MISMATCH} naming {@code field} when the collection has a dimension and it differs. */
    private static void checkDimension(int length, @Nullable Integer dimension, String field) {
        if (dimension != null && length != dimension) {
            throw invalidField(ErrorCode.DIMENSION_MISMATCH, field, "dimension",
                    "Collection expecting embedding with dimension of " + dimension + ", got " + length);
        }
    }

    private static @Nullable List<@Nullable String> nullableStrings(@Nullable JsonNode node, String field) {
        if (node == null) {
            return null;
        }
        array(node, field);
        List<@Nullable String> values = new ArrayList<>(node.size());
        for (int i = 0; i < node.size(); i++) {
            JsonNode value = node.get(i);
            values.add(value.isNull() ? null : JsonBody.string(value, field + "[" + i + "]"));
        }
        return values;
    }

    private static @Nullable List<@Nullable Map<String, MetadataValue>> metadatas(@Nullable JsonNode node,
            boolean update) {
        if (node == null) {
            return null;
        }
        array(node, "metadatas");
        List<@Nullable Map<String, MetadataValue>> values = new ArrayList<>(node.size());
        for (int i = 0; i < node.size(); i++) {
            JsonNode value = node.get(i);
            values.add(value.isNull() ? null : metadata(value, "metadatas[" + i + "]", update, i));
        }
        return values;
    }

    /**
     * One metadata map. Values are scalars or arrays of one scalar type; {@code null} removes a key in an update
     * and is refused elsewhere. Keys starting with {@code #} are reserved by Chroma.
     *
     * @param index the record's position, for Chroma's message; -1 for a collection's metadata
     */
    static Map<String, MetadataValue> metadata(JsonNode node, String field, boolean allowNull, int index) {
        if (!node.isObject()) {
            throw shape(field, "invalid type: " + JsonBody.describe(node) + ", expected a map");
        }
        Map<String, MetadataValue> metadata = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> entry : node.properties()) {
            String key = entry.getKey();
            String path = field + "." + key;
            if (key.startsWith("#") || key.isEmpty()) {
                throw invalidField(ErrorCode.INVALID_ARGUMENT, path, "reserved-key",
                        "Validation error: metadatas: Invalid metadata at index " + Math.max(index, 0));
            }
            metadata.put(key, value(entry.getValue(), path, allowNull));
        }
        return metadata;
    }

    private static MetadataValue value(JsonNode value, String path, boolean allowNull) {
        if (value.isNull()) {
            if (allowNull) {
                return new MetadataValue.Null();
            }
            throw untagged(path);
        }
        if (value.isString()) {
            return new MetadataValue.StringValue(value.stringValue());
        }
        if (value.isBoolean()) {
            return new MetadataValue.BoolValue(value.booleanValue());
        }
        if (value.isIntegralNumber()) {
            if (!value.canConvertToLong()) {
                throw untagged(path);
            }
            return new MetadataValue.IntValue(value.longValue());
        }
        if (value.isNumber()) {
            if (!Double.isFinite(value.doubleValue())) {
                throw untagged(path);
            }
            return new MetadataValue.FloatValue(value.doubleValue());
        }
        if (value.isArray()) {
            return arrayValue(value, path);
        }
        throw untagged(path);
    }

    private static MetadataValue arrayValue(JsonNode value, String path) {
        if (value.isEmpty()) {
            return new MetadataValue.StringArray(List.of());
        }
        JsonNode first = value.get(0);
        if (first.isString()) {
            List<String> strings = new ArrayList<>(value.size());
            for (JsonNode element : value.values()) {
                if (!element.isString()) {
                    throw untagged(path);
                }
                strings.add(element.stringValue());
            }
            return new MetadataValue.StringArray(strings);
        }
        if (first.isBoolean()) {
            List<Boolean> booleans = new ArrayList<>(value.size());
            for (JsonNode element : value.values()) {
                if (!element.isBoolean()) {
                    throw untagged(path);
                }
                booleans.add(element.booleanValue());
            }
            return new MetadataValue.BoolArray(booleans);
        }
        if (first.isNumber()) {
            // An array of integers stays integers; one float among them makes them all floats, as in Chroma.
            boolean integral = true;
            for (JsonNode element : value.values()) {
                if (!element.isNumber() || !Double.isFinite(element.doubleValue())) {
                    throw untagged(path);
                }
                integral &= element.isIntegralNumber() && element.canConvertToLong();
            }
            if (integral) {
                List<Long> longs = new ArrayList<>(value.size());
                for (JsonNode element : value.values()) {
                    longs.add(element.longValue());
                }
                return new MetadataValue.IntArray(longs);
            }
            List<Double> doubles = new ArrayList<>(value.size());
            for (JsonNode element : value.values()) {
                doubles.add(element.doubleValue());
            }
            return new MetadataValue.FloatArray(doubles);
        }
        throw untagged(path);
    }

    private static QuiverException untagged(String path) {
        return shape(path, "data did not match any variant of untagged enum MetadataValue");
    }
}
