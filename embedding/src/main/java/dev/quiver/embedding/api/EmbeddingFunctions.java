package dev.quiver.embedding.api;

import java.util.Optional;

/**
 * The embedding functions this server runs, looked up by a collection's Chroma configuration. Thread-safe.
 *
 * <p>The built-in {@code default} is all-MiniLM-L6-v2 (384 dimensions), the model Chroma's clients use by default,
 * under each name Chroma gives it: {@code default} (Chroma's JS and Python default), {@code onnx_mini_lm_l6_v2}
 * (Python's {@code ONNXMiniLM_L6_V2}), and {@code sentence_transformer} with {@code model_name}
 * {@code all-MiniLM-L6-v2}. A {@code config.model_name} other than this model's names, or a quantised
 * {@code dtype}, does not resolve: it would give other vectors than the client's.
 */
public interface EmbeddingFunctions {

    /**
     * The function {@code configuration} names, or empty when this server does not run it (a legacy or unknown
     * function, another model, or a function that calls a third-party service with the client's key).
     */
    Optional<EmbeddingFunction> find(EmbeddingFunctionConfiguration configuration);
}
