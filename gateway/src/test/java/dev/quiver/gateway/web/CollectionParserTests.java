package dev.quiver.gateway.web;

import static dev.quiver.gateway.web.Requests.json;
import static dev.quiver.gateway.web.Requests.refusal;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.quiver.common.ErrorCode;
import dev.quiver.common.FieldError;
import dev.quiver.common.QuiverException;
import dev.quiver.search.api.HnswConfiguration;
import dev.quiver.search.api.MetadataValue;
import dev.quiver.search.api.Metric;
import dev.quiver.search.api.Quantization;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class CollectionParserTests {

    private static final HnswConfiguration CURRENT =
            new HnswConfiguration(Metric.COSINE, 200, 50, 32, 1.5, 500, Quantization.NONE);

    @Test
    void usesChromaDefaultsWithoutConfigurationOrMetadata() {
        assertThat(CollectionParser.hnsw(null, null)).isEqualTo(HnswConfiguration.DEFAULT);
        assertThat(HnswConfiguration.DEFAULT)
                .isEqualTo(new HnswConfiguration(Metric.L2, 100, 100, 16, 1.2, 1000, Quantization.NONE));
        assertThat(hnsw("{'embedding_function': {'type': 'legacy'}}", null)).isEqualTo(HnswConfiguration.DEFAULT);
        assertThat(hnsw("{'hnsw': null}", null)).isEqualTo(HnswConfiguration.DEFAULT);
    }

    @Test
    void readsEverySettingFromConfiguration() {
        HnswConfiguration hnsw = hnsw("{'hnsw': {'space': 'cosine', 'ef_construction': 200, 'ef_search': 50, "
                + "'max_neighbors': 32, 'resize_factor': 1.5, 'sync_threshold': 500}}", null);

        assertThat(hnsw).isEqualTo(CURRENT);
    }

    @Test
    void readsEverySpaceByItsChromaName() {
        assertThat(hnsw("{'hnsw': {'space': 'l2'}}", null).space()).isEqualTo(Metric.L2);
        assertThat(hnsw("{'hnsw': {'space': 'cosine'}}", null).space()).isEqualTo(Metric.COSINE);
        assertThat(hnsw("{'hnsw': {'space': 'ip'}}", null).space()).isEqualTo(Metric.IP);
    }

    @Test
    void readsLegacySpaceAndGraphSettingsFromMetadata() {
        HnswConfiguration hnsw = CollectionParser.hnsw(null, metadata(
                "{'metadata': {'hnsw:space': 'ip', 'hnsw:M': 8, 'hnsw:construction_ef': 64, 'hnsw:search_ef': 20}}"));

        assertThat(hnsw).isEqualTo(new HnswConfiguration(Metric.IP, 64, 20, 8, 1.2, 1000, Quantization.NONE));
    }

    @Test
    void configurationWinsOverLegacyMetadata() {
        Map<String, MetadataValue> metadata = metadata("{'metadata': {'hnsw:space': 'cosine', 'hnsw:M': 8}}");

        HnswConfiguration hnsw = hnsw("{'hnsw': {'space': 'l2', 'max_neighbors': 24}}", metadata);

        assertThat(hnsw.space()).isEqualTo(Metric.L2);
        assertThat(hnsw.maxNeighbors()).isEqualTo(24);
    }

    @Test
    void keepsLegacySettingsThatConfigurationLeavesOut() {
        Map<String, MetadataValue> metadata = metadata("{'metadata': {'hnsw:space': 'cosine', 'hnsw:M': 8}}");

        HnswConfiguration hnsw = hnsw("{'hnsw': {'ef_search': 40}}", metadata);

        assertThat(hnsw).isEqualTo(
                new HnswConfiguration(Metric.COSINE, 100, 40, 8, 1.2, 1000, Quantization.NONE));
    }

    @Test
    void refusesUnknownSpaceInConfigurationWithUnprocessable() {
        QuiverException error = refusal(() -> hnsw("{'hnsw': {'space': 'dot'}}", null));

        assertThat(error.code()).isEqualTo(ErrorCode.UNPROCESSABLE);
        assertThat(error.code().status()).isEqualTo(422);
        assertThat(error.getMessage()).startsWith("Failed to deserialize the JSON body into the target type: ")
                .endsWith("unknown variant `dot`, expected one of `l2`, `cosine`, `ip`");
        assertThat(error.errors()).extracting(FieldError::field, FieldError::rule)
                .containsExactly(tuple("configuration.hnsw.space", "type"));
    }

    @Test
    void refusesNonStringSpaceInConfiguration() {
        QuiverException error = refusal(() -> hnsw("{'hnsw': {'space': 1}}", null));

        assertThat(error.code()).isEqualTo(ErrorCode.UNPROCESSABLE);
    }

    @Test
    void refusesUnknownSpaceInMetadataWithBadRequest() {
        QuiverException error = refusal(() -> CollectionParser.hnsw(null,
                metadata("{'metadata': {'hnsw:space': 'dot'}}")));

        assertThat(error.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
        assertThat(error.code().status()).isEqualTo(400);
        assertThat(error).hasMessage("Failed to parse hnsw parameters from segment metadata");
        assertThat(error.errors()).extracting(FieldError::field, FieldError::rule)
                .containsExactly(tuple("metadata.hnsw:space", "hnsw"));
    }

    @Test
    void refusesMalformedLegacyGraphSettings() {
        assertThat(refusal(() -> CollectionParser.hnsw(null, metadata("{'metadata': {'hnsw:space': 1}}"))))
                .hasMessage("Failed to parse hnsw parameters from segment metadata");
        assertThat(refusal(() -> CollectionParser.hnsw(null, metadata("{'metadata': {'hnsw:M': 'x'}}"))))
                .hasMessage("Failed to parse hnsw parameters from segment metadata");
        assertThat(refusal(() -> CollectionParser.hnsw(null, metadata("{'metadata': {'hnsw:search_ef': 0}}"))))
                .hasMessage("Failed to parse hnsw parameters from segment metadata");
        assertThat(refusal(() -> CollectionParser.hnsw(null,
                metadata("{'metadata': {'hnsw:construction_ef': 1.5}}"))))
                .hasMessage("Failed to parse hnsw parameters from segment metadata");
    }

    @Test
    void refusesGraphSettingsOutOfRange() {
        assertOutOfRange("{'hnsw': {'max_neighbors': 1}}", "max_neighbors", "must be between 2 and 512, got 1");
        assertOutOfRange("{'hnsw': {'max_neighbors': 513}}", "max_neighbors", "must be between 2 and 512, got 513");
        assertOutOfRange("{'hnsw': {'ef_construction': 0}}", "ef_construction", "must be between 1 and 3200, got 0");
        assertOutOfRange("{'hnsw': {'ef_construction': 3201}}", "ef_construction",
                "must be between 1 and 3200, got 3201");
        assertOutOfRange("{'hnsw': {'ef_search': 0}}", "ef_search", "must be between 1 and 100000, got 0");
    }

    @Test
    void acceptsGraphSettingsAtTheirBounds() {
        HnswConfiguration low = hnsw("{'hnsw': {'max_neighbors': 2, 'ef_construction': 1, 'ef_search': 1}}", null);
        HnswConfiguration high = hnsw("{'hnsw': {'max_neighbors': 512, 'ef_construction': 3200, "
                + "'ef_search': 100000}}", null);

        assertThat(low).isEqualTo(new HnswConfiguration(Metric.L2, 1, 1, 2, 1.2, 1000, Quantization.NONE));
        assertThat(high).isEqualTo(
                new HnswConfiguration(Metric.L2, 3200, 100_000, 512, 1.2, 1000, Quantization.NONE));
    }

    @Test
    void refusesNegativeOrFractionalGraphSettingAsUnprocessable() {
        QuiverException negative = refusal(() -> hnsw("{'hnsw': {'ef_search': -1}}", null));
        QuiverException fractional = refusal(() -> hnsw("{'hnsw': {'max_neighbors': 2.5}}", null));

        assertThat(negative.code()).isEqualTo(ErrorCode.UNPROCESSABLE);
        assertThat(negative).hasMessageEndingWith(
                "configuration.hnsw.ef_search: invalid value: integer `-1`, expected u32");
        assertThat(fractional.code()).isEqualTo(ErrorCode.UNPROCESSABLE);
    }

    @Test
    void refusesNonNumericResizeFactor() {
        QuiverException error = refusal(() -> hnsw("{'hnsw': {'resize_factor': 'big'}}", null));

        assertThat(error.code()).isEqualTo(ErrorCode.UNPROCESSABLE);
        assertThat(error).hasMessageEndingWith(
                "configuration.hnsw.resize_factor: invalid type: string \"big\", expected f64");
    }

    @Test
    void refusesHnswConfigurationThatIsNotAMap() {
        QuiverException error = refusal(() -> hnsw("{'hnsw': 'fast'}", null));

        assertThat(error.code()).isEqualTo(ErrorCode.UNPROCESSABLE);
        assertThat(error.errors()).extracting(FieldError::field).containsExactly("configuration.hnsw");
    }

    // quantization (Quiver's extension)

    @Test
    void quantizationIsNoneUnlessConfigured() {
        assertThat(hnsw("{'hnsw': {'space': 'cosine'}}", null).quantization()).isEqualTo(Quantization.NONE);
        assertThat(HnswConfiguration.DEFAULT.quantization()).isEqualTo(Quantization.NONE);
    }

    @Test
    void readsQuantizationFromConfiguration() {
        assertThat(hnsw("{'hnsw': {'space': 'cosine', 'quantization': 'int8'}}", null))
                .isEqualTo(new HnswConfiguration(Metric.COSINE, 100, 100, 16, 1.2, 1000, Quantization.INT8));
        assertThat(hnsw("{'hnsw': {'quantization': 'none'}}", null)).isEqualTo(HnswConfiguration.DEFAULT);
    }

    @Test
    void keepsLegacyMetadataSettingsBesideConfiguredQuantization() {
        Map<String, MetadataValue> metadata = metadata("{'metadata': {'hnsw:space': 'ip', 'hnsw:M': 8}}");

        HnswConfiguration hnsw = hnsw("{'hnsw': {'quantization': 'int8'}}", metadata);

        assertThat(hnsw).isEqualTo(new HnswConfiguration(Metric.IP, 100, 100, 8, 1.2, 1000, Quantization.INT8));
    }

    @Test
    void refusesUnknownQuantizationWithBadRequestNamingTheFieldAndTheAllowedValues() {
        QuiverException error = refusal(() -> hnsw("{'hnsw': {'quantization': 'int3'}}", null));

        assertThat(error.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
        assertThat(error.code().status()).isEqualTo(400);
        assertThat(error).hasMessage("Validation error: configuration.hnsw.quantization: must be one of `none`, "
                + "`int8`, got string \"int3\"");
        assertThat(error.errors()).extracting(FieldError::field, FieldError::rule)
                .containsExactly(tuple("configuration.hnsw.quantization", "one-of"));
    }

    @Test
    void refusesQuantizationThatIsNotAString() {
        assertThat(refusal(() -> hnsw("{'hnsw': {'quantization': 7}}", null))).hasMessage(
                "Validation error: configuration.hnsw.quantization: must be one of `none`, `int8`, got integer `7`");
        assertThat(refusal(() -> hnsw("{'hnsw': {'quantization': null}}", null))).hasMessage(
                "Validation error: configuration.hnsw.quantization: must be one of `none`, `int8`, got null");
        assertThat(refusal(() -> hnsw("{'hnsw': {'quantization': ['int8']}}", null)).code())
                .isEqualTo(ErrorCode.INVALID_ARGUMENT);
    }

    @Test
    void refusesQuantizationNamesInAnotherCase() {
        QuiverException error = refusal(() -> hnsw("{'hnsw': {'quantization': 'INT8'}}", null));

        assertThat(error.errors()).extracting(FieldError::field).containsExactly("configuration.hnsw.quantization");
    }

    // new_configuration

    @Test
    void leavesSettingsUnchangedWithoutNewHnswConfiguration() {
        assertThat(CollectionParser.changedHnsw(null, CURRENT)).isNull();
        assertThat(CollectionParser.changedHnsw(json("{}"), CURRENT)).isNull();
        assertThat(CollectionParser.changedHnsw(json("{'hnsw': null}"), CURRENT)).isNull();
    }

    @Test
    void changesOnlyTheMutableSettingsGiven() {
        HnswConfiguration changed = CollectionParser.changedHnsw(
                json("{'hnsw': {'ef_search': 80, 'max_neighbors': 48, 'resize_factor': 2.0, "
                        + "'sync_threshold': 2000}}"), CURRENT);

        assertThat(changed).isEqualTo(
                new HnswConfiguration(Metric.COSINE, 200, 80, 48, 2.0, 2000, Quantization.NONE));
    }

    @Test
    void acceptsNumThreadsAndBatchSizeWithoutChangingAnything() {
        HnswConfiguration changed = CollectionParser.changedHnsw(
                json("{'hnsw': {'num_threads': 4, 'batch_size': 100}}"), CURRENT);

        assertThat(changed).isEqualTo(CURRENT);
    }

    @Test
    void refusesChangingSpaceWithUnprocessable() {
        QuiverException error = refusal(() -> CollectionParser.changedHnsw(
                json("{'hnsw': {'space': 'l2'}}"), CURRENT));

        assertThat(error.code()).isEqualTo(ErrorCode.UNPROCESSABLE);
        assertThat(error.code().status()).isEqualTo(422);
        assertThat(error.getMessage()).contains("unknown field `space`");
        assertThat(error.errors()).extracting(FieldError::field, FieldError::rule)
                .containsExactly(tuple("new_configuration.hnsw", "type"));
    }

    @Test
    void refusesChangingConstructionEf() {
        QuiverException error = refusal(() -> CollectionParser.changedHnsw(
                json("{'hnsw': {'ef_construction': 300}}"), CURRENT));

        assertThat(error.code()).isEqualTo(ErrorCode.UNPROCESSABLE);
        assertThat(error.getMessage()).contains("unknown field `ef_construction`");
    }

    @Test
    void refusesChangedSettingOutOfRange() {
        QuiverException error = refusal(() -> CollectionParser.changedHnsw(
                json("{'hnsw': {'max_neighbors': 1000}}"), CURRENT));

        assertThat(error.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
        assertThat(error.getMessage()).endsWith("must be between 2 and 512, got 1000");
    }

    @Test
    void refusesChangingQuantizationWithBadRequestNamingTheFieldAndTheRule() {
        QuiverException error = refusal(() -> CollectionParser.changedHnsw(
                json("{'hnsw': {'quantization': 'int8'}}"), CURRENT));

        assertThat(error.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
        assertThat(error.code().status()).isEqualTo(400);
        assertThat(error).hasMessage("Validation error: new_configuration.hnsw.quantization: cannot be changed "
                + "after the collection is created");
        assertThat(error.errors()).extracting(FieldError::field, FieldError::rule)
                .containsExactly(tuple("new_configuration.hnsw.quantization", "immutable"));
    }

    @Test
    void refusesQuantizationOnModifyEvenWhenItRepeatsTheCurrentOneOrComesWithMutableSettings() {
        HnswConfiguration quantized = new HnswConfiguration(Metric.COSINE, 200, 50, 32, 1.5, 500, Quantization.INT8);

        assertThat(refusal(() -> CollectionParser.changedHnsw(
                json("{'hnsw': {'quantization': 'int8'}}"), quantized)).errors())
                .extracting(FieldError::rule).containsExactly("immutable");
        assertThat(refusal(() -> CollectionParser.changedHnsw(
                json("{'hnsw': {'ef_search': 80, 'quantization': 'none'}}"), CURRENT)).errors())
                .extracting(FieldError::rule).containsExactly("immutable");
        assertThat(refusal(() -> CollectionParser.changedHnsw(
                json("{'hnsw': {'quantization': null}}"), CURRENT)).errors())
                .extracting(FieldError::rule).containsExactly("immutable");
    }

    @Test
    void changingMutableSettingsKeepsTheQuantization() {
        HnswConfiguration quantized = new HnswConfiguration(Metric.COSINE, 200, 50, 32, 1.5, 500, Quantization.INT8);

        HnswConfiguration changed = CollectionParser.changedHnsw(json("{'hnsw': {'ef_search': 80}}"), quantized);

        assertThat(changed).isEqualTo(
                new HnswConfiguration(Metric.COSINE, 200, 80, 32, 1.5, 500, Quantization.INT8));
    }

    // metadata and embedding function

    @Test
    void readsCollectionMetadata() {
        assertThat(metadata("{'metadata': {'topic': 'fruit', 'hnsw:space': 'cosine'}}")).containsExactly(
                Map.entry("topic", new MetadataValue.StringValue("fruit")),
                Map.entry("hnsw:space", new MetadataValue.StringValue("cosine")));
    }

    @Test
    void treatsAbsentNullOrEmptyMetadataAsNone() {
        assertThat(metadata("{}")).isNull();
        assertThat(metadata("{'metadata': null}")).isNull();
        assertThat(metadata("{'metadata': {}}")).isNull();
    }

    @Test
    void refusesNullValueInCollectionMetadata() {
        QuiverException error = refusal(() -> metadata("{'metadata': {'x': null}}"));

        assertThat(error.code()).isEqualTo(ErrorCode.UNPROCESSABLE);
        assertThat(error).hasMessageEndingWith(
                "metadata.x: data did not match any variant of untagged enum MetadataValue");
    }

    @Test
    void refusesReservedKeyInCollectionMetadata() {
        QuiverException error = refusal(() -> CollectionParser.metadata(json("{'new_metadata': {'#x': 1}}"),
                "new_metadata"));

        assertThat(error.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
        assertThat(error.errors()).extracting(FieldError::field).containsExactly("new_metadata.#x");
    }

    @Test
    void keepsEmbeddingFunctionAsRawJson() {
        String function = CollectionParser.embeddingFunction(
                json("{'embedding_function': {'type': 'known', 'name': 'default', 'config': {}}}"));

        assertThat(json(function)).isEqualTo(json("{'type': 'known', 'name': 'default', 'config': {}}"));
        assertThat(CollectionParser.embeddingFunction(null)).isNull();
        assertThat(CollectionParser.embeddingFunction(json("{'embedding_function': null}"))).isNull();
    }

    @Test
    void refusesAConfigurationThatIsNotAnObject() {
        QuiverException error = refusal(() -> CollectionParser.configuration(json("{'configuration': []}"),
                "configuration"));

        assertThat(error.code()).isEqualTo(ErrorCode.UNPROCESSABLE);
        assertThat(error.getMessage()).isEqualTo("Failed to deserialize the JSON body into the target type: "
                + "configuration: invalid type: sequence, expected a map");
        assertThat(CollectionParser.configuration(json("{'configuration': null}"), "configuration")).isNull();
    }

    private static HnswConfiguration hnsw(String configuration, @Nullable Map<String, MetadataValue> metadata) {
        return CollectionParser.hnsw(json(configuration), metadata);
    }

    private static @Nullable Map<String, MetadataValue> metadata(String body) {
        JsonNode node = json(body);
        return CollectionParser.metadata(node, "metadata");
    }

    private static void assertOutOfRange(String configuration, String name, String problem) {
        QuiverException error = refusal(() -> hnsw(configuration, null));
        assertThat(error.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
        assertThat(error).hasMessage("Validation error: configuration.hnsw." + name + ": " + problem);
        assertThat(error.errors()).extracting(FieldError::field, FieldError::rule)
                .containsExactly(tuple("configuration.hnsw." + name, "range"));
    }
}
