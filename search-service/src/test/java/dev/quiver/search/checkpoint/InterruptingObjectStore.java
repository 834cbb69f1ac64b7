package dev.quiver.search.checkpoint;

import dev.quiver.search.objectstore.ObjectStore;
import dev.quiver.search.objectstore.StoredObject;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A real object store that runs a test's action once, before the next download, as if another node acted while this
 * one was downloading. The action runs on the downloading thread and its own downloads pass straight through.
 * Thread-safe.
 */
final class InterruptingObjectStore implements ObjectStore {

    private final ObjectStore store;
    private final AtomicReference<Runnable> beforeDownload = new AtomicReference<>();

    InterruptingObjectStore(ObjectStore store) {
        this.store = store;
    }

    /** Runs {@code action} once, before the next download. */
    void beforeNextDownload(Runnable action) {
        beforeDownload.set(action);
    }

    @Override
    public void put(String key, Path file) {
        store.put(key, file);
    }

    @Override
    public void put(String key, byte[] bytes) {
        store.put(key, bytes);
    }

    @Override
    public void download(String key, Path target) {
        Runnable action = beforeDownload.getAndSet(null);
        if (action != null) {
            action.run();
        }
        store.download(key, target);
    }

    @Override
    public Optional<byte[]> read(String key) {
        return store.read(key);
    }

    @Override
    public List<StoredObject> list(String prefix) {
        return store.list(prefix);
    }

    @Override
    public void delete(Collection<String> keys) {
        store.delete(keys);
    }
}
