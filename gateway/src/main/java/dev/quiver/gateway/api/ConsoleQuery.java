package dev.quiver.gateway.api;

import org.jspecify.annotations.Nullable;

/**
 * A query typed into the console: exactly one of an embedding or a text. Text needs a collection whose embedding
 * function runs on the server ({@link CollectionSummary#embedsText()}); without one it is refused with 400 naming
 * {@code text}. A text is embedded and metered as the query route's {@code query_texts}: one embedding unit, besides
 * the query's read units.
 *
 * @param embedding a JSON array of numbers of the collection's dimension (field {@code embedding})
 * @param text the text to embed on the server (field {@code text})
 * @param where a Chroma {@code where} filter as JSON, or null or blank for none (field {@code where})
 * @param nResults how many neighbours, 1 to 100 (field {@code n_results})
 */
public record ConsoleQuery(@Nullable String embedding, @Nullable String text, @Nullable String where, int nResults) {
}
