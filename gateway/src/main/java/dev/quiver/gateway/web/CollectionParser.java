package dev.quiver.gateway.web;

import static dev.quiver.common.QuiverException.invalidField;
import static dev.quiver.gateway.web.JsonBody.optional;
import static dev.quiver.gateway.web.JsonBody.shape;

import dev.quiver.common.ErrorCode;
import dev.quiver.search.api.HnswConfiguration;
import dev.quiver.search.api.MetadataValue;
import dev.quiver.search.api.Metric;
import dev.quiver.search.api.Quantization;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * Reads a collection's metadata and configuration as Chroma accepts them. The HNSW settings may come from
 * {@code configuration.hnsw} or, in the legacy form, from {@code hnsw:*} metadata keys; the configuration wins.
 * Besides Chroma's settings, {@code configuration.hnsw} takes Quiver's {@code quantization} ({@code "none"}, the
 * default, or {@code "int8"}), which only a new collection may set. Stateless.
 */
final class CollectionParser {

    /** What {@code new_configuration.hnsw} may change on an existing collection (Chroma's rule). */
    private static final Set<String> MUTABLE_HNSW =
            Set.of("ef_search", "max_neighbors", "num_threads", "resize_factor", "sync_threshold", "batch_size");

    /** Quiver's extension of {@code configuration.hnsw}; not in Chroma's schema, so Chroma's errors do not apply. */
    private static final String QUANTIZATION = "quantization";
    /** The accepted values of {@link #QUANTIZATION}, as the refusal of another one lists them. */
    private static final String QUANTIZATION_NAMES = quantizationNames();

    private CollectionParser() {
    }

    static @Nullable Map<String, MetadataValue> metadata(JsonNode body, String field) {
        JsonNode node = optional(body, field);
        if (node == null) {
            return null;
        }
        Map<String, MetadataValue> metadata = RecordParser.metadata(node, field, false, -1);
        return metadata.isEmpty() ? null : metadata;
    }

    /** A configuration object ({@code configuration} or {@code new_configuration}), or null when absent. */
    static @Nullable JsonNode configuration(JsonNode body, String field) {
        JsonNode node = optional(body, field);
        if (node != null && !node.isObject()) {
            throw shape(field, "invalid type: " + JsonBody.describe(node) + ", expected a map");
        }
        return node;
    }

    /** The HNSW settings of a new collection, from its configuration and its legacy metadata. */
    static HnswConfiguration hnsw(@Nullable JsonNode configuration, @Nullable Map<String, MetadataValue> metadata) {
        HnswConfiguration hnsw = fromMetadata(metadata);
        JsonNode node = configuration == null ? null : optional(configuration, "hnsw");
        if (node == null) {
            return hnsw;
        }
        if (!node.isObject()) {
            throw shape("configuration.hnsw", "invalid type: " + JsonBody.describe(node) + ", expected a map");
        }
        Metric space = hnsw.space();
        JsonNode spaceNode = optional(node, "space");
        if (spaceNode != null) {
            String name = JsonBody.string(spaceNode, "configuration.hnsw.space");
            try {
                space = Metric.fromChromaName(name);
            } catch (IllegalArgumentException e) {
                throw shape("configuration.hnsw.space",
                        "unknown variant `" + name + "`, expected one of `l2`, `cosine`, `ip`");
            }
        }
        return checked(space,
                integer(node, "ef_construction", hnsw.constructionEf()),
                integer(node, "ef_search", hnsw.searchEf()),
                integer(node, "max_neighbors", hnsw.maxNeighbors()),
                decimal(node, "resize_factor", hnsw.resizeFactor()),
                integer(node, "sync_threshold", hnsw.syncThreshold()),
                quantization(node, hnsw.quantization()));
    }

    /** Applies {@code new_configuration} to a collection's settings; only the mutable fields may appear. */
    static @Nullable HnswConfiguration changedHnsw(@Nullable JsonNode newConfiguration, HnswConfiguration current) {
        JsonNode node = newConfiguration == null ? null : optional(newConfiguration, "hnsw");
        if (node == null) {
            return null;
        }
        if (!node.isObject()) {
            throw shape("new_configuration.hnsw", "invalid type: " + JsonBody.describe(node) + ", expected a map");
        }
        if (node.has(QUANTIZATION)) {
            // A shard's segments are all written in the collection's quantization, so changing it would mean
            // rebuilding every shard; refused whatever the value, even the current one, so clients learn the rule.
            String field = "new_configuration.hnsw." + QUANTIZATION;
            throw invalidField(ErrorCode.INVALID_ARGUMENT, field, "immutable", "Validation error: " + field
                    + ": cannot be changed after the collection is created");
        }
        for (String name : node.propertyNames()) {
            if (!MUTABLE_HNSW.contains(name)) {
                throw shape("new_configuration.hnsw", "unknown field `" + name + "`, expected one of "
                        + "`ef_search`, `max_neighbors`, `num_threads`, `resize_factor`, `sync_threshold`, "
                        + "`batch_size`");
            }
        }
        return checked(current.space(), current.constructionEf(),
                integer(node, "ef_search", current.searchEf()),
                integer(node, "max_neighbors", current.maxNeighbors()),
                decimal(node, "resize_factor", current.resizeFactor()),
                integer(node, "sync_threshold", current.syncThreshold()),
                current.quantization());
    }

    /** The embedding function configuration, kept as the raw JSON the client sent. */
    static @Nullable String embeddingFunction(@Nullable JsonNode configuration) {
        JsonNode node = configuration == null ? null : optional(configuration, "embedding_function");
        return node == null ? null : node.toString();
    }

    private static HnswConfiguration fromMetadata(@Nullable Map<String, MetadataValue> metadata) {
        HnswConfiguration defaults = HnswConfiguration.DEFAULT;
        if (metadata == null) {
            return defaults;
        }
        Metric space = defaults.space();
        MetadataValue spaceValue = metadata.get("hnsw:space");
        if (spaceValue != null) {
            if (!(spaceValue instanceof MetadataValue.StringValue(String name))
                    || !Set.of("l2", "cosine", "ip").contains(name)) {
                throw invalidHnswMetadata("hnsw:space");
            }
            space = Metric.fromChromaName(name);
        }
        return checked(space,
                metadataInteger(metadata, "hnsw:construction_ef", defaults.constructionEf()),
                metadataInteger(metadata, "hnsw:search_ef", defaults.searchEf()),
                metadataInteger(metadata, "hnsw:M", defaults.maxNeighbors()),
                defaults.resizeFactor(), defaults.syncThreshold(), defaults.quantization());
    }

    private static int metadataInteger(Map<String, MetadataValue> metadata, String key, int fallback) {
        MetadataValue value = metadata.get(key);
        if (value == null) {
            return fallback;
        }
        if (value instanceof MetadataValue.IntValue(long number) && number > 0 && number <= Integer.MAX_VALUE) {
            return (int) number;
        }
        throw invalidHnswMetadata(key);
    }

    private static dev.quiver.common.QuiverException invalidHnswMetadata(String key) {
        return invalidField(ErrorCode.INVALID_ARGUMENT, "metadata." + key, "hnsw",
                "Failed to parse hnsw parameters from segment metadata");
    }

    /**
     * The quantization a new collection asks for. Absent means the fallback; JSON null is refused, unlike for
     * Chroma's own fields, because "no quantization" is spelled {@code "none"} and a null more likely a mistake.
     */
    private static Quantization quantization(JsonNode node, Quantization fallback) {
        JsonNode value = node.get(QUANTIZATION);
        if (value == null) {
            return fallback;
        }
        if (value.isString()) {
            Optional<Quantization> quantization = Quantization.fromWireName(value.stringValue());
            if (quantization.isPresent()) {
                return quantization.get();
            }
        }
        String field = "configuration.hnsw." + QUANTIZATION;
        throw invalidField(ErrorCode.INVALID_ARGUMENT, field, "one-of", "Validation error: " + field
                + ": must be one of " + QUANTIZATION_NAMES + ", got " + JsonBody.describe(value));
    }

    private static String quantizationNames() {
        StringBuilder names = new StringBuilder();
        for (Quantization quantization : Quantization.values()) {
            names.append(names.isEmpty() ? "" : ", ").append('`').append(quantization.wireName()).append('`');
        }
        return names.toString();
    }

    private static int integer(JsonNode node, String name, int fallback) {
        JsonNode value = optional(node, name);
        return value == null ? fallback : JsonBody.unsigned(value, "configuration.hnsw." + name);
    }

    private static double decimal(JsonNode node, String name, double fallback) {
        JsonNode value = optional(node, name);
        if (value == null) {
            return fallback;
        }
        if (!value.isNumber()) {
            throw shape("configuration.hnsw." + name, "invalid type: " + JsonBody.describe(value)
                    + ", expected f64");
        }
        return value.doubleValue();
    }

    /** Lucene's limits on the graph: at most 512 links per node and 3200 candidates while building. */
    private static HnswConfiguration checked(Metric space, int constructionEf, int searchEf, int maxNeighbors,
            double resizeFactor, int syncThreshold, Quantization quantization) {
        range("ef_construction", constructionEf, 1, 3200);
        range("ef_search", searchEf, 1, 100_000);
        range("max_neighbors", maxNeighbors, 2, 512);
        return new HnswConfiguration(
                space, constructionEf, searchEf, maxNeighbors, resizeFactor, syncThreshold, quantization);
    }

    private static void range(String name, int value, int min, int max) {
        if (value < min || value > max) {
            throw invalidField(ErrorCode.INVALID_ARGUMENT, "configuration.hnsw." + name, "range",
                    "Validation error: configuration.hnsw." + name + ": must be between " + min + " and " + max
                            + ", got " + value);
        }
    }
}
