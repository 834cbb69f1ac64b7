package dev.quiver.search.api;

import java.util.EnumSet;
import java.util.Set;

/**
 * Which parts of a record a read returns, besides its id (Chroma's {@code include}).
 */
public enum Include {
    DOCUMENTS, EMBEDDINGS, METADATAS, URIS, DISTANCES;

    public static Set<Include> none() {
        return EnumSet.noneOf(Include.class);
    }
}
