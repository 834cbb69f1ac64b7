package dev.quiver.search.checkpoint;

import dev.quiver.search.objectstore.ObjectStore;
import dev.quiver.search.objectstore.StoredObject;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/** A real object store passed through unchanged; the tests' fault-injecting stores override only what they break. */
abstract class ForwardingObjectStore implements ObjectStore {

    private final ObjectStore store;

    ForwardingObjectStore(ObjectStore store) {
        this.store = store;
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
