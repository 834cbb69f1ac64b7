package dev.quiver.search.api;

import static java.util.Objects.requireNonNull;

import org.jspecify.annotations.Nullable;

/**
 * One search of Chroma's Search API ({@code SearchPayload}), validated.
 *
 * <p>Order of work: the filter restricts every leaf of the rank; the rank scores and orders the records (without a
 * rank, matching records come in insertion order and have no score); the group-by keeps the best of each group;
 * then {@code offset} records are skipped and at most {@code limit} returned.
 *
 * @param rank    null for no ranking
 * @param filter  null for every record
 * @param limit   at most this many records; {@link Integer#MAX_VALUE} for no limit
 * @param groupBy null for no grouping; requires a rank
 */
public record SearchRequest(@Nullable Rank rank, @Nullable SearchFilter filter, int offset, int limit,
        SearchSelect select, @Nullable GroupBy groupBy) {

    public SearchRequest {
        requireNonNull(select, "select is null");
        if (offset < 0) {
            throw new IllegalArgumentException("offset must not be negative: " + offset);
        }
        if (limit < 0) {
            throw new IllegalArgumentException("limit must not be negative: " + limit);
        }
        if (groupBy != null && rank == null) {
            throw new IllegalArgumentException("group_by requires rank expression to be specified");
        }
    }
}
