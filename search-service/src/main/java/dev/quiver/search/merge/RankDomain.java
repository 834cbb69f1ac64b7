package dev.quiver.search.merge;

import dev.quiver.search.api.Rank;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The value of a rank expression over records: a score for each record of its support, and optionally a default
 * score for every record outside it. Without a default, records outside the support are out of the result
 * altogether. This is Chroma's evaluation of rank expressions: combining two domains keeps the union of their
 * supports where both have defaults, one side's support where only the other has a default, and the intersection
 * where neither has one.
 *
 * <p>A record is an {@code int} key of one merge ({@link SearchMerge} numbers the candidates of all shards by
 * insertion order, so that ties between equal scores fall to the record inserted first). Invariants:
 * {@code docs[0..size)} strictly ascending, {@code values} parallel to them. Immutable once built.
 */
final class RankDomain {

    /** A binary operation of the expression language. */
    enum Operation {
        ADD, SUBTRACT, MULTIPLY, DIVIDE, MIN, MAX;

        float apply(float left, float right) {
            return switch (this) {
                case ADD -> left + right;
                case SUBTRACT -> left - right;
                case MULTIPLY -> left * right;
                case DIVIDE -> left / right;
                case MIN -> Math.min(left, right);
                case MAX -> Math.max(left, right);
            };
        }
    }

    /** A unary function of the expression language. */
    enum Function {
        ABS, EXP, LOG;

        float apply(float value) {
            return switch (this) {
                case ABS -> Math.abs(value);
                case EXP -> (float) Math.exp(value);
                case LOG -> (float) Math.log(value);
            };
        }
    }

    /**
     * The candidates of the leaves, asked for in the order of {@link #leaves(Rank)}, each as {@link #leaf} builds
     * them.
     */
    interface Leaves {
        RankDomain knn(Rank.Knn knn);

        RankDomain bm25(Rank.Bm25 bm25);
    }

    private static final int[] NO_DOCS = new int[0];
    private static final float[] NO_VALUES = new float[0];

    final int[] docs;
    final float[] values;
    final int size;
    final boolean hasDefault;
    final float defaultValue;

    private RankDomain(int[] docs, float[] values, int size, boolean hasDefault, float defaultValue) {
        assert size <= docs.length && size <= values.length : "size " + size + " exceeds the arrays";
        this.docs = docs;
        this.values = values;
        this.size = size;
        this.hasDefault = hasDefault;
        this.defaultValue = defaultValue;
    }

    /** Evaluates a rank expression depth-first, as Chroma does, asking for each leaf when the walk reaches it. */
    static RankDomain evaluate(Rank rank, Leaves leaves) {
        return switch (rank) {
            case Rank.Knn knn -> leaves.knn(knn);
            case Rank.Bm25 bm25 -> leaves.bm25(bm25);
            case Rank.Value value -> constant(value.value());
            case Rank.Sum sum -> fold(sum.terms(), Operation.ADD, leaves);
            case Rank.Product product -> fold(product.factors(), Operation.MULTIPLY, leaves);
            case Rank.Minimum minimum -> fold(minimum.operands(), Operation.MIN, leaves);
            case Rank.Maximum maximum -> fold(maximum.operands(), Operation.MAX, leaves);
            case Rank.Difference difference -> merge(evaluate(difference.left(), leaves),
                    evaluate(difference.right(), leaves), Operation.SUBTRACT);
            case Rank.Quotient quotient -> merge(evaluate(quotient.left(), leaves),
                    evaluate(quotient.right(), leaves), Operation.DIVIDE);
            case Rank.Absolute absolute -> evaluate(absolute.operand(), leaves).map(Function.ABS);
            case Rank.Exponential exponential -> evaluate(exponential.operand(), leaves).map(Function.EXP);
            case Rank.Logarithm logarithm -> evaluate(logarithm.operand(), leaves).map(Function.LOG);
        };
    }

    /**
     * The leaves ({@link Rank.Knn}, {@link Rank.Bm25}) of an expression in the order {@link #evaluate} meets them:
     * a shard searches them in this order and its answer lists their candidates in it.
     */
    static List<Rank> leaves(Rank rank) {
        List<Rank> leaves = new ArrayList<>();
        collectLeaves(rank, leaves);
        return leaves;
    }

    private static void collectLeaves(Rank rank, List<Rank> leaves) {
        switch (rank) {
            case Rank.Knn knn -> leaves.add(knn);
            case Rank.Bm25 bm25 -> leaves.add(bm25);
            case Rank.Value ignored -> {
            }
            case Rank.Sum sum -> sum.terms().forEach(term -> collectLeaves(term, leaves));
            case Rank.Product product -> product.factors().forEach(factor -> collectLeaves(factor, leaves));
            case Rank.Minimum minimum -> minimum.operands().forEach(operand -> collectLeaves(operand, leaves));
            case Rank.Maximum maximum -> maximum.operands().forEach(operand -> collectLeaves(operand, leaves));
            case Rank.Difference difference -> {
                collectLeaves(difference.left(), leaves);
                collectLeaves(difference.right(), leaves);
            }
            case Rank.Quotient quotient -> {
                collectLeaves(quotient.left(), leaves);
                collectLeaves(quotient.right(), leaves);
            }
            case Rank.Absolute absolute -> collectLeaves(absolute.operand(), leaves);
            case Rank.Exponential exponential -> collectLeaves(exponential.operand(), leaves);
            case Rank.Logarithm logarithm -> collectLeaves(logarithm.operand(), leaves);
        }
    }

    private static RankDomain fold(List<Rank> operands, Operation operation, Leaves leaves) {
        // Chroma folds from the operation's identity, a constant; folding from the first operand is the same.
        RankDomain result = evaluate(operands.getFirst(), leaves);
        for (int i = 1; i < operands.size(); i++) {
            result = merge(result, evaluate(operands.get(i), leaves), operation);
        }
        return result;
    }

    /** The same value for every record. */
    static RankDomain constant(float value) {
        return new RankDomain(NO_DOCS, NO_VALUES, 0, true, value);
    }

    /**
     * A leaf's candidates in its own order (best first): each scores its measure, or its 0-based position when
     * {@code returnRank}. {@code defaultValue} is NaN-free or null for none.
     */
    static RankDomain leaf(int[] docs, float[] measures, int count, boolean returnRank,
            @Nullable Float defaultValue) {
        // Sort by doc id, carrying the value along: doc in the high half, the value's bits in the low half.
        long[] packed = new long[count];
        for (int i = 0; i < count; i++) {
            float value = returnRank ? i : measures[i];
            packed[i] = ((long) docs[i] << 32) | (Float.floatToRawIntBits(value) & 0xFFFFFFFFL);
        }
        Arrays.sort(packed);
        int[] sortedDocs = new int[count];
        float[] sortedValues = new float[count];
        int size = 0;
        for (int i = 0; i < count; i++) {
            int doc = (int) (packed[i] >>> 32);
            // A leaf lists a record once; keep the first should a search ever return a doc twice.
            if (size > 0 && sortedDocs[size - 1] == doc) {
                continue;
            }
            sortedDocs[size] = doc;
            sortedValues[size] = Float.intBitsToFloat((int) packed[i]);
            size++;
        }
        return new RankDomain(sortedDocs, sortedValues, size, defaultValue != null,
                defaultValue == null ? 0f : defaultValue);
    }

    RankDomain map(Function function) {
        float[] mapped = new float[size];
        for (int i = 0; i < size; i++) {
            mapped[i] = function.apply(values[i]);
        }
        return new RankDomain(docs, mapped, size, hasDefault, hasDefault ? function.apply(defaultValue) : 0f);
    }

    /** {@code operation(left, right)} for every record the combined domain keeps (see the class comment). */
    static RankDomain merge(RankDomain left, RankDomain right, Operation operation) {
        boolean union = left.hasDefault && right.hasDefault;
        int capacity = union ? left.size + right.size
                : left.hasDefault ? right.size
                : right.hasDefault ? left.size
                : Math.min(left.size, right.size);
        int[] docs = new int[capacity];
        float[] values = new float[capacity];
        int size = 0;
        int i = 0;
        int j = 0;
        // A two-way merge of the sorted supports; which side's unmatched records survive depends on the defaults.
        while (i < left.size || j < right.size) {
            int leftDoc = i < left.size ? left.docs[i] : Integer.MAX_VALUE;
            int rightDoc = j < right.size ? right.docs[j] : Integer.MAX_VALUE;
            if (leftDoc == rightDoc) {
                docs[size] = leftDoc;
                values[size++] = operation.apply(left.values[i++], right.values[j++]);
            } else if (leftDoc < rightDoc) {
                if (right.hasDefault) {
                    docs[size] = leftDoc;
                    values[size++] = operation.apply(left.values[i], right.defaultValue);
                }
                i++;
            } else {
                if (left.hasDefault) {
                    docs[size] = rightDoc;
                    values[size++] = operation.apply(left.defaultValue, right.values[j]);
                }
                j++;
            }
        }
        return new RankDomain(docs, values, size, union, union ? operation.apply(left.defaultValue,
                right.defaultValue) : 0f);
    }

    /**
     * The support ordered by ascending value (NaN last), ties by ascending doc id: each long packs the value's
     * sortable bits above the doc id, so one primitive sort orders both.
     */
    long[] ranked() {
        long[] ranked = new long[size];
        for (int i = 0; i < size; i++) {
            ranked[i] = ((long) sortableBits(values[i]) << 32) | (docs[i] & 0xFFFFFFFFL);
        }
        Arrays.sort(ranked);
        return ranked;
    }

    static int rankedDoc(long ranked) {
        return (int) ranked;
    }

    static float rankedValue(long ranked) {
        return fromSortableBits((int) (ranked >>> 32));
    }

    /** {@link org.apache.lucene.util.NumericUtils#floatToSortableInt}, with every NaN made one NaN first. */
    static int sortableBits(float value) {
        int bits = Float.floatToIntBits(value);
        return bits ^ ((bits >> 31) & 0x7fffffff);
    }

    static float fromSortableBits(int sortable) {
        return Float.intBitsToFloat(sortable ^ ((sortable >> 31) & 0x7fffffff));
    }
}
