package dev.quiver.search.api;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * Chroma's {@code group_by} of a ranked search: the ranked candidates are grouped by the values of metadata
 * {@code keys} (a record without a key forms a group with the others that lack it), each group is sorted by
 * {@code orderBy} (ascending for {@code $min_k}, descending for {@code $max_k}) and keeps its first {@code k}, and
 * the kept records are sorted by score again before {@code limit} and {@code offset} apply.
 *
 * @param keys       metadata keys, at least one
 * @param descending {@code $max_k} rather than {@code $min_k}
 * @param orderBy    metadata keys or {@link #SCORE}, at least one, compared in order
 * @param k          records kept per group, at least 1
 */
public record GroupBy(List<String> keys, boolean descending, List<String> orderBy, int k) {

    /** The order key that stands for the record's score. */
    public static final String SCORE = "#score";

    public GroupBy {
        keys = List.copyOf(requireNonNull(keys, "keys is null"));
        orderBy = List.copyOf(requireNonNull(orderBy, "orderBy is null"));
        if (keys.isEmpty() || orderBy.isEmpty()) {
            throw new IllegalArgumentException("group_by needs keys and aggregate keys: " + keys + ", " + orderBy);
        }
        if (k < 1) {
            throw new IllegalArgumentException("k must be positive: " + k);
        }
    }
}
