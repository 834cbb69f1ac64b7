package dev.quiver.gateway.web;

import static dev.quiver.gateway.web.Requests.json;
import static dev.quiver.gateway.web.Requests.refusal;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.quiver.common.ErrorCode;
import dev.quiver.common.FieldError;
import dev.quiver.common.QuiverException;
import dev.quiver.embedding.api.EmbeddingFunction;
import dev.quiver.embedding.api.EmbeddingFunctionConfiguration;
import dev.quiver.search.api.RecordWrite;
import dev.quiver.search.api.WriteBatch;
import dev.quiver.search.api.WriteBatch.Operation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ServerEmbeddingTests {

    /** A two-dimensional stand-in for a model: the text's length and 1, so each vector says which text it is. */
    private static final class LengthFunction implements EmbeddingFunction {

        final List<String> embedded = new ArrayList<>();

        @Override
        public String name() {
            return "default";
        }

        @Override
        public String model() {
            return "length";
        }

        @Override
        public int dimension() {
            return 2;
        }

        @Override
        public float[][] embed(List<String> texts) {
            embedded.addAll(texts);
            float[][] vectors = new float[texts.size()][];
            for (int i = 0; i < vectors.length; i++) {
                vectors[i] = new float[] {texts.get(i).length(), 1};
            }
            return vectors;
        }
    }

    private final LengthFunction function = new LengthFunction();
    private final ServerEmbedding.Support embeds = new ServerEmbedding.Support(function, "");
    private final ServerEmbedding.Support none = new ServerEmbedding.Support(null,
            "Collection 'notes' names the embedding function 'openai', which does not run on the server");

    @Test
    void addWithDocumentsAloneLeavesTheirEmbeddingsToTheServer() {
        WriteBatch batch = RecordParser.write(json("{'ids': ['a', 'b'], 'documents': ['one', 'three']}"),
                Operation.ADD, null, embeds);

        assertThat(batch.records()).extracting(RecordWrite::embedding).containsOnlyNulls();
        assertThat(ServerEmbedding.documentsToEmbed(batch)).isEqualTo(2);
    }

    @Test
    void embedsOnlyTheDocumentsThatCameWithoutAnEmbedding() {
        WriteBatch parsed = RecordParser.write(json("{'ids': ['a', 'b', 'c'], 'embeddings': [[9, 9], null, null], "
                + "'documents': ['given', 'three', null]}"), Operation.UPDATE, 2, embeds);

        WriteBatch embedded = ServerEmbedding.embedDocuments(parsed, function);

        assertThat(function.embedded).containsExactly("three");
        assertThat(embedded.records().get(0).embedding()).containsExactly(9, 9);
        assertThat(embedded.records().get(1).embedding()).containsExactly(5, 1);
        assertThat(embedded.records().get(1).document()).isEqualTo("three");
        // An update with neither keeps the stored vector.
        assertThat(embedded.records().get(2).embedding()).isNull();
    }

    @Test
    void refusesARecordWithNeitherEmbeddingNorDocumentNamingIt() {
        QuiverException error = refusal(() -> RecordParser.write(json("{'ids': ['a', 'b'], "
                + "'documents': ['one', null]}"), Operation.ADD, null, embeds));

        assertThat(error.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
        assertThat(error).hasMessage("Validation error: embeddings[1]: record 'b' has neither an embedding nor a "
                + "document to embed");
        assertThat(error.errors()).extracting(FieldError::field, FieldError::rule)
                .containsExactly(tuple("embeddings[1]", "embedding-or-document"));
    }

    @Test
    void refusesDocumentsWithoutEmbeddingsSayingWhyTheServerCannotEmbedThem() {
        QuiverException error = refusal(() -> RecordParser.write(json("{'ids': ['a'], 'embeddings': null, "
                + "'documents': ['one']}"), Operation.ADD, null, none));

        assertThat(error.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
        assertThat(error).hasMessage("Validation error: documents[0]: Collection 'notes' names the embedding "
                + "function 'openai', which does not run on the server, so the server cannot embed text: send "
                + "embeddings");
        assertThat(error.errors()).extracting(FieldError::field, FieldError::rule)
                .containsExactly(tuple("documents[0]", "embedding-function"));
    }

    @Test
    void refusesServerVectorsOfAnotherDimensionThanTheCollections() {
        WriteBatch embedded = ServerEmbedding.embedDocuments(RecordParser.write(json("{'ids': ['a'], "
                + "'documents': ['one']}"), Operation.ADD, 3, embeds), function);

        QuiverException error = refusal(() -> RecordParser.checkEmbedded(embedded, 3));

        assertThat(error.code()).isEqualTo(ErrorCode.DIMENSION_MISMATCH);
        assertThat(error).hasMessage("Collection expecting embedding with dimension of 3, got 2");
    }

    @Test
    void refusesGivenAndServerVectorsOfDifferentDimensionsInOneBatch() {
        WriteBatch embedded = ServerEmbedding.embedDocuments(RecordParser.write(json("{'ids': ['a', 'b'], "
                + "'embeddings': [[1, 2, 3], null], 'documents': [null, 'two']}"), Operation.UPSERT, null, embeds),
                function);

        QuiverException error = refusal(() -> RecordParser.checkEmbedded(embedded, null));

        assertThat(error).hasMessage("Inconsistent dimensions in provided embeddings");
    }

    @Test
    void readsChromasConfigurationKeepingOnlyScalarSettings() {
        EmbeddingFunctionConfiguration configuration = ServerEmbedding.configuration("{\"type\": \"known\", "
                + "\"name\": \"default\", \"config\": {\"model_name\": \"Xenova/all-MiniLM-L6-v2\", \"quantized\": "
                + "false, \"kwargs\": {}, \"revision\": null}}");

        assertThat(configuration).isEqualTo(new EmbeddingFunctionConfiguration("known", "default",
                Map.of("model_name", "Xenova/all-MiniLM-L6-v2", "quantized", false)));
        assertThat(ServerEmbedding.configuration("{\"type\": \"legacy\"}").known()).isFalse();
        assertThat(ServerEmbedding.configuration("[1]").type()).isEqualTo("unknown");
    }
}
