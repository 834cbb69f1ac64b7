package dev.quiver.embedding.api;

import dev.quiver.common.ErrorCode;
import dev.quiver.common.QuiverException;

/**
 * Embedding could not be done now: the model failed to load or the pool did not finish the work in time. A 503:
 * nothing was written, and the client may retry.
 */
public class EmbeddingUnavailableException extends QuiverException {

    public EmbeddingUnavailableException(String detail, Throwable cause) {
        super(ErrorCode.UNAVAILABLE, detail);
        initCause(cause);
    }
}
