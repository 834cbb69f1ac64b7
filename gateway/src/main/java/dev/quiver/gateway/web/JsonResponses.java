package dev.quiver.gateway.web;

import dev.quiver.embedding.api.EmbeddingFunction;
import dev.quiver.search.api.CollectionView;
import dev.quiver.search.api.Hit;
import dev.quiver.search.api.HnswConfiguration;
import dev.quiver.search.api.MetadataValue;
import dev.quiver.search.api.Metric;
import dev.quiver.search.api.Quantization;
import dev.quiver.search.api.StoredRecord;
import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes Chroma's response shapes with a streaming generator, so large reads never build a tree of boxed floats.
 * Stateless and thread-safe.
 */
final class JsonResponses {

    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    private JsonResponses() {
    }

    static byte[] write(Consumer<JsonGenerator> body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator generator = MAPPER.createGenerator(out)) {
            body.accept(generator);
        }
        return out.toByteArray();
    }

    static byte[] collection(CollectionView collection) {
        return collection(collection, view -> Optional.empty());
    }

    /**
     * Chroma's Collection.
     *
     * @param functions the embedding function the server runs for a collection, if any: its model and dimension
     *                  are added to the configuration as {@code server_embedding}
     */
    static byte[] collection(CollectionView collection,
            Function<CollectionView, Optional<EmbeddingFunction>> functions) {
        return write(json -> writeCollection(json, collection, functions));
    }

    static byte[] collections(List<CollectionView> collections) {
        return collections(collections, view -> Optional.empty());
    }

    /** Chroma's Collection list; see {@link #collection(CollectionView, Function)} for {@code functions}. */
    static byte[] collections(List<CollectionView> collections,
            Function<CollectionView, Optional<EmbeddingFunction>> functions) {
        return write(json -> {
            json.writeStartArray();
            for (CollectionView collection : collections) {
                writeCollection(json, collection, functions);
            }
            json.writeEndArray();
        });
    }

    private static void writeCollection(JsonGenerator json, CollectionView collection,
            Function<CollectionView, Optional<EmbeddingFunction>> functions) {
        HnswConfiguration hnsw = collection.hnsw();
        json.writeStartObject();
        json.writeStringProperty("id", collection.id().toString());
        json.writeStringProperty("name", collection.name());
        json.writeName("configuration_json");
        json.writeStartObject();
        json.writeName("hnsw");
        json.writeStartObject();
        json.writeStringProperty("space", hnsw.space().chromaName());
        json.writeNumberProperty("ef_construction", hnsw.constructionEf());
        json.writeNumberProperty("ef_search", hnsw.searchEf());
        json.writeNumberProperty("max_neighbors", hnsw.maxNeighbors());
        json.writeNumberProperty("resize_factor", hnsw.resizeFactor());
        json.writeNumberProperty("sync_threshold", hnsw.syncThreshold());
        // Quiver's extension appears only when set, so a default collection reads exactly as Chroma's does.
        if (hnsw.quantization() != Quantization.NONE) {
            json.writeStringProperty("quantization", hnsw.quantization().wireName());
        }
        json.writeEndObject();
        json.writeNullProperty("spann");
        json.writeName("embedding_function");
        if (collection.embeddingFunction() == null) {
            json.writeNull();
        } else {
            json.writeRawValue(collection.embeddingFunction());
        }
        // Quiver's extension, only where the server embeds: the function is echoed exactly as the client sent it
        // (Chroma's clients compare it), so what it resolves to is said beside it, with the model's own name and
        // dimension in the snake_case of Chroma's function configs.
        Optional<EmbeddingFunction> function = collection.embeddingFunction() == null ? Optional.empty()
                : functions.apply(collection);
        if (function.isPresent()) {
            json.writeName("server_embedding");
            json.writeStartObject();
            json.writeStringProperty("name", function.get().name());
            json.writeStringProperty("model_name", function.get().model());
            json.writeNumberProperty("dimension", function.get().dimension());
            json.writeEndObject();
        }
        json.writeEndObject();
        json.writeNullProperty("schema");
        json.writeName("metadata");
        writeMetadata(json, collection.metadata());
        json.writeName("dimension");
        if (collection.dimension() == null) {
            json.writeNull();
        } else {
            json.writeNumber(collection.dimension());
        }
        json.writeStringProperty("tenant", collection.database().tenant().name());
        json.writeStringProperty("database", collection.database().name());
        json.writeNumberProperty("log_position", collection.logPosition());
        json.writeNumberProperty("version", collection.version());
        json.writeEndObject();
    }

    /** Chroma's GetResponse: every key present, parts not included are null. */
    static byte[] get(List<StoredRecord> records, List<String> include) {
        return write(json -> {
            json.writeStartObject();
            json.writeName("ids");
            json.writeStartArray();
            for (StoredRecord record : records) {
                json.writeString(record.id());
            }
            json.writeEndArray();
            writeColumn(json, "embeddings", include, records);
            writeColumn(json, "documents", include, records);
            writeColumn(json, "uris", include, records);
            writeColumn(json, "metadatas", include, records);
            writeInclude(json, include);
            json.writeEndObject();
        });
    }

    /** Chroma's QueryResponse: one row per query vector in every included column. */
    static byte[] query(List<List<Hit>> results, List<String> include, Metric metric) {
        return write(json -> {
            json.writeStartObject();
            json.writeName("ids");
            json.writeStartArray();
            for (List<Hit> hits : results) {
                json.writeStartArray();
                for (Hit hit : hits) {
                    json.writeString(hit.record().id());
                }
                json.writeEndArray();
            }
            json.writeEndArray();
            for (String column : List.of("embeddings", "documents", "uris", "metadatas", "distances")) {
                json.writeName(column);
                if (!include.contains(column)) {
                    json.writeNull();
                    continue;
                }
                json.writeStartArray();
                for (List<Hit> hits : results) {
                    json.writeStartArray();
                    for (Hit hit : hits) {
                        if (column.equals("distances")) {
                            json.writeNumber(metric.distance(hit.score()));
                        } else {
                            writeValue(json, column, hit.record());
                        }
                    }
                    json.writeEndArray();
                }
                json.writeEndArray();
            }
            writeInclude(json, include);
            json.writeEndObject();
        });
    }

    private static void writeColumn(JsonGenerator json, String column, List<String> include,
            List<StoredRecord> records) {
        json.writeName(column);
        if (!include.contains(column)) {
            json.writeNull();
            return;
        }
        json.writeStartArray();
        for (StoredRecord record : records) {
            writeValue(json, column, record);
        }
        json.writeEndArray();
    }

    private static void writeValue(JsonGenerator json, String column, StoredRecord record) {
        switch (column) {
            case "embeddings" -> writeEmbedding(json, record.embedding());
            case "documents" -> writeNullableString(json, record.document());
            case "uris" -> writeNullableString(json, record.uri());
            case "metadatas" -> writeMetadata(json, record.metadata());
            default -> throw new IllegalArgumentException("unknown column: " + column);
        }
    }

    private static void writeInclude(JsonGenerator json, List<String> include) {
        json.writeName("include");
        json.writeStartArray();
        for (String name : include) {
            json.writeString(name);
        }
        json.writeEndArray();
    }

    /** A record's vector as a JSON array of numbers, or null when it was not read. */
    static void writeEmbedding(JsonGenerator json, float @Nullable [] embedding) {
        if (embedding == null) {
            json.writeNull();
            return;
        }
        json.writeStartArray();
        for (float component : embedding) {
            json.writeNumber(component);
        }
        json.writeEndArray();
    }

    static void writeNullableString(JsonGenerator json, @Nullable String value) {
        if (value == null) {
            json.writeNull();
        } else {
            json.writeString(value);
        }
    }

    static void writeMetadata(JsonGenerator json, @Nullable Map<String, MetadataValue> metadata) {
        if (metadata == null || metadata.isEmpty()) {
            json.writeNull();
            return;
        }
        json.writeStartObject();
        for (Map.Entry<String, MetadataValue> entry : metadata.entrySet()) {
            json.writeName(entry.getKey());
            switch (entry.getValue()) {
                case MetadataValue.StringValue value -> json.writeString(value.value());
                case MetadataValue.IntValue value -> json.writeNumber(value.value());
                case MetadataValue.FloatValue value -> json.writeNumber(value.value());
                case MetadataValue.BoolValue value -> json.writeBoolean(value.value());
                case MetadataValue.StringArray value -> {
                    json.writeStartArray();
                    for (String element : value.values()) {
                        json.writeString(element);
                    }
                    json.writeEndArray();
                }
                case MetadataValue.IntArray value -> {
                    json.writeStartArray();
                    for (long element : value.values()) {
                        json.writeNumber(element);
                    }
                    json.writeEndArray();
                }
                case MetadataValue.FloatArray value -> {
                    json.writeStartArray();
                    for (double element : value.values()) {
                        json.writeNumber(element);
                    }
                    json.writeEndArray();
                }
                case MetadataValue.BoolArray value -> {
                    json.writeStartArray();
                    for (boolean element : value.values()) {
                        json.writeBoolean(element);
                    }
                    json.writeEndArray();
                }
                case MetadataValue.Null value -> json.writeNull();
            }
        }
        json.writeEndObject();
    }
}
