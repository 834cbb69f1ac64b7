package dev.quiver.search.api;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * A parsed, validated Chroma {@code where} filter over record metadata. Parsing happens at the gateway; every
 * instance here is well formed (operands of range comparisons are numbers, {@code $in} lists are non-empty and of
 * one type).
 *
 * <p>Missing keys: {@link Compare} with {@code NE}, {@link In} with {@code negated}, and {@link Contains} with
 * {@code negated} match records that lack the key (or have no metadata at all); every other leaf never matches a
 * missing key. A range comparison never matches a string or boolean value. Equality is type-strict except that
 * integers and floats compare by numeric value. {@code EQ}/{@code NE} against an array-valued key compare as
 * "not equal" (an array is never equal to a scalar).
 */
public sealed interface Where {

    /** All of the clauses; an empty list matches every record. */
    record And(List<Where> clauses) implements Where {
        public And {
            clauses = List.copyOf(clauses);
        }
    }

    /** Any of the clauses; an empty list matches nothing. */
    record Or(List<Where> clauses) implements Where {
        public Or {
            clauses = List.copyOf(clauses);
        }
    }

    enum Operator { EQ, NE, GT, GTE, LT, LTE }

    /** {@code key op value}; value is a scalar, and a number for the range operators. */
    record Compare(String key, Operator operator, MetadataValue value) implements Where {
        public Compare {
            requireNonNull(key, "key is null");
            requireNonNull(operator, "operator is null");
            requireNonNull(value, "value is null");
        }
    }

    /** {@code $in} (or {@code $nin} when negated): the scalar value of key is one of values. */
    record In(String key, boolean negated, List<MetadataValue> values) implements Where {
        public In {
            requireNonNull(key, "key is null");
            values = List.copyOf(values);
        }
    }

    /** {@code $contains} (or {@code $not_contains}): the array value of key has an element equal to value. */
    record Contains(String key, boolean negated, MetadataValue value) implements Where {
        public Contains {
            requireNonNull(key, "key is null");
            requireNonNull(value, "value is null");
        }
    }
}
