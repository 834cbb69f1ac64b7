package dev.quiver.search.api;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * The answer to one {@link SearchRequest}: records in rank order (insertion order without a rank), with only the
 * parts its {@link SearchSelect} asked for, and their scores (Chroma's measure, lower is better; see {@link Rank}).
 *
 * @param scores one per record when the search was ranked and asked for scores, else empty; a score may be NaN or
 *               infinite when the rank expression makes it so ({@code $log} of a negative number)
 */
public record SearchResult(List<StoredRecord> records, float[] scores) {

    public SearchResult {
        records = List.copyOf(records);
        requireNonNull(scores, "scores is null");
        if (scores.length != 0 && scores.length != records.size()) {
            throw new IllegalArgumentException(
                    "scores must be empty or one per record: " + scores.length + " for " + records.size());
        }
    }
}
