package dev.quiver.search.checkpoint;

import dev.quiver.search.objectstore.ObjectStore;
import dev.quiver.search.objectstore.ObjectStoreException;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real object store whose file uploads fail from the one a test arms on, as a store that went away mid-checkpoint
 * would: the failing upload stores nothing. Thread-safe.
 */
final class FailingObjectStore extends ForwardingObjectStore {

    /** File uploads left before the failing one; negative while disarmed. */
    private final AtomicInteger uploadsBeforeFailure = new AtomicInteger(-1);

    FailingObjectStore(ObjectStore store) {
        super(store);
    }

    /** The {@code n}th file upload from now on fails, once. */
    void failUpload(int n) {
        uploadsBeforeFailure.set(n - 1);
    }

    @Override
    public void put(String key, Path file) {
        if (uploadsBeforeFailure.getAndUpdate(left -> left >= 0 ? left - 1 : left) == 0) {
            throw new ObjectStoreException("Cannot upload " + key + ": the store is away", true,
                    new java.io.IOException("connection reset"));
        }
        super.put(key, file);
    }
}
