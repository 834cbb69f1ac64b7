package dev.quiver.search.remote;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quiver.search.api.GroupBy;
import dev.quiver.search.api.Hit;
import dev.quiver.search.api.Include;
import dev.quiver.search.api.MetadataValue;
import dev.quiver.search.api.Rank;
import dev.quiver.search.api.RecordFilter;
import dev.quiver.search.api.SearchFilter;
import dev.quiver.search.api.SearchRequest;
import dev.quiver.search.api.SearchSelect;
import dev.quiver.search.api.StoredRecord;
import dev.quiver.search.api.Where;
import dev.quiver.search.api.WhereDocument;
import dev.quiver.search.merge.ShardPartial;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

class ShardWireTests {

    private final ShardWire wire = new ShardWire();

    @Test
    void everyKindOfFilterReadsBackEqualAfterTheBytes() {
        Where where = new Where.And(List.of(
                new Where.Compare("genre", Where.Operator.EQ, new MetadataValue.StringValue("jazz")),
                new Where.Or(List.of(
                        new Where.Compare("year", Where.Operator.GTE, new MetadataValue.IntValue(1959)),
                        new Where.Compare("rating", Where.Operator.LT, new MetadataValue.FloatValue(4.5)))),
                new Where.In("mood", true, List.of(new MetadataValue.StringValue("sad"),
                        new MetadataValue.StringValue("angry"))),
                new Where.Contains("tags", false, new MetadataValue.BoolValue(true))));
        WhereDocument whereDocument = new WhereDocument.Or(List.of(new WhereDocument.Contains("blue", false),
                new WhereDocument.And(List.of(new WhereDocument.Contains("red", true)))));
        RecordFilter filter = new RecordFilter(List.of("a", "b"), where, whereDocument);
        ObjectNode request = wire.object();
        wire.writeFilter(request, filter);
        wire.writeInclude(request, EnumSet.of(Include.DOCUMENTS, Include.DISTANCES));

        JsonNode read = wire.read(wire.bytes(request));

        assertThat(wire.readFilter(read)).isEqualTo(filter);
        assertThat(wire.readInclude(read)).containsExactlyInAnyOrder(Include.DOCUMENTS, Include.DISTANCES);
    }

    @Test
    void aRegexFilterKeepsItsPatternText() {
        ObjectNode request = wire.object();
        wire.writeFilter(request, new RecordFilter(null, null, new WhereDocument.Regex(Pattern.compile("^a.+z$"),
                true)));

        RecordFilter read = wire.readFilter(wire.read(wire.bytes(request)));

        assertThat(read.ids()).isNull();
        assertThat(read.where()).isNull();
        WhereDocument.Regex regex = (WhereDocument.Regex) read.whereDocument();
        assertThat(regex.pattern().pattern()).isEqualTo("^a.+z$");
        assertThat(regex.negated()).isTrue();
    }

    @Test
    void hitsKeepTheirExactFloatsAndEveryMetadataType() {
        Map<String, MetadataValue> metadata = new LinkedHashMap<>();
        metadata.put("s", new MetadataValue.StringValue("text"));
        metadata.put("i", new MetadataValue.IntValue(Long.MAX_VALUE));
        metadata.put("f", new MetadataValue.FloatValue(0.1));
        metadata.put("b", new MetadataValue.BoolValue(false));
        metadata.put("sa", new MetadataValue.StringArray(List.of("x", "y")));
        metadata.put("ia", new MetadataValue.IntArray(List.of(1L, -2L)));
        metadata.put("fa", new MetadataValue.FloatArray(List.of(1.5, -0.25)));
        metadata.put("ba", new MetadataValue.BoolArray(List.of(true)));
        float[] embedding = {0.1f, -3.4028235E38f, 1.4E-45f, 0.33333334f};
        StoredRecord record = new StoredRecord("id-1", embedding, "a document", metadata, "s3://x");
        List<List<Hit>> hits = List.of(List.of(new Hit(record, 0.87654321f)),
                List.of(new Hit(new StoredRecord("id-2", null, null, null, null), -1.0f)));
        ObjectNode answer = wire.object();
        answer.set("hits", wire.hits(hits));

        List<List<Hit>> read = wire.readHits(wire.read(wire.bytes(answer)).path("hits"));

        assertThat(read).hasSize(2);
        Hit first = read.getFirst().getFirst();
        assertThat(first.score()).isEqualTo(0.87654321f);
        assertThat(first.record().embedding()).containsExactly(embedding);
        assertThat(first.record().metadata()).isEqualTo(metadata);
        assertThat(first.record().document()).isEqualTo("a document");
        assertThat(first.record().uri()).isEqualTo("s3://x");
        StoredRecord bare = read.get(1).getFirst().record();
        assertThat(bare.embedding()).isNull();
        assertThat(bare.metadata()).isNull();
        assertThat(bare.document()).isNull();
    }

    @Test
    void queriesKeepTheirExactFloats() {
        float[][] queries = {{1.0f, 0.1f}, {Float.MIN_NORMAL, 7.0e-12f}};
        ObjectNode request = wire.object();
        wire.writeQueries(request, queries);

        float[][] read = wire.readQueries(wire.read(wire.bytes(request)));

        assertThat(read).isDeepEqualTo(queries);
    }

    @Test
    void everyRankExpressionFilterSelectAndGroupByReadsBackEqualAfterTheBytes() {
        Rank knn = new Rank.Knn(new float[] {0.1f, -7.5e-9f, 3f}, 12, 1000f, true);
        Rank bm25 = new Rank.Bm25("quiet river", 20, null, false);
        Rank every = new Rank.Sum(List.of(
                Rank.rrf(List.of(knn, new Rank.Bm25("storm", 5, 7f, true)), List.of(0.7f, 0.3f), 60, true),
                new Rank.Difference(new Rank.Value(Float.NaN), new Rank.Quotient(bm25, new Rank.Value(
                        Float.NEGATIVE_INFINITY))),
                new Rank.Minimum(List.of(new Rank.Absolute(knn), new Rank.Exponential(new Rank.Value(0.25f)))),
                new Rank.Maximum(List.of(new Rank.Logarithm(bm25), new Rank.Value(Float.POSITIVE_INFINITY))),
                new Rank.Product(List.of(new Rank.Knn(new float[] {1f, 2f, 3f}, 1, null, false),
                        new Rank.Value(-1f)))));
        SearchFilter filter = new SearchFilter.And(List.of(
                new SearchFilter.Or(List.of(
                        new SearchFilter.Ids(List.of("a", "b"), false),
                        new SearchFilter.Ids(List.of("c"), true))),
                new SearchFilter.Metadata(new Where.In("mood", false, List.of(new MetadataValue.StringValue("calm"),
                        new MetadataValue.IntValue(3)))),
                new SearchFilter.Document(new WhereDocument.Contains("river", false)),
                new SearchFilter.Or(List.of())));
        List<SearchRequest> searches = List.of(
                new SearchRequest(every, filter, 3, 17, new SearchSelect(true, false, true, false,
                        List.of("mood", "year")), new GroupBy(List.of("mood", "genre"), true,
                        List.of(GroupBy.SCORE, "year"), 2)),
                new SearchRequest(null, null, 0, Integer.MAX_VALUE, SearchSelect.IDS, null),
                new SearchRequest(knn, new SearchFilter.And(List.of()), 0, 1,
                        new SearchSelect(false, true, false, true, List.of()), null));
        ObjectNode request = wire.object();
        wire.writeSearches(request, searches);

        List<SearchRequest> read = wire.readSearches(wire.read(wire.bytes(request)));

        // Records with float[] components compare arrays by identity: compare field by field, floats exactly.
        assertThat(read).usingRecursiveComparison().withComparatorForType(Float::compare, Float.class)
                .withComparatorForType(Double::compare, Double.class).isEqualTo(searches);
        Rank.Sum sum = (Rank.Sum) read.getFirst().rank();
        Rank.Difference difference = (Rank.Difference) sum.terms().get(1);
        assertThat(((Rank.Value) difference.left()).value()).isNaN();
    }

    @Test
    void aRegexInASearchFilterKeepsItsPatternText() {
        ObjectNode request = wire.object();
        wire.writeSearches(request, List.of(new SearchRequest(null, new SearchFilter.Document(
                new WhereDocument.Regex(Pattern.compile("^q.+t$"), true)), 0, 1, SearchSelect.IDS, null)));

        SearchFilter read = wire.readSearches(wire.read(wire.bytes(request))).getFirst().filter();

        WhereDocument.Regex regex = (WhereDocument.Regex) ((SearchFilter.Document) read).whereDocument();
        assertThat(regex.pattern().pattern()).isEqualTo("^q.+t$");
        assertThat(regex.negated()).isTrue();
    }

    @Test
    void shardsPartialAnswersReadBackEqualAfterTheBytes() {
        Map<String, MetadataValue> metadata = new LinkedHashMap<>();
        metadata.put("mood", new MetadataValue.StringValue("calm"));
        metadata.put("tags", new MetadataValue.FloatArray(List.of(1.5, 2.0)));
        ShardPartial ranked = new ShardPartial(
                List.of(new ShardPartial.Leaf(new int[] {1, 0}, new float[] {0.123456789f, Float.NaN}),
                        new ShardPartial.Leaf(new int[] {}, new float[] {})),
                List.of(new ShardPartial.Candidate(Long.MAX_VALUE, new StoredRecord("first",
                                new float[] {1e-30f, 2f}, "a document", metadata, null),
                                Map.of("mood", new MetadataValue.StringValue("calm"),
                                        "year", new MetadataValue.IntValue(1959))),
                        new ShardPartial.Candidate(1L << 20, new StoredRecord("second", null, null, null, null),
                                Map.of())));
        ShardPartial unranked = new ShardPartial(List.of(), List.of(new ShardPartial.Candidate(7,
                new StoredRecord("only", null, "text", null, null), Map.of())));
        ShardPartial empty = new ShardPartial(List.of(), List.of());
        ObjectNode answer = wire.object();
        answer.set("partials", wire.partials(List.of(ranked, unranked, empty)));

        List<ShardPartial> read = wire.readPartials(wire.read(wire.bytes(answer)).path("partials"));

        assertThat(read).usingRecursiveComparison().withComparatorForType(Float::compare, Float.class)
                .withComparatorForType(Double::compare, Double.class).isEqualTo(List.of(ranked, unranked, empty));
        assertThat(read.getFirst().leaves().getFirst().measures()[1]).isNaN();
        assertThat(read.getFirst().candidates().getFirst().record().metadata()).containsExactlyEntriesOf(metadata);
    }
}
