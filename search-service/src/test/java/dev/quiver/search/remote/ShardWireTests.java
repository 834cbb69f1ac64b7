package dev.quiver.search.remote;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quiver.search.api.Hit;
import dev.quiver.search.api.Include;
import dev.quiver.search.api.MetadataValue;
import dev.quiver.search.api.RecordFilter;
import dev.quiver.search.api.StoredRecord;
import dev.quiver.search.api.Where;
import dev.quiver.search.api.WhereDocument;
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
}
