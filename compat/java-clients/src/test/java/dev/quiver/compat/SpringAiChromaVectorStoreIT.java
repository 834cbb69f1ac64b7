package dev.quiver.compat;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.ai.chroma.vectorstore.ChromaApi;
import org.springframework.ai.chroma.vectorstore.ChromaVectorStore;
import org.springframework.ai.document.Document;
import org.springframework.ai.embedding.EmbeddingModel;
import org.springframework.ai.vectorstore.SearchRequest;

/**
 * Spring AI's Chroma vector store (spring-ai-chroma-store 1.1.8, which speaks only API v2) against
 * Quiver, with real all-MiniLM-L6-v2 embeddings. The store runs as an application would configure it:
 * its default tenant and database ({@code SpringAiTenant}, {@code SpringAiDatabase}), which it creates
 * when missing, and a collection of its own per test, dropped afterwards.
 *
 * <p>On the wire this client (Spring's {@code RestClient} on the JDK {@code HttpClient}) sends every
 * body with {@code Transfer-Encoding: chunked} and no {@code Content-Length}, and every request with
 * HTTP/2 cleartext upgrade headers ({@code Connection: Upgrade, HTTP2-Settings}, {@code Upgrade: h2c}).
 */
@ExtendWith(QuiverProcess.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SpringAiChromaVectorStoreIT {

    /**
     * The key's tenant and database. Spring AI's defaults ({@code SpringAiTenant}, {@code SpringAiDatabase}) are
     * created when missing, which a key may not do: a key sees only its own tenant, so the store is told its name.
     */
    private static final String TENANT = "default_tenant";

    private static final String DATABASE = "default_database";

    private ChromaApi chromaApi;

    private EmbeddingModel embeddingModel;

    private String collectionName;

    private ChromaVectorStore store;

    @BeforeAll
    void connect(QuiverProcess.Server server) {
        chromaApi = ChromaApi.builder().baseUrl(server.baseUrl()).build().withKeyToken(server.apiKey());
        embeddingModel = new MiniLmEmbeddingModel(new AllMiniLmL6V2EmbeddingModel());
    }

    @BeforeEach
    void storeSampleDocuments() {
        collectionName = "spring-ai-" + UUID.randomUUID();
        store = ChromaVectorStore.builder(chromaApi, embeddingModel)
            .tenantName(TENANT)
            .databaseName(DATABASE)
            .collectionName(collectionName)
            .initializeSchema(true)
            .initializeImmediately(true)
            .build();
        store.add(SampleDocuments.ALL.stream()
            .map(sample -> Document.builder()
                .id(sample.id())
                .text(sample.text())
                .metadata(Map.of("topic", sample.topic(), "year", sample.year()))
                .build())
            .toList());
    }

    @AfterEach
    void dropCollection() {
        chromaApi.deleteCollection(TENANT, DATABASE, collectionName);
        assertThat(chromaApi.getCollection(TENANT, DATABASE, collectionName)).isNull();
    }

    @Test
    void createsCollectionWithCosineSpaceAndStoresEveryDocument() {
        ChromaApi.Collection collection = chromaApi.getCollection(TENANT, DATABASE, collectionName);

        assertThat(collection).isNotNull();
        assertThat(collection.name()).isEqualTo(collectionName);
        assertThat(collection.metadata()).containsEntry("hnsw:space", "cosine");
        assertThat(chromaApi.countEmbeddings(TENANT, DATABASE, collection.id()))
            .isEqualTo(SampleDocuments.ALL.size());
    }

    @Test
    void similaritySearchReturnsTheMostRelevantDocumentFirst() {
        List<Document> results = store
            .similaritySearch(SearchRequest.builder().query("Which planet is nearest to the Sun?").topK(3).build());

        assertThat(results).isNotEmpty();
        Document best = results.get(0);
        assertThat(best.getId()).isEqualTo("mercury");
        assertThat(best.getText()).isEqualTo(SampleDocuments.ALL.get(0).text());
        assertThat(best.getMetadata()).containsEntry("topic", "astronomy").containsEntry("year", 2019);
        assertThat(best.getScore()).isBetween(0.0, 1.0);
        assertThat(results).extracting(Document::getScore).isSortedAccordingTo((a, b) -> Double.compare(b, a));
    }

    @Test
    void metadataFilterKeepsOnlyMatchingDocuments() {
        String query = "Apple announced a new phone";

        List<Document> unfiltered = store.similaritySearch(SearchRequest.builder().query(query).topK(6).build());
        SearchRequest fruitRequest =
                SearchRequest.builder().query(query).topK(6).filterExpression("topic == 'fruit'").build();
        List<Document> fruitOnly = store.similaritySearch(fruitRequest);

        assertThat(unfiltered).first().extracting(Document::getId).isEqualTo("apple-phone");
        assertThat(fruitOnly).isNotEmpty()
            .extracting(Document::getId)
            .startsWith("apple-fruit")
            .isSubsetOf(SampleDocuments.idsWithTopic("fruit"));
    }

    @Test
    void filterCombinesStringEqualityWithIntegerRange() {
        List<Document> results = store.similaritySearch(SearchRequest.builder()
            .query("a planet")
            .topK(6)
            .filterExpression("topic == 'astronomy' && year >= 2021")
            .build());

        assertThat(results).extracting(Document::getId).containsExactly("jupiter");
    }

    @Test
    void deletedDocumentIsNoLongerFound() {
        store.delete(List.of("mercury"));

        List<Document> results = store
            .similaritySearch(SearchRequest.builder().query("Which planet is nearest to the Sun?").topK(6).build());

        assertThat(results).isNotEmpty().extracting(Document::getId).doesNotContain("mercury").startsWith("jupiter");
        String collectionId = chromaApi.getCollection(TENANT, DATABASE, collectionName).id();
        assertThat(chromaApi.countEmbeddings(TENANT, DATABASE, collectionId))
            .isEqualTo(SampleDocuments.ALL.size() - 1L);
    }

    @Test
    void deleteByFilterRemovesOnlyMatchingDocuments() {
        store.delete("topic == 'technology'");

        List<Document> results = store.similaritySearch(
                SearchRequest.builder().query("Apple unveiled a new iPhone").topK(6).similarityThresholdAll().build());

        assertThat(results).isNotEmpty()
            .extracting(Document::getId)
            .doesNotContainAnyElementsOf(SampleDocuments.idsWithTopic("technology"));
        String collectionId = chromaApi.getCollection(TENANT, DATABASE, collectionName).id();
        assertThat(chromaApi.countEmbeddings(TENANT, DATABASE, collectionId))
            .isEqualTo(SampleDocuments.ALL.size() - SampleDocuments.idsWithTopic("technology").size());
    }

}
