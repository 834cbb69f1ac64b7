package dev.quiver.search.objectstore;

import static java.util.Objects.requireNonNull;

/** One object as a listing shows it: its full key and its size in bytes. */
public record StoredObject(String key, long size) {

    public StoredObject {
        requireNonNull(key, "key is null");
        if (size < 0) {
            throw new IllegalArgumentException("size must not be negative: " + size);
        }
    }
}
