package dev.quiver.search.api;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * The parts a search returns besides ids (Chroma's {@code select}): the document, the embedding, the score, all
 * metadata, or only the named metadata keys.
 *
 * @param metadataKeys metadata keys to return when not {@code allMetadata}; a record none of whose keys are
 *                     selected returns no metadata (null), as in Chroma
 */
public record SearchSelect(boolean documents, boolean embeddings, boolean scores, boolean allMetadata,
        List<String> metadataKeys) {

    /** Ids only: Chroma's default. */
    public static final SearchSelect IDS = new SearchSelect(false, false, false, false, List.of());

    public SearchSelect {
        metadataKeys = List.copyOf(requireNonNull(metadataKeys, "metadataKeys is null"));
    }

    /** Whether any metadata is returned. */
    public boolean metadata() {
        return allMetadata || !metadataKeys.isEmpty();
    }
}
