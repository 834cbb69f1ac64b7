package dev.quiver.search.checkpoint;

import dev.quiver.search.objectstore.ObjectStore;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A real object store that runs a test's action once, before the next download, as if another node acted while this
 * one was downloading. The action runs on the downloading thread and its own downloads pass straight through.
 * Thread-safe.
 */
final class InterruptingObjectStore extends ForwardingObjectStore {

    private final AtomicReference<Runnable> beforeDownload = new AtomicReference<>();

    InterruptingObjectStore(ObjectStore store) {
        super(store);
    }

    /** Runs {@code action} once, before the next download. */
    void beforeNextDownload(Runnable action) {
        beforeDownload.set(action);
    }

    @Override
    public void download(String key, Path target) {
        Runnable action = beforeDownload.getAndSet(null);
        if (action != null) {
            action.run();
        }
        super.download(key, target);
    }
}
