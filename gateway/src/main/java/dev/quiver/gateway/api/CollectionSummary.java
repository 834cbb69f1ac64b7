package dev.quiver.gateway.api;

import static java.util.Objects.requireNonNull;

import dev.quiver.search.api.CollectionView;
import org.jspecify.annotations.Nullable;

/**
 * A collection with what the console shows of it.
 *
 * @param records           how many records it holds, acknowledged writes included (its counter)
 * @param storedBytes       the bytes its records take, as the storage quota counts them (its counter)
 * @param diskBytes         the bytes of its index files on this node's disk (0 before the first write)
 * @param embeddingFunction the function the server embeds its documents and text queries with, for people
 *                          ({@code default (all-MiniLM-L6-v2, 384 dimensions)}); null when the server embeds no text
 *                          for it, and then a {@link ConsoleQuery} by text is refused
 * @param noEmbedding       why the server embeds no text for it, for people; empty when {@code embeddingFunction} is
 *                          set
 */
public record CollectionSummary(CollectionView collection, long records, long storedBytes, long diskBytes,
        @Nullable String embeddingFunction, String noEmbedding) {

    public CollectionSummary {
        requireNonNull(collection, "collection is null");
        requireNonNull(noEmbedding, "noEmbedding is null");
    }

    /** A summary that says nothing of embedding, the shape before the server embedded texts. */
    public CollectionSummary(CollectionView collection, long records, long storedBytes, long diskBytes) {
        this(collection, records, storedBytes, diskBytes, null, "");
    }

    /** Whether the console may query it by text. */
    public boolean embedsText() {
        return embeddingFunction != null;
    }
}
