package dev.quiver.embedding.api;

import java.util.List;

/**
 * A text embedding model that runs on the server. Implementations load their model on first use, share it, and
 * are thread-safe: any number of callers may embed at once, and the work runs on a bounded pool of platform
 * threads, never on the caller's (possibly virtual) thread.
 */
public interface EmbeddingFunction {

    /** The name Chroma's {@code embedding_function} configuration gives it, such as {@code default}. */
    String name();

    /** The model it runs, as its model card names it, such as {@code all-MiniLM-L6-v2}. */
    String model();

    /** The length of every vector it returns. */
    int dimension();

    /**
     * Embeds {@code texts}, in order: row {@code i} is the vector of {@code texts.get(i)}, {@link #dimension()}
     * long and of unit L2 norm. The same text always gives the same vector. Blocks until done.
     *
     * @throws EmbeddingUnavailableException when the model cannot be loaded or the work does not finish in time
     */
    float[][] embed(List<String> texts);
}
