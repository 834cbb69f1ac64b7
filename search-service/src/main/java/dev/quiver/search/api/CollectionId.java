package dev.quiver.search.api;

import static java.util.Objects.requireNonNull;

import java.util.UUID;

/** A collection's id (a UUID v4, as Chroma's). */
public record CollectionId(UUID value) {

    public CollectionId {
        requireNonNull(value, "value is null");
    }

    @Override
    public String toString() {
        return value.toString();
    }
}
