package dev.quiver.search.index;

import static dev.quiver.search.index.Records.add;
import static dev.quiver.search.index.Records.metadata;
import static dev.quiver.search.index.Records.record;
import static dev.quiver.search.index.Records.value;
import static dev.quiver.search.index.Records.vector;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.quiver.search.api.MetadataValue;
import dev.quiver.search.api.Metric;
import dev.quiver.search.api.RecordFilter;
import dev.quiver.search.api.Where;
import dev.quiver.search.api.Where.Operator;
import dev.quiver.search.api.WhereDocument;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Chroma's filter semantics, checked through a shard holding one record per interesting shape. Records, in
 * insertion order: {@code int3} (num 3, str "3", flag true, arrays), {@code float3} (num 3.0, str "three", flag
 * false), {@code big} (num 10), {@code text} (num "3", flag "true", no document), {@code array} (num [3], str
 * ["3"]), {@code bare} (no metadata, no document), {@code neg} (num -1.5, zero -0.0, empty document).
 */
class FilterQueriesTests {

    private static final List<String> ALL = List.of("int3", "float3", "big", "text", "array", "bare", "neg");

    @TempDir
    static Path directory;

    private static ShardIndex shard;

    @BeforeAll
    static void indexOneRecordPerShape() {
        shard = Records.open(directory, Metric.L2);
        shard.apply(1, add(
                record("int3", vector(1f), "The quick brown fox", metadata(
                        "num", 3, "str", "3", "flag", true, "tags", List.of("red", "blue"),
                        "scores", List.of(1, 2), "checks", List.of(true)), null),
                record("float3", vector(2f), "jumps over the lazy dog", metadata(
                        "num", 3.0, "str", "three", "flag", false, "tags", List.of("green"),
                        "scores", List.of(2.5)), null),
                record("big", vector(3f), "Ünïcödé text 🎉", metadata("num", 10, "str", "ten"), null)));
        // A second batch and a refresh in between, so the records span two segments.
        shard.refresh();
        shard.apply(2, add(
                record("text", vector(4f), null, metadata("num", "3", "flag", "true"), null),
                record("array", vector(5f), "fox and dog", metadata("num", List.of(3), "str", List.of("3")), null),
                record("bare", vector(6f)),
                record("neg", vector(7f), "", metadata("num", -1.5, "zero", -0.0), null)));
        shard.refresh();
    }

    @AfterAll
    static void closeShard() {
        shard.close();
    }

    @Test
    void eqOnAnIntegerMatchesEqualIntegersAndFloatsOnly() {
        assertThat(where(compare("num", Operator.EQ, 3))).containsExactly("int3", "float3");
        assertThat(where(compare("num", Operator.EQ, 3.0))).containsExactly("int3", "float3");
    }

    @Test
    void eqIsTypeStrictBetweenStringsNumbersAndBooleans() {
        assertThat(where(compare("num", Operator.EQ, "3"))).containsExactly("text");
        assertThat(where(compare("str", Operator.EQ, "3"))).containsExactly("int3");
        assertThat(where(compare("flag", Operator.EQ, true))).containsExactly("int3");
        assertThat(where(compare("flag", Operator.EQ, "true"))).containsExactly("text");
        assertThat(where(compare("flag", Operator.EQ, 1))).isEmpty();
    }

    @Test
    void eqTreatsNegativeZeroAsZero() {
        assertThat(where(compare("zero", Operator.EQ, 0))).containsExactly("neg");
        assertThat(where(compare("zero", Operator.EQ, 0.0))).containsExactly("neg");
    }

    @Test
    void neMatchesOtherValuesOtherTypesArraysAndRecordsWithoutTheKey() {
        assertThat(where(compare("num", Operator.NE, 3))).containsExactly("big", "text", "array", "bare", "neg");
    }

    @Test
    void rangesCompareNumbersOnly() {
        assertThat(where(compare("num", Operator.GT, 3))).containsExactly("big");
        assertThat(where(compare("num", Operator.GTE, 3))).containsExactly("int3", "float3", "big");
        assertThat(where(compare("num", Operator.LT, 3))).containsExactly("neg");
        assertThat(where(compare("num", Operator.LTE, 3))).containsExactly("int3", "float3", "neg");
        assertThat(where(compare("num", Operator.GT, 2.5))).containsExactly("int3", "float3", "big");
        assertThat(where(compare("num", Operator.LT, 100))).containsExactly("int3", "float3", "big", "neg");
        assertThat(where(compare("str", Operator.GTE, -1000))).isEmpty();
        assertThat(where(compare("flag", Operator.GTE, 0))).isEmpty();
    }

    @Test
    void inMatchesAnyListedScalarOfTheSameType() {
        assertThat(where(in("num", false, 3, 10))).containsExactly("int3", "float3", "big");
        assertThat(where(in("str", false, "3", "ten"))).containsExactly("int3", "big");
        assertThat(where(in("flag", false, false))).containsExactly("float3");
        assertThat(where(in("num", false, "3"))).containsExactly("text");
    }

    @Test
    void ninAlsoMatchesRecordsWithoutTheKey() {
        assertThat(where(in("num", true, 3))).containsExactly("big", "text", "array", "bare", "neg");
        assertThat(where(in("str", true, "3", "ten"))).containsExactly("float3", "text", "array", "bare", "neg");
    }

    @Test
    void containsTestsArrayMembershipOnly() {
        assertThat(where(contains("tags", false, "red"))).containsExactly("int3");
        assertThat(where(contains("scores", false, 2))).containsExactly("int3");
        assertThat(where(contains("scores", false, 2.0))).containsExactly("int3");
        assertThat(where(contains("scores", false, 2.5))).containsExactly("float3");
        assertThat(where(contains("num", false, 3))).containsExactly("array");
        assertThat(where(contains("str", false, "3"))).containsExactly("array");
        assertThat(where(contains("checks", false, true))).containsExactly("int3");
        assertThat(where(contains("str", false, "three"))).isEmpty();
    }

    @Test
    void notContainsAlsoMatchesScalarsAndRecordsWithoutTheKey() {
        assertThat(where(contains("tags", true, "red")))
                .containsExactly("float3", "big", "text", "array", "bare", "neg");
        assertThat(where(contains("num", true, 3)))
                .containsExactly("int3", "float3", "big", "text", "bare", "neg");
    }

    @Test
    void emptyAndMatchesEverythingAndEmptyOrNothing() {
        assertThat(where(new Where.And(List.of()))).containsExactlyElementsOf(ALL);
        assertThat(where(new Where.Or(List.of()))).isEmpty();
    }

    @Test
    void andRequiresEveryClauseAndOrAnyClause() {
        assertThat(where(new Where.And(List.of(
                compare("num", Operator.GTE, 3), compare("flag", Operator.EQ, false)))))
                .containsExactly("float3");
        assertThat(where(new Where.Or(List.of(
                compare("str", Operator.EQ, "ten"), compare("flag", Operator.EQ, true)))))
                .containsExactly("int3", "big");
        assertThat(where(new Where.And(List.of(compare("num", Operator.EQ, 10))))).containsExactly("big");
    }

    @Test
    void documentContainsIsACaseSensitiveSubstringTestOnRecordsWithADocument() {
        assertThat(whereDocument(new WhereDocument.Contains("fox", false))).containsExactly("int3", "array");
        assertThat(whereDocument(new WhereDocument.Contains("the", false))).containsExactly("float3");
        assertThat(whereDocument(new WhereDocument.Contains("ö", false))).containsExactly("big");
        assertThat(whereDocument(new WhereDocument.Contains("", false)))
                .containsExactly("int3", "float3", "big", "array", "neg");
    }

    @Test
    void documentNotContainsAlsoMatchesRecordsWithoutADocument() {
        assertThat(whereDocument(new WhereDocument.Contains("fox", true)))
                .containsExactly("float3", "big", "text", "bare", "neg");
    }

    @Test
    void documentRegexFindsAMatchAnywhere() {
        assertThat(whereDocument(regex("^jumps", false))).containsExactly("float3");
        assertThat(whereDocument(regex("d.g$", false))).containsExactly("float3", "array");
        assertThat(whereDocument(regex("🎉$", false))).containsExactly("big");
        assertThat(whereDocument(regex("(?i)the", false))).containsExactly("int3", "float3");
    }

    @Test
    void documentNotRegexAlsoMatchesRecordsWithoutADocument() {
        assertThat(whereDocument(regex("o", true))).containsExactly("big", "text", "bare", "neg");
    }

    @Test
    void documentAndOrCombineLeaves() {
        assertThat(whereDocument(new WhereDocument.And(List.of(
                new WhereDocument.Contains("fox", false), new WhereDocument.Contains("dog", false)))))
                .containsExactly("array");
        assertThat(whereDocument(new WhereDocument.Or(List.of(
                new WhereDocument.Contains("lazy", false), regex("^The", false)))))
                .containsExactly("int3", "float3");
        assertThat(whereDocument(new WhereDocument.And(List.of()))).containsExactlyElementsOf(ALL);
        assertThat(whereDocument(new WhereDocument.Or(List.of()))).isEmpty();
    }

    @Test
    void idsWhereAndWhereDocumentAreAnded() {
        RecordFilter filter = new RecordFilter(
                List.of("int3", "float3", "array", "zz"),
                compare("num", Operator.EQ, 3),
                new WhereDocument.Contains("fox", false));

        assertThat(shard.matchingIds(filter)).containsExactly("int3");
    }

    @Test
    void idsFilterSkipsUnknownIdsAndKeepsInsertionOrder() {
        assertThat(ids(List.of("neg", "zz", "int3"))).containsExactly("int3", "neg");
        assertThat(ids(List.of("zz"))).isEmpty();
        assertThat(ids(List.of())).isEmpty();
    }

    @Test
    void substringSearchOverBytesFindsMatchesAtEveryPosition() {
        byte[] haystack = "xxabcabd".getBytes(UTF_8);

        assertThat(DocumentTextQuery.containsBytes(haystack, 0, haystack.length, bytes("abd"))).isTrue();
        assertThat(DocumentTextQuery.containsBytes(haystack, 0, haystack.length, bytes("xxa"))).isTrue();
        assertThat(DocumentTextQuery.containsBytes(haystack, 0, haystack.length, bytes("abe"))).isFalse();
        assertThat(DocumentTextQuery.containsBytes(haystack, 2, 3, bytes("abc"))).isTrue();
        assertThat(DocumentTextQuery.containsBytes(haystack, 2, 3, bytes("abca"))).isFalse();
        assertThat(DocumentTextQuery.containsBytes(haystack, 0, 0, bytes(""))).isTrue();
    }

    private static List<String> where(Where where) {
        return shard.matchingIds(new RecordFilter(null, where, null));
    }

    private static List<String> whereDocument(WhereDocument whereDocument) {
        return shard.matchingIds(new RecordFilter(null, null, whereDocument));
    }

    private static List<String> ids(List<String> ids) {
        return shard.matchingIds(new RecordFilter(ids, null, null));
    }

    private static Where compare(String key, Operator operator, @Nullable Object operand) {
        return new Where.Compare(key, operator, value(operand));
    }

    private static Where in(String key, boolean negated, Object... operands) {
        List<MetadataValue> values = new ArrayList<>();
        for (Object operand : operands) {
            values.add(value(operand));
        }
        return new Where.In(key, negated, values);
    }

    private static Where contains(String key, boolean negated, Object operand) {
        return new Where.Contains(key, negated, value(operand));
    }

    private static WhereDocument regex(String pattern, boolean negated) {
        return new WhereDocument.Regex(Pattern.compile(pattern), negated);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(UTF_8);
    }
}
