package dev.quiver.ui.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quiver.search.api.MetadataValue;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DisplayTests {

    @Test
    void writesSizesInBinaryUnits() {
        assertThat(Display.bytes(0)).isEqualTo("0 B");
        assertThat(Display.bytes(1023)).isEqualTo("1023 B");
        assertThat(Display.bytes(1536)).isEqualTo("1.5 KiB");
        assertThat(Display.bytes(5L * 1024 * 1024 * 1024)).isEqualTo("5.0 GiB");
    }

    @Test
    void showsTheFirstVectorValuesAndTheDimension() {
        assertThat(Display.vector(new float[] {0.12f, -0.4f, 0.9f, 1f, 2f})).isEqualTo("[0.12, -0.4, 0.9, 1, …] (5)");
        assertThat(Display.vector(new float[] {1f, 1f, 0f})).isEqualTo("[1, 1, 0] (3)");
        assertThat(Display.vector(null)).isEmpty();
    }

    @Test
    void writesMetadataAsCompactJsonWithSortedKeysAndEscapedStrings() {
        Map<String, MetadataValue> metadata = Map.of(
                "title", new MetadataValue.StringValue("say \"hi\"\n"),
                "n", new MetadataValue.IntValue(3),
                "score", new MetadataValue.FloatValue(0.25),
                "tags", new MetadataValue.StringArray(List.of("a", "b")),
                "ok", new MetadataValue.BoolValue(true));
        assertThat(Display.metadata(metadata))
                .isEqualTo("{\"n\": 3, \"ok\": true, \"score\": 0.25, \"tags\": [\"a\", \"b\"], "
                        + "\"title\": \"say \\\"hi\\\"\\n\"}");
        assertThat(Display.metadata(null)).isEmpty();
    }

    @Test
    void showsAFieldErrorBesideTheInputNamedByItsRoot() {
        assertThat(Refusals.root("databases[2]")).isEqualTo("databases");
        assertThat(Refusals.root("where.$and[0]")).isEqualTo("where");
        assertThat(Refusals.root("n_results")).isEqualTo("n_results");
    }

    @Test
    void snippetsQuoteNamesForJavaScriptAndPython() {
        ClientSnippets snippets = ClientSnippets.connect(new ClientSnippets.Endpoint("db.example", 443, true),
                "acme", "default_database", "qk_secret");
        assertThat(snippets.javascript()).contains("host: \"db.example\"", "port: 443", "ssl: true",
                "tenant: \"acme\"", "\"x-chroma-token\": \"qk_secret\"");
        assertThat(snippets.python()).contains("ssl=True", "database=\"default_database\"");
    }
}
