package dev.quiver.gateway.web;

import static dev.quiver.common.QuiverException.invalidField;
import static java.util.Objects.requireNonNull;

import dev.quiver.common.ErrorCode;
import dev.quiver.common.QuiverException;
import dev.quiver.embedding.api.EmbeddingFunction;
import dev.quiver.embedding.api.EmbeddingFunctionConfiguration;
import dev.quiver.embedding.api.EmbeddingFunctions;
import dev.quiver.search.api.CollectionView;
import dev.quiver.search.api.QueryEmbedder;
import dev.quiver.search.api.RecordWrite;
import dev.quiver.search.api.WriteBatch;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Embeds documents and query texts on the server, with the function a collection's Chroma configuration names
 * ({@code configuration.embedding_function}), when this server runs it. Chroma's clients embed on their side and
 * always send vectors; this is what lets a client send documents, or query texts, alone. Thread-safe.
 */
@Component
class ServerEmbedding implements QueryEmbedder {

    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    private final EmbeddingFunctions functions;

    ServerEmbedding(EmbeddingFunctions functions) {
        this.functions = requireNonNull(functions, "functions is null");
    }

    /** What the server can embed for {@code collection}: its function, or why it has none. */
    Support support(CollectionView collection) {
        String raw = collection.embeddingFunction();
        if (raw == null) {
            return new Support(null, "Collection '" + collection.name() + "' has no embedding function");
        }
        EmbeddingFunctionConfiguration configuration = configuration(raw);
        Optional<EmbeddingFunction> function = functions.find(configuration);
        return function.map(found -> new Support(found, ""))
                .orElseGet(() -> new Support(null, "Collection '" + collection.name() + "' names the embedding "
                        + "function " + configuration.describe() + ", which does not run on the server"));
    }

    /** Whether this server runs the function a raw {@code embedding_function} configuration names. */
    boolean runs(String raw) {
        return functions.find(configuration(raw)).isPresent();
    }

    /**
     * Chroma's configuration of a function known by name, as Chroma's JS client sends it for its default:
     * {@code {"type":"known","name":"default","config":{}}}.
     */
    static String knownConfiguration(String name) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("type", "known");
        node.put("name", name);
        node.putObject("config");
        return node.toString();
    }

    /** Text ranks of the Search API ({@code $knn} with a string query), refused as {@code query_texts} is. */
    @Override
    public float[][] embedQueries(CollectionView collection, List<String> texts) {
        Support support = support(collection);
        EmbeddingFunction function = support.function();
        if (function == null) {
            throw support.refusal("query");
        }
        return function.embed(texts);
    }

    /** The function the server runs for {@code collection}, if any, for its configuration's answer. */
    Optional<EmbeddingFunction> function(CollectionView collection) {
        return Optional.ofNullable(support(collection).function());
    }

    /**
     * The batch with a vector for every record that came with a document and no embedding. Records that came with
     * an embedding keep it; records with neither stay as they are (an update that changes only metadata).
     *
     * @return {@code batch} itself when nothing needed embedding
     */
    static WriteBatch embedDocuments(WriteBatch batch, EmbeddingFunction function) {
        List<RecordWrite> records = batch.records();
        List<String> documents = new ArrayList<>();
        for (RecordWrite record : records) {
            if (record.embedding() == null && record.document() != null) {
                documents.add(record.document());
            }
        }
        if (documents.isEmpty()) {
            return batch;
        }
        float[][] vectors = function.embed(documents);
        List<RecordWrite> embedded = new ArrayList<>(records.size());
        int next = 0;
        for (RecordWrite record : records) {
            if (record.embedding() == null && record.document() != null) {
                embedded.add(new RecordWrite(record.id(), vectors[next++], record.document(), record.metadata(),
                        record.uri()));
            } else {
                embedded.add(record);
            }
        }
        return new WriteBatch(batch.operation(), embedded);
    }

    /** How many texts {@link #embedDocuments} embeds for {@code batch}: the unit embedding is metered in. */
    static int documentsToEmbed(WriteBatch batch) {
        int count = 0;
        for (RecordWrite record : batch.records()) {
            if (record.embedding() == null && record.document() != null) {
                count++;
            }
        }
        return count;
    }

    /**
     * Chroma's configuration from the raw JSON a client sent when it created the collection. Anything that is not
     * an object with a string {@code type} reads as {@code unknown}, which no function resolves.
     */
    static EmbeddingFunctionConfiguration configuration(String raw) {
        JsonNode node;
        try {
            node = MAPPER.readTree(raw);
        } catch (JacksonException e) {
            return new EmbeddingFunctionConfiguration("unknown", null, Map.of());
        }
        if (node == null || !node.isObject() || !node.path("type").isString()) {
            return new EmbeddingFunctionConfiguration("unknown", null, Map.of());
        }
        JsonNode name = node.get("name");
        Map<String, Object> config = new LinkedHashMap<>();
        JsonNode configNode = node.get("config");
        if (configNode != null && configNode.isObject()) {
            for (Map.Entry<String, JsonNode> entry : configNode.properties()) {
                JsonNode value = entry.getValue();
                if (value.isString()) {
                    config.put(entry.getKey(), value.stringValue());
                } else if (value.isBoolean()) {
                    config.put(entry.getKey(), value.booleanValue());
                } else if (value.isNumber()) {
                    config.put(entry.getKey(), value.numberValue());
                }
            }
        }
        return new EmbeddingFunctionConfiguration(node.get("type").stringValue(),
                name != null && name.isString() ? name.stringValue() : null, config);
    }

    /**
     * What the server can embed for one collection.
     *
     * @param function the function the server runs for it, null when none
     * @param absence  why there is none, for the 400 that refuses documents without embeddings; empty otherwise
     */
    record Support(@Nullable EmbeddingFunction function, String absence) {

        Support {
            requireNonNull(absence, "absence is null");
        }

        boolean available() {
            return function != null;
        }

        /**
         * The 400 that refuses text the collection has no function to embed: it names the request member holding
         * the text ({@code documents[0]}, {@code query_texts}) and the rule {@code embedding-function}.
         */
        QuiverException refusal(String field) {
            return invalidField(ErrorCode.INVALID_ARGUMENT, field, "embedding-function", "Validation error: "
                    + field + ": " + absence + ", so the server cannot embed text: send embeddings");
        }
    }
}
