package dev.quiver.search.api;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A ranking expression of Chroma's Search API: how a search scores and orders records. Scores here are Chroma's
 * measures, where <b>lower is better</b> (a distance), not Quiver's internal similarities: the expression is
 * arithmetic over them, so it must see the numbers Chroma's clients expect.
 *
 * <p>Leaves produce candidates. {@link Knn} scores the {@code limit} records nearest to a vector by the
 * collection's distance; {@link Bm25} the {@code limit} records whose documents best match a text, as
 * {@code 1 - BM25 score} (Chroma's measure for sparse vectors, {@code 1 - query · document}). A leaf with
 * {@code returnRank} gives the 0-based position in its list instead. A record missing from a leaf's list takes the
 * leaf's {@code defaultValue}; without one, the record is dropped from any expression that combines the leaf
 * (Chroma's rule: a record must appear in every leaf without a default). Records are then sorted by ascending score.
 *
 * <p>Immutable; the compact constructors check nulls and ranges, so every instance is well formed.
 */
public sealed interface Rank {

    /** Chroma's default number of candidates of a leaf when a request names none. */
    int DEFAULT_LIMIT = 16;

    /**
     * The {@code limit} records nearest to {@code query} that match the search's filter.
     *
     * @param query        a vector of the collection's dimension, finite
     * @param limit        candidates, at least 1
     * @param defaultValue the score of a record not among the candidates; null to drop such records
     * @param returnRank   score by 0-based position among the candidates instead of by distance
     */
    record Knn(float[] query, int limit, @Nullable Float defaultValue, boolean returnRank) implements Rank {
        public Knn {
            requireNonNull(query, "query is null");
            checkLimit(limit);
        }
    }

    /**
     * The {@code limit} records whose documents best match {@code text} by BM25 (Lucene's, k1 = 1.2, b = 0.75) and
     * that match the search's filter, scored {@code 1 - BM25}. Text is analysed like documents are (Unicode word
     * boundaries, lower case, no stemming); text without a single word matches nothing.
     */
    record Bm25(String text, int limit, @Nullable Float defaultValue, boolean returnRank) implements Rank {
        public Bm25 {
            requireNonNull(text, "text is null");
            checkLimit(limit);
        }
    }

    /** A constant, for every record. */
    record Value(float value) implements Rank {
    }

    /** The sum of the terms ({@code $sum}). */
    record Sum(List<Rank> terms) implements Rank {
        public Sum {
            terms = nonEmpty(terms, "terms");
        }
    }

    /** The product of the factors ({@code $mul}). */
    record Product(List<Rank> factors) implements Rank {
        public Product {
            factors = nonEmpty(factors, "factors");
        }
    }

    /** {@code left - right} ({@code $sub}). */
    record Difference(Rank left, Rank right) implements Rank {
        public Difference {
            requireNonNull(left, "left is null");
            requireNonNull(right, "right is null");
        }
    }

    /** {@code left / right} ({@code $div}). */
    record Quotient(Rank left, Rank right) implements Rank {
        public Quotient {
            requireNonNull(left, "left is null");
            requireNonNull(right, "right is null");
        }
    }

    /** The least of the operands ({@code $min}). */
    record Minimum(List<Rank> operands) implements Rank {
        public Minimum {
            operands = nonEmpty(operands, "operands");
        }
    }

    /** The greatest of the operands ({@code $max}). */
    record Maximum(List<Rank> operands) implements Rank {
        public Maximum {
            operands = nonEmpty(operands, "operands");
        }
    }

    /** {@code |operand|} ({@code $abs}). */
    record Absolute(Rank operand) implements Rank {
        public Absolute {
            requireNonNull(operand, "operand is null");
        }
    }

    /** {@code e^operand} ({@code $exp}). */
    record Exponential(Rank operand) implements Rank {
        public Exponential {
            requireNonNull(operand, "operand is null");
        }
    }

    /** The natural logarithm of the operand ({@code $log}). */
    record Logarithm(Rank operand) implements Rank {
        public Logarithm {
            requireNonNull(operand, "operand is null");
        }
    }

    /**
     * Reciprocal rank fusion as Chroma defines it (its clients' {@code Rrf}, which sends exactly this expression):
     * {@code -(sum over i of weights[i] / (k + ranks[i]))}, negated so that lower stays better. The ranks should be
     * leaves with {@code returnRank}, so that {@code ranks[i]} is a 0-based position (Cormack et al., 2009).
     *
     * @param weights   one non-negative weight per rank; null for all 1
     * @param k         the smoothing constant, at least 1 (Chroma's default is 60)
     * @param normalize divide the weights by their sum first
     * @throws IllegalArgumentException if ranks is empty, the weights do not match it, a weight is negative or not
     *                                  finite, k is below 1, or normalize is asked with weights summing to 0
     */
    static Rank rrf(List<Rank> ranks, @Nullable List<Float> weights, int k, boolean normalize) {
        requireNonNull(ranks, "ranks is null");
        if (ranks.isEmpty()) {
            throw new IllegalArgumentException("RRF requires at least one rank expression");
        }
        if (k < 1) {
            throw new IllegalArgumentException("RRF k must be positive: " + k);
        }
        float[] values = new float[ranks.size()];
        if (weights == null) {
            java.util.Arrays.fill(values, 1f);
        } else {
            if (weights.size() != ranks.size()) {
                throw new IllegalArgumentException("RRF weights length (" + weights.size()
                        + ") must match ranks length (" + ranks.size() + ")");
            }
            for (int i = 0; i < values.length; i++) {
                float weight = weights.get(i);
                if (!(weight >= 0f) || Float.isInfinite(weight)) {
                    throw new IllegalArgumentException("RRF weights must be finite and non-negative: " + weight);
                }
                values[i] = weight;
            }
        }
        if (normalize) {
            float sum = 0f;
            for (float value : values) {
                sum += value;
            }
            if (sum == 0f) {
                throw new IllegalArgumentException("RRF weights sum to zero, cannot normalize");
            }
            for (int i = 0; i < values.length; i++) {
                values[i] /= sum;
            }
        }
        List<Rank> terms = new ArrayList<>(ranks.size());
        for (int i = 0; i < values.length; i++) {
            terms.add(new Quotient(new Value(values[i]), new Sum(List.of(new Value(k), ranks.get(i)))));
        }
        Rank fused = terms.size() == 1 ? terms.getFirst() : new Sum(terms);
        return new Product(List.of(fused, new Value(-1f)));
    }

    private static void checkLimit(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be positive: " + limit);
        }
    }

    private static List<Rank> nonEmpty(List<Rank> ranks, String name) {
        requireNonNull(ranks, name + " is null");
        if (ranks.isEmpty()) {
            throw new IllegalArgumentException(name + " must not be empty");
        }
        return List.copyOf(ranks);
    }
}
