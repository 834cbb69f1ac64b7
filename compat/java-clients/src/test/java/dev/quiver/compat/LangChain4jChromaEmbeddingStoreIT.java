package dev.quiver.compat;

import static dev.langchain4j.store.embedding.filter.MetadataFilterBuilder.metadataKey;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.langchain4j.data.document.Metadata;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import dev.langchain4j.store.embedding.EmbeddingMatch;
import dev.langchain4j.store.embedding.EmbeddingSearchRequest;
import dev.langchain4j.store.embedding.chroma.ChromaApiVersion;
import dev.langchain4j.store.embedding.chroma.ChromaEmbeddingStore;
import dev.langchain4j.store.embedding.filter.Filter;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * LangChain4j's Chroma embedding store (langchain4j-chroma 1.13.0-beta23, API v2) against Quiver, with
 * real all-MiniLM-L6-v2 embeddings. The store runs with its defaults, as an application would: tenant
 * {@code default} and database {@code default}, which it creates when missing, and a collection of its
 * own per test, dropped afterwards.
 */
@ExtendWith(QuiverProcess.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LangChain4jChromaEmbeddingStoreIT {

    /**
     * The key's tenant and database. langchain4j-chroma's own default is a tenant and a database named
     * {@code default}, which it creates when missing; a key may see only its own tenant, so name it.
     */
    private static final String TENANT = "default_tenant";

    private static final String DATABASE = "default_database";

    private static final String NEAREST_TO_THE_SUN = "Which planet is nearest to the Sun?";

    private final HttpClient http = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5))
        .build();

    private String baseUrl;

    private String apiKey;

    private EmbeddingModel embeddingModel;

    private String collectionName;

    private ChromaEmbeddingStore store;

    @BeforeAll
    void connect(QuiverProcess.Server server) {
        baseUrl = server.baseUrl();
        apiKey = server.apiKey();
        // langchain4j reads both when the store builds its HTTP client; see KeyedHttpClientBuilderFactory.
        System.setProperty("langchain4j.http.clientBuilderFactory", KeyedHttpClientBuilderFactory.class.getName());
        System.setProperty(KeyedHttpClientBuilderFactory.KEY_PROPERTY, apiKey);
        embeddingModel = new AllMiniLmL6V2EmbeddingModel();
    }

    @BeforeEach
    void storeSampleDocuments() {
        collectionName = "langchain4j-" + UUID.randomUUID();
        store = ChromaEmbeddingStore.builder()
            .apiVersion(ChromaApiVersion.V2)
            .baseUrl(baseUrl)
            .tenantName(TENANT)
            .databaseName(DATABASE)
            .collectionName(collectionName)
            .build(); // the client's default 5 s timeout is kept on purpose: applications get it too
        List<TextSegment> segments = SampleDocuments.ALL.stream()
            .map(sample -> TextSegment.from(sample.text(),
                    Metadata.from(Map.of("topic", sample.topic(), "year", sample.year()))))
            .toList();
        List<String> ids = SampleDocuments.ALL.stream().map(SampleDocuments.SampleDocument::id).toList();
        store.addAll(ids, embeddingModel.embedAll(segments).content(), segments);
    }

    /** langchain4j-chroma has no call that drops a collection (removeAll() recreates it), so use HTTP. */
    @AfterEach
    void dropCollection() throws IOException, InterruptedException {
        URI collection = URI.create(baseUrl + "/api/v2/tenants/" + TENANT + "/databases/" + DATABASE
                + "/collections/" + collectionName);
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(collection)
                    .header("x-chroma-token", apiKey)
                    .timeout(Duration.ofSeconds(30))
                    .DELETE()
                    .build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).as("DELETE %s: %s", collection, response.body()).isEqualTo(200);
    }

    @Test
    void similaritySearchReturnsTheMostRelevantDocumentFirst() {
        List<EmbeddingMatch<TextSegment>> matches = search(NEAREST_TO_THE_SUN, 3, null);

        assertThat(matches).hasSize(3);
        EmbeddingMatch<TextSegment> best = matches.get(0);
        assertThat(best.embeddingId()).isEqualTo("mercury");
        assertThat(best.embedded().text()).isEqualTo(SampleDocuments.ALL.get(0).text());
        assertThat(best.embedded().metadata().getString("topic")).isEqualTo("astronomy");
        assertThat(best.embedded().metadata().getInteger("year")).isEqualTo(2019);
        assertThat(best.embedding().vector()).hasSize(embeddingModel.dimension());
        assertThat(best.score()).isBetween(0.5, 1.0);
        assertThat(matches).extracting(EmbeddingMatch::score).isSortedAccordingTo((a, b) -> Double.compare(b, a));
    }

    @Test
    void metadataFilterKeepsOnlyMatchingDocuments() {
        String query = "Apple announced a new phone";

        List<EmbeddingMatch<TextSegment>> unfiltered = search(query, 6, null);
        List<EmbeddingMatch<TextSegment>> fruitOnly = search(query, 6, metadataKey("topic").isEqualTo("fruit"));

        assertThat(unfiltered).hasSize(SampleDocuments.ALL.size())
            .first()
            .extracting(EmbeddingMatch::embeddingId)
            .isEqualTo("apple-phone");
        assertThat(fruitOnly).extracting(EmbeddingMatch::embeddingId)
            .containsExactly("apple-fruit", "banana");
    }

    @Test
    void filterCombinesStringEqualityWithIntegerRange() {
        Filter recentAstronomy = metadataKey("topic").isEqualTo("astronomy")
            .and(metadataKey("year").isGreaterThanOrEqualTo(2021));

        List<EmbeddingMatch<TextSegment>> matches = search("a planet", 6, recentAstronomy);

        assertThat(matches).extracting(EmbeddingMatch::embeddingId).containsExactly("jupiter");
    }

    @Test
    void removedDocumentIsNoLongerFound() {
        store.removeAll(List.of("mercury"));

        List<EmbeddingMatch<TextSegment>> matches = search(NEAREST_TO_THE_SUN, 6, null);

        assertThat(matches).hasSize(SampleDocuments.ALL.size() - 1)
            .first()
            .extracting(EmbeddingMatch::embeddingId)
            .isEqualTo("jupiter");
        assertThat(matches).extracting(EmbeddingMatch::embeddingId).doesNotContain("mercury");
    }

    @Test
    void removeByFilterRemovesOnlyMatchingDocuments() {
        store.removeAll(metadataKey("topic").isEqualTo("technology"));

        List<EmbeddingMatch<TextSegment>> matches = search("Apple unveiled a new iPhone", 6, null);

        assertThat(matches).extracting(EmbeddingMatch::embeddingId)
            .containsExactlyInAnyOrderElementsOf(SampleDocuments.ALL.stream()
                .filter(sample -> !sample.topic().equals("technology"))
                .map(SampleDocuments.SampleDocument::id)
                .toList());
    }

    @Test
    void removeAllLeavesAnEmptyCollectionThatAcceptsNewDocuments() {
        store.removeAll();

        assertThat(search(NEAREST_TO_THE_SUN, 6, null)).isEmpty();

        TextSegment segment = TextSegment.from("Venus is the hottest planet.", Metadata.from("topic", "astronomy"));
        Embedding embedding = embeddingModel.embed(segment).content();
        store.add("venus", embedding);
        store.addAll(List.of("venus-text"), List.of(embedding), List.of(segment));

        assertThat(search(NEAREST_TO_THE_SUN, 6, null)).extracting(EmbeddingMatch::embeddingId)
            .containsExactlyInAnyOrder("venus", "venus-text");
    }

    private List<EmbeddingMatch<TextSegment>> search(String query, int maxResults, @Nullable Filter filter) {
        return store.search(EmbeddingSearchRequest.builder()
            .queryEmbedding(embeddingModel.embed(query).content())
            .maxResults(maxResults)
            .filter(filter)
            .build()).matches();
    }

}
