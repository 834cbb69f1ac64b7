package dev.quiver.embedding.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import dev.quiver.embedding.api.EmbeddingFunction;
import dev.quiver.embedding.api.EmbeddingFunctionConfiguration;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The built-in all-MiniLM-L6-v2 against what sentence-transformers promises of it, and against LangChain4j's own
 * encoder of the same ONNX file, computed independently. One model for the class: loading takes seconds.
 */
class BuiltInEmbeddingFunctionsTests {

    /** Each pair says one thing twice in different words; no two pairs share a topic. */
    private static final List<List<String>> PARAPHRASES = List.of(
            List.of("The cat sat on the mat.", "A cat was sitting on the rug."),
            List.of("How do I reset my password?", "What are the steps to change my login password?"),
            List.of("The stock market fell sharply today.", "Share prices dropped steeply on the exchange today."),
            List.of("She is learning to play the violin.", "She takes violin lessons to learn the instrument."),
            List.of("The train to Paris was delayed by an hour.", "Our Paris-bound train arrived sixty minutes late."),
            List.of("Drink plenty of water when it is hot.", "Stay hydrated during hot weather."),
            List.of("The recipe needs two cups of flour.", "You will need 2 cups of flour for this recipe."),
            List.of("He repaired the flat tire on his bicycle.", "He fixed his bike's punctured tyre."),
            List.of("The meeting has been moved to Thursday.", "We rescheduled the meeting for Thursday."),
            List.of("Solar panels convert sunlight into electricity.", "Photovoltaic cells turn the sun's light "
                    + "into electric power."),
            List.of("The children are playing football in the park.", "Kids are kicking a soccer ball around the "
                    + "park."),
            List.of("This laptop's battery lasts ten hours.", "The notebook computer runs for ten hours on one "
                    + "charge."));

    private static ExecutorService pool;
    private static BuiltInEmbeddingFunctions functions;
    private static EmbeddingFunction miniLm;

    @BeforeAll
    static void loadModel() {
        pool = Executors.newFixedThreadPool(2);
        functions = new BuiltInEmbeddingFunctions(pool, 4, Duration.ofMinutes(2));
        miniLm = functions.miniLm();
    }

    @AfterAll
    static void closeModel() {
        functions.close();
        pool.shutdown();
    }

    @Test
    void vectorsHave384DimensionsAndUnitLength() {
        float[][] vectors = miniLm.embed(List.of("hello world", "Vector databases index embeddings.", ""));

        assertThat(miniLm.dimension()).isEqualTo(384);
        assertThat(vectors).hasNumberOfRows(3);
        for (float[] vector : vectors) {
            assertThat(vector).hasSize(384);
            assertThat(norm(vector)).isCloseTo(1.0, within(1e-5));
        }
    }

    @Test
    void sameTextGivesSameVectorWhateverItsBatch() {
        String text = "Quiver embeds documents on the server.";
        float[] alone = miniLm.embed(List.of(text))[0];
        // Batched with longer texts, the short one is padded; the mask must keep the padding out of the mean.
        float[][] batched = miniLm.embed(List.of("A much longer sentence that forces the short one to be padded "
                + "to its length inside the same batch of the ONNX run.", text, "short"));

        assertThat(miniLm.embed(List.of(text))[0]).containsExactly(alone);
        assertThat(batched[1]).containsExactly(alone, within(1e-5f));
    }

    @Test
    void paraphrasesAreCloserThanUnrelatedSentencesByAMargin() {
        List<String> texts = new ArrayList<>();
        for (List<String> pair : PARAPHRASES) {
            texts.addAll(pair);
        }
        float[][] vectors = miniLm.embed(texts);
        int pairs = PARAPHRASES.size();
        double paraphraseSum = 0;
        double unrelatedSum = 0;
        for (int i = 0; i < pairs; i++) {
            float[] first = vectors[2 * i];
            double paraphrase = dot(first, vectors[2 * i + 1]);
            // The unrelated partner: the second sentence of the next pair, on another topic.
            double unrelated = dot(first, vectors[2 * ((i + 1) % pairs) + 1]);
            assertThat(paraphrase).as("pair %d: %s", i, PARAPHRASES.get(i)).isGreaterThan(unrelated + 0.25);
            paraphraseSum += paraphrase;
            unrelatedSum += unrelated;
        }
        assertThat(paraphraseSum / pairs).isGreaterThan(0.6);
        assertThat(unrelatedSum / pairs).isLessThan(0.2);
    }

    @Test
    void agreesWithLangChain4jOnTextsUnderTheCut() {
        List<String> texts = List.of("The cat sat on the mat.", "How do I reset my password?",
                "Ünïcödé accents and punctuation!? are normalised the same way.", "42");
        float[][] ours = miniLm.embed(texts);
        var reference = new AllMiniLmL6V2EmbeddingModel();
        for (int i = 0; i < texts.size(); i++) {
            float[] theirs = reference.embed(TextSegment.from(texts.get(i))).content().vector();
            assertThat(dot(ours[i], theirs)).as(texts.get(i)).isGreaterThan(0.9999);
            assertThat(ours[i]).containsExactly(theirs, within(1e-4f));
        }
    }

    @Test
    void cutsTextsAt256WordPiecesAsSentenceTransformersDoes() {
        String head = "word ".repeat(300);
        // LangChain4j averages 510-piece windows instead; sentence-transformers keeps the first 256 and drops the rest.
        float[][] vectors = miniLm.embed(List.of(head, head + "an entirely different ending about volcanoes"));

        assertThat(functions.miniLmTokens(head)).isEqualTo(256);
        assertThat(vectors[1]).containsExactly(vectors[0], within(1e-5f));
    }

    @Test
    void resolvesChromaNamesForTheModel() {
        assertThat(functions.find(known("default", Map.of()))).containsSame(miniLm);
        assertThat(functions.find(known("onnx_mini_lm_l6_v2", Map.of()))).containsSame(miniLm);
        assertThat(functions.find(known("default", Map.of("model_name", "Xenova/all-MiniLM-L6-v2",
                "revision", "main", "dtype", "fp32", "quantized", false)))).containsSame(miniLm);
        assertThat(functions.find(known("sentence_transformer", Map.of("model_name", "all-MiniLM-L6-v2",
                "device", "cpu", "normalize_embeddings", false)))).containsSame(miniLm);
        assertThat(functions.find(known("sentence_transformer", Map.of()))).containsSame(miniLm);
    }

    @Test
    void resolvesNothingItCannotReproduce() {
        assertThat(functions.find(new EmbeddingFunctionConfiguration("legacy", null, Map.of()))).isEmpty();
        assertThat(functions.find(known("openai", Map.of("model_name", "text-embedding-3-small")))).isEmpty();
        assertThat(functions.find(known("sentence_transformer", Map.of("model_name", "all-mpnet-base-v2"))))
                .isEmpty();
        assertThat(functions.find(known("default", Map.of("dtype", "uint8")))).isEmpty();
        assertThat(functions.find(known("default", Map.of("quantized", true)))).isEmpty();
    }

    private static EmbeddingFunctionConfiguration known(String name, Map<String, Object> config) {
        return new EmbeddingFunctionConfiguration("known", name, config);
    }

    private static double dot(float[] a, float[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += (double) a[i] * b[i];
        }
        return sum;
    }

    private static double norm(float[] vector) {
        return Math.sqrt(dot(vector, vector));
    }
}
