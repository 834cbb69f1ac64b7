package dev.quiver.search.api;

import java.util.List;

/**
 * Embeds query texts on the server with a collection's embedding function, for searches that rank by text
 * ({@code $knn} with a string query). Implemented where embedding functions run; when no implementation is
 * present, or the collection names no embedding function, such a search is refused with 400. Thread-safe.
 */
public interface QueryEmbedder {

    /**
     * One vector per text, in order, of the collection's dimension.
     *
     * @throws dev.quiver.common.QuiverException {@code INVALID_ARGUMENT} when the collection has no embedding
     *                                           function this implementation can run
     */
    float[][] embedQueries(CollectionView collection, List<String> texts);
}
