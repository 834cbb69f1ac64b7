package dev.quiver.search.objectstore;

/**
 * An object store call failed. {@link #retryable()} tells a transient failure (network, throttling, a server
 * error) from one that repeating cannot mend (access denied, no such bucket, a local disk that is full).
 */
public final class ObjectStoreException extends RuntimeException {

    private final boolean retryable;

    public ObjectStoreException(String message, boolean retryable, Throwable cause) {
        super(message, cause);
        this.retryable = retryable;
    }

    public boolean retryable() {
        return retryable;
    }
}
