package dev.quiver.gateway.web;

import static dev.quiver.gateway.web.Requests.json;
import static dev.quiver.gateway.web.Requests.refusal;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.quiver.common.ErrorCode;
import dev.quiver.common.FieldError;
import dev.quiver.common.QuiverException;
import dev.quiver.search.api.Include;
import dev.quiver.search.api.MetadataValue;
import dev.quiver.search.api.RecordFilter;
import dev.quiver.search.api.RecordWrite;
import dev.quiver.search.api.Where;
import dev.quiver.search.api.WhereDocument;
import dev.quiver.search.api.WriteBatch;
import dev.quiver.search.api.WriteBatch.Operation;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

class RecordParserTests {

    // embeddings

    @Test
    void decodesBase64LittleEndianFloat32Exactly() {
        float[] vector = {1.5f, -2.25f, 3.0e-7f, Float.MIN_VALUE, Float.MAX_VALUE, 0.1f};

        WriteBatch batch = write("{'ids': ['a'], 'embeddings': ['" + base64(vector) + "']}", Operation.ADD, null);

        assertThat(batch.records().getFirst().embedding()).containsExactly(vector);
    }

    @Test
    void readsFloatArrayEmbeddingsAsFloat32() {
        WriteBatch batch = write("{'ids': ['a', 'b'], 'embeddings': [[1, 0.5, -3], [0.1, 2e-3, 7]]}", Operation.ADD,
                3);

        assertThat(batch.operation()).isEqualTo(Operation.ADD);
        assertThat(batch.records()).extracting(RecordWrite::id).containsExactly("a", "b");
        assertThat(batch.records().get(0).embedding()).containsExactly(1f, 0.5f, -3f);
        assertThat(batch.records().get(1).embedding()).containsExactly(0.1f, 2e-3f, 7f);
    }

    @Test
    void mixesBase64AndFloatArraysInOneBatch() {
        WriteBatch batch = write("{'ids': ['a', 'b'], 'embeddings': ['" + base64(new float[] {1f, 2f})
                + "', [3, 4]]}", Operation.UPSERT, 2);

        assertThat(batch.records().get(0).embedding()).containsExactly(1f, 2f);
        assertThat(batch.records().get(1).embedding()).containsExactly(3f, 4f);
    }

    @Test
    void keepsDocumentsMetadataAndUrisWithTheirRecord() {
        WriteBatch batch = write("{'ids': ['a', 'b'], 'embeddings': [[1], [2]], 'documents': ['apple pie', null], "
                + "'metadatas': [null, {'n': 1}], 'uris': [null, 's3://b']}", Operation.ADD, null);

        assertThat(batch.records()).containsExactly(
                new RecordWrite("a", batch.records().get(0).embedding(), "apple pie", null, null),
                new RecordWrite("b", batch.records().get(1).embedding(), null,
                        Map.of("n", new MetadataValue.IntValue(1)), "s3://b"));
    }

    @Test
    void refusesAddWithoutEmbeddings() {
        QuiverException error = refusal(() -> write("{'ids': ['a']}", Operation.ADD, null));

        assertThat(error.code()).isEqualTo(ErrorCode.UNPROCESSABLE);
        assertThat(error)
                .hasMessage("Failed to deserialize the JSON body into the target type: missing field `embeddings`");
        assertThat(error.errors()).extracting(FieldError::field, FieldError::rule)
                .containsExactly(tuple("embeddings", "required"));
    }

    @Test
    void refusesUpsertWithoutEmbeddings() {
        QuiverException error = refusal(() -> write("{'ids': ['a'], 'metadatas': [{'k': 1}]}", Operation.UPSERT,
                null));

        assertThat(error.code()).isEqualTo(ErrorCode.UNPROCESSABLE);
        assertThat(error).hasMessageEndingWith("missing field `embeddings`");
    }

    @Test
    void refusesDocumentsWithoutEmbeddingsWhereTheServerEmbedsNothingNamingTheDocument() {
        QuiverException error = refusal(() -> write("{'ids': ['a'], 'documents': ['d']}", Operation.UPSERT, null));

        assertThat(error.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
        assertThat(error).hasMessage("Validation error: documents[0]: The collection has no embedding function, so "
                + "the server cannot embed text: send embeddings");
        assertThat(error.errors()).extracting(FieldError::field, FieldError::rule)
                .containsExactly(tuple("documents[0]", "embedding-function"));
    }

    @Test
    void refusesWriteWithoutIds() {
        QuiverException error = refusal(() -> write("{'embeddings': [[1]]}", Operation.ADD, null));

        assertThat(error.code()).isEqualTo(ErrorCode.UNPROCESSABLE);
        assertThat(error).hasMessageEndingWith("missing field `ids`");
    }

    @Test
    void updateMayLeaveEmbeddingsOutOrNull() {
        WriteBatch withoutEmbeddings = write("{'ids': ['a'], 'documents': ['new']}", Operation.UPDATE, 3);
        WriteBatch withNullEmbeddings = write("{'ids': ['a'], 'embeddings': null}", Operation.UPDATE, 3);
        WriteBatch withOneNull = write("{'ids': ['a', 'b'], 'embeddings': [null, [1, 2, 3]]}", Operation.UPDATE, 3);

        assertThat(withoutEmbeddings.records().getFirst()).isEqualTo(new RecordWrite("a", null, "new", null, null));
        assertThat(withNullEmbeddings.records().getFirst().embedding()).isNull();
        assertThat(withOneNull.records().get(0).embedding()).isNull();
        assertThat(withOneNull.records().get(1).embedding()).containsExactly(1f, 2f, 3f);
    }

    @Test
    void refusesNullEmbeddingInAdd() {
        QuiverException error = refusal(() -> write("{'ids': ['a'], 'embeddings': [null]}", Operation.ADD, null));

        assertThat(error.code()).isEqualTo(ErrorCode.UNPROCESSABLE);
        assertThat(error).hasMessageEndingWith("embeddings[0]: invalid type: null, expected a sequence");
    }

    @Test
    void refusesNonNumericEmbeddingComponent() {
        QuiverException error = refusal(() -> write("{'ids': ['a'], 'embeddings': [[1, 'x']]}", Operation.ADD,
                null));

        assertThat(error.code()).isEqualTo(ErrorCode.UNPROCESSABLE);
        assertThat(error).hasMessageEndingWith("embeddings[0][1]: invalid type: string \"x\", expected f32");
        assertThat(error.errors()).extracting(FieldError::field).containsExactly("embeddings[0][1]");
    }

    @Test
    void refusesBatchWhoseArraysDifferInLength() {
        String message = "Inconsistent number of IDs, embeddings, documents, URIs and metadatas";

        assertThat(invalidArgument("{'ids': ['d', 'e'], 'embeddings': [[1, 0, 0]]}", Operation.ADD, null))
                .hasMessage(message);
        assertThat(invalidArgument("{'ids': ['d'], 'embeddings': [[1]], 'documents': ['x', 'y']}", Operation.ADD,
                null)).hasMessage(message);
        assertThat(invalidArgument("{'ids': ['d'], 'embeddings': [[1]], 'uris': []}", Operation.UPSERT, null))
                .hasMessage(message);
        assertThat(invalidArgument("{'ids': ['d'], 'metadatas': [{}, {}]}", Operation.UPDATE, null))
                .hasMessage(message);
    }

    @Test
    void refusesEmptyId() {
        QuiverException error = invalidArgument("{'ids': ['a', ''], 'embeddings': [[1], [2]]}", Operation.ADD, null);

        assertThat(error).hasMessage("Empty ID, ID must have at least one character");
        assertThat(error.errors()).extracting(FieldError::field, FieldError::rule)
                .containsExactly(tuple("ids[1]", "non-empty"));
    }

    @Test
    void refusesNonStringId() {
        QuiverException error = refusal(() -> write("{'ids': [1], 'embeddings': [[1]]}", Operation.ADD, null));

        assertThat(error.code()).isEqualTo(ErrorCode.UNPROCESSABLE);
        assertThat(error).hasMessageEndingWith("ids[0]: invalid type: integer `1`, expected a string");
    }

    @Test
    void rejectsBatchWhoseDimensionDiffersFromCollection() {
        QuiverException error = refusal(() -> write("{'ids': ['d'], 'embeddings': [[1, 0]]}", Operation.ADD, 3));

        assertThat(error.code()).isEqualTo(ErrorCode.DIMENSION_MISMATCH);
        assertThat(error.code().status()).isEqualTo(400);
        assertThat(error).hasMessage("Collection expecting embedding with dimension of 3, got 2");
        assertThat(error.errors()).extracting(FieldError::field, FieldError::rule)
                .containsExactly(tuple("embeddings", "dimension"));
    }

    @Test
    void rejectsUpdateWhoseDimensionDiffersFromCollection() {
        QuiverException error = refusal(() -> write("{'ids': ['d', 'e'], 'embeddings': [null, [1, 0]]}",
                Operation.UPDATE, 3));

        assertThat(error).hasMessage("Collection expecting embedding with dimension of 3, got 2");
        assertThat(error.code()).isEqualTo(ErrorCode.DIMENSION_MISMATCH);
    }

    @Test
    void acceptsAnyDimensionBeforeTheCollectionHasOne() {
        WriteBatch batch = write("{'ids': ['a'], 'embeddings': [[1, 2, 3, 4, 5]]}", Operation.ADD, null);

        assertThat(batch.records().getFirst().embedding()).hasSize(5);
    }

    @Test
    void refusesBatchOfInconsistentDimensions() {
        QuiverException error = invalidArgument("{'ids': ['y', 'z'], 'embeddings': [[1, 2], [3, 4, 5]]}",
                Operation.ADD, null);

        assertThat(error).hasMessage("Inconsistent dimensions in provided embeddings");
        assertThat(error.errors()).extracting(FieldError::field, FieldError::rule)
                .containsExactly(tuple("embeddings[1]", "dimension"));
    }

    @Test
    void reportsInconsistentDimensionsBeforeCollectionMismatch() {
        QuiverException error = invalidArgument("{'ids': ['y', 'z'], 'embeddings': [[1, 2], [3, 4, 5]]}",
                Operation.ADD, 3);

        assertThat(error).hasMessage("Inconsistent dimensions in provided embeddings");
    }

    @Test
    void refusesEmptyEmbedding() {
        QuiverException error = invalidArgument("{'ids': ['a'], 'embeddings': [[]]}", Operation.ADD, null);

        assertThat(error).hasMessage("Validation error: embeddings: Each embedding must have at least 1 dimension");
    }

    @Test
    void refusesComponentBeyondFloat32RangeAsNonFinite() {
        QuiverException error = invalidArgument("{'ids': ['a'], 'embeddings': [[1e39, 0]]}", Operation.ADD, null);

        assertThat(error)
                .hasMessage("Validation error: embeddings: Embeddings must not contain NaN or Infinity values");
        assertThat(error.errors()).extracting(FieldError::field, FieldError::rule)
                .containsExactly(tuple("embeddings[0]", "finite"));
    }

    @Test
    void refusesBase64NaN() {
        String nan = base64(new float[] {Float.NaN, 1f});

        QuiverException error = invalidArgument("{'ids': ['a'], 'embeddings': ['" + nan + "']}", Operation.ADD,
                null);

        assertThat(error).hasMessage("Non-finite float value at embedding index 0: NaN");
        assertThat(error.errors()).extracting(FieldError::field, FieldError::rule)
                .containsExactly(tuple("embeddings[0]", "finite"));
    }

    @Test
    void refusesBase64Infinity() {
        String infinite = base64(new float[] {1f, Float.NEGATIVE_INFINITY});

        QuiverException error = invalidArgument("{'ids': ['a'], 'embeddings': ['" + infinite + "']}",
                Operation.UPSERT, null);

        assertThat(error).hasMessage("Non-finite float value at embedding index 1: inf");
    }

    @Test
    void refusesBase64WhoseByteLengthIsNotMultipleOfFour() {
        String sixBytes = Base64.getEncoder().encodeToString(new byte[6]);

        QuiverException error = invalidArgument("{'ids': ['a'], 'embeddings': ['" + sixBytes + "']}",
                Operation.ADD, null);

        assertThat(error).hasMessage(
                "Invalid byte length: 6 bytes cannot be converted to f32 values (must be divisible by 4)");
        assertThat(error.errors()).extracting(FieldError::field, FieldError::rule)
                .containsExactly(tuple("embeddings[0]", "base64"));
    }

    @Test
    void refusesInvalidBase64() {
        QuiverException error = invalidArgument("{'ids': ['bad'], 'embeddings': ['@@@']}", Operation.ADD, null);

        assertThat(error.getMessage()).isEqualTo("Invalid base64 string: Invalid symbol 64, offset 0.");
        assertThat(error.errors()).extracting(FieldError::field, FieldError::rule)
                .containsExactly(tuple("embeddings[0]", "base64"));
    }

    @Test
    void readsQueryEmbeddingsOfCollectionDimension() {
        float[][] vectors = RecordParser.queryEmbeddings(json("{'query_embeddings': [[1, 0, 0], [0, 1, 0]]}"), 3);

        assertThat(vectors).hasDimensions(2, 3);
        assertThat(vectors[1]).containsExactly(0f, 1f, 0f);
        assertThat(RecordParser.queryEmbeddings(json("{'query_embeddings': []}"), 3)).isEmpty();
    }

    @Test
    void refusesQueryEmbeddingsOfOtherDimension() {
        QuiverException error = refusal(() -> RecordParser.queryEmbeddings(
                json("{'query_embeddings': [[1, 0]]}"), 3));

        assertThat(error.code()).isEqualTo(ErrorCode.DIMENSION_MISMATCH);
        assertThat(error).hasMessage("Collection expecting embedding with dimension of 3, got 2");
    }

    @Test
    void refusesQueryWithoutQueryEmbeddings() {
        QuiverException error = refusal(() -> RecordParser.queryEmbeddings(json("{'n_results': 1}"), 3));

        assertThat(error.code()).isEqualTo(ErrorCode.UNPROCESSABLE);
        assertThat(error).hasMessageEndingWith("missing field `query_embeddings`");
    }

    // metadata

    @Test
    void readsEveryScalarMetadataKind() {
        Map<String, MetadataValue> metadata = metadata("{'s': 'x', 'n': 1, 'f': 0.5, 'b': true}", Operation.ADD);

        assertThat(metadata).containsExactly(
                Map.entry("s", new MetadataValue.StringValue("x")),
                Map.entry("n", new MetadataValue.IntValue(1)),
                Map.entry("f", new MetadataValue.FloatValue(0.5)),
                Map.entry("b", new MetadataValue.BoolValue(true)));
    }

    @Test
    void keepsIntegersAsIntegersAndFourPointZeroAsFloat() {
        Map<String, MetadataValue> metadata = metadata("{'i': 4, 'f': 4.0, 'big': 9007199254740993}",
                Operation.ADD);

        assertThat(metadata.get("i")).isEqualTo(new MetadataValue.IntValue(4));
        assertThat(metadata.get("f")).isEqualTo(new MetadataValue.FloatValue(4.0));
        assertThat(metadata.get("big")).isEqualTo(new MetadataValue.IntValue(9_007_199_254_740_993L));
    }

    @Test
    void readsArraysOfOneScalarType() {
        Map<String, MetadataValue> metadata = metadata(
                "{'s': ['a', 'b'], 'i': [1, 2], 'f': [0.5, 1.5], 'b': [true, false], 'e': []}", Operation.ADD);

        assertThat(metadata.get("s")).isEqualTo(new MetadataValue.StringArray(List.of("a", "b")));
        assertThat(metadata.get("i")).isEqualTo(new MetadataValue.IntArray(List.of(1L, 2L)));
        assertThat(metadata.get("f")).isEqualTo(new MetadataValue.FloatArray(List.of(0.5, 1.5)));
        assertThat(metadata.get("b")).isEqualTo(new MetadataValue.BoolArray(List.of(true, false)));
        assertThat(metadata.get("e")).isEqualTo(new MetadataValue.StringArray(List.of()));
    }

    @Test
    void turnsArrayOfIntegersAndFloatsIntoFloats() {
        Map<String, MetadataValue> metadata = metadata("{'x': [1, 2.5, 3]}", Operation.ADD);

        assertThat(metadata.get("x")).isEqualTo(new MetadataValue.FloatArray(List.of(1.0, 2.5, 3.0)));
    }

    @Test
    void refusesMixedTypeArray() {
        assertUntagged("{'x': ['a', 1]}", "metadatas[0].x");
        assertUntagged("{'x': [true, 'a']}", "metadatas[0].x");
        assertUntagged("{'x': [1, false]}", "metadatas[0].x");
        assertUntagged("{'x': [[1]]}", "metadatas[0].x");
        assertUntagged("{'x': [null]}", "metadatas[0].x");
    }

    @Test
    void refusesNestedObjectAsUntaggedEnumMismatch() {
        QuiverException error = refusal(() -> write("{'ids': ['a'], 'embeddings': [[1]], "
                + "'metadatas': [{'nested': {'x': 1}}]}", Operation.ADD, null));

        assertThat(error.code()).isEqualTo(ErrorCode.UNPROCESSABLE);
        assertThat(error).hasMessage("Failed to deserialize the JSON body into the target type: "
                + "metadatas[0].nested: data did not match any variant of untagged enum MetadataValue");
        assertThat(error.errors()).extracting(FieldError::field, FieldError::rule)
                .containsExactly(tuple("metadatas[0].nested", "type"));
    }

    @Test
    void refusesNullMetadataValueInAdd() {
        assertUntagged("{'gone': null}", "metadatas[0].gone");
    }

    @Test
    void readsNullMetadataValueInUpdateAsRemoval() {
        assertThat(metadata("{'gone': null, 'kept': 1}", Operation.UPDATE))
                .containsEntry("gone", new MetadataValue.Null())
                .containsEntry("kept", new MetadataValue.IntValue(1));
    }

    @Test
    void readsNullMetadataValueInUpsertAsRemoval() {
        assertThat(metadata("{'gone': null}", Operation.UPSERT)).containsEntry("gone", new MetadataValue.Null());
    }

    @Test
    void keepsNullMetadataOfRecordAsAbsent() {
        WriteBatch batch = write("{'ids': ['a'], 'embeddings': [[1]], 'metadatas': [null]}", Operation.ADD, null);

        assertThat(batch.records().getFirst().metadata()).isNull();
    }

    @Test
    void refusesMetadataThatIsNotAMap() {
        QuiverException error = refusal(() -> write("{'ids': ['a'], 'embeddings': [[1]], 'metadatas': [[1]]}",
                Operation.ADD, null));

        assertThat(error.code()).isEqualTo(ErrorCode.UNPROCESSABLE);
        assertThat(error).hasMessageEndingWith("metadatas[0]: invalid type: sequence, expected a map");
    }

    @Test
    void refusesReservedHashKey() {
        QuiverException error = invalidArgument("{'ids': ['a'], 'embeddings': [[1]], "
                + "'metadatas': [{'#document': 'x'}]}", Operation.ADD, null);

        assertThat(error).hasMessage("Validation error: metadatas: Invalid metadata at index 0");
        assertThat(error.errors()).extracting(FieldError::field, FieldError::rule)
                .containsExactly(tuple("metadatas[0].#document", "reserved-key"));
    }

    @Test
    void refusesEmptyMetadataKey() {
        QuiverException error = invalidArgument("{'ids': ['a'], 'metadatas': [{'': 1}]}", Operation.UPDATE, null);

        assertThat(error).hasMessage("Validation error: metadatas: Invalid metadata at index 0");
    }

    @Test
    void checksShapesBeforeValidationRules() {
        QuiverException error = refusal(() -> write("{'ids': ['', 'b'], 'embeddings': [[1]], "
                + "'metadatas': [{'n': {'x': 1}}, null]}", Operation.ADD, null));

        assertThat(error.code()).isEqualTo(ErrorCode.UNPROCESSABLE);
    }

    // include

    @Test
    void defaultsIncludeWhenAbsent() {
        assertThat(RecordParser.include(json("{}"), RecordParser.GET_DEFAULT_INCLUDE))
                .containsExactly("documents", "metadatas");
        assertThat(RecordParser.include(json("{}"), RecordParser.QUERY_DEFAULT_INCLUDE))
                .containsExactly("documents", "metadatas", "distances");
    }

    @Test
    void keepsEmptyIncludeEmpty() {
        assertThat(RecordParser.include(json("{'include': []}"), RecordParser.GET_DEFAULT_INCLUDE)).isEmpty();
    }

    @Test
    void keepsIncludeAsSent() {
        List<String> include = RecordParser.include(json("{'include': ['uris', 'embeddings', 'distances']}"),
                RecordParser.GET_DEFAULT_INCLUDE);

        assertThat(include).containsExactly("uris", "embeddings", "distances");
        assertThat(RecordParser.includeSet(include))
                .isEqualTo(EnumSet.of(Include.URIS, Include.EMBEDDINGS, Include.DISTANCES));
    }

    @Test
    void refusesUnknownIncludeValueNamingItsIndex() {
        QuiverException error = refusal(() -> RecordParser.include(json("{'include': ['bogus']}"),
                RecordParser.GET_DEFAULT_INCLUDE));

        assertThat(error.code()).isEqualTo(ErrorCode.UNPROCESSABLE);
        assertThat(error).hasMessage("Failed to deserialize the JSON body into the target type: "
                + "include[0]: unknown variant `bogus`, expected one of `distances`, `documents`, `embeddings`, "
                + "`metadatas`, `uris`");
        assertThat(error.errors()).extracting(FieldError::field, FieldError::rule)
                .containsExactly(tuple("include[0]", "type"));
    }

    @Test
    void refusesNonStringIncludeValue() {
        QuiverException error = refusal(() -> RecordParser.include(json("{'include': ['documents', 1]}"),
                RecordParser.GET_DEFAULT_INCLUDE));

        assertThat(error.code()).isEqualTo(ErrorCode.UNPROCESSABLE);
        assertThat(error.errors()).extracting(FieldError::field).containsExactly("include[1]");
    }

    @Test
    void refusesNullInclude() {
        QuiverException error = refusal(() -> RecordParser.include(json("{'include': null}"),
                RecordParser.GET_DEFAULT_INCLUDE));

        assertThat(error.code()).isEqualTo(ErrorCode.UNPROCESSABLE);
        assertThat(error).hasMessageEndingWith("include: invalid type: null, expected a sequence");
    }

    // filter

    @Test
    void readsEmptyFilterAsAllRecords() {
        assertThat(RecordParser.filter(json("{}")).isEmpty()).isTrue();
        assertThat(RecordParser.filter(json("{'ids': null, 'where': null, 'where_document': null}")).isEmpty())
                .isTrue();
    }

    @Test
    void readsIdsWhereAndWhereDocument() {
        RecordFilter filter = RecordParser.filter(json("{'ids': ['a', 'b'], 'where': {'n': {'$gte': 2}}, "
                + "'where_document': {'$contains': 'pie'}}"));

        assertThat(filter.ids()).containsExactly("a", "b");
        assertThat(filter.where())
                .isEqualTo(new Where.Compare("n", Where.Operator.GTE, new MetadataValue.IntValue(2)));
        assertThat(filter.whereDocument()).isEqualTo(new WhereDocument.Contains("pie", false));
    }

    @Test
    void keepsEmptyIdListAsRestriction() {
        RecordFilter filter = RecordParser.filter(json("{'ids': []}"));

        assertThat(filter.ids()).isEmpty();
        assertThat(filter.isEmpty()).isFalse();
    }

    @Test
    void refusesInvalidWhereInFilter() {
        QuiverException error = refusal(() -> RecordParser.filter(json("{'where': {'$foo': 1}}")));

        assertThat(error.code()).isEqualTo(ErrorCode.INVALID_WHERE);
        assertThat(error).hasMessage("Invalid where clause");
    }

    @Test
    void refusesInvalidWhereDocumentInFilter() {
        QuiverException error = refusal(() -> RecordParser.filter(json("{'where_document': {'$foo': 'apple'}}")));

        assertThat(error.code()).isEqualTo(ErrorCode.INVALID_WHERE);
        assertThat(error).hasMessage("Invalid where document clause");
    }

    @Test
    void refusesIdsThatAreNotAList() {
        QuiverException error = refusal(() -> RecordParser.filter(json("{'ids': 'a'}")));

        assertThat(error.code()).isEqualTo(ErrorCode.UNPROCESSABLE);
        assertThat(error).hasMessageEndingWith("ids: invalid type: string \"a\", expected a sequence");
    }

    private static WriteBatch write(String body, Operation operation, @Nullable Integer dimension) {
        return RecordParser.write(json(body), operation, dimension);
    }

    private static Map<String, MetadataValue> metadata(String metadata, Operation operation) {
        String embeddings = operation == Operation.UPDATE ? "" : "'embeddings': [[1]], ";
        WriteBatch batch = write("{'ids': ['a'], " + embeddings + "'metadatas': [" + metadata + "]}", operation,
                null);
        return batch.records().getFirst().metadata();
    }

    @Test
    void refusesEmbeddingsWiderThanTheIndexAccepts() {
        String wide = "[" + "0.5,".repeat(4096) + "0.5]";
        QuiverException error = invalidArgument("{'ids': ['w'], 'embeddings': [" + wide + "]}", Operation.ADD, null);

        assertThat(error.getMessage()).isEqualTo("Validation error: embeddings: an embedding has 4097 dimensions, "
                + "more than the maximum of 4096");
        assertThat(error.errors()).extracting(FieldError::field, FieldError::rule)
                .containsExactly(tuple("embeddings[0]", "dimension"));
    }

    private static QuiverException invalidArgument(String body, Operation operation, @Nullable Integer dimension) {
        QuiverException error = refusal(() -> write(body, operation, dimension));
        assertThat(error.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
        assertThat(error.code().status()).isEqualTo(400);
        return error;
    }

    private static void assertUntagged(String metadata, String field) {
        QuiverException error = refusal(() -> metadata(metadata, Operation.ADD));
        assertThat(error.code()).isEqualTo(ErrorCode.UNPROCESSABLE);
        assertThat(error).hasMessage("Failed to deserialize the JSON body into the target type: " + field
                + ": data did not match any variant of untagged enum MetadataValue");
    }

    /** Chroma's base64 form: the little-endian float32 bytes of the vector. */
    private static String base64(float[] vector) {
        ByteBuffer bytes = ByteBuffer.allocate(vector.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (float component : vector) {
            bytes.putFloat(component);
        }
        return Base64.getEncoder().encodeToString(bytes.array());
    }
}
