package dev.quiver.search.index;

import static java.util.Objects.requireNonNull;

import dev.quiver.search.api.MetadataValue;
import dev.quiver.search.api.RecordFilter;
import dev.quiver.search.api.SearchFilter;
import dev.quiver.search.api.Where;
import dev.quiver.search.api.WhereDocument;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.lucene.document.DoublePoint;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.MatchAllDocsQuery;
import org.apache.lucene.search.MatchNoDocsQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.TermInSetQuery;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.util.BytesRef;

/**
 * Turns a {@link RecordFilter} into one Lucene {@link Query} over the fields that {@link FieldNames} describes,
 * with Chroma's semantics (see {@link Where} and {@link WhereDocument}).
 *
 * <p>How the semantics map onto the index:
 * <ul>
 *   <li>Every value type has its own fields, so equality is type-strict for free; ints and floats share one
 *       {@link DoublePoint} field, so 3 == 3.0. Ranges only look at number fields, so they never match strings or
 *       booleans. Array elements live in separate fields, so {@code $eq} never matches an array and
 *       {@code $contains} never matches a scalar.
 *   <li>Each negated operator ({@code $ne}, {@code $nin}, {@code $not_contains}, and the negated
 *       {@code where_document} leaves) is "all records minus the positive form". A record that lacks the key (or
 *       has no metadata, or no document) is not in the positive form, so it matches the negation, as Chroma
 *       requires, without a separate "has key" term.
 *   <li>{@code $and []} matches everything and {@code $or []} nothing, for both filters.
 * </ul>
 * Numbers are compared as doubles, so integers beyond 2^53 that round to the same double compare equal. Lucene's
 * limit of {@link org.apache.lucene.search.IndexSearcher#getMaxClauseCount()} leaf clauses per query applies to
 * very large {@code $and}/{@code $or} trees; {@code $in} lists and ids are single set queries and are not limited.
 *
 * <p>Thread-safe: stateless.
 */
final class FilterQueries {

    private FilterQueries() {
    }

    /**
     * The query for a whole filter; {@link MatchAllDocsQuery} when it restricts nothing. {@code index} says how its
     * {@code where_document} leaves find candidates.
     */
    static Query of(RecordFilter filter, WhereDocumentIndex index) {
        requireNonNull(filter, "filter is null");
        if (filter.isEmpty()) {
            return MatchAllDocsQuery.INSTANCE;
        }
        BooleanQuery.Builder all = new BooleanQuery.Builder();
        List<String> ids = filter.ids();
        if (ids != null) {
            all.add(ids(ids), BooleanClause.Occur.FILTER);
        }
        Where where = filter.where();
        if (where != null) {
            all.add(where(where), BooleanClause.Occur.FILTER);
        }
        WhereDocument whereDocument = filter.whereDocument();
        if (whereDocument != null) {
            all.add(whereDocument(whereDocument, index), BooleanClause.Occur.FILTER);
        }
        return all.build();
    }

    /**
     * The query for a Search API filter: ids, metadata and document conditions under any $and/$or nesting, the
     * document conditions finding candidates as {@code index} says.
     */
    static Query search(SearchFilter filter, WhereDocumentIndex index) {
        return switch (filter) {
            case SearchFilter.And and -> {
                if (and.clauses().isEmpty()) {
                    yield MatchAllDocsQuery.INSTANCE;
                }
                BooleanQuery.Builder builder = new BooleanQuery.Builder();
                for (SearchFilter clause : and.clauses()) {
                    builder.add(search(clause, index), BooleanClause.Occur.FILTER);
                }
                yield builder.build();
            }
            case SearchFilter.Or or -> {
                if (or.clauses().isEmpty()) {
                    yield new MatchNoDocsQuery("empty $or");
                }
                BooleanQuery.Builder builder = new BooleanQuery.Builder();
                for (SearchFilter clause : or.clauses()) {
                    builder.add(search(clause, index), BooleanClause.Occur.SHOULD);
                }
                yield builder.build();
            }
            case SearchFilter.Metadata metadata -> where(metadata.where());
            case SearchFilter.Document document -> whereDocument(document.whereDocument(), index);
            case SearchFilter.Ids ids -> ids.negated() ? not(ids(ids.ids())) : ids(ids.ids());
        };
    }

    /** Records whose id is in the list; an empty list matches nothing. */
    static Query ids(List<String> ids) {
        List<BytesRef> terms = new ArrayList<>(ids.size());
        for (String id : ids) {
            terms.add(FieldNames.term(id));
        }
        return new TermInSetQuery(FieldNames.ID, terms);
    }

    static Query where(Where where) {
        return switch (where) {
            case Where.And and -> {
                if (and.clauses().isEmpty()) {
                    yield MatchAllDocsQuery.INSTANCE;
                }
                BooleanQuery.Builder builder = new BooleanQuery.Builder();
                for (Where clause : and.clauses()) {
                    builder.add(where(clause), BooleanClause.Occur.FILTER);
                }
                yield builder.build();
            }
            case Where.Or or -> {
                if (or.clauses().isEmpty()) {
                    yield new MatchNoDocsQuery("empty $or");
                }
                BooleanQuery.Builder builder = new BooleanQuery.Builder();
                for (Where clause : or.clauses()) {
                    builder.add(where(clause), BooleanClause.Occur.SHOULD);
                }
                yield builder.build();
            }
            case Where.Compare compare -> compare(compare);
            case Where.In in -> {
                Query positive = in(in.key(), in.values());
                yield in.negated() ? not(positive) : positive;
            }
            case Where.Contains contains -> {
                Query positive = contains(contains.key(), contains.value());
                yield contains.negated() ? not(positive) : positive;
            }
        };
    }

    static Query whereDocument(WhereDocument whereDocument, WhereDocumentIndex index) {
        return switch (whereDocument) {
            case WhereDocument.And and -> {
                if (and.clauses().isEmpty()) {
                    yield MatchAllDocsQuery.INSTANCE;
                }
                BooleanQuery.Builder builder = new BooleanQuery.Builder();
                for (WhereDocument clause : and.clauses()) {
                    builder.add(whereDocument(clause, index), BooleanClause.Occur.FILTER);
                }
                yield builder.build();
            }
            case WhereDocument.Or or -> {
                if (or.clauses().isEmpty()) {
                    yield new MatchNoDocsQuery("empty $or");
                }
                BooleanQuery.Builder builder = new BooleanQuery.Builder();
                for (WhereDocument clause : or.clauses()) {
                    builder.add(whereDocument(clause, index), BooleanClause.Occur.SHOULD);
                }
                yield builder.build();
            }
            case WhereDocument.Contains contains ->
                    DocumentTextQuery.contains(contains.text(), contains.negated(), index);
            case WhereDocument.Regex regex -> DocumentTextQuery.regex(regex.pattern(), regex.negated(), index);
        };
    }

    private static Query compare(Where.Compare compare) {
        String key = compare.key();
        MetadataValue value = compare.value();
        return switch (compare.operator()) {
            case EQ -> equalTo(key, value);
            case NE -> not(equalTo(key, value));
            case GT -> DoublePoint.newRangeQuery(
                    FieldNames.scalarNumber(key), DoublePoint.nextUp(number(value)), Double.POSITIVE_INFINITY);
            case GTE -> DoublePoint.newRangeQuery(
                    FieldNames.scalarNumber(key), number(value), Double.POSITIVE_INFINITY);
            case LT -> DoublePoint.newRangeQuery(
                    FieldNames.scalarNumber(key), Double.NEGATIVE_INFINITY, DoublePoint.nextDown(number(value)));
            case LTE -> DoublePoint.newRangeQuery(
                    FieldNames.scalarNumber(key), Double.NEGATIVE_INFINITY, number(value));
        };
    }

    /** Scalar equality; arrays live in other fields, so an array-valued key never matches. */
    private static Query equalTo(String key, MetadataValue value) {
        return switch (value) {
            case MetadataValue.StringValue string ->
                    new TermQuery(new Term(FieldNames.scalarString(key), FieldNames.term(string.value())));
            case MetadataValue.IntValue integer ->
                    DoublePoint.newExactQuery(FieldNames.scalarNumber(key), FieldNames.number(integer.value()));
            case MetadataValue.FloatValue number ->
                    DoublePoint.newExactQuery(FieldNames.scalarNumber(key), FieldNames.number(number.value()));
            case MetadataValue.BoolValue bool ->
                    new TermQuery(new Term(FieldNames.scalarBool(key), FieldNames.bool(bool.value())));
            case MetadataValue.StringArray ignored -> throw notScalar("$eq", value);
            case MetadataValue.IntArray ignored -> throw notScalar("$eq", value);
            case MetadataValue.FloatArray ignored -> throw notScalar("$eq", value);
            case MetadataValue.BoolArray ignored -> throw notScalar("$eq", value);
            case MetadataValue.Null ignored -> throw notScalar("$eq", value);
        };
    }

    /** {@code $in}: one set query per value type present (the gateway sends one type, or ints mixed with floats). */
    private static Query in(String key, List<MetadataValue> values) {
        List<BytesRef> strings = new ArrayList<>();
        List<BytesRef> bools = new ArrayList<>(2);
        double[] numbers = new double[values.size()];
        int numberCount = 0;
        for (MetadataValue value : values) {
            switch (value) {
                case MetadataValue.StringValue string -> strings.add(FieldNames.term(string.value()));
                case MetadataValue.IntValue integer -> numbers[numberCount++] = FieldNames.number(integer.value());
                case MetadataValue.FloatValue number -> numbers[numberCount++] = FieldNames.number(number.value());
                case MetadataValue.BoolValue bool -> bools.add(FieldNames.bool(bool.value()));
                case MetadataValue.StringArray ignored -> throw notScalar("$in", value);
                case MetadataValue.IntArray ignored -> throw notScalar("$in", value);
                case MetadataValue.FloatArray ignored -> throw notScalar("$in", value);
                case MetadataValue.BoolArray ignored -> throw notScalar("$in", value);
                case MetadataValue.Null ignored -> throw notScalar("$in", value);
            }
        }
        List<Query> perType = new ArrayList<>(3);
        if (!strings.isEmpty()) {
            perType.add(new TermInSetQuery(FieldNames.scalarString(key), strings));
        }
        if (numberCount > 0) {
            perType.add(DoublePoint.newSetQuery(FieldNames.scalarNumber(key), Arrays.copyOf(numbers, numberCount)));
        }
        if (!bools.isEmpty()) {
            perType.add(new TermInSetQuery(FieldNames.scalarBool(key), bools));
        }
        return anyOf(perType);
    }

    /** {@code $contains} on metadata: an element of the array value equals the operand. */
    private static Query contains(String key, MetadataValue value) {
        return switch (value) {
            case MetadataValue.StringValue string ->
                    new TermQuery(new Term(FieldNames.arrayString(key), FieldNames.term(string.value())));
            case MetadataValue.IntValue integer ->
                    DoublePoint.newExactQuery(FieldNames.arrayNumber(key), FieldNames.number(integer.value()));
            case MetadataValue.FloatValue number ->
                    DoublePoint.newExactQuery(FieldNames.arrayNumber(key), FieldNames.number(number.value()));
            case MetadataValue.BoolValue bool ->
                    new TermQuery(new Term(FieldNames.arrayBool(key), FieldNames.bool(bool.value())));
            case MetadataValue.StringArray ignored -> throw notScalar("$contains", value);
            case MetadataValue.IntArray ignored -> throw notScalar("$contains", value);
            case MetadataValue.FloatArray ignored -> throw notScalar("$contains", value);
            case MetadataValue.BoolArray ignored -> throw notScalar("$contains", value);
            case MetadataValue.Null ignored -> throw notScalar("$contains", value);
        };
    }

    private static double number(MetadataValue value) {
        return switch (value) {
            case MetadataValue.IntValue integer -> FieldNames.number(integer.value());
            case MetadataValue.FloatValue number -> FieldNames.number(number.value());
            case MetadataValue.StringValue ignored -> throw notNumber(value);
            case MetadataValue.BoolValue ignored -> throw notNumber(value);
            case MetadataValue.StringArray ignored -> throw notNumber(value);
            case MetadataValue.IntArray ignored -> throw notNumber(value);
            case MetadataValue.FloatArray ignored -> throw notNumber(value);
            case MetadataValue.BoolArray ignored -> throw notNumber(value);
            case MetadataValue.Null ignored -> throw notNumber(value);
        };
    }

    /** Every record except those matching {@code positive}, including records without the key. */
    private static Query not(Query positive) {
        return new BooleanQuery.Builder()
                .add(MatchAllDocsQuery.INSTANCE, BooleanClause.Occur.FILTER)
                .add(positive, BooleanClause.Occur.MUST_NOT)
                .build();
    }

    private static Query anyOf(List<Query> queries) {
        if (queries.isEmpty()) {
            return new MatchNoDocsQuery("empty $in");
        }
        if (queries.size() == 1) {
            return queries.getFirst();
        }
        BooleanQuery.Builder builder = new BooleanQuery.Builder();
        for (Query query : queries) {
            builder.add(query, BooleanClause.Occur.SHOULD);
        }
        return builder.build();
    }

    private static IllegalArgumentException notScalar(String operator, MetadataValue value) {
        return new IllegalArgumentException(operator + " needs a scalar operand: " + value);
    }

    private static IllegalArgumentException notNumber(MetadataValue value) {
        return new IllegalArgumentException("range comparisons need a number operand: " + value);
    }
}
