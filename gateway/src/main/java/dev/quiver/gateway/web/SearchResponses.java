package dev.quiver.gateway.web;

import dev.quiver.search.api.SearchResult;
import dev.quiver.search.api.SearchSelect;
import dev.quiver.search.api.StoredRecord;
import java.util.List;
import tools.jackson.core.JsonGenerator;

/**
 * Writes Chroma's {@code SearchResponse}: one row per search in each of {@code ids}, {@code documents},
 * {@code embeddings}, {@code metadatas} and {@code scores}, where a column the search did not select is null for
 * that row, and {@code select}, each search's keys sorted as Chroma sorts them. A score that is not finite is
 * written as null, as Chroma's serializer writes a NaN. Stateless.
 */
final class SearchResponses {

    private SearchResponses() {
    }

    static byte[] write(List<SearchResult> results, List<SearchParser.ParsedSearch> searches) {
        return JsonResponses.write(json -> {
            json.writeStartObject();
            json.writeName("ids");
            json.writeStartArray();
            for (SearchResult result : results) {
                json.writeStartArray();
                for (StoredRecord record : result.records()) {
                    json.writeString(record.id());
                }
                json.writeEndArray();
            }
            json.writeEndArray();
            column(json, "documents", results, searches);
            column(json, "embeddings", results, searches);
            column(json, "metadatas", results, searches);
            column(json, "scores", results, searches);
            json.writeName("select");
            json.writeStartArray();
            for (SearchParser.ParsedSearch search : searches) {
                json.writeStartArray();
                for (String key : search.selectKeys()) {
                    json.writeString(key);
                }
                json.writeEndArray();
            }
            json.writeEndArray();
            json.writeEndObject();
        });
    }

    private static void column(JsonGenerator json, String column, List<SearchResult> results,
            List<SearchParser.ParsedSearch> searches) {
        json.writeName(column);
        json.writeStartArray();
        for (int i = 0; i < results.size(); i++) {
            SearchResult result = results.get(i);
            SearchSelect select = searches.get(i).request().select();
            boolean selected = switch (column) {
                case "documents" -> select.documents();
                case "embeddings" -> select.embeddings();
                case "metadatas" -> select.metadata();
                case "scores" -> select.scores();
                default -> throw new IllegalArgumentException("unknown column: " + column);
            };
            if (!selected) {
                json.writeNull();
                continue;
            }
            json.writeStartArray();
            List<StoredRecord> records = result.records();
            for (int r = 0; r < records.size(); r++) {
                StoredRecord record = records.get(r);
                switch (column) {
                    case "documents" -> JsonResponses.writeNullableString(json, record.document());
                    case "embeddings" -> JsonResponses.writeEmbedding(json, record.embedding());
                    case "metadatas" -> JsonResponses.writeMetadata(json, record.metadata());
                    default -> {
                        float[] scores = result.scores();
                        if (scores.length == 0 || !Float.isFinite(scores[r])) {
                            json.writeNull();
                        } else {
                            json.writeNumber(scores[r]);
                        }
                    }
                }
            }
            json.writeEndArray();
        }
        json.writeEndArray();
    }
}
