package dev.quiver.gateway.web;

import static dev.quiver.gateway.web.Requests.json;
import static dev.quiver.gateway.web.Requests.refusal;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.quiver.common.ErrorCode;
import dev.quiver.common.FieldError;
import dev.quiver.common.QuiverException;
import dev.quiver.search.api.MetadataValue.BoolValue;
import dev.quiver.search.api.MetadataValue.FloatValue;
import dev.quiver.search.api.MetadataValue.IntValue;
import dev.quiver.search.api.MetadataValue.StringValue;
import dev.quiver.search.api.Where;
import dev.quiver.search.api.Where.Operator;
import dev.quiver.search.api.WhereDocument;
import java.util.List;
import org.junit.jupiter.api.Test;

class FilterParserTests {

    // where

    @Test
    void readsScalarValueAsImplicitEquality() {
        assertThat(where("{'n': 1}")).isEqualTo(new Where.Compare("n", Operator.EQ, new IntValue(1)));
        assertThat(where("{'s': 'x'}")).isEqualTo(new Where.Compare("s", Operator.EQ, new StringValue("x")));
        assertThat(where("{'b': true}")).isEqualTo(new Where.Compare("b", Operator.EQ, new BoolValue(true)));
        assertThat(where("{'f': 0.5}")).isEqualTo(new Where.Compare("f", Operator.EQ, new FloatValue(0.5)));
    }

    @Test
    void keepsIntegerAndFloatOperandsApart() {
        assertThat(where("{'n': 3}")).isEqualTo(new Where.Compare("n", Operator.EQ, new IntValue(3)));
        assertThat(where("{'n': 3.0}")).isEqualTo(new Where.Compare("n", Operator.EQ, new FloatValue(3.0)));
    }

    @Test
    void readsEveryComparisonOperator() {
        assertThat(where("{'k': {'$eq': 'v'}}")).isEqualTo(new Where.Compare("k", Operator.EQ, new StringValue("v")));
        assertThat(where("{'k': {'$ne': false}}")).isEqualTo(new Where.Compare("k", Operator.NE, new BoolValue(false)));
        assertThat(where("{'k': {'$gt': 1}}")).isEqualTo(new Where.Compare("k", Operator.GT, new IntValue(1)));
        assertThat(where("{'k': {'$gte': 1.5}}")).isEqualTo(new Where.Compare("k", Operator.GTE, new FloatValue(1.5)));
        assertThat(where("{'k': {'$lt': -2}}")).isEqualTo(new Where.Compare("k", Operator.LT, new IntValue(-2)));
        assertThat(where("{'k': {'$lte': 0}}")).isEqualTo(new Where.Compare("k", Operator.LTE, new IntValue(0)));
    }

    @Test
    void readsMembershipOperators() {
        assertThat(where("{'k': {'$in': ['a', 'b']}}"))
                .isEqualTo(new Where.In("k", false, List.of(new StringValue("a"), new StringValue("b"))));
        assertThat(where("{'k': {'$nin': [1, 2]}}"))
                .isEqualTo(new Where.In("k", true, List.of(new IntValue(1), new IntValue(2))));
    }

    @Test
    void acceptsIntegersAndFloatsTogetherInOneInList() {
        assertThat(where("{'k': {'$in': [1, 2.5]}}"))
                .isEqualTo(new Where.In("k", false, List.of(new IntValue(1), new FloatValue(2.5))));
    }

    @Test
    void readsArrayContainmentOperators() {
        assertThat(where("{'tags': {'$contains': 'red'}}"))
                .isEqualTo(new Where.Contains("tags", false, new StringValue("red")));
        assertThat(where("{'nums': {'$not_contains': 3}}"))
                .isEqualTo(new Where.Contains("nums", true, new IntValue(3)));
    }

    @Test
    void readsNestedAndOr() {
        Where where = where("{'$and': [{'a': 1}, {'$or': [{'b': {'$gt': 2}}, {'c': 'x'}]}]}");

        assertThat(where).isEqualTo(new Where.And(List.of(
                new Where.Compare("a", Operator.EQ, new IntValue(1)),
                new Where.Or(List.of(
                        new Where.Compare("b", Operator.GT, new IntValue(2)),
                        new Where.Compare("c", Operator.EQ, new StringValue("x")))))));
    }

    @Test
    void acceptsEmptyAndSingleElementLogicalLists() {
        assertThat(where("{'$and': []}")).isEqualTo(new Where.And(List.of()));
        assertThat(where("{'$or': [{'a': 1}]}"))
                .isEqualTo(new Where.Or(List.of(new Where.Compare("a", Operator.EQ, new IntValue(1)))));
    }

    @Test
    void refusesWhereWithTwoKeys() {
        QuiverException error = invalidWhere("{'a': 1, 'b': 2}");

        assertThat(error.errors()).extracting(FieldError::field, FieldError::rule)
                .containsExactly(tuple("where", "single-key"));
    }

    @Test
    void refusesEmptyWhere() {
        QuiverException error = invalidWhere("{}");

        assertThat(error.errors()).extracting(FieldError::field, FieldError::rule)
                .containsExactly(tuple("where", "single-key"));
    }

    @Test
    void refusesWhereThatIsNotAnObject() {
        invalidWhere("[{'a': 1}]");
        invalidWhere("'a'");
    }

    @Test
    void refusesUnknownTopLevelOperator() {
        QuiverException error = invalidWhere("{'$foo': 1}");

        assertThat(error.errors()).extracting(FieldError::field, FieldError::rule)
                .containsExactly(tuple("where.$foo", "where"));
    }

    @Test
    void refusesUnknownFieldOperator() {
        QuiverException error = invalidWhere("{'n': {'$foo': 1}}");

        assertThat(error.errors()).extracting(FieldError::field).containsExactly("where.n.$foo");
    }

    @Test
    void refusesOperatorObjectWithTwoOperators() {
        QuiverException error = invalidWhere("{'n': {'$gt': 1, '$lt': 5}}");

        assertThat(error.errors()).extracting(FieldError::field, FieldError::rule)
                .containsExactly(tuple("where.n", "single-key"));
    }

    @Test
    void refusesEmptyOperatorObject() {
        invalidWhere("{'n': {}}");
    }

    @Test
    void refusesRangeOperatorWithStringOrBoolean() {
        QuiverException error = invalidWhere("{'n': {'$gt': 'x'}}");

        assertThat(error.errors()).extracting(FieldError::field, FieldError::rule)
                .containsExactly(tuple("where.n.$gt", "where"));
        invalidWhere("{'n': {'$gte': true}}");
        invalidWhere("{'n': {'$lt': '3'}}");
        invalidWhere("{'n': {'$lte': [1]}}");
    }

    @Test
    void refusesEmptyInList() {
        QuiverException error = invalidWhere("{'n': {'$in': []}}");

        assertThat(error.errors()).extracting(FieldError::field).containsExactly("where.n.$in");
        invalidWhere("{'n': {'$nin': []}}");
    }

    @Test
    void refusesInListOfMixedTypes() {
        invalidWhere("{'n': {'$in': [1, 'a']}}");
        invalidWhere("{'n': {'$nin': ['a', true]}}");
    }

    @Test
    void refusesInWithScalarOperand() {
        invalidWhere("{'n': {'$in': 1}}");
    }

    @Test
    void refusesNullOperand() {
        invalidWhere("{'n': null}");
        invalidWhere("{'n': {'$eq': null}}");
        invalidWhere("{'n': {'$in': [null]}}");
    }

    @Test
    void refusesArrayOperandForEquality() {
        invalidWhere("{'n': {'$eq': [1, 2]}}");
        invalidWhere("{'n': [1, 2]}");
        invalidWhere("{'n': {'$contains': [1]}}");
    }

    @Test
    void refusesLogicalOperatorWithoutList() {
        QuiverException error = invalidWhere("{'$and': {'a': 1}}");

        assertThat(error.errors()).extracting(FieldError::field).containsExactly("where.$and");
    }

    @Test
    void namesInvalidClauseNestedInsideLogicalOperator() {
        QuiverException error = invalidWhere("{'$and': [{'a': 1}, {'$or': [{'b': 1, 'c': 2}]}]}");

        assertThat(error.errors()).extracting(FieldError::field).containsExactly("where.$and[1].$or[0]");
    }

    // where_document

    @Test
    void readsDocumentSubstringOperators() {
        assertThat(whereDocument("{'$contains': 'apple'}")).isEqualTo(new WhereDocument.Contains("apple", false));
        assertThat(whereDocument("{'$not_contains': ''}")).isEqualTo(new WhereDocument.Contains("", true));
    }

    @Test
    void readsDocumentRegexOperators() {
        WhereDocument regex = whereDocument("{'$regex': '^ap+le$'}");
        WhereDocument notRegex = whereDocument("{'$not_regex': 'pie'}");

        assertThat(regex).isInstanceOfSatisfying(WhereDocument.Regex.class, parsed -> {
            assertThat(parsed.pattern().pattern()).isEqualTo("^ap+le$");
            assertThat(parsed.negated()).isFalse();
        });
        assertThat(notRegex).isInstanceOfSatisfying(WhereDocument.Regex.class, parsed -> {
            assertThat(parsed.pattern().pattern()).isEqualTo("pie");
            assertThat(parsed.negated()).isTrue();
        });
    }

    @Test
    void readsNestedDocumentAndOr() {
        WhereDocument where = whereDocument("{'$or': [{'$contains': 'a'}, {'$and': [{'$not_contains': 'b'}]}]}");

        assertThat(where).isEqualTo(new WhereDocument.Or(List.of(
                new WhereDocument.Contains("a", false),
                new WhereDocument.And(List.of(new WhereDocument.Contains("b", true))))));
    }

    @Test
    void refusesUnknownDocumentOperator() {
        QuiverException error = invalidWhereDocument("{'$foo': 'apple'}");

        assertThat(error.errors()).extracting(FieldError::field, FieldError::rule)
                .containsExactly(tuple("where_document.$foo", "where_document"));
    }

    @Test
    void refusesDocumentFilterWithTwoKeysOrNone() {
        QuiverException twoKeys = invalidWhereDocument("{'$contains': 'a', '$not_contains': 'b'}");
        invalidWhereDocument("{}");

        assertThat(twoKeys.errors()).extracting(FieldError::field, FieldError::rule)
                .containsExactly(tuple("where_document", "single-key"));
    }

    @Test
    void refusesMetadataStyleKeyInDocumentFilter() {
        invalidWhereDocument("{'text': 'apple'}");
    }

    @Test
    void refusesDocumentOperatorWithNonStringOperand() {
        invalidWhereDocument("{'$contains': 1}");
        invalidWhereDocument("{'$regex': null}");
        invalidWhereDocument("{'$and': {'$contains': 'a'}}");
    }

    @Test
    void refusesInvalidRegexWithChromasRegexMessage() {
        QuiverException error = refusal(() -> FilterParser.whereDocument(json("{'$regex': '(unclosed'}"),
                "where_document"));

        assertThat(error.code()).isEqualTo(ErrorCode.INVALID_WHERE);
        assertThat(error.code().status()).isEqualTo(400);
        assertThat(error.getMessage()).startsWith("Regex syntax errror: regex parse error: ");
        assertThat(error.errors()).extracting(FieldError::field, FieldError::rule)
                .containsExactly(tuple("where_document.$regex", "regex"));
    }

    private static Where where(String text) {
        return FilterParser.where(json(text), "where");
    }

    private static WhereDocument whereDocument(String text) {
        return FilterParser.whereDocument(json(text), "where_document");
    }

    private static QuiverException invalidWhere(String text) {
        QuiverException error = refusal(() -> where(text));
        assertThat(error.code()).isEqualTo(ErrorCode.INVALID_WHERE);
        assertThat(error.code().status()).isEqualTo(400);
        assertThat(error).hasMessage("Invalid where clause");
        return error;
    }

    private static QuiverException invalidWhereDocument(String text) {
        QuiverException error = refusal(() -> whereDocument(text));
        assertThat(error.code()).isEqualTo(ErrorCode.INVALID_WHERE);
        assertThat(error).hasMessage("Invalid where document clause");
        return error;
    }
}
