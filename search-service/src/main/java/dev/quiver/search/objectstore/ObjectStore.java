package dev.quiver.search.objectstore;

import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * Immutable objects under slash-separated keys ({@code tenants/{tenant}/collections/{collection}/shards/{n}/...}),
 * where checkpoints live. Callers never overwrite an object with different bytes: a key names one content for
 * good, so a retried upload is harmless and a reader never sees half of a change. Every method may throw
 * {@link ObjectStoreException}. Implementations are thread-safe.
 */
public interface ObjectStore {

    /** Uploads the file's bytes under {@code key}, replacing nothing but an identical earlier upload. */
    void put(String key, Path file);

    /** Uploads small bytes (a manifest) under {@code key}. */
    void put(String key, byte[] bytes);

    /**
     * Downloads the object to {@code target}, which appears complete or not at all (written beside it, then
     * moved). Throws if the object does not exist.
     */
    void download(String key, Path target);

    /** The whole object, for small objects such as manifests; empty when there is no object under the key. */
    Optional<byte[]> read(String key);

    /** Every object whose key starts with {@code prefix}, in key order. */
    List<StoredObject> list(String prefix);

    /** Deletes the objects; keys that do not exist are ignored. */
    void delete(Collection<String> keys);
}
