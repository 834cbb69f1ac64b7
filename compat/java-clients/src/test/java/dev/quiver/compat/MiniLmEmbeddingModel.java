package dev.quiver.compat;

import java.util.List;
import java.util.stream.IntStream;

import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import org.springframework.ai.document.Document;
import org.springframework.ai.embedding.Embedding;
import org.springframework.ai.embedding.EmbeddingModel;
import org.springframework.ai.embedding.EmbeddingRequest;
import org.springframework.ai.embedding.EmbeddingResponse;

/**
 * Spring AI {@link EmbeddingModel} backed by LangChain4j's in-process all-MiniLM-L6-v2 (ONNX, 384
 * dimensions, unit-length vectors), so the Spring AI test embeds with the same real model as the
 * LangChain4j test. Options in the request are ignored: the model has none.
 *
 * <p>Thread-safe, as the wrapped model is.
 */
final class MiniLmEmbeddingModel implements EmbeddingModel {

    private final AllMiniLmL6V2EmbeddingModel model;

    MiniLmEmbeddingModel(AllMiniLmL6V2EmbeddingModel model) {
        this.model = model;
    }

    @Override
    public EmbeddingResponse call(EmbeddingRequest request) {
        List<TextSegment> segments = request.getInstructions().stream().map(TextSegment::from).toList();
        List<dev.langchain4j.data.embedding.Embedding> vectors = model.embedAll(segments).content();
        return new EmbeddingResponse(IntStream.range(0, vectors.size())
            .mapToObj(index -> new Embedding(vectors.get(index).vector(), index))
            .toList());
    }

    @Override
    public float[] embed(Document document) {
        return embed(document.getText() == null ? "" : document.getText());
    }

    @Override
    public int dimensions() {
        return model.dimension();
    }

}
